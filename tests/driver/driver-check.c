/*
 * driver-check: guest-side checks of virtio_cryptodev.ko behaviours that
 * the ABI suite (tests/guest/) does not cover: large chunked requests,
 * many callers in flight, fork, module unload with open files, hot-unplug
 * under load. Every result is compared with OpenSSL. One line a check
 * (tests/report.h), then "driver-check COMMAND: all checks passed".
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cdev.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

#define BLOCK 16

/* What op_run() answered: 0, an errno value, or -1 for a wrong result. */
static const char *res_name(int res)
{
	return res < 0 ? "a wrong result" : cdev_errname(res);
}

/*
 * An AES-CBC session: 0 (id in *ses) or an errno value (id 0 then); an id
 * of 0 is EPROTO.
 */
static int session(int fd, const uint8_t *key, unsigned int keylen,
		   uint32_t *ses)
{
	int err;

	*ses = 0;
	err = cdev_session(fd, CRYPTO_AES_CBC, key, keylen, ses);
	if (!err && !*ses)
		err = EPROTO;
	return err;
}

/* cdev_open(), reporting a failure under name. */
static int node_open(const char *name)
{
	int fd = cdev_open();

	if (fd < 0)
		report(false, name, "open %s: %s", cdev_path, res_name(errno));
	return fd;
}

/*
 * Opens the node (a failure reported as name's) and makes an AES-128-CBC
 * session under 16 bytes of key from the stream seeded with seed: returns
 * the descriptor, or -1 once a failure is reported.
 */
static int open_session(const char *name, uint64_t seed, uint8_t *key,
			uint32_t *ses)
{
	int fd = node_open(name), err;

	if (fd < 0)
		return -1;
	rng_seed(seed);
	rng_fill(key, 16);
	err = session(fd, key, 16, ses);
	if (!report(!err, "session", "AES-128-CBC: %s", res_name(err))) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint8_t *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("driver-check: mmap");
		exit(1);
	}
	return p;
}

/*
 * One operation checked against OpenSSL: random key size, direction,
 * alignment, in place or not, with WRITE_IV (next IV = last ciphertext
 * block). Returns 0, the errno of the ioctl, or -1 for a wrong result.
 */
struct op_bufs {
	uint8_t *in, *want, *src, *dst;
	size_t cap;
};

static void bufs_init(struct op_bufs *b, size_t cap)
{
	b->cap = cap;
	b->in = map(cap);
	b->want = map(cap);
	b->src = map(cap + 2 * 4096);
	b->dst = map(cap + 2 * 4096);
}

static void bufs_free(struct op_bufs *b)
{
	munmap(b->in, b->cap);
	munmap(b->want, b->cap);
	munmap(b->src, b->cap + 2 * 4096);
	munmap(b->dst, b->cap + 2 * 4096);
}

struct op {
	uint32_t ses;
	const uint8_t *key;
	unsigned int keylen;
	int enc;
	int in_place;
	size_t len, src_off, dst_off;
};

/* Data and iv from this thread's stream (rng.h). */
static int op_run(int fd, struct op_bufs *b, const struct op *o)
{
	uint8_t iv[BLOCK], iv0[BLOCK], next[BLOCK];
	uint8_t *src = b->src + o->src_off;
	uint8_t *dst = o->in_place ? src : b->dst + o->dst_off;
	int err;

	rng_fill(iv0, BLOCK);
	rng_fill(b->in, o->len);
	oracle_aes("CBC", o->enc, o->key, o->keylen, iv0, b->in, b->want,
		   o->len);
	memcpy(next, (o->enc ? b->want : b->in) + o->len - BLOCK, BLOCK);
	memcpy(src, b->in, o->len);
	memcpy(iv, iv0, BLOCK);
	err = cdev_crypt(fd, o->ses, o->enc ? COP_ENCRYPT : COP_DECRYPT,
			 COP_FLAG_WRITE_IV, src, dst, (uint32_t)o->len, iv);
	if (err)
		return err;
	if (memcmp(dst, b->want, o->len) || memcmp(iv, next, BLOCK))
		return -1;
	return 0;
}

