/*
 * driver-check: guest-side checks of virtio_cryptodev.ko behaviours that
 * the ABI suite (tests/guest/) does not cover: large chunked requests,
 * many callers in flight, fork, module unload with open files, hot-unplug
 * under load. Every result is compared with OpenSSL.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vcrypto/cryptodev.h"
#include "../check.h"

#define BLOCK 16

static const char *device = "/dev/cryptodev0";

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void rng_fill(uint64_t *s, unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)rng_next(s);
}

/* OpenSSL's AES-CBC over len bytes (a multiple of 16): the oracle. */
static int ossl_cbc(int enc, const unsigned char *key, unsigned keylen,
		    const unsigned char *iv, const unsigned char *in,
		    unsigned char *out, size_t len)
{
	const EVP_CIPHER *c = keylen == 16 ? EVP_aes_128_cbc() :
			      keylen == 24 ? EVP_aes_192_cbc() :
					     EVP_aes_256_cbc();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &n, in, (int)len) && (size_t)n == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int dev_open(void)
{
	int fd = open(device, O_RDWR);

	if (fd < 0)
		fprintf(stderr, "driver-check: %s: %s\n", device,
			strerror(errno));
	return fd;
}

/* A session id, or 0 with errno set. */
static uint32_t dev_session(int fd, const unsigned char *key, unsigned keylen)
{
	struct session_op sop = {
		.cipher = CRYPTO_AES_CBC,
		.keylen = keylen,
		.key = (unsigned char *)key,
	};

	if (ioctl(fd, CIOCGSESSION, &sop))
		return 0;
	if (!sop.ses)
		errno = EPROTO;
	return sop.ses;
}

/* 0 or the errno of CIOCCRYPT. */
static int dev_crypt(int fd, uint32_t ses, int enc, const void *src, void *dst,
		     size_t len, unsigned char *iv, uint16_t flags)
{
	struct crypt_op cop = {
		.ses = ses,
		.op = enc ? COP_ENCRYPT : COP_DECRYPT,
		.flags = flags,
		.len = (uint32_t)len,
		.src = (unsigned char *)src,
		.dst = dst,
		.iv = iv,
	};

	return ioctl(fd, CIOCCRYPT, &cop) ? errno : 0;
}

static unsigned char *map(size_t len)
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
	unsigned char *in, *want, *src, *dst;
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
	const unsigned char *key;
	unsigned keylen;
	int enc;
	int in_place;
	size_t len, src_off, dst_off;
};

static int op_run(int fd, struct op_bufs *b, const struct op *o, uint64_t *rng)
{
	unsigned char iv[BLOCK], iv0[BLOCK], next[BLOCK];
	unsigned char *src = b->src + o->src_off;
	unsigned char *dst = o->in_place ? src : b->dst + o->dst_off;
	int err;

	rng_fill(rng, iv0, BLOCK);
	rng_fill(rng, b->in, o->len);
	if (ossl_cbc(o->enc, o->key, o->keylen, iv0, b->in, b->want, o->len))
		return -1;
	memcpy(next, (o->enc ? b->want : b->in) + o->len - BLOCK, BLOCK);
	memcpy(src, b->in, o->len);
	memcpy(iv, iv0, BLOCK);
	err = dev_crypt(fd, o->ses, o->enc, src, dst, o->len, iv,
			COP_FLAG_WRITE_IV);
	if (err)
		return err;
	if (memcmp(dst, b->want, o->len) || memcmp(iv, next, BLOCK))
		return -1;
	return 0;
}

static void op_describe(const struct op *o, int res)
{
	fprintf(stderr, "  %s %zu B, key %u, src+%zu dst+%zu%s: %s\n",
		o->enc ? "encrypt" : "decrypt", o->len, o->keylen, o->src_off,
		o->dst_off, o->in_place ? " in place" : "",
		res < 0 ? "wrong result" : strerror(res));
}

