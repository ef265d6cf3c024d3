/* Shared by the libvcrypto test programs: options and hex helpers. */
#ifndef VCRYPTO_TESTS_LIB_TESTLIB_H
#define VCRYPTO_TESTS_LIB_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include <vcrypto/vcrypto.h>

#include "../hex.h"

#define SKIP_EXIT 77

struct test_opts {
	const char *engine;	/* --engine SPEC, default "openssl" */
	int strict;		/* --strict: AES-CBC must not fall back */
};

/*
 * Parse "--engine SPEC" and "--strict" and open the engine. An engine that
 * does not exist here exits SKIP_EXIT with the reason (did not run); usage
 * errors exit 2.
 */
struct vc_engine *test_open(int argc, char **argv, struct test_opts *o);

/* Nonzero when the session ran where --strict wants it: CBC on the engine. */
int on_expected_engine(const struct test_opts *o, const struct vc_engine *e,
		       const char *session_engine);

#endif