/* Reports operation o, which op_run() answered res, as a failure of name. */
static void op_fail(const char *name, const struct op *o, int res)
{
	report(false, name, "%s %zu B, key %u, src+%zu dst+%zu%s: %s",
	       o->enc ? "encrypt" : "decrypt", o->len, o->keylen, o->src_off,
	       o->dst_off, o->in_place ? " in place" : "", res_name(res));
}

/* op_run(), a failure reported as name's; returns whether o was right. */
static bool op_check(int fd, struct op_bufs *b, const struct op *o,
		     const char *name)
{
	int res = op_run(fd, b, o);

	if (res)
		op_fail(name, o, res);
	return !res;
}

/* A random operation of up to max_blocks blocks at random offsets. */
static void op_random(struct op *o, size_t max_blocks)
{
	o->len = BLOCK * rng_range(1, max_blocks);
	o->enc = (int)rng_range(0, 1);
	o->in_place = (int)rng_range(0, 1);
	o->src_off = rng_range(0, 4095);
	o->dst_off = rng_range(0, 4095);
}

static const size_t sizes[] = {
	16, 32, 48, 4080, 4096, 4112, 65520, 65536, 65552, 131072 + 32,
	(1 << 20), (1 << 20) + 48, 3 * (1 << 20) + 4096 + 16,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAX_SIZE (3 * (1 << 20) + 4096 + 16)

static int cmd_roundtrip(int argc, char **argv)
{
	static const char prog[] = "driver-check roundtrip";
	unsigned long iters = argc > 0 ? strtoul(argv[0], NULL, 0) : 200;
	uint8_t key[32], a_iv[BLOCK], iv[BLOCK];
	unsigned long i, n, bad = 0;
	uint32_t ses[3];
	struct op_bufs b;
	size_t half;
	int fd, k, err;

	fd = node_open("roundtrip");
	if (fd < 0)
		return report_finish(prog);
	rng_seed(0x9e3779b97f4a7c15ULL);
	bufs_init(&b, MAX_SIZE);
	rng_fill(key, sizeof(key));
	for (k = 0; k < 3; k++) {
		err = session(fd, key, 16 + 8 * k, &ses[k]);
		if (!report(!err, "session", "AES-%d-CBC: %s", 128 + 64 * k,
			    res_name(err)))
			return report_finish(prog);
	}

	/* Every size, both directions, in place and not, odd alignments. */
	n = NSIZES * 4 + iters;
	for (i = 0; i < n; i++) {
		struct op o;

		k = (int)rng_range(0, 2);
		o.ses = ses[k];
		o.key = key;
		o.keylen = 16 + 8 * k;
		if (i < NSIZES * 4) {
			o.len = sizes[i / 4];
			o.enc = i & 1;
			o.in_place = (i >> 1) & 1;
		} else {
			o.len = BLOCK * rng_range(1, 262144 / BLOCK);
			o.enc = (int)rng_range(0, 1);
			o.in_place = !rng_range(0, 2);
		}
		o.src_off = rng_range(0, 4095);
		o.dst_off = rng_range(0, 4095);
		bad += !op_check(fd, &b, &o, "operation");
	}
	report(!bad, "every size to 3 MiB, then random ones, match OpenSSL",
	       "%lu of %lu operations right", n - bad, n);

	/*
	 * Without an iv the session's chains on (cryptodev-linux keeps it
	 * per session): A with an iv then B without equals A||B.
	 */
	half = 65536 + 4096;
	rng_fill(a_iv, BLOCK);
	rng_fill(b.in, 2 * half);
	oracle_aes("CBC", true, key, 32, a_iv, b.in, b.want, 2 * half);
	memcpy(iv, a_iv, BLOCK);
	err = cdev_crypt(fd, ses[2], COP_ENCRYPT, 0, b.in, b.dst + 3,
			 (uint32_t)half, iv);
	if (!err)
		err = cdev_crypt(fd, ses[2], COP_ENCRYPT, 0, b.in + half,
				 b.dst + 3 + half, (uint32_t)half, NULL);
	report(!err, "chained encrypt, the second without an iv", "%s",
	       res_name(err));
	report_check(memcmp(b.dst + 3, b.want, 2 * half) == 0,
		     "chaining without an iv equals one operation",
		     "the two halves differ from OpenSSL's one");

	for (k = 0; k < 3; k++) {
		err = cdev_free(fd, ses[k]);
		report(!err, "CIOCFSESSION", "AES-%d-CBC: %s", 128 + 64 * k,
		       res_name(err));
	}
	bufs_free(&b);
	close(fd);
	return report_finish(prog);
}

/* Many callers in flight at once: threads, each with its own session. */
struct worker {
	pthread_t tid;
	int fd;
	unsigned long ops;
	uint64_t seed;
	atomic_ulong *failures;
	unsigned long done;
	int last_err;		/* unplug mode: how the loop ended */
};

static atomic_int unplug_mode;
static atomic_ulong started;

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	uint8_t key[32];
	struct op_bufs b;
	struct op o;
	unsigned long i;
	int res;

	rng_seed(w->seed);
	bufs_init(&b, 65536 + 4096);
	rng_fill(key, sizeof(key));
	o.key = key;
	o.keylen = 16 + 8 * (unsigned int)rng_range(0, 2);
	res = session(w->fd, key, o.keylen, &o.ses);
	if (res) {
		w->last_err = res;
		if (!unplug_mode || res != ENODEV) {
			report(false, "session", "in a thread: %s",
			       res_name(res));
			atomic_fetch_add(w->failures, 1);
		}
		atomic_fetch_add(&started, 1);
		goto out;
	}
	for (i = 0; unplug_mode || i < w->ops; i++) {
		op_random(&o, 4352);
		res = op_run(w->fd, &b, &o);
		if (i == 0)
			atomic_fetch_add(&started, 1);
		if (res == ENODEV && unplug_mode) {
			w->last_err = res;
			break;
		}
		if (res) {
			op_fail("operation in a thread", &o, res);
			atomic_fetch_add(w->failures, 1);
			w->last_err = res;
			break;
		}
		w->done++;
	}
	if (!unplug_mode) {
		res = cdev_free(w->fd, o.ses);
		if (res) {
			report(false, "CIOCFSESSION", "in a thread: %s",
			       res_name(res));
			atomic_fetch_add(w->failures, 1);
		}
	}
out:
	bufs_free(&b);
	return NULL;
}

