/*
 * The split virtqueue in guest memory, seen from the device side: popping
 * descriptor chains (copied before they are checked, bounded, loop-free) and
 * pushing used elements.
 */
#ifndef VCRYPTOD_VRING_H
#define VCRYPTOD_VRING_H

#include <stdint.h>
#include <linux/virtio_ring.h>

#include "memory.h"

#define VRING_MAX_NUM 32768u
/* Segments one chain may produce: every descriptor of a full indirect table,
 * each split once at a region boundary. A chain needing more (descriptors
 * spanning several regions) is refused as a structural error. */
#define CHAIN_MAX_SEGS (2 * VRING_MAX_NUM)

struct virtq {
	unsigned int num;		/* 0: not set up */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;		/* next avail entry to pop */
	uint16_t used_idx;		/* next used entry to fill */
	const char *broken;		/* why the ring stopped, or NULL */
	int event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	int signalled_valid;		/* signalled_used is meaningful */
	uint16_t signalled_used;	/* used index at the last signal check */
};

/* One piece of a chain in host memory; p is NULL where the guest address was
 * outside the memory table. */
struct seg {
	uint8_t *p;
	uint32_t len;
};

struct chain {
	uint16_t head;
	const char *error;	/* structural error: no usable layout */
	unsigned int nin;	/* seg[0 .. nin) device-readable */
	unsigned int nout;	/* seg[nin .. nin + nout) device-writable */
	uint64_t in_len, out_len;
	int bad_addr;		/* some seg has p == NULL */
	unsigned int cap;
	struct seg *seg;
};

/*
 * Point vr at a ring of num entries (a power of two, 1..VRING_MAX_NUM) whose
 * parts are at QEMU-virtual addresses desc/avail/used, all inside mem and
 * aligned as the spec requires (there and in our mapping). last_avail starts
 * at base; used_idx at the used ring's current index; event_idx is off (set
 * it afterwards when negotiated). Returns 0 or -EINVAL (vr untouched).
 */
int vring_setup(struct virtq *vr, const struct mem_table *mem,
		unsigned int num, uint64_t desc, uint64_t avail, uint64_t used,
		uint16_t base);

/*
 * Pop the next available chain into c, in at most c->cap segments (the
 * caller provides seg/cap; CHAIN_MAX_SEGS refuses no usual chain). Returns 1
 * with c filled (c->error set when the chain's structure is unusable: it
 * must still be pushed, with length 0), 0 when nothing is available, -1 when
 * the ring itself is broken (vr->broken says why; nothing more will be
 * popped).
 */
int vring_pop(struct virtq *vr, const struct mem_table *mem, struct chain *c);

/* Nonzero when the guest has made chains available that were not popped. */
int vring_has_avail(const struct virtq *vr);

/* Write used element {head, len}; the guest sees it at vring_flush(). */
void vring_fill(struct virtq *vr, uint16_t head, uint32_t len);

/* Publish the used index: every element filled so far goes to the guest. */
void vring_flush(struct virtq *vr);

/*
 * After vring_flush(): whether the guest wants an interrupt for what was
 * published since the last call (event suppression). With event_idx set,
 * when used_event lies in that span (the first call after vring_setup()
 * always says yes); without it, unless the guest set
 * VRING_AVAIL_F_NO_INTERRUPT. 1 or 0.
 */
int vring_need_signal(struct virtq *vr);

/*
 * Publish avail_event = last_avail (so the guest kicks for the next request)
 * and report whether more chains arrived meanwhile (1) or not (0).
 */
int vring_publish_avail_event(struct virtq *vr);

#endif
