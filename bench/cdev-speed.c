/*
 * cdev-speed: AES-128-CBC throughput inside the guest, one request at a
 * time per process, through /dev/cryptodevN (the cryptodev ioctls) or
 * through Linux's own crypto API via AF_ALG. Each size runs for a fixed
 * time; the first and the last request of every process are checked
 * against OpenSSL. With --processes P, P processes (each with its own
 * session) run the same time window and their rates are summed. With
 * --depth D, each process keeps D requests in flight through libvcrypto's
 * vc_cipher_batch() (CIOCASYNCCRYPT on the node). With --marks, each size's
 * measurement is framed by "mark begin SIZE" and "mark end SIZE" lines, each
 * followed by a pause of MARK_PAUSE_US, so that a reader of the output on
 * the host can read its own CPU counters around it (bench/30-system), and
 * the line of each size gets the guest's non-idle CPU time (/proc/stat).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vcrypto/vcrypto.h>

#include "../tests/afalg.h"
#include "../tests/cdev.h"
#include "../tests/oracle.h"

#define MAX_SIZE (1 << 20)
/*
 * After a mark the guest idles this long before it measures (or goes on):
 * the host reads its counters while nothing runs, so its interval holds the
 * whole measurement even when its reader is late by up to this much.
 */
#define MARK_PAUSE_US 200000

struct path {
	bool afalg;
	int fd;			/* cryptodev: the node and */
	uint32_t ses;		/* its session */
	struct afalg alg;	/* AF_ALG */
	int depth;		/* > 1: batches through libvcrypto */
	struct vc_engine *e;
	struct vc_cipher *c;
};

static const uint8_t key[16] = "0123456789abcdef";
static const uint8_t iv[16] = "fedcba9876543210";

static int open_cryptodev(struct path *p, const char *dev)
{
	int err;

	cdev_path = dev;
	p->fd = cdev_open();
	if (p->fd < 0) {
		fprintf(stderr, "cdev-speed: %s: %s\n", dev, strerror(errno));
		return -1;
	}
	err = cdev_session(p->fd, CRYPTO_AES_CBC, key, sizeof(key), &p->ses);
	if (err) {
		fprintf(stderr, "cdev-speed: %s: CIOCGSESSION: %s\n", dev, strerror(err));
		return -1;
	}
	return 0;
}

static int open_afalg(struct path *p, const char *driver)
{
	int err = afalg_open(&p->alg, driver, key, sizeof(key));

	if (err) {
		fprintf(stderr, "cdev-speed: AF_ALG skcipher %s: %s\n", driver,
			strerror(err));
		return -1;
	}
	p->afalg = true;
	return 0;
}

static int open_batch(struct path *p, const char *dev)
{
	char spec[300];

	snprintf(spec, sizeof(spec), "cryptodev:%s", dev);
	if (vc_engine_open(&p->e, spec, 0) ||
	    vc_cipher_new(p->e, &p->c, VC_AES_CBC, key, sizeof(key))) {
		fprintf(stderr, "cdev-speed: %s\n", vc_last_error());
		return -1;
	}
	return 0;
}

/* depth requests of len bytes, the i-th into out + i * len; 0 or errno. */
static int run_batch(const struct path *p, const uint8_t *in, uint8_t *out,
		     size_t len)
{
	struct vc_cipher_op ops[64];

	for (int i = 0; i < p->depth; i++)
		ops[i] = (struct vc_cipher_op){ .dir = VC_ENCRYPT, .iv = iv, .in = in,
						.out = out + (size_t)i * len, .len = len };
	return -vc_cipher_batch(p->c, ops, (size_t)p->depth);
}

/* Requests per run_op() call. */
static size_t per_op(const struct path *p)
{
	return p->depth > 1 ? (size_t)p->depth : 1;
}

/* One request, or a batch of depth; 0 or an errno value. */
static int run_op(const struct path *p, const uint8_t *in, uint8_t *out, size_t len)
{
	if (p->afalg)
		return afalg_crypt(&p->alg, true, iv, sizeof(iv),
				   in, out, len);
	if (p->depth > 1)
		return run_batch(p, in, out, len);
	return cdev_crypt(p->fd, p->ses, COP_ENCRYPT, 0, in, out, (uint32_t)len,
			  (void *)iv);
}

static bool matches_openssl(const uint8_t *in, const uint8_t *out, size_t len)
{
	static uint8_t want[MAX_SIZE];

	oracle_aes("CBC", true, key, sizeof(key), iv, in, want, len);
	return memcmp(want, out, len) == 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
	unsigned long ops;
	double seconds;
};

