#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level max_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	max_level = level;
}

int log_enabled(enum log_level level)
{
	return level <= max_level;
}

__attribute__((format(printf, 2, 0)))
static void vlog_va(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[512];
	int n, m;

	if (!log_enabled(level))
		return;
	n = snprintf(line, sizeof(line), "vcryptod: %s: ", names[level]);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line so that lines of several threads never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void vlog(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_va(level, fmt, ap);
	va_end(ap);
}

void vlog_limited(struct log_limit *l, enum log_level level, const char *fmt, ...)
{
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec / 60 != l->minute) {
		l->minute = now.tv_sec / 60;
		l->lines = 0;
	}
	if (l->lines >= LOG_LIMIT_LINES) {
		l->dropped++;
		return;
	}
	l->lines++;
	if (l->dropped)
		vlog(level, "(%lu similar lines dropped)", l->dropped);
	l->dropped = 0;
	va_start(ap, fmt);
	vlog_va(level, fmt, ap);
	va_end(ap);
}
