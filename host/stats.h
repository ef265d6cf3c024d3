/* Counters of what vcryptod did, safe to bump from any thread. */
#ifndef VCRYPTOD_STATS_H
#define VCRYPTOD_STATS_H

#include <stdint.h>

#define STATS_NSTATUS 7	/* virtio-crypto statuses OK .. KEY_REJECTED */

struct stats {
	uint64_t requests;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t status[STATS_NSTATUS];
	uint64_t malformed;	/* chains returned with nothing written */
	uint64_t sessions_created;
	uint64_t sessions_refused;
	uint64_t sessions_closed;
	uint64_t connections;
	uint64_t protocol_errors;
	uint64_t in_place;	/* requests ciphered without a copy */
};

/* The process-wide counters. */
extern struct stats g_stats;

/* Add n to a counter atomically. */
static inline void stats_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* Print every counter on stderr as one line, prefixed by why. */
void stats_print(const char *why);

#endif