/*
 * Seconds of non-idle CPU time of all the guest's CPUs so far: user, nice,
 * system, irq and softirq of /proc/stat's "cpu" line (not idle, iowait or
 * steal). A driver that spins while it waits shows here, one that sleeps
 * for the interrupt does not. -1 when /proc/stat cannot be read.
 */
static double cpu_busy(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys,
		   &idle, &iowait, &irq, &softirq);
	fclose(f);
	if (n != 7)
		return -1;
	return (double)(user + nice + sys + irq + softirq) / (double)sysconf(_SC_CLK_TCK);
}

/* A mark for the host's reader, then the pause during which it reads. */
static void mark(const char *what, size_t size)
{
	printf("mark %s %zu\n", what, size);
	fflush(stdout);
	usleep(MARK_PAUSE_US);
}
_Static_assert(sizeof(struct result) <= PIPE_BUF, "one atomic pipe write");

/* One process's measurement of SIZE for SECS; 0 or -1 (reported). */
static int measure(const struct path *p, size_t size, double secs, struct result *r)
{
	static uint8_t in[MAX_SIZE];
	size_t n = per_op(p), bytes = n * size;
	uint8_t *out = malloc(bytes), *first = malloc(bytes);
	double start, end;
	int err, ret = -1;

	if (!out || !first) {
		fprintf(stderr, "cdev-speed: %zu B: out of memory\n", size);
		goto out;
	}
	for (size_t i = 0; i < size; i++)
		in[i] = (uint8_t)(i * 31 + 7);
	err = run_op(p, in, first, size);
	if (err) {
		fprintf(stderr, "cdev-speed: %zu B: %s\n", size, strerror(err));
		goto out;
	}
	/* same key, IV and input for every request: each is OpenSSL's */
	for (size_t i = 0; i < n; i++)
		if (!matches_openssl(in, first + i * size, size)) {
			fprintf(stderr, "cdev-speed: %zu B: output differs from OpenSSL\n",
				size);
			goto out;
		}
	r->ops = 0;
	start = now();
	do {
		/* check the clock every 16 calls: cheap, still fine-grained */
		for (int k = 0; k < 16; k++, r->ops += n)
			if ((err = run_op(p, in, out, size))) {
				fprintf(stderr, "cdev-speed: %zu B: %s\n", size,
					strerror(err));
				goto out;
			}
		end = now();
	} while (end - start < secs);
	r->seconds = end - start;
	if (memcmp(out, first, bytes)) {
		fprintf(stderr, "cdev-speed: %zu B: the last requests' output differs "
			"from OpenSSL\n", size);
		goto out;
	}
	ret = 0;
out:
	free(out);
	free(first);
	return ret;
}

static int open_path(struct path *p, const char *dev, const char *alg, int depth)
{
	p->depth = depth;
	if (alg)
		return open_afalg(p, alg);
	return depth > 1 ? open_batch(p, dev) : open_cryptodev(p, dev);
}

/*
 * P children, each with its own descriptor and session, start together (a
 * pipe closed by the parent) and send their result back through a pipe.
 * Returns the summed rate, or -1 when any child failed (it reported why).
 */
static double measure_parallel(const char *dev, const char *alg, int depth,
			       int procs, size_t size, double secs,
			       struct result *total)
{
	int go[2], res[2], failed = 0;
	double rate = 0;

