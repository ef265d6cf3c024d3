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

/* A request on its way through the workers; kept on the free list once
 * done. c.seg is its own array of c.cap segments. */
struct job {
	struct work work;	/* first */
	struct device *dev;
	struct job *next_free;
	struct chain c;
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
	while (d->free_jobs) {
		struct job *j = d->free_jobs;

		d->free_jobs = j->next_free;
		free(j->c.seg);
		free(j);
	}
	d->nfree = 0;
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
	d->vr.event_idx = cfg->event_idx;
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

/* With used_lock held, after a flush: whether to notify now, and if so the
 * count starts again. */
static int take_signal(struct device *d)
{
	if (!d->unsignalled)
		return 0;
	d->unsignalled = 0;
	return vring_need_signal(&d->vr);
}

/* A job for a chain of n segments, or NULL when the workers hold enough
 * already (or memory is short). Takes used_lock. */
static struct job *job_get(struct device *d, unsigned int n)
{
	struct job *j = NULL;
	int admitted = 0;

	/* A guest may re-post a head before it is used: without these bounds
	 * it could queue jobs (up to CHAIN_MAX_SEGS segments each) faster
	 * than the workers finish them. */
	pthread_mutex_lock(&d->used_lock);
	if (d->in_flight < d->vr.num && d->queued_segs + n <= CHAIN_MAX_SEGS) {
		j = d->free_jobs;
		if (j) {
			d->free_jobs = j->next_free;
			d->nfree--;
		}
		d->in_flight++;
		d->queued_segs += n;
		admitted = 1;
	}
	pthread_mutex_unlock(&d->used_lock);
	if (!admitted)
		return NULL;
	if (!j) {
		j = calloc(1, sizeof(*j));
		if (j)
			__atomic_add_fetch(&d->jobs_made, 1, __ATOMIC_RELAXED);
	}
	if (j && j->c.cap < n) {	/* n > 0 */
		struct seg *seg = realloc(j->c.seg, n * sizeof(*seg));

		if (!seg) {
			free(j->c.seg);
			free(j);
			j = NULL;
		} else {
			j->c.seg = seg;
			j->c.cap = n;
		}
	}
	if (!j) {
		pthread_mutex_lock(&d->used_lock);
		d->in_flight--;
		d->queued_segs -= n;
		pthread_mutex_unlock(&d->used_lock);
	}
	return j;
}

/* With used_lock held: j is done; keep it for the next, or free it. */
static void job_put(struct device *d, struct job *j)
{
	if (j->c.cap > DEVICE_JOB_SEGS_KEEP) {
		free(j->c.seg);
		j->c.seg = NULL;
		j->c.cap = 0;
	}
	if (d->nfree >= DEVICE_JOBS_KEEP) {
		free(j->c.seg);
		free(j);
		return;
	}
	j->next_free = d->free_jobs;
	d->free_jobs = j;
	d->nfree++;
}

/*
 * A worker's completion is published at once. Its signal waits while the
 * ring thread is in a pass (the pass signals at its end) or other jobs are
 * in flight (the last one signals), unless MAX_UNSIGNALLED completions
 * already wait for one.
 */
void device_run_work(struct work *w, struct req_scratch *scratch)
{
	struct job *j = (struct job *)w;
	struct device *d = j->dev;
	uint32_t len = request_serve(d->sessions, &j->c, scratch, NULL);
	int signal = 0;

	pthread_mutex_lock(&d->used_lock);
	vring_fill(&d->vr, j->c.head, len);
	vring_flush(&d->vr);
	d->unsignalled++;
	d->in_flight--;
	d->queued_segs -= j->c.nin + j->c.nout;
	job_put(d, j);
	if (!d->in_pass && (!d->in_flight || d->unsignalled >= MAX_UNSIGNALLED))
		signal = take_signal(d);
	pthread_mutex_unlock(&d->used_lock);
	if (signal)
		notify(d);
}

/* Hand c to a worker; 0, or -1 when none may take it (serve it here). */
static int to_worker(struct device *d, const struct chain *c)
{
	unsigned int n = c->nin + c->nout, cap;
	struct job *j = job_get(d, n);
	struct seg *seg;

	if (!j)
		return -1;
	seg = j->c.seg;
	cap = j->c.cap;
	j->dev = d;
	j->c = *c;
	j->c.seg = seg;
	j->c.cap = cap;
	if (n)
		memcpy(seg, c->seg, n * sizeof(*seg));
	workers_submit(d->pool, &j->work);
	return 0;
}

/*
 * Write what this pass served to the used ring and signal for it, and for
 * what the workers completed meanwhile; with nothing of ours, only as a
 * worker would (the last job in flight, or MAX_UNSIGNALLED waiting).
 * last: the pass is over.
 */
static void flush_done(struct device *d, int last)
{
	unsigned int i;
	int signal = 0;

	pthread_mutex_lock(&d->used_lock);
	for (i = 0; i < d->ndone; i++)
		vring_fill(&d->vr, (uint16_t)d->done[i].id, d->done[i].len);
	if (d->ndone)
		vring_flush(&d->vr);
	d->unsignalled += d->ndone;
	if (last)
		d->in_pass = 0;
	if (d->ndone || !d->in_flight || d->unsignalled >= MAX_UNSIGNALLED)
		signal = take_signal(d);
	d->ndone = 0;
	pthread_mutex_unlock(&d->used_lock);
	if (signal)
		notify(d);
}

static void serve_inline(struct device *d, const struct chain *c)
{
	uint32_t len = request_serve(d->sessions, c, &d->inline_scratch, NULL);

	d->done[d->ndone].id = c->head;
	d->done[d->ndone].len = len;
	if (++d->ndone == DEVICE_DONE_BATCH)
		flush_done(d, 0);
}

/* Small requests are served as they are popped (DEVICE_INLINE_MAX); of the
 * others, each but the last goes to the workers when the next is popped. */
static const struct chain *dispatch(struct device *d, const struct chain *c,
				    const struct chain *held)
{
	if (!d->pool || c->in_len <= DEVICE_INLINE_MAX) {
		serve_inline(d, c);
		return held;
	}
	if (held && to_worker(d, held))
		serve_inline(d, held);
	return c;
}

/*
 * One pass: small requests and the last large one are served here, which
 * saves a thread wakeup per request (the common case, and the latency that
 * matters); the used ring is written and the guest signalled once at the
 * end, or every DEVICE_DONE_BATCH requests in a longer pass. At most a ring's worth per call, so a guest that never
 * stops posting cannot keep the connection's messages and signals waiting.
 */
static void process(struct device *d)
{
	const struct chain *held = NULL;
	unsigned int budget;
	int r = 0, cur = 0;

	d->backlog = 0;
	if (!d->started)
		return;
	pthread_mutex_lock(&d->used_lock);
	d->in_pass = 1;
	pthread_mutex_unlock(&d->used_lock);
	budget = d->vr.num;
	for (;;) {
		int more;

		while (budget > 0 &&
		       (r = vring_pop(&d->vr, &d->mem, &d->walk[cur])) == 1) {
			budget--;
			if (dispatch(d, &d->walk[cur], held) == &d->walk[cur]) {
				held = &d->walk[cur];
				cur ^= 1;
			}
		}
		if (r < 0) {
			if (held)
				serve_inline(d, held);
			if (!d->broken_logged)
				vlog_limited(&d->ring_log, LOG_ERROR, "data queue "
					     "stopped: %s (the guest must reset "
					     "the device)", d->vr.broken);
			d->broken_logged = 1;
			break;
		}
		/* Before any completion of this batch is seen by the guest. */
		more = vring_publish_avail_event(&d->vr);
		if (held) {
			serve_inline(d, held);
			held = NULL;
			more = 1;	/* that took a while: look again */
		}
		if (!budget) {
			d->backlog = 1;
			break;
		}
		if (!more)
			break;
	}
	flush_done(d, 1);
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
