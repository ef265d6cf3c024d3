#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

struct vc_engine *test_open(int argc, char **argv, struct test_opts *o)
{
	static const struct option longopts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct vc_engine *e;
	int c, r;

	o->engine = "openssl";
	o->strict = 0;
	while ((c = getopt_long(argc, argv, "e:s", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->engine = optarg;
			break;
		case 's':
			o->strict = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [--engine SPEC] [--strict]\n",
				argv[0]);
			exit(2);
		}
	}
	r = vc_engine_open(&e, o->engine, 1);
	if (r == -ENOENT || r == -ENODEV || r == -ENXIO) {
		printf("engine %s is not available here: %s\n", o->engine,
		       vc_last_error());
		exit(SKIP_EXIT);
	}
	if (r) {
		fprintf(stderr, "engine %s: %s\n", o->engine, vc_last_error());
		exit(1);
	}
	printf("engine: %s\n", vc_engine_describe(e));
	return e;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < cap) {
		int hi = nibble(hex[0]), lo = nibble(hex[1]);

		if (hi < 0 || lo < 0) {
			fprintf(stderr, "unhex: bad digit in '%s'\n", hex);
			exit(2);
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return n;
}

int on_expected_engine(const struct test_opts *o, const struct vc_engine *e,
		       const char *session_engine)
{
	(void)e;
	if (!o->strict)
		return 1;
	return strncmp(o->engine, session_engine, strlen(session_engine)) == 0;
}
