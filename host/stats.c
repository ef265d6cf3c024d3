#include <stdio.h>
#include <unistd.h>

#include "stats.h"

struct stats g_stats;

static uint64_t get(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void stats_print(const char *why)
{
	char line[640];
	int n;

	n = snprintf(line, sizeof(line),
		     "vcryptod: counters (%s): requests %llu, bytes in %llu, "
		     "bytes out %llu, ok %llu, err %llu, badmsg %llu, "
		     "notsupp %llu, invsess %llu, nospc %llu, key_rejected %llu, "
		     "malformed %llu, sessions created %llu, refused %llu, "
		     "closed %llu, connections %llu, protocol errors %llu, "
		     "in place %llu\n",
		     why, (unsigned long long)get(&g_stats.requests),
		     (unsigned long long)get(&g_stats.bytes_in),
		     (unsigned long long)get(&g_stats.bytes_out),
		     (unsigned long long)get(&g_stats.status[0]),
		     (unsigned long long)get(&g_stats.status[1]),
		     (unsigned long long)get(&g_stats.status[2]),
		     (unsigned long long)get(&g_stats.status[3]),
		     (unsigned long long)get(&g_stats.status[4]),
		     (unsigned long long)get(&g_stats.status[5]),
		     (unsigned long long)get(&g_stats.status[6]),
		     (unsigned long long)get(&g_stats.malformed),
		     (unsigned long long)get(&g_stats.sessions_created),
		     (unsigned long long)get(&g_stats.sessions_refused),
		     (unsigned long long)get(&g_stats.sessions_closed),
		     (unsigned long long)get(&g_stats.connections),
		     (unsigned long long)get(&g_stats.protocol_errors),
		     (unsigned long long)get(&g_stats.in_place));
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
