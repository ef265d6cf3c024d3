/*
 * The crypto device one QEMU connection drives: guest memory, the data ring,
 * the sessions, and the dispatch of requests to the workers.
 */
#ifndef VCRYPTOD_DEVICE_H
#define VCRYPTOD_DEVICE_H

#include <pthread.h>
#include <stdint.h>

#include "log.h"
#include "memory.h"
#include "sym_session.h"
#include "vring.h"
#include "workers.h"

struct device {
	struct vc_engine *engine;
	struct workers *pool;		/* NULL: requests served inline */
	struct mem_table mem;
	struct sym_session_table sessions;
	struct virtq vr;
	/* Ring configuration as SET_VRING_* left it. */
	unsigned int num;
	uint64_t desc, avail, used;
	uint16_t base;
	int have_addr;
	int kick_fd, call_fd, err_fd;
	int started;			/* requests are being popped */
	int disabled;			/* SET_VRING_ENABLE 0 */
	int broken_logged;
	struct log_limit ring_log;	/* starts and stops: a guest's resets */
	struct chain walk[2];		/* popped, and the one before */
	struct req_scratch inline_scratch;
	pthread_mutex_t used_lock;	/* used ring and notifications */
	unsigned int unsignalled;
	unsigned int queued_segs;	/* in jobs not yet completed */
	int backlog;			/* device_process() left requests */
};

/* Set up an idle device. Returns 0 or -ENOMEM. */
int device_init(struct device *d, struct vc_engine *e, struct workers *pool);

/* Back to the state of a new connection: ring stopped, sessions closed,
 * memory unmapped, fds closed. */
void device_reset(struct device *d);

/* device_reset() and free what device_init() allocated. */
void device_destroy(struct device *d);

/* Wait until every dispatched request has been pushed to the used ring. */
void device_quiesce(struct device *d);

/* Quiesce and stop popping requests; the ring state (last_avail) stays. */
void device_stop_ring(struct device *d);

/*
 * Start the ring when everything it needs is there (memory, size, addresses,
 * kick fd). Returns 0 (started, or not ready yet) or -EINVAL when the
 * configured ring does not fit in guest memory.
 */
int device_try_start(struct device *d);

/* The workers' function: serve one dispatched request, push it, notify. */
void device_run_work(struct work *w, struct req_scratch *scratch);

/* Consume the kick eventfd and dispatch every available request. */
void device_kick(struct device *d);

/*
 * Pop and dispatch the available requests, at most a ring's worth; sets
 * backlog when more may be waiting (call again before sleeping on the kick).
 */
void device_process(struct device *d);

#endif