static const size_t sizes[] = {
	16, 32, 48, 4080, 4096, 4112, 65520, 65536, 65552, 131072 + 32,
	(1 << 20), (1 << 20) + 48, 3 * (1 << 20) + 4096 + 16,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAX_SIZE (3 * (1 << 20) + 4096 + 16)

static int cmd_roundtrip(int argc, char **argv)
{
	unsigned long iters = argc > 0 ? strtoul(argv[0], NULL, 0) : 200;
	unsigned char key[32], a_iv[BLOCK], iv[BLOCK];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	uint32_t ses[3];
	struct op_bufs b;
	unsigned long i;
	size_t half;
	int fd, k, res;

	fd = dev_open();
	if (fd < 0)
		return 1;
	bufs_init(&b, MAX_SIZE);
	rng_fill(&rng, key, sizeof(key));
	for (k = 0; k < 3; k++) {
		ses[k] = dev_session(fd, key, 16 + 8 * k);
		if (!CHECK(ses[k], "CIOCGSESSION key %d: %s", 16 + 8 * k,
			   strerror(errno)))
			return check_exit("driver-check roundtrip");
	}

	/* Every size, both directions, in place and not, odd alignments. */
	for (i = 0; i < NSIZES * 4 + iters; i++) {
		struct op o;

		k = (int)(rng_next(&rng) % 3);
		o.ses = ses[k];
		o.key = key;
		o.keylen = 16 + 8 * k;
		if (i < NSIZES * 4) {
			o.len = sizes[i / 4];
			o.enc = i & 1;
			o.in_place = (i >> 1) & 1;
		} else {
			o.len = BLOCK * (1 + rng_next(&rng) % (262144 / BLOCK));
			o.enc = rng_next(&rng) & 1;
			o.in_place = !(rng_next(&rng) % 3);
		}
		o.src_off = rng_next(&rng) % 4096;
		o.dst_off = rng_next(&rng) % 4096;
		res = op_run(fd, &b, &o, &rng);
		if (!CHECK(res == 0, "operation %lu", i))
			op_describe(&o, res);
	}

	/*
	 * Without an iv the session's chains on (cryptodev-linux keeps it
	 * per session): A with an iv then B without equals A||B.
	 */
	half = 65536 + 4096;
	rng_fill(&rng, a_iv, BLOCK);
	rng_fill(&rng, b.in, 2 * half);
	CHECK(ossl_cbc(1, key, 32, a_iv, b.in, b.want, 2 * half) == 0,
	      "OpenSSL");
	memcpy(iv, a_iv, BLOCK);
	CHECK(dev_crypt(fd, ses[2], 1, b.in, b.dst + 3, half, iv, 0) == 0 &&
	      dev_crypt(fd, ses[2], 1, b.in + half, b.dst + 3 + half, half,
			NULL, 0) == 0, "chained encrypt: %s", strerror(errno));
	CHECK(memcmp(b.dst + 3, b.want, 2 * half) == 0,
	      "chaining without an iv differs from one operation");

	for (k = 0; k < 3; k++)
		CHECK(ioctl(fd, CIOCFSESSION, &ses[k]) == 0, "CIOCFSESSION: %s",
		      strerror(errno));
	bufs_free(&b);
	close(fd);
	return check_exit("driver-check roundtrip");
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
	unsigned char key[32];
	struct op_bufs b;
	struct op o;
	unsigned long i;
	int res;

	bufs_init(&b, 65536 + 4096);
	rng_fill(&w->seed, key, sizeof(key));
	o.key = key;
	o.keylen = 16 + 8 * (unsigned)(w->seed % 3);
	o.ses = dev_session(w->fd, key, o.keylen);
	if (!o.ses) {
		w->last_err = errno;
		if (!unplug_mode || errno != ENODEV) {
			fprintf(stderr, "CIOCGSESSION: %s\n", strerror(errno));
			atomic_fetch_add(w->failures, 1);
		}
		atomic_fetch_add(&started, 1);
		goto out;
	}
	for (i = 0; unplug_mode || i < w->ops; i++) {
		o.len = BLOCK * (1 + rng_next(&w->seed) % 4352);
		o.enc = rng_next(&w->seed) & 1;
		o.in_place = rng_next(&w->seed) & 1;
		o.src_off = rng_next(&w->seed) % 4096;
		o.dst_off = rng_next(&w->seed) % 4096;
		res = op_run(w->fd, &b, &o, &w->seed);
		if (i == 0)
			atomic_fetch_add(&started, 1);
		if (res == ENODEV && unplug_mode) {
			w->last_err = res;
			break;
		}
		if (res) {
			op_describe(&o, res);
			atomic_fetch_add(w->failures, 1);
			w->last_err = res;
			break;
		}
		w->done++;
	}
	if (!unplug_mode && ioctl(w->fd, CIOCFSESSION, &o.ses)) {
		fprintf(stderr, "CIOCFSESSION: %s\n", strerror(errno));
		atomic_fetch_add(w->failures, 1);
	}
out:
	bufs_free(&b);
	return NULL;
}

/* Threads: even ones share one descriptor, odd ones open their own. */
static int run_workers(int nthreads, unsigned long ops, const char *name)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	atomic_ulong failures = 0;
	unsigned long total = 0;
	int shared, i;

	shared = dev_open();
	if (!w || shared < 0)
		return 1;
	for (i = 0; i < nthreads; i++) {
		w[i].fd = i & 1 ? dev_open() : shared;
		w[i].ops = ops;
		w[i].seed = 0x2545f4914f6cdd1dULL * (uint64_t)(i + 1);
		w[i].failures = &failures;
		if (!CHECK(w[i].fd >= 0, "open") ||
		    !CHECK(pthread_create(&w[i].tid, NULL, worker_run, &w[i]) == 0,
			   "pthread_create"))
			return check_exit(name);
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
			CHECK(w[i].last_err == ENODEV,
			      "thread %d ended with %s, not ENODEV", i,
			      w[i].last_err < 0 ? "a wrong result" :
			      strerror(w[i].last_err));
	}
	CHECK(atomic_load(&failures) == 0, "%lu failed operations",
	      (unsigned long)atomic_load(&failures));
	printf("%s: %d threads, %lu verified operations\n", name, nthreads,
	       total);
	if (unplug_mode) {
		struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
					  .key = (unsigned char *)"0123456789abcdef" };
		uint32_t ses = 1;
		int fd;

		CHECK(ioctl(shared, CIOCGSESSION, &sop) && errno == ENODEV,
		      "CIOCGSESSION after unplug: %s", strerror(errno));
		CHECK(ioctl(shared, CIOCFSESSION, &ses) && errno == ENODEV,
		      "CIOCFSESSION after unplug: %s", strerror(errno));
		CHECK(dev_crypt(shared, 1, 1, sop.key, w, 16, NULL, 0) == ENODEV,
		      "CIOCCRYPT after unplug");
		fd = open(device, O_RDWR);
		CHECK(fd < 0 && (errno == ENOENT || errno == ENODEV ||
				 errno == ENXIO),
		      "open %s after unplug: %s", device,
		      fd < 0 ? strerror(errno) : "succeeded");
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < nthreads; i++)
		if (w[i].fd != shared)
			CHECK(close(w[i].fd) == 0, "close: %s", strerror(errno));
	CHECK(close(shared) == 0, "close: %s", strerror(errno));
	free(w);
	return check_exit(name);
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
	int nprocs, i, status, fd, bad = 0;
	unsigned char key[16];
	unsigned long ops;
	uint64_t rng = 77;
	pid_t pid;
	uint32_t ses;

	if (argc < 2)
		return 2;
	nprocs = atoi(argv[0]);
	ops = strtoul(argv[1], NULL, 0);
	fd = dev_open();
	if (fd < 0)
		return 1;
	rng_fill(&rng, key, sizeof(key));
	ses = dev_session(fd, key, sizeof(key));
	if (!CHECK(ses, "CIOCGSESSION: %s", strerror(errno)))
		return check_exit("driver-check procs");
	for (i = 0; i < nprocs; i++) {
		pid = fork();
		if (pid == 0) {
			struct op_bufs b;
			struct op o = { .ses = ses, .key = key, .keylen = 16 };
			unsigned long n;
			int res;

			rng = 1000 + (uint64_t)i;
			bufs_init(&b, 32768);
			for (n = 0; n < ops; n++) {
				o.len = BLOCK * (1 + rng_next(&rng) % 2048);
				o.enc = rng_next(&rng) & 1;
				o.in_place = rng_next(&rng) & 1;
				o.src_off = rng_next(&rng) % 4096;
				o.dst_off = rng_next(&rng) % 4096;
				res = op_run(fd, &b, &o, &rng);
				if (res) {
					op_describe(&o, res);
					_exit(1);
				}
			}
			_exit(0);
		}
		CHECK(pid > 0, "fork: %s", strerror(errno));
	}
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	CHECK(bad == 0, "%d of %d processes failed", bad, nprocs);
	CHECK(ioctl(fd, CIOCFSESSION, &ses) == 0, "CIOCFSESSION: %s",
	      strerror(errno));
	close(fd);
	printf("driver-check procs: %d processes, %lu operations each\n",
	       nprocs, ops);
	return check_exit("driver-check procs");
}

