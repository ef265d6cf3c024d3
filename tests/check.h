/*
 * A minimal check harness for test programs that must also build statically
 * for the guest (cmocka has no static library on Debian). CHECK() records a
 * failure with its location and a message and carries on; check_exit()
 * prints "NAME: N checks, N failed" and returns the exit status.
 * Only tests/driver still uses it (its scripts read that summary); every
 * other test program reports through report.h, which this should become.
 */
#ifndef VCRYPTO_TESTS_CHECK_H
#define VCRYPTO_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static unsigned check_count, check_failures;

__attribute__((format(printf, 4, 5)))
static inline int check_report(int ok, const char *file, int line,
			       const char *fmt, ...)
{
	va_list ap;

	check_count++;
	if (ok)
		return 1;
	check_failures++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

#define CHECK(cond, ...) check_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int check_exit(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
