#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "workers.h"

struct workers {
	pthread_mutex_t lock;
	pthread_cond_t more;	/* items queued or stopping */
	pthread_cond_t idle;	/* queue empty and nothing running */
	struct work *head, *tail;
	unsigned int queued;
	unsigned int running;
	int stopping;
	work_fn *fn;
	unsigned int n;
	pthread_t *threads;
};

static void *worker_main(void *arg)
{
	struct workers *p = arg;
	struct req_scratch scratch = { 0 };

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct work *w;

		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->more, &p->lock);
		if (!p->head)
			break;
		w = p->head;
		p->head = w->next;
		if (!p->head)
			p->tail = NULL;
		__atomic_store_n(&p->queued, p->queued - 1, __ATOMIC_RELAXED);
		p->running++;
		pthread_mutex_unlock(&p->lock);
		p->fn(w, &scratch);
		pthread_mutex_lock(&p->lock);
		p->running--;
		if (!p->head && !p->running)
			pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	req_scratch_free(&scratch);
	return NULL;
}

int workers_start(struct workers **out, unsigned int n, work_fn *fn)
{
	struct workers *p;
	sigset_t all, old;
	unsigned int i;
	int ret = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->threads = calloc(n, sizeof(*p->threads));
	if (!p->threads) {
		free(p);
		return -ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->fn = fn;
	/* Signals are for the main thread only; SIGBUS is the faulting
	 * thread's own (blocked, it would kill: mem_guard_install()). */
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		ret = -pthread_create(&p->threads[i], NULL, worker_main, p);
		if (ret)
			break;
		p->n++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		workers_stop(p);
		return ret;
	}
	*out = p;
	return 0;
}

void workers_submit(struct workers *p, struct work *w)
{
	w->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = w;
	else
		p->head = w;
	p->tail = w;
	__atomic_store_n(&p->queued, p->queued + 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->lock);
}

unsigned int workers_queued(struct workers *p)
{
	return __atomic_load_n(&p->queued, __ATOMIC_RELAXED);
}

void workers_drain(struct workers *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->head || p->running)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void workers_stop(struct workers *p)
{
	unsigned int i;

	if (!p)
		return;
	workers_drain(p);
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->idle);
	free(p->threads);
	free(p);
}
