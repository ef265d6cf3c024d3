/*
 * One way for C test programs to report, in the shell's format (check in
 * tests/common.sh): a line "ok   NAME" or "FAIL NAME" per check, with
 * ": detail" after the name when there is one. Failures are counted; the
 * last line is the summary from report_finish(). Safe from several threads.
 */
#ifndef VCRYPTO_TESTS_REPORT_H
#define VCRYPTO_TESTS_REPORT_H

#include <stdbool.h>

/*
 * Prints "ok   NAME[: detail]" when ok, else "FAIL NAME[: detail]" and counts
 * the failure; the detail is fmt's (none when fmt is NULL). Returns ok.
 */
__attribute__((format(printf, 3, 4)))
bool report(bool ok, const char *name, const char *fmt, ...);

/* report(), but the detail is printed only with a FAIL line. */
__attribute__((format(printf, 3, 4)))
bool report_check(bool ok, const char *name, const char *fmt, ...);

/* Failures reported so far, in this process. */
unsigned int report_failures(void);

/*
 * The summary, as the shell's finish words it: "PROG: all checks passed" or
 * "PROG: N check(s) failed". Returns the exit status: 0, or 1 on failures.
 */
int report_finish(const char *prog);

#define REPORT_STR_(x) #x
#define REPORT_STR(x) REPORT_STR_(x)

/*
 * report_check() under the name "FILE:LINE" of the check, with printf's
 * arguments for the detail of a failure; returns whether cond held.
 */
#define CHECK(cond, ...) \
	report_check(!!(cond), __FILE__ ":" REPORT_STR(__LINE__), __VA_ARGS__)

/*
 * Ends test case NAME (cases run one at a time): "ok   NAME" when it passed;
 * when it failed, "FAIL NAME" unless the case reported a failure of its own
 * since the last report_case() (as REQUIRE does). Returns passed.
 */
bool report_case(const char *name, bool passed);

/*
 * For a test case function returning int: when cond fails, reports
 * "FAIL NAME: line N: COND: detail" and returns 1 from the function, for
 * its caller to end the case with report_case().
 */
#define REQUIRE(name, cond, fmt, ...) do {				\
	if (!(cond)) {							\
		report(false, name, "line %d: %s: " fmt, __LINE__, #cond, \
		       ##__VA_ARGS__);					\
		return 1;						\
	}								\
} while (0)

#endif
