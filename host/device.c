#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "request.h"

/* Bound on completions between two notifications under sustained load. */
#define MAX_UNSIGNALLED 32

struct job {
	struct work work;	/* first */
	struct device *dev;
	struct chain c;
	struct seg seg[];
};

int device_init(struct device *d, struct sym_session_table *t,
		struct workers *pool)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < 2; i++) {
		d->walk[i].seg = calloc(CHAIN_MAX_SEGS, sizeof(*d->walk[i].seg));
		if (!d->walk[i].seg) {
			free(d->walk[0].seg);
			return -ENOMEM;
		}
		d->walk[i].cap = CHAIN_MAX_SEGS;
	}
	d->sessions = t;
	d->pool = pool;
	d->call_fd = -1;
	pthread_mutex_init(&d->used_lock, NULL);
	return 0;
}

static void quiesce(struct device *d)
{
	if (d->pool)
		workers_drain(d->pool);
}

uint16_t device_stop(struct device *d)
{
	quiesce(d);
	d->started = 0;
	d->unsignalled = 0;
	return d->vr.last_avail;
}

void device_set_memory(struct device *d, const struct mem_table *t)
{
	/* In-flight requests point into the old mappings. */
	quiesce(d);
	mem_table_clear(&d->mem);
	if (t)
		d->mem = *t;
}

void device_set_call(struct device *d, int fd)
{
	/* Workers notify through call_fd. */
	quiesce(d);
	d->call_fd = fd;
}

void device_destroy(struct device *d)
{
	device_stop(d);
	device_set_memory(d, NULL);
	req_scratch_free(&d->inline_scratch);
	free(d->walk[0].seg);
	free(d->walk[1].seg);
	d->walk[0].seg = d->walk[1].seg = NULL;
	pthread_mutex_destroy(&d->used_lock);
}

int device_start(struct device *d, const struct ring_config *cfg)
{
	if (vring_setup(&d->vr, &d->mem, cfg->num, cfg->desc, cfg->avail,
			cfg->used, cfg->base)) {
		static struct log_limit limit;

		vlog_limited(&limit, LOG_WARN, "ring of %u entries at desc %#llx "
			     "avail %#llx used %#llx is not inside guest memory "
			     "or misaligned", cfg->num,
			     (unsigned long long)cfg->desc,
			     (unsigned long long)cfg->avail,
			     (unsigned long long)cfg->used);
		return -EINVAL;
	}
	d->started = 1;
	d->broken_logged = 0;
	d->backlog = 0;
	d->poll_level = d->poll_now = 0;
	d->slept_at = 0;
	vlog_limited(&d->ring_log, LOG_INFO, "data queue started: %u entries, "
		     "avail index %u, used index %u", cfg->num, d->vr.last_avail,
		     d->vr.used_idx);
	return 0;
}

static void notify(struct device *d)
{
	uint64_t one = 1;

	if (d->call_fd >= 0 && write(d->call_fd, &one, sizeof(one)) < 0)
		vlog(LOG_DEBUG, "call eventfd: write failed");
}

/* Push a served request; notify when no more work is waiting to complete
 * soon, so that a burst gets one interrupt. */
static void push_used(struct device *d, uint16_t head, uint32_t len)
{
	int signal;

	pthread_mutex_lock(&d->used_lock);
	vring_push(&d->vr, head, len);
	d->unsignalled++;
	signal = !d->pool || workers_queued(d->pool) == 0 ||
		 d->unsignalled >= MAX_UNSIGNALLED;
	if (signal)
		d->unsignalled = 0;
	pthread_mutex_unlock(&d->used_lock);
	if (signal)
		notify(d);
}

void device_run_work(struct work *w, struct req_scratch *scratch)
{
	struct job *j = (struct job *)w;
	uint32_t len = request_serve(j->dev->sessions, &j->c, scratch, NULL);

	push_used(j->dev, j->c.head, len);
	__atomic_sub_fetch(&j->dev->queued_segs, j->c.nin + j->c.nout,
			   __ATOMIC_RELAXED);
	free(j);
}

static void to_worker(struct device *d, const struct chain *c)
{
	unsigned int n = c->nin + c->nout;
	struct job *j = NULL;

	/* A guest may re-post a head before it is used: without these bounds
	 * it could queue jobs (up to CHAIN_MAX_SEGS segments each) faster
	 * than the workers finish them. */
	if (d->pool && workers_queued(d->pool) < d->vr.num &&
	    __atomic_load_n(&d->queued_segs, __ATOMIC_RELAXED) + n <=
	    CHAIN_MAX_SEGS)
		j = malloc(sizeof(*j) + n * sizeof(j->seg[0]));
	if (!j) {
		/* Serve it here rather than lose it: the guest waits for it. */
		uint32_t len = request_serve(d->sessions, c, &d->inline_scratch,
					     NULL);

		free(j);
		push_used(d, c->head, len);
		return;
	}
	__atomic_add_fetch(&d->queued_segs, n, __ATOMIC_RELAXED);
	j->dev = d;
	j->c = *c;
	j->c.seg = j->seg;
	j->c.cap = n;
	memcpy(j->seg, c->seg, n * sizeof(j->seg[0]));
	workers_submit(d->pool, &j->work);
}