/* After the unplug, the old descriptor answers ENODEV and the node is gone. */
static void check_unplugged(int fd)
{
	static const uint8_t key[16] = "0123456789abcdef";
	uint8_t out[BLOCK];
	uint32_t ses;
	int err;

	err = session(fd, key, sizeof(key), &ses);
	report(err == ENODEV, "CIOCGSESSION after unplug", "%s", res_name(err));
	err = cdev_free(fd, 1);
	report(err == ENODEV, "CIOCFSESSION after unplug", "%s", res_name(err));
	err = cdev_crypt(fd, 1, COP_ENCRYPT, 0, key, out, BLOCK, NULL);
	report(err == ENODEV, "CIOCCRYPT after unplug", "%s", res_name(err));
	fd = cdev_open();
	err = fd < 0 ? errno : 0;
	report(err == ENOENT || err == ENODEV || err == ENXIO,
	       "open after unplug", "%s: %s", cdev_path, res_name(err));
	if (fd >= 0)
		close(fd);
}

/* Threads: even ones share one descriptor, odd ones open their own. */
static int run_workers(int nthreads, unsigned long ops, const char *prog)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	atomic_ulong failures = 0;
	unsigned long total = 0;
	int shared, i;

	shared = node_open("threads");
	if (!w || shared < 0)
		return report_finish(prog);
	for (i = 0; i < nthreads; i++) {
		w[i].fd = i & 1 ? node_open("threads") : shared;
		w[i].ops = ops;
		w[i].seed = 0x2545f4914f6cdd1dULL * (uint64_t)(i + 1);
		w[i].failures = &failures;
		if (w[i].fd < 0)
			return report_finish(prog);
		if (pthread_create(&w[i].tid, NULL, worker_run, &w[i])) {
			report(false, "threads", "pthread_create %d", i);
			return report_finish(prog);
		}
	}
	if (unplug_mode) {
		while (atomic_load(&started) < (unsigned long)nthreads)
			usleep(1000);
		printf("load running\n");
		fflush(stdout);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].done;
		if (unplug_mode)
			report(w[i].last_err == ENODEV, "thread ends with ENODEV",
			       "thread %d: %s", i, res_name(w[i].last_err));
	}
	report(!atomic_load(&failures), "every thread's operations match OpenSSL",
	       "%d threads, %lu verified operations, %lu failures", nthreads,
	       total, (unsigned long)atomic_load(&failures));
	if (unplug_mode)
		check_unplugged(shared);
	for (i = 0; i < nthreads; i++)
		if (w[i].fd != shared)
			report_check(close(w[i].fd) == 0, "close", "thread %d's: %s",
				     i, res_name(errno));
	report_check(close(shared) == 0, "close", "the shared one: %s",
		     res_name(errno));
	free(w);
	return report_finish(prog);
}

