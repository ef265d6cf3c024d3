#include <stdlib.h>
#include <string.h>

#include "fake_guest.h"

int fg_init(struct fake_guest *g, unsigned int num)
{
	struct mem_region r = { 0 };

	memset(g, 0, sizeof(*g));
	g->mem = aligned_alloc(4096, FG_SIZE);
	if (!g->mem)
		return -1;
	memset(g->mem, 0, FG_SIZE);
	r.gpa = FG_GPA;
	r.size = FG_SIZE;
	r.uaddr = FG_UADDR;
	r.host = g->mem;
	if (mem_table_init(&g->mt, &r, 1))
		return -1;
	g->num = num;
	if (vring_setup(&g->vr, &g->mt, num, FG_UADDR + FG_DESC,
			FG_UADDR + FG_AVAIL, FG_UADDR + FG_USED, 0))
		return -1;
	if (vc_engine_open(&g->engine, "openssl", 0))
		return -1;
	sym_session_table_init(&g->st, 0);	/* ids 4096, 8193, ... */
	g->heap = FG_GPA + FG_HEAP;
	g->c.cap = CHAIN_MAX_SEGS;
	g->c.seg = calloc(CHAIN_MAX_SEGS, sizeof(*g->c.seg));
	return g->c.seg ? 0 : -1;
}

void fg_destroy(struct fake_guest *g)
{
	sym_session_table_clear(&g->st);
	vc_engine_close(g->engine);
	req_scratch_free(&g->sc);
	free(g->c.seg);
	free(g->mem);
}

uint64_t fg_alloc(struct fake_guest *g, uint32_t len, uint8_t fill)
{
	uint64_t gpa = g->heap;

	if (gpa + len > FG_GPA + FG_SIZE)
		abort();	/* a test that needs more memory is a broken test */
	memset(fg_host(g, gpa), fill, len);
	g->heap = (gpa + len + 15) & ~15ull;
	return gpa;
}

uint8_t *fg_host(struct fake_guest *g, uint64_t gpa)
{
	return g->mem + (gpa - FG_GPA);
}

void fg_idesc(struct fake_guest *g, uint64_t table, unsigned int i,
	      uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = { addr, len, flags, next };

	memcpy(fg_host(g, table) + 16ul * i, &d, sizeof(d));
}

void fg_desc(struct fake_guest *g, unsigned int i, uint64_t addr, uint32_t len,
	     uint16_t flags, uint16_t next)
{
	fg_idesc(g, FG_GPA + FG_DESC, i, addr, len, flags, next);
}

void fg_post(struct fake_guest *g, uint16_t head)
{
	struct vring_avail *a = (struct vring_avail *)(g->mem + FG_AVAIL);

	a->ring[a->idx % g->num] = head;
	a->idx++;
}

int fg_serve(struct fake_guest *g, uint32_t *id, uint32_t *len, int *status)
{
	struct vring_used *u = (struct vring_used *)(g->mem + FG_USED);
	int r = vring_pop(&g->vr, &g->mt, &g->c);

	if (r != 1)
		return r;
	*len = request_serve(&g->st, &g->c, &g->sc, status);
	vring_fill(&g->vr, g->c.head, *len);
	vring_flush(&g->vr);
	*id = u->ring[(uint16_t)(u->idx - 1) % g->num].id;
	*len = u->ring[(uint16_t)(u->idx - 1) % g->num].len;
	return 1;
}
