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

/* Where the ring is, as SET_VRING_NUM/ADDR/BASE described it, and whether
 * SET_FEATURES negotiated VIRTIO_RING_F_EVENT_IDX. */
struct ring_config {
	unsigned int num;
	uint64_t desc, avail, used;	/* QEMU-virtual addresses */
	uint16_t base;			/* next avail entry to pop */
	int event_idx;
};

/*
 * A request whose chain has at most this many device-readable bytes
 * (header, IV, AAD, source) is served by the ring thread as soon as it is
 * popped: below that, handing it to a worker costs more than serving it
 * (host/README.md, "Measured": at 8 requests a kick on 2 cores, 8 KiB took
 * 10.0 µs a request here and 11.0 on the workers, 16 KiB 15.2 here and
 * 14.0 there). Larger ones go to the workers, but the last of a pass is
 * served here too (it would wait for a wake-up otherwise).
 */
#define DEVICE_INLINE_MAX (16u << 10)

/* Completions of one pass kept before they are written to the used ring
 * and signalled (a longer pass signals every so many). */
#define DEVICE_DONE_BATCH 64

/* Worker jobs kept for reuse once done (more are freed), and the segments
 * a kept job keeps room for. */
#define DEVICE_JOBS_KEEP 256
#define DEVICE_JOB_SEGS_KEEP 64

struct job;

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
	struct vring_used_elem done[DEVICE_DONE_BATCH];	/* served here */
	unsigned int ndone;
	pthread_mutex_t used_lock;	/* what follows, the used ring, the
					 * jobs' free list */
	int in_pass;			/* the ring thread is popping */
	unsigned int unsignalled;	/* published since the last signal */
	unsigned int in_flight;		/* jobs given to the workers */
	unsigned int queued_segs;	/* their segments */
	struct job *free_jobs;
	unsigned int nfree;
	unsigned int jobs_made;		/* allocated since device_init() */
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

/* The workers' function: serve one request, push it, notify when no other
 * request is in flight (or many completions wait for a signal). */
void device_run_work(struct work *w, struct req_scratch *scratch);

#endif