static int cmd_threads(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	return run_workers(atoi(argv[0]), strtoul(argv[1], NULL, 0),
			   "driver-check threads");
}

static int cmd_unplug(int argc, char **argv)
{
	unplug_mode = 1;
	return run_workers(argc > 0 ? atoi(argv[0]) : 4, 0,
			   "driver-check unplug");
}

/* Processes sharing one descriptor and one session through fork. */
static int cmd_procs(int argc, char **argv)
{
	static const char prog[] = "driver-check procs";
	int nprocs, i, status, fd, err, bad = 0;
	uint8_t key[16];
	unsigned long ops;
	uint32_t ses;
	pid_t pid;

	if (argc < 2)
		return 2;
	nprocs = atoi(argv[0]);
	ops = strtoul(argv[1], NULL, 0);
	fd = open_session("procs", 77, key, &ses);
	if (fd < 0)
		return report_finish(prog);
	for (i = 0; i < nprocs; i++) {
		pid = fork();
		if (pid == 0) {
			struct op_bufs b;
			struct op o = { .ses = ses, .key = key, .keylen = 16 };
			unsigned long n;

			rng_seed(1000 + (uint64_t)i);
			bufs_init(&b, 32768);
			for (n = 0; n < ops; n++) {
				op_random(&o, 2048);
				if (!op_check(fd, &b, &o, "operation in a process"))
					_exit(1);
			}
			_exit(0);
		}
		if (pid < 0)
			report(false, "fork", "%s", res_name(errno));
	}
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	report(!bad, "every process's operations match OpenSSL",
	       "%d processes, %lu operations each, %d failed", nprocs, ops, bad);
	err = cdev_free(fd, ses);
	report(!err, "CIOCFSESSION", "%s", res_name(err));
	close(fd);
	return report_finish(prog);
}

/*
 * Holds the device open with a session: writes a line to READY, waits for
 * a line on GO, then checks that one more operation still works.
 */
static int cmd_hold(int argc, char **argv)
{
	static const char prog[] = "driver-check hold";
	uint8_t key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096, .enc = 1 };
	char line[16];
	FILE *f;
	int fd, err;

	if (argc < 2)
		return 2;
	fd = open_session("hold", 5, key, &o.ses);
	if (fd < 0)
		return report_finish(prog);
	bufs_init(&b, 4096);
	err = op_run(fd, &b, &o);
	report(!err, "operation before", "%s", res_name(err));
	f = fopen(argv[0], "w");
	if (!report_check(f && fputs("ready\n", f) >= 0 && fclose(f) == 0,
			  "ready line written", "%s: %s", argv[0],
			  res_name(errno)))
		return report_finish(prog);
	f = fopen(argv[1], "r");
	report_check(f && fgets(line, sizeof(line), f), "go line read",
		     "%s: %s", argv[1], f ? "end of file" : res_name(errno));
	if (f)
		fclose(f);
	err = op_run(fd, &b, &o);
	report(!err, "operation after", "%s", res_name(err));
	report_check(close(fd) == 0, "close", "%s", res_name(errno));
	bufs_free(&b);
	return report_finish(prog);
}

