/*
 * A fake guest for vcryptod's unit tests and fuzzers: one region of "guest
 * memory" with a split ring in it, a session table on OpenSSL, and helpers to
 * lay out descriptors and serve them through the real ring walker and
 * request code.
 */
#ifndef TESTS_HOST_FAKE_GUEST_H
#define TESTS_HOST_FAKE_GUEST_H

#include <stdint.h>

#include "../../host/request.h"
#include "../../host/sym_session.h"
#include "../../host/vring.h"

#define FG_GPA		0x40000000ull		/* guest-physical base */
#define FG_UADDR	0x7f1200000000ull	/* QEMU-virtual base */
#define FG_SIZE		(1u << 20)
#define FG_DESC		0x0000u			/* ring offsets in the region */
#define FG_AVAIL	0x1000u
#define FG_USED		0x2000u
#define FG_HEAP		0x10000u

struct fake_guest {
	uint8_t *mem;
	struct mem_table mt;
	struct virtq vr;
	unsigned int num;
	struct vc_engine *engine;
	struct sym_session_table st;
	uint64_t heap;		/* next free gpa */
	struct chain c;
	struct req_scratch sc;
};

/* Memory (zeroed), a ring of num entries, an OpenSSL engine. 0 or -1. */
int fg_init(struct fake_guest *g, unsigned int num);
void fg_destroy(struct fake_guest *g);

/* Allocate len bytes (16-aligned) of guest memory, filled with fill. */
uint64_t fg_alloc(struct fake_guest *g, uint32_t len, uint8_t fill);

/* Host address of a guest-physical address inside the region. */
uint8_t *fg_host(struct fake_guest *g, uint64_t gpa);

/* Write descriptor i of the ring's table. */
void fg_desc(struct fake_guest *g, unsigned int i, uint64_t addr, uint32_t len,
	     uint16_t flags, uint16_t next);

/* Write descriptor i of an indirect table at gpa. */
void fg_idesc(struct fake_guest *g, uint64_t table, unsigned int i,
	      uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);

/* Make head available to the device. */
void fg_post(struct fake_guest *g, uint16_t head);

/*
 * Pop one chain, serve it, push it. Returns vring_pop()'s result; on 1,
 * *id and *len are the used element written and *status the status byte
 * request_serve() wrote (-1: none).
 */
int fg_serve(struct fake_guest *g, uint32_t *id, uint32_t *len, int *status);

#endif