/*
 * Holds the device open with a session: writes a line to READY, waits for
 * a line on GO, then checks that one more operation still works.
 */
static int cmd_hold(int argc, char **argv)
{
	uint64_t rng = 5;
	unsigned char key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096, .enc = 1 };
	char line[16];
	FILE *f;
	int fd;

	if (argc < 2)
		return 2;
	fd = dev_open();
	if (fd < 0)
		return 1;
	rng_fill(&rng, key, sizeof(key));
	o.ses = dev_session(fd, key, 16);
	if (!CHECK(o.ses, "CIOCGSESSION: %s", strerror(errno)))
		return check_exit("driver-check hold");
	bufs_init(&b, 4096);
	CHECK(op_run(fd, &b, &o, &rng) == 0, "operation before");
	f = fopen(argv[0], "w");
	if (!CHECK(f && fputs("ready\n", f) >= 0 && fclose(f) == 0,
		   "%s: %s", argv[0], strerror(errno)))
		return check_exit("driver-check hold");
	f = fopen(argv[1], "r");
	CHECK(f && fgets(line, sizeof(line), f), "%s: %s", argv[1],
	      strerror(errno));
	if (f)
		fclose(f);
	CHECK(op_run(fd, &b, &o, &rng) == 0, "operation after");
	CHECK(close(fd) == 0, "close");
	bufs_free(&b);
	return check_exit("driver-check hold");
}