static bool set_timeout(const char *seconds)
{
	FILE *f = fopen("/sys/module/virtio_cryptodev/parameters/timeout", "w");
	bool ok = f && fputs(seconds, f) >= 0;

	if (f && fclose(f))
		ok = false;
	return report(ok, "timeout parameter", "%s s: %s", seconds,
		      ok ? "set" : res_name(errno));
}

/* True once pid sleeps in the driver's wait for the device. */
static bool waiting_in_driver(pid_t pid)
{
	char path[64], wchan[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(wchan, sizeof(wchan), f))
		wchan[0] = 0;
	fclose(f);
	return strstr(wchan, "vcd_req_wait") != NULL;
}

/*
 * n sessions on fd, each used in both directions (2n device sessions):
 * 0, or what the first to fail answered (session *at of n).
 */
static int use_sessions(int fd, uint32_t *ses, int n, int *at)
{
	uint8_t key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 64 };
	int i, res = 0;

	bufs_init(&b, 4096);
	rng_fill(key, sizeof(key));
	for (i = 0; i < n && !res; i++) {
		res = session(fd, key, 16, &ses[i]);
		o.ses = ses[i];
		for (o.enc = 0; o.enc < 2 && !res; o.enc++)
			res = op_run(fd, &b, &o);
	}
	bufs_free(&b);
	*at = i;
	return res;
}

/* A round of use_sessions() on fd as the check name. */
static void round_check(int fd, uint32_t *ses, int n, const char *name)
{
	int res, at = 0;

	if (fd < 0) {
		report(false, name, "open %s: %s", cdev_path, res_name(errno));
		return;
	}
	res = use_sessions(fd, ses, n, &at);
	if (res)
		report(false, name, "session %d of %d: %s", at, n,
		       res_name(res));
	else
		report(true, name, "%d sessions used both ways", n);
}

/*
 * Device sessions are given back: QEMU's builtin backend holds 256, and
 * rounds of 128 cryptodev sessions used both ways (256 device sessions)
 * only succeed if close, CIOCFSESSION and a killed holder free them.
 */
