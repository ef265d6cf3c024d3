#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int failures, failures_at_case;

static void line(bool ok, const char *name, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&report_lock);
	if (!ok)
		failures++;
	printf("%s %s", ok ? "ok  " : "FAIL", name);
	if (fmt) {
		fputs(": ", stdout);
		vprintf(fmt, ap);
	}
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
}

bool report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(ok, name, fmt, ap);
	va_end(ap);
	return ok;
}

bool report_check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(ok, name, ok ? NULL : fmt, ap);
	va_end(ap);
	return ok;
}

unsigned int report_failures(void)
{
	unsigned int n;

	pthread_mutex_lock(&report_lock);
	n = failures;
	pthread_mutex_unlock(&report_lock);
	return n;
}

bool report_case(const char *name, bool passed)
{
	unsigned int n = report_failures();

	if (passed || n == failures_at_case)
		report(passed, name, NULL);
	failures_at_case = report_failures();
	return passed;
}

int report_finish(const char *prog)
{
	unsigned int n = report_failures();

	if (!n) {
		printf("%s: all checks passed\n", prog);
		fflush(stdout);
		return 0;
	}
	printf("%s: %u check(s) failed\n", prog, n);
	fflush(stdout);
	return 1;
}