static int set_timeout(const char *seconds)
{
	FILE *f = fopen("/sys/module/virtio_cryptodev/parameters/timeout", "w");
	int ok = f && fputs(seconds, f) >= 0;

	if (f && fclose(f))
		ok = 0;
	return CHECK(ok, "setting the timeout parameter: %s", strerror(errno));
}

/* True once pid sleeps in the driver's wait for the device. */
static int waiting_in_driver(pid_t pid)
{
	char path[64], wchan[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(wchan, sizeof(wchan), f))
		wchan[0] = 0;
	fclose(f);
	return strstr(wchan, "vcd_req_wait") != NULL;
}

/* n sessions on fd, each used in both directions (2n device sessions). */
static int use_sessions(int fd, uint32_t *ses, int n, uint64_t *rng)
{
	unsigned char key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 64 };
	int i, res = 0;

	bufs_init(&b, 4096);
	rng_fill(rng, key, sizeof(key));
	for (i = 0; i < n && !res; i++) {
		ses[i] = o.ses = dev_session(fd, key, 16);
		if (!o.ses) {
			res = errno;
			break;
		}
		for (o.enc = 0; o.enc < 2 && !res; o.enc++)
			res = op_run(fd, &b, &o, rng);
	}
	bufs_free(&b);
	if (res)
		fprintf(stderr, "session %d of %d: %s\n", i, n,
			res < 0 ? "wrong result" : strerror(res));
	return res;
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
	uint64_t rng = 99;
	int fd, i, pipefd[2], status;
	pid_t pid;
	char c;

	if (!ses)
		return 1;
	fd = dev_open();
	CHECK(fd >= 0 && use_sessions(fd, ses, per_round, &rng) == 0,
	      "round 1 on a fresh device");
	close(fd);

	fd = dev_open();
	CHECK(fd >= 0 && use_sessions(fd, ses, per_round, &rng) == 0,
	      "round 2 (round 1's freed by close)");
	for (i = 0; i < per_round; i++)
		if (ses[i] && ioctl(fd, CIOCFSESSION, &ses[i]))
			CHECK(0, "CIOCFSESSION: %s", strerror(errno));
	CHECK(use_sessions(fd, ses, per_round, &rng) == 0,
	      "round 3 (round 2's freed by CIOCFSESSION)");
	close(fd);

	CHECK(pipe(pipefd) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		fd = dev_open();
		if (fd < 0 || use_sessions(fd, ses, per_round, &rng))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	CHECK(read(pipefd[0], &c, 1) == 1, "a holder sets up its sessions (round 3's freed by close)");
	close(pipefd[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fd = dev_open();
	CHECK(fd >= 0 && use_sessions(fd, ses, per_round, &rng) == 0,
	      "round 4 (the killed holder's freed)");
	close(fd);
	free(ses);
	return check_exit("driver-check lifecycle");
}

struct filler {
	pthread_t tid;
	int fd;
	uint32_t ses;
	int res;
	unsigned char buf[BLOCK], iv[BLOCK];
};

static void *filler_run(void *arg)
{
	struct filler *f = arg;

	f->res = dev_crypt(f->fd, f->ses, 1, f->buf, f->buf, BLOCK, f->iv, 0);
	return NULL;
}

/* More requests than the ring has room for, none answered. */
static void fill_ring(int fd, uint32_t ses, int n)
{
	struct filler *f = calloc((size_t)n, sizeof(*f));
	pthread_attr_t attr;
	int i, running = 0, timed_out = 0;

	if (!CHECK(f, "calloc"))
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
	CHECK(running == n, "started %d of %d threads", running, n);
	CHECK(timed_out == running, "%d of %d requests timed out", timed_out,
	      running);
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
	uint64_t rng = 11;
	unsigned char key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096 };
	unsigned long before = 0, i;
	int fd, fd2, res, pipefd[2], status;
	pid_t pid;
	char c;

	fd = dev_open();
	if (fd < 0)
		return 1;
	rng_fill(&rng, key, sizeof(key));
	o.ses = dev_session(fd, key, 16);
	if (!CHECK(o.ses, "CIOCGSESSION: %s", strerror(errno)))
		return check_exit("driver-check stall");
	bufs_init(&b, 65536);
	/* Both device sessions now: the control queue would block QEMU. */
	for (o.enc = 0; o.enc < 2; o.enc++)
		CHECK(op_run(fd, &b, &o, &rng) == 0, "operation before the stall");
	/* A second file with 16 device sessions, closed during the stall. */
	fd2 = dev_open();
	for (i = 0; fd2 >= 0 && i < 8; i++) {
		struct op o2 = o;

		o2.ses = dev_session(fd2, key, 16);
		for (o2.enc = 0; o2.enc < 2; o2.enc++)
			CHECK(o2.ses && op_run(fd2, &b, &o2, &rng) == 0,
			      "second file's session %lu", i);
	}
	printf("stall ready\n");
	fflush(stdout);
	for (;;) {
		o.enc = rng_next(&rng) & 1;
		res = op_run(fd, &b, &o, &rng);
		if (res == ETIMEDOUT)
			break;
		if (!CHECK(res == 0, "operation while the backend runs")) {
			op_describe(&o, res);
			return check_exit("driver-check stall");
		}
		before++;
	}
	printf("timed out after %lu operations\n", before);

	/* With an hour's timeout only the kill can end this waiter. */
	set_timeout("3600");
	if (!CHECK(pipe(pipefd) == 0, "pipe"))
		return check_exit("driver-check stall");
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(2);
		op_run(fd, &b, &o, &rng);
		_exit(3);
	}
	close(pipefd[1]);
	CHECK(read(pipefd[0], &c, 1) == 1, "child started");
	while (!waiting_in_driver(pid))
		usleep(1000);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "waiter killed while the device holds its request");
	printf("waiter killed\n");

	/* The ring holds 1024: the rest wait for room, then time out too. */
	set_timeout("2");
	fill_ring(fd, o.ses, 1100);
	set_timeout("3600");
	/* Its device sessions are destroyed in the background, not here. */
	CHECK(close(fd2) == 0, "close of a file with device sessions");
	printf("closed while stalled\n");

	printf("resume\n");
	fflush(stdout);
	for (i = 0; i < 20; i++) {
		o.enc = rng_next(&rng) & 1;
		o.in_place = i & 1;
		o.len = BLOCK * (1 + rng_next(&rng) % 4096);
		o.src_off = rng_next(&rng) % 4096;
		res = op_run(fd, &b, &o, &rng);
		if (!CHECK(res == 0, "operation after the resume"))
			op_describe(&o, res);
	}
	set_timeout("30");
	CHECK(ioctl(fd, CIOCFSESSION, &o.ses) == 0, "CIOCFSESSION: %s",
	      strerror(errno));
	CHECK(close(fd) == 0, "close");
	bufs_free(&b);
	return check_exit("driver-check stall");
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
	uint32_t ses[4];
	uint64_t rng = 23;
	unsigned char key[16];
	struct op_bufs b;
	struct op o = { .key = key, .keylen = 16, .len = 4096 };
	unsigned long i;
	int fd, res = 0, k;

	fd = dev_open();
	if (fd < 0)
		return 1;
	rng_fill(&rng, key, sizeof(key));
	bufs_init(&b, 65536);
	for (k = 0; k < 4; k++) {
		o.ses = ses[k] = dev_session(fd, key, 16);
		for (o.enc = 0; o.enc < 2; o.enc++)
			CHECK(o.ses && op_run(fd, &b, &o, &rng) == 0,
			      "session %d before the stall", k);
	}
	printf("recover ready\n");
	fflush(stdout);
	for (i = 0; i < 1000000 && res != ETIMEDOUT; i++) {
		o.ses = ses[i % 4];
		o.enc = i & 1;
		res = op_run(fd, &b, &o, &rng);
		if (res && res != ETIMEDOUT)
			break;
	}
	CHECK(res == ETIMEDOUT, "an operation timed out: %s", strerror(res));
	/* The device is being reset: wait for it, two minutes at most. */
	for (i = 0; i < 1200; i++) {
		res = op_run(fd, &b, &o, &rng);
		if (res != EAGAIN && res != ETIMEDOUT)
			break;
		usleep(100000);
	}
	CHECK(res == 0, "operations work after the reset: %s",
	      res > 0 ? strerror(res) : "wrong result");
	for (k = 0; k < 4; k++) {
		o.ses = ses[k];
		for (o.enc = 0; o.enc < 2; o.enc++)
			CHECK(op_run(fd, &b, &o, &rng) == 0,
			      "session %d after the reset", k);
	}
	CHECK(close(fd) == 0, "close");
	bufs_free(&b);
	return check_exit("driver-check recover");
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
			device = optarg;
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