static int cmd_lifecycle(int argc, char **argv)
{
	int per_round = argc > 0 ? atoi(argv[0]) : 128;
	uint32_t *ses = calloc((size_t)per_round, sizeof(*ses));
	int fd, i, at, pipefd[2], status, err = 0, made = 0, freed = 0;
	pid_t pid;
	char c;

	if (!ses)
		return 1;
	rng_seed(99);
	fd = cdev_open();
	round_check(fd, ses, per_round, "round 1 on a fresh device");
	close(fd);

	fd = cdev_open();
	round_check(fd, ses, per_round, "round 2 (round 1's freed by close)");
	for (i = 0; i < per_round; i++) {
		int res = ses[i] ? cdev_free(fd, ses[i]) : 0;

		made += !!ses[i];
		freed += ses[i] && !res;
		err = res ? res : err;
	}
	report(freed == made, "CIOCFSESSION", "%d of %d sessions freed (%s)",
	       freed, made, res_name(err));
	round_check(fd, ses, per_round,
		    "round 3 (round 2's freed by CIOCFSESSION)");
	close(fd);

	report_check(pipe(pipefd) == 0, "pipe", "%s", res_name(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		fd = cdev_open();
		if (fd < 0 || use_sessions(fd, ses, per_round, &at))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	report_check(read(pipefd[0], &c, 1) == 1,
		     "a holder sets up its sessions (round 3's freed by close)",
		     "the holder ended before it had them");
	close(pipefd[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fd = cdev_open();
	round_check(fd, ses, per_round, "round 4 (the killed holder's freed)");
	close(fd);
	free(ses);
	return report_finish("driver-check lifecycle");
}

struct filler {
	pthread_t tid;
	int fd;
	uint32_t ses;
	int res;
	uint8_t buf[BLOCK], iv[BLOCK];
};

static void *filler_run(void *arg)
{
	struct filler *f = arg;

	f->res = cdev_crypt(f->fd, f->ses, COP_ENCRYPT, 0, f->buf, f->buf,
			    BLOCK, f->iv);
	return NULL;
}

/* More requests than the ring has room for, none answered. */
static void fill_ring(int fd, uint32_t ses, int n)
{
	struct filler *f = calloc((size_t)n, sizeof(*f));
	pthread_attr_t attr;
	int i, running = 0, timed_out = 0;

	if (!report_check(f != NULL, "ring filled", "calloc"))
		return;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		f[i].fd = fd;
		f[i].ses = ses;
		if (pthread_create(&f[i].tid, &attr, filler_run, &f[i]))
			break;
		running++;
	}
	for (i = 0; i < running; i++) {
		pthread_join(f[i].tid, NULL);
		timed_out += f[i].res == ETIMEDOUT;
	}
	report(running == n, "ring filled", "started %d of %d threads",
	       running, n);
	report(timed_out == running, "every request in an overfilled ring times out",
	       "%d of %d", timed_out, running);
	printf("ring overfilled: %d of %d requests timed out\n", timed_out, n);
	pthread_attr_destroy(&attr);
	free(f);
}

/*
 * A backend that stops answering (the host stops it after "stall ready"):
 * requests fail with ETIMEDOUT instead of hanging; a waiter is killable;
 * more requests than the ring holds wait for room and time out too;
 * once the backend resumes ("resume" line), the abandoned requests come
 * back harmlessly and new ones work.
 */
static int cmd_stall(void)
{
	static const char prog[] = "driver-check stall";
	uint8_t key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096 };
	unsigned long before = 0, bad = 0, i;
	int fd, fd2, res, err, pipefd[2], status;
	pid_t pid;
	char c;

	fd = open_session("stall", 11, key, &o.ses);
	if (fd < 0)
		return report_finish(prog);
	bufs_init(&b, 65536);
	/* Both device sessions now: the control queue would block QEMU. */
	for (o.enc = 0; o.enc < 2; o.enc++) {
		res = op_run(fd, &b, &o);
		report(!res, "operation before the stall", "%s: %s",
		       o.enc ? "encrypt" : "decrypt", res_name(res));
	}
	/* A second file with 16 device sessions, closed during the stall. */
	fd2 = node_open("second file");
	for (i = 0; fd2 >= 0 && i < 8; i++) {
		struct op o2 = o;

		res = session(fd2, key, 16, &o2.ses);
		for (o2.enc = 0; o2.enc < 2 && !res; o2.enc++)
			res = op_run(fd2, &b, &o2);
		report(!res, "second file's session", "%lu, both ways: %s", i,
		       res_name(res));
	}
	printf("stall ready\n");
	fflush(stdout);
	for (;;) {
		o.enc = (int)rng_range(0, 1);
		res = op_run(fd, &b, &o);
		if (res == ETIMEDOUT)
			break;
		if (res) {
			op_fail("operation while the backend runs", &o, res);
			return report_finish(prog);
		}
		before++;
	}
	printf("timed out after %lu operations\n", before);

	/* With an hour's timeout only the kill can end this waiter. */
	set_timeout("3600");
	if (!report_check(pipe(pipefd) == 0, "pipe", "%s", res_name(errno)))
		return report_finish(prog);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(2);
		op_run(fd, &b, &o);
		_exit(3);
	}
	close(pipefd[1]);
	report_check(read(pipefd[0], &c, 1) == 1, "waiter started",
		     "it ended first");
	while (!waiting_in_driver(pid))
		usleep(1000);
	kill(pid, SIGKILL);
	report_check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		     WTERMSIG(status) == SIGKILL,
		     "waiter killed while the device holds its request",
		     "status %#x", status);
	printf("waiter killed\n");

	/* The ring holds 1024: the rest wait for room, then time out too. */
	set_timeout("2");
	fill_ring(fd, o.ses, 1100);
	set_timeout("3600");
	/* Its device sessions are destroyed in the background, not here. */
	report_check(close(fd2) == 0, "close of a file with device sessions",
		     "%s", res_name(errno));
	printf("closed while stalled\n");

	printf("resume\n");
	fflush(stdout);
	for (i = 0; i < 20; i++) {
		o.enc = (int)rng_range(0, 1);
		o.in_place = i & 1;
		o.len = BLOCK * rng_range(1, 4096);
		o.src_off = rng_range(0, 4095);
		bad += !op_check(fd, &b, &o, "operation after the resume");
	}
	report(!bad, "operations after the resume match OpenSSL",
	       "%lu of 20 right", 20 - bad);
	set_timeout("30");
	err = cdev_free(fd, o.ses);
	report(!err, "CIOCFSESSION", "%s", res_name(err));
	report_check(close(fd) == 0, "close", "%s", res_name(errno));
	bufs_free(&b);
	return report_finish(prog);
}