	if (pipe(go) || pipe(res)) {
		fprintf(stderr, "cdev-speed: pipe: %s\n", strerror(errno));
		return -1;
	}
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "cdev-speed: fork: %s\n", strerror(errno));
			failed = 1;
			break;
		}
		if (pid == 0) {
			struct path p = { 0 };
			struct result r = { 0 };
			char c;

			close(go[1]);
			close(res[0]);
			if (open_path(&p, dev, alg, depth))
				_exit(1);
			if (read(go[0], &c, 1) < 0 || measure(&p, size, secs, &r))
				_exit(1);
			if (write(res[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
				_exit(1);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);	/* the start signal: every child's read returns 0 */
	close(res[1]);
	total->ops = 0;
	total->seconds = 0;
	for (;;) {
		struct result r;
		ssize_t n = read(res[0], &r, sizeof(r));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(r))
			break;
		total->ops += r.ops;
		if (r.seconds > total->seconds)
			total->seconds = r.seconds;
		rate += (double)r.ops / r.seconds;
	}
	close(res[0]);
	for (;;) {
		int st;
		pid_t pid = wait(&st);

		if (pid < 0)
			break;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	}
	return failed ? -1 : rate;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: cdev-speed [--device PATH | --afalg DRIVER] [--seconds S]\n"
		"                  [--processes P] [--depth D] [--marks] SIZE...\n"
		"AES-128-CBC encryption, one request at a time per process (or D), S seconds\n"
		"per size (default 1); the first and last request of each process are\n"
		"checked against OpenSSL. Prints one line per size:\n"
		"  SIZE OPS SECONDS OPS/S MB/S\n"
		"(OPS summed over the processes, SECONDS the longest process's time,\n"
		"OPS/S the sum of the processes' rates, MB/S = OPS/S * SIZE / 1e6).\n"
		"  -d, --device PATH    cryptodev node (default /dev/cryptodev0)\n"
		"  -a, --afalg DRIVER   AF_ALG skcipher instead, e.g. virtio_crypto_aes_cbc\n"
		"  -s, --seconds S      measuring time per size\n"
		"  -p, --processes P    P processes at once, each with its own session\n"
		"                       (default 1, at most 64)\n"
		"  -q, --depth D        D requests in flight per process, through\n"
		"                       libvcrypto's vc_cipher_batch() (default 1, at most 64)\n"
		"  -m, --marks          frame each size by lines \"mark begin SIZE\" and\n"
		"                       \"mark end SIZE\" (each followed by a pause of 0.2 s\n"
		"                       for a reader of the output to read its counters),\n"
		"                       and add to the size's line GUEST-CPU-S: the seconds of\n"
		"                       non-idle CPU time of the whole guest in between\n"
		"                       (/proc/stat, all CPUs; from the first request on)\n"
		"Exit: 0 measured, 1 a request failed or differed from OpenSSL, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "afalg", required_argument, NULL, 'a' },
		{ "seconds", required_argument, NULL, 's' },
		{ "processes", required_argument, NULL, 'p' },
		{ "depth", required_argument, NULL, 'q' },
		{ "marks", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dev = "/dev/cryptodev0", *alg = NULL;
	struct path p = { 0 };
	double secs = 1;
	long procs = 1, depth = 1;
	bool marks = false;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "d:a:s:p:q:mh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'a':
			alg = optarg;
			break;
		case 's':
			secs = strtod(optarg, &end);
			if (*end || !(secs > 0 && secs < 3600)) {
				fprintf(stderr, "cdev-speed: bad --seconds '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p':
			procs = strtol(optarg, &end, 10);
			if (*end || procs < 1 || procs > 64) {
				fprintf(stderr, "cdev-speed: bad --processes '%s' (1..64)\n",
					optarg);
				return 2;
			}
			break;
		case 'q':
			depth = strtol(optarg, &end, 10);
			if (*end || depth < 1 || depth > 64) {
				fprintf(stderr, "cdev-speed: bad --depth '%s' (1..64)\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			marks = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("cdev-speed 4");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (int a = optind; a < argc; a++) {
		long size = strtol(argv[a], &end, 10);

		if (*end || size < 16 || size > MAX_SIZE || size % 16) {
			fprintf(stderr, "cdev-speed: bad size '%s' (16..%d, multiple of 16)\n",
				argv[a], MAX_SIZE);
			return 2;
		}
	}
	if (alg && depth > 1) {
		fprintf(stderr, "cdev-speed: --depth is for a cryptodev node, not --afalg\n");
		return 2;
	}
	if (procs == 1 && open_path(&p, dev, alg, (int)depth))
		return 1;
	for (int a = optind; a < argc; a++) {
		size_t size = (size_t)strtol(argv[a], NULL, 10);
		struct result r;
		double rate, busy0 = 0, busy1 = 0;

		if (marks) {
			mark("begin", size);
			busy0 = cpu_busy();
		}
		if (procs == 1) {
			if (measure(&p, size, secs, &r))
				return 1;
			rate = (double)r.ops / r.seconds;
		} else {
			rate = measure_parallel(dev, alg, (int)depth, (int)procs, size,
						secs, &r);
			if (rate < 0)
				return 1;
		}
		if (marks)
			busy1 = cpu_busy();
		printf("%zu %lu %.6f %.0f %.3f", size, r.ops, r.seconds, rate,
		       rate * (double)size / 1e6);
		if (!marks)
			putchar('\n');
		else if (busy0 < 0 || busy1 < 0)
			puts(" -");
		else
			printf(" %.2f\n", busy1 - busy0);
		if (marks)
			mark("end", size);
		fflush(stdout);
	}
	return 0;
}
