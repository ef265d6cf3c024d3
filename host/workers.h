/* A pool of threads that run queued work items in any order. */
#ifndef VCRYPTOD_WORKERS_H
#define VCRYPTOD_WORKERS_H

#include "request.h"

/* Embed first in a work item. */
struct work {
	struct work *next;
};

/* Runs one item on a worker thread; owns (frees) it. */
typedef void work_fn(struct work *w, struct req_scratch *scratch);

struct workers;

/* Start n threads (n >= 1) running fn. Returns 0 or a negative errno. */
int workers_start(struct workers **out, unsigned int n, work_fn *fn);

/* Queue an item; some thread will run it. */
void workers_submit(struct workers *p, struct work *w);

/* How many items are queued and not yet picked up by a thread. */
unsigned int workers_queued(struct workers *p);

/* Wait until nothing is queued and no item is running. */
void workers_drain(struct workers *p);

/* Drain, stop and join every thread, free p. NULL ok. */
void workers_stop(struct workers *p);

#endif