static void serve_inline(struct device *d, const struct chain *c)
{
	push_used(d, c->head, request_serve(d->sessions, c, &d->inline_scratch,
					   NULL));
}

/*
 * Every popped request but the last goes to the workers; the last is served
 * here, which saves a thread wakeup per request when the guest sends one at
 * a time (the common case, and the latency that matters). At most a ring's
 * worth per call, so a guest that never stops posting cannot keep the
 * connection's messages and signals waiting.
 */
static void process(struct device *d)
{
	struct chain *held = NULL;
	unsigned int budget;
	int r = 0, cur = 0;

	d->backlog = 0;
	if (!d->started)
		return;
	budget = d->vr.num;
	for (;;) {
		int more;

		while (budget > 0 &&
		       (r = vring_pop(&d->vr, &d->mem, &d->walk[cur])) == 1) {
			budget--;
			if (held)
				to_worker(d, held);
			held = &d->walk[cur];
			cur ^= 1;
		}
		if (r < 0) {
			if (held)
				serve_inline(d, held);
			if (!d->broken_logged)
				vlog_limited(&d->ring_log, LOG_ERROR, "data queue "
					     "stopped: %s (the guest must reset "
					     "the device)", d->vr.broken);
			d->broken_logged = 1;
			return;
		}
		/* Before any completion of this batch is seen by the guest. */
		more = vring_publish_avail_event(&d->vr);
		if (held) {
			serve_inline(d, held);
			held = NULL;
			if (!budget) {
				d->backlog = 1;
				return;
			}
			continue;
		}
		if (!more)
			return;
	}
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Tells an SMT sibling (and the guest's vCPU thread on it) that we spin. */
static void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

unsigned int poll_window_next(unsigned int us, int hit)
{
	if (!hit)
		return us / 2;
	if (!us)
		return POLL_START_US;
	return us >= POLL_CAP_US / 2 ? POLL_CAP_US : us * 2;
}

/*
 * As KVM's halt polling: a kick that wakes the ring thread soon after it
 * stopped polling would have been caught by a longer window, so the window
 * grows; one that comes after the longest window would not, so it shrinks.
 * A kick while polling changes nothing.
 */
static void adapt_to_kick(struct device *d)
{
	if (d->poll_now || !d->started)
		return;
	d->poll_level = poll_window_next(d->poll_level,
					 now_us() - d->slept_at < POLL_CAP_US);
	d->poll_now = d->poll_level;
}

int device_polling(const struct device *d)
{
	return d->started && d->poll_now;
}

/*
 * A hit makes the next window the grown level; a miss halves what is left,
 * so the polling after the last request stops within twice the level (idle
 * costs nothing) and the level itself is kept for the next kick.
 */
void device_poll(struct device *d)
{
	uint64_t deadline = now_us() + d->poll_now;
	int hit = 0;

	while (d->started && now_us() < deadline) {
		if (vring_has_avail(&d->vr)) {
			hit = 1;
			break;
		}
		spin_pause();
	}
	if (hit) {
		process(d);
		d->poll_level = poll_window_next(d->poll_level, 1);
		d->poll_now = d->poll_level;
	} else {
		d->poll_now = poll_window_next(d->poll_now, 0);
	}
	if (!d->started)
		d->poll_now = 0;
	if (!d->poll_now)
		d->slept_at = now_us();
}

/*
 * On an idle host, waking up costs more than a small request (the idea of
 * Linux vhost's busyloop_timeout). The window is not extended, so messages
 * and signals wait at most poll_us plus one pass.
 */
void device_kick(struct device *d, unsigned int poll_us)
{
	uint64_t deadline;

	if (poll_us == POLL_ADAPTIVE) {
		adapt_to_kick(d);
		process(d);
		if (!d->poll_now)
			d->slept_at = now_us();
		return;
	}
	process(d);
	if (!poll_us)
		return;
	deadline = now_us() + poll_us;
	while (d->started && !d->backlog && now_us() < deadline)
		if (vring_has_avail(&d->vr))
			process(d);
}

int device_has_backlog(const struct device *d)
{
	return d->started && d->backlog;
}
