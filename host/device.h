/*
 * The crypto device behind one vhost-user connection: guest memory, the data
 * ring while it runs, and the serving of its requests (here or on the
 * workers). The connection decides when the ring runs and owns every fd;
 * these calls are all it uses.
 */
#ifndef VCRYPTOD_DEVICE_H
#define VCRYPTOD_DEVICE_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "log.h"
#include "memory.h"
#include "sym_session.h"
#include "vring.h"
#include "workers.h"

/* Where the ring is, as SET_VRING_NUM/ADDR/BASE described it. */
struct ring_config {
	unsigned int num;
	uint64_t desc, avail, used;	/* QEMU-virtual addresses */
	uint16_t base;			/* next avail entry to pop */
};

struct device {
	struct sym_session_table *sessions;
	struct workers *pool;		/* NULL: requests served inline */
	struct mem_table mem;
	struct virtq vr;
	int started;			/* requests are being popped */
	int call_fd;			/* the connection's; -1: none */
	int broken_logged;
	struct log_limit ring_log;	/* starts and breaks: a guest's doing */
	struct chain walk[2];		/* popped, and the one before */
	struct req_scratch inline_scratch;
	pthread_mutex_t used_lock;	/* used ring and notifications */
	unsigned int unsignalled;
	unsigned int queued_segs;	/* in jobs not yet completed */
	int backlog;			/* the last kick left requests */
	unsigned int poll_level;	/* adaptive: the window after a request */
	unsigned int poll_now;		/* adaptive: this window; 0: asleep */
	uint64_t slept_at;		/* adaptive: when polling last stopped */
};

/* device_kick()'s poll_us for adaptive polling (the default): windows of
 * POLL_START_US to POLL_CAP_US, see poll_window_next(). */
#define POLL_ADAPTIVE UINT_MAX
#define POLL_START_US 25u
#define POLL_CAP_US 200u

/*
 * Adaptive polling's next window after one of us microseconds in which a
 * request came (hit) or none did: doubled (from POLL_START_US, at most
 * POLL_CAP_US), or halved, down to 0.
 */
unsigned int poll_window_next(unsigned int us, int hit);

/* An idle device serving requests on sessions from t. 0 or -ENOMEM. */
int device_init(struct device *d, struct sym_session_table *t,
		struct workers *pool);

/* Stop, unmap the memory, free what device_init() allocated. */
void device_destroy(struct device *d);

/*
 * Replace the guest memory with *t (taken over; NULL: none), unmapping the
 * old one once no request uses it. The ring must be stopped.
 */
void device_set_memory(struct device *d, const struct mem_table *t);

/*
 * Start popping requests from the ring cfg describes. Returns 0, or -EINVAL
 * (said why, rate-limited) when it is not inside guest memory or misaligned.
 */
int device_start(struct device *d, const struct ring_config *cfg);

/* Wait for every request in flight, stop popping; returns the next avail
 * index (the ring base to resume from). */
uint16_t device_stop(struct device *d);

/* Notify completions through fd from now on (-1: not at all); the fd stays
 * the caller's, to close after the next set_call. */
void device_set_call(struct device *d, int fd);

/*
 * Serve what the guest made available, at most a ring's worth; then, with
 * poll_us, keep polling the ring for that many microseconds (a guest that
 * sends its next request soon is served without a wake-up). With
 * POLL_ADAPTIVE, only serve, and adapt the window to the time since polling
 * last stopped: the windows are device_poll()'s.
 */
void device_kick(struct device *d, unsigned int poll_us);

/* Nonzero while adaptive polling goes on: call device_poll() before
 * sleeping. */
int device_polling(const struct device *d);

/*
 * One window of adaptive polling: poll the ring until a request comes (then
 * serve once, at most a ring's worth) or the window ends; then grow or
 * shrink it (poll_window_next()). At most POLL_CAP_US plus one pass.
 */
void device_poll(struct device *d);

/* Nonzero when the last kick left requests: kick again before sleeping. */
int device_has_backlog(const struct device *d);

/* The workers' function: serve one request, push it, notify. */
void device_run_work(struct work *w, struct req_scratch *scratch);

#endif
