#include <stdlib.h>
#include <string.h>

#include "inplace.h"

/* One contiguous piece of host memory. */
struct range {
	uint8_t *p;
	uint64_t len;
};

/* A position in a list of ranges. */
struct cursor {
	const struct range *r;
	unsigned int i;
	uint64_t off;
};

/* The pieces of [off, off + len) of seg[0..n) into r[0..max): their count,
 * or -1 when there are more or one is outside guest memory. */
static int ranges(const struct seg *seg, unsigned int n, uint64_t off,
		  uint64_t len, struct range *r, unsigned int max)
{
	unsigned int i, k = 0;

	for (i = 0; i < n && len > 0; i++) {
		uint64_t take;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		if (!seg[i].p || k == max)
			return -1;
		take = seg[i].len - off;
		if (take > len)
			take = len;
		r[k].p = seg[i].p + off;
		r[k].len = take;
		k++;
		len -= take;
		off = 0;
	}
	return len ? -1 : (int)k;
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Every piece of d at the same address as the same bytes of s. */
static int same_places(const struct range *s, const struct range *d,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (s[i].p != d[i].p || s[i].len != d[i].len)
			return 0;
	return 1;
}

/* Sorted by start: no two overlap. */
static int disjoint_sorted(const struct range *r, unsigned int n)
{
	unsigned int i;

	for (i = 1; i < n; i++)
		if (r[i].p < r[i - 1].p + r[i - 1].len)
			return 0;
	return 1;
}

/* Each sorted by start: no range of a overlaps one of b. */
static int apart_sorted(const struct range *a, unsigned int na,
			const struct range *b, unsigned int nb)
{
	const uint8_t *end_a = NULL, *end_b = NULL;
	unsigned int i = 0, j = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i].p < b[j].p)) {
			if (end_b && a[i].p < end_b)
				return 0;
			if (!end_a || a[i].p + a[i].len > end_a)
				end_a = a[i].p + a[i].len;
			i++;
		} else {
			if (end_a && b[j].p < end_a)
				return 0;
			if (!end_b || b[j].p + b[j].len > end_b)
				end_b = b[j].p + b[j].len;
			j++;
		}
	}
	return 1;
}

/* Writing d in stream order leaves s to be read as it was. */
static int safe(const struct range *s, unsigned int ns, const struct range *d,
		unsigned int nd)
{
	struct range ss[INPLACE_MAX_RANGES], sd[INPLACE_MAX_RANGES];

	memcpy(ss, s, ns * sizeof(*s));
	qsort(ss, ns, sizeof(*ss), by_start);
	if (ns == nd && same_places(s, d, ns))
		return disjoint_sorted(ss, ns);
	memcpy(sd, d, nd * sizeof(*d));
	qsort(sd, nd, sizeof(*sd), by_start);
	return apart_sorted(ss, ns, sd, nd);
}

static uint64_t left(const struct cursor *c)
{
	return c->r[c->i].len - c->off;
}

/* Move c on by n bytes, copying them from or to buf if it is not NULL. */
static void step(struct cursor *c, uint8_t *buf, uint64_t n, int to_buf)
{
	while (n > 0) {
		uint64_t take = left(c) < n ? left(c) : n;

		if (buf && to_buf)
			memcpy(buf, c->r[c->i].p + c->off, take);
		else if (buf)
			memcpy(c->r[c->i].p + c->off, buf, take);
		if (buf)
			buf += take;
		n -= take;
		c->off += take;
		if (c->off == c->r[c->i].len) {
			c->i++;
			c->off = 0;
		}
	}
}

/* Pieces handed to the cipher in one call. A block that straddles two
 * pieces of memory is gathered into its own blk[] before the call, and its
 * output scattered from there to at[] after it. */
#define BATCH 32

struct batch {
	struct vc_piece p[BATCH];
	uint8_t blk[BATCH][VC_AES_BLOCK];
	struct cursor at[BATCH];
	unsigned int n;
};

static int flush(const struct sym_session *s, struct batch *b, uint8_t *chain)
{
	unsigned int i;

	if (vc_cipher_crypt_pieces(s->cipher, s->dir, chain, b->p, b->n, chain))
		return -1;
	for (i = 0; i < b->n; i++)
		if (b->p[i].out == b->blk[i])
			step(&b->at[i], b->blk[i], b->p[i].len, 0);
	b->n = 0;
	return 0;
}

int inplace_crypt(const struct sym_session *s, const uint8_t *iv,
		  const struct seg *in, unsigned int nin, uint64_t in_off,
		  const struct seg *out, unsigned int nout, uint64_t len)
{
	struct range src[INPLACE_MAX_RANGES], dst[INPLACE_MAX_RANGES];
	struct cursor cs = { src, 0, 0 }, cd = { dst, 0, 0 };
	uint8_t chain[VC_IV_LEN];
	struct batch b;
	int ns, nd;

	if (len == 0)
		return 0;
	ns = ranges(in, nin, in_off, len, src, INPLACE_MAX_RANGES);
	nd = ranges(out, nout, 0, len, dst, INPLACE_MAX_RANGES);
	if (ns < 0 || nd < 0 ||
	    len / (unsigned int)(ns > nd ? ns : nd) < INPLACE_MIN_AVG ||
	    !safe(src, (unsigned int)ns, dst, (unsigned int)nd))
		return 0;
	memcpy(chain, iv, sizeof(chain));
	b.n = 0;
	while (len > 0) {
		uint64_t n = left(&cs) < left(&cd) ? left(&cs) : left(&cd);
		struct vc_piece *p;

		if (b.n == BATCH && flush(s, &b, chain))
			return -1;
		p = &b.p[b.n];
		if (n > len)
			n = len;
		/* Whole blocks in place; CTR's last partial block too. */
		if (n < len || s->alg != VC_AES_CTR)
			n &= ~(uint64_t)(VC_AES_BLOCK - 1);
		if (n > 0) {
			p->in = cs.r[cs.i].p + cs.off;
			p->out = cd.r[cd.i].p + cd.off;
			step(&cs, NULL, n, 0);
			step(&cd, NULL, n, 0);
		} else {
			n = len < VC_AES_BLOCK ? len : VC_AES_BLOCK;
			step(&cs, b.blk[b.n], n, 1);
			b.at[b.n] = cd;
			step(&cd, NULL, n, 0);
			p->in = p->out = b.blk[b.n];
		}
		p->len = (size_t)n;
		b.n++;
		len -= n;
	}
	return flush(s, &b, chain) ? -1 : 1;
}
