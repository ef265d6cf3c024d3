#include <errno.h>
#include <string.h>

#include "vring.h"

/* Keep the compiler from re-reading guest memory instead of our copy. */
#define compiler_barrier() __asm__ __volatile__("" ::: "memory")

static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

int vring_setup(struct virtq *vr, const struct mem_table *mem,
		unsigned int num, uint64_t desc, uint64_t avail, uint64_t used,
		uint16_t base)
{
	uint8_t *d, *a, *u;

	if (num == 0 || num > VRING_MAX_NUM || (num & (num - 1)))
		return -EINVAL;
	if ((desc & 15) || (avail & 1) || (used & 3))
		return -EINVAL;
	d = mem_uaddr(mem, desc, 16ull * num);
	a = mem_uaddr(mem, avail, 4 + 2ull * num + 2);
	u = mem_uaddr(mem, used, 4 + 8ull * num + 2);
	/* An odd mmap_offset can misalign them here even when QEMU's
	 * addresses are aligned; atomics need them aligned. */
	if (!d || !a || !u || ((uintptr_t)d & 15) || ((uintptr_t)a & 1) ||
	    ((uintptr_t)u & 3))
		return -EINVAL;
	memset(vr, 0, sizeof(*vr));
	vr->num = num;
	vr->desc = (struct vring_desc *)d;
	vr->avail = (struct vring_avail *)a;
	vr->used = (struct vring_used *)u;
	vr->last_avail = base;
	vr->used_idx = load16(&vr->used->idx);
	return 0;
}

static int add_segs(struct chain *c, const struct mem_table *mem,
		    uint64_t addr, uint32_t len, int writable)
{
	uint64_t left = len;

	if (writable)
		c->out_len += len;
	else
		c->in_len += len;
	while (left > 0) {
		struct seg *s;
		uint64_t avail, n;
		uint8_t *p;

		if (c->nin + c->nout >= c->cap) {
			c->error = "chain has too many segments";
			return -1;
		}
		s = &c->seg[c->nin + c->nout];
		p = mem_gpa(mem, addr, 0, &avail);
		n = left;
		if (!p) {
			c->bad_addr = 1;
		} else if (avail < left) {
			n = avail;
		}
		s->p = p;
		s->len = (uint32_t)n;
		if (writable)
			c->nout++;
		else
			c->nin++;
		if (!p)
			break;
		addr += n;
		left -= n;
	}
	return 0;
}

static void walk(struct virtq *vr, const struct mem_table *mem, struct chain *c)
{
	const uint8_t *table = (const uint8_t *)vr->desc;
	unsigned int size = vr->num, idx = c->head, count = 0;
	int indirect = 0;
	struct vring_desc d;

	for (;;) {
		if (count++ >= size) {
			c->error = "descriptor chain longer than its table (loop?)";
			return;
		}
		memcpy(&d, table + 16ul * idx, sizeof(d));
		compiler_barrier();
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (indirect || count != 1) {
				c->error = "indirect descriptor not at the head";
				return;
			}
			if (d.flags & VRING_DESC_F_NEXT) {
				c->error = "indirect descriptor with NEXT";
				return;
			}
			if (d.len == 0 || d.len % 16 || d.len / 16 > VRING_MAX_NUM) {
				c->error = "indirect table of a bad size";
				return;
			}
			table = mem_gpa(mem, d.addr, d.len, NULL);
			if (!table) {
				c->error = "indirect table outside guest memory";
				return;
			}
			size = d.len / 16;
			idx = 0;
			count = 0;
			indirect = 1;
			continue;
		}
		if (d.flags & VRING_DESC_F_WRITE) {
			if (add_segs(c, mem, d.addr, d.len, 1))
				return;
		} else {
			if (c->nout) {
				c->error = "readable descriptor after a writable one";
				return;
			}
			if (add_segs(c, mem, d.addr, d.len, 0))
				return;
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			return;
		idx = d.next;
		if (idx >= size) {
			c->error = "descriptor next index out of range";
			return;
		}
	}
}

int vring_pop(struct virtq *vr, const struct mem_table *mem, struct chain *c)
{
	uint16_t avail_idx, head;

	if (vr->broken || vr->num == 0)
		return -1;
	avail_idx = load16(&vr->avail->idx);
	if (avail_idx == vr->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vr->last_avail) > vr->num) {
		vr->broken = "avail index moved by more than the ring size";
		return -1;
	}
	head = load16(&vr->avail->ring[vr->last_avail & (vr->num - 1)]);
	if (head >= vr->num) {
		vr->broken = "avail ring entry out of range";
		return -1;
	}
	vr->last_avail++;
	c->head = head;
	c->error = NULL;
	c->nin = c->nout = 0;
	c->in_len = c->out_len = 0;
	c->bad_addr = 0;
	walk(vr, mem, c);
	return 1;
}

void vring_fill(struct virtq *vr, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vr->used->ring[vr->used_idx & (vr->num - 1)];

	__atomic_store_n(&e->id, (uint32_t)head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	vr->used_idx++;
}

void vring_flush(struct virtq *vr)
{
	__atomic_store_n(&vr->used->idx, vr->used_idx, __ATOMIC_RELEASE);
}

int vring_need_signal(struct virtq *vr)
{
	uint16_t old = vr->signalled_used, event;
	int valid = vr->signalled_valid;

	/* The guest re-enables interrupts, then re-reads used->idx: order our
	 * index before the read of its flag or event, or a completion may
	 * go unnoticed. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vr->event_idx)
		return !(load16(&vr->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	vr->signalled_used = vr->used_idx;
	vr->signalled_valid = 1;
	event = load16(&vr->avail->ring[vr->num]);	/* used_event */
	return !valid || vring_need_event(event, vr->used_idx, old);
}

int vring_publish_avail_event(struct virtq *vr)
{
	uint16_t *avail_event = (uint16_t *)&vr->used->ring[vr->num];

	__atomic_store_n(avail_event, vr->last_avail, __ATOMIC_RELAXED);
	/* The guest checks avail_event after publishing avail->idx: order our
	 * store before the re-read, or a request may sit unnoticed. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16(&vr->avail->idx) != vr->last_avail;
}

int vring_has_avail(const struct virtq *vr)
{
	return !vr->broken && load16(&vr->avail->idx) != vr->last_avail;
}