/*
 * A recovery reset (recover=1) against a back-end that stalls and comes
 * back without a restart: 4 sessions used both ways, "recover ready", then
 * operations until one times out (the host stops the back-end, and
 * resumes it once the driver's reset reaches it); operations then get
 * EAGAIN or ETIMEDOUT until the device is back, and every session works
 * again, its device sessions made anew.
 */
static int cmd_recover(void)
{
	static const char prog[] = "driver-check recover";
	uint32_t ses[4];
	uint8_t key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096 };
	unsigned long i;
	int fd, res = 0, k;

	fd = node_open("recover");
	if (fd < 0)
		return report_finish(prog);
	rng_seed(23);
	rng_fill(key, sizeof(key));
	bufs_init(&b, 65536);
	for (k = 0; k < 4; k++) {
		res = session(fd, key, 16, &ses[k]);
		o.ses = ses[k];
		for (o.enc = 0; o.enc < 2 && !res; o.enc++)
			res = op_run(fd, &b, &o);
		report(!res, "session before the stall", "%d, both ways: %s", k,
		       res_name(res));
	}
	printf("recover ready\n");
	fflush(stdout);
	for (i = 0, res = 0; i < 1000000 && res != ETIMEDOUT; i++) {
		o.ses = ses[i % 4];
		o.enc = i & 1;
		res = op_run(fd, &b, &o);
		if (res && res != ETIMEDOUT)
			break;
	}
	report(res == ETIMEDOUT, "an operation times out", "after %lu: %s", i,
	       res_name(res));
	/* The device is being reset: wait for it, two minutes at most. */
	for (i = 0; i < 1200; i++) {
		res = op_run(fd, &b, &o);
		if (res != EAGAIN && res != ETIMEDOUT)
			break;
		usleep(100000);
	}
	report(!res, "operations work after the reset", "%s", res_name(res));
	for (k = 0; k < 4; k++) {
		o.ses = ses[k];
		for (o.enc = 0, res = 0; o.enc < 2 && !res; o.enc++)
			res = op_run(fd, &b, &o);
		report(!res, "session after the reset", "%d, both ways: %s", k,
		       res_name(res));
	}
	report_check(close(fd) == 0, "close", "%s", res_name(errno));
	bufs_free(&b);
	return report_finish(prog);
}

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: driver-check [--device PATH] COMMAND [ARG...]\n"
		"Checks /dev/cryptodevN (virtio_cryptodev.ko) against OpenSSL.\n"
		"  roundtrip [N]      every size class to 3 MiB, then N random ops\n"
		"  threads T N        T threads, N operations each\n"
		"  procs P N          P forked processes sharing one session\n"
		"  hold READY GO      keep a session open between two fifo lines\n"
		"  unplug [T]         T threads until the device is removed\n"
		"  lifecycle [N]      rounds of N sessions used both ways (builtin: 128)\n"
		"  stall              ETIMEDOUT and kill while the host stops the backend\n"
		"  recover            a recovery reset while the host stalls the backend\n"
		"  --device PATH      default /dev/cryptodev0\n"
		"Exit: 0 all checks passed, 1 a check failed, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 2;

	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cdev_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("driver-check 1\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "roundtrip"))
		rc = cmd_roundtrip(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "threads"))
		rc = cmd_threads(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "procs"))
		rc = cmd_procs(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "hold"))
		rc = cmd_hold(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "unplug"))
		rc = cmd_unplug(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "lifecycle"))
		rc = cmd_lifecycle(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "stall"))
		rc = cmd_stall();
	else if (!strcmp(argv[0], "recover"))
		rc = cmd_recover();
	if (rc == 2)
		usage(stderr);
	return rc;
}
