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

int on_expected_engine(const struct test_opts *o, const struct vc_engine *e,
		       const char *session_engine)
{
	(void)e;
	if (!o->strict)
		return 1;
	return strncmp(o->engine, session_engine, strlen(session_engine)) == 0;
}
