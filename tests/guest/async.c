/*
 * CIOCASYNCCRYPT / CIOCASYNCFETCH: many operations in flight from one
 * thread, driven by poll(), each result checked against OpenSSL whatever
 * the completion order; the per-file bound and poll() readiness; errors
 * coming back with their own crypt_op; files closed and processes killed
 * with operations in flight.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define ASYNC_MAX 64	/* the driver's documented bound per file */
#define DEPTH 16

static int submit(int fd, struct crypt_op *op)
{
	return ioctl(fd, CIOCASYNCCRYPT, op) == 0 ? 0 : errno;
}

/* 0 and the operation in *op, or the fetched operation's errno. */
static int fetch(int fd, struct crypt_op *op)
{
	return ioctl(fd, CIOCASYNCFETCH, op) == 0 ? 0 : errno;
}

/* poll()'s revents for fd after at most ms milliseconds. */
static short ready(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

/* The kinds of session an operation runs on: device, kernel, hash. */
static const struct kind {
	const char *name;
	uint32_t cipher, mac;
	const char *evp, *md;
	size_t keylen, block;
} kinds[] = {
	{ "AES-128-CBC", CRYPTO_AES_CBC, 0, "AES-128-CBC", NULL, 16, 16 },
	{ "AES-256-CTR", CRYPTO_AES_CTR, 0, "AES-256-CTR", NULL, 32, 1 },
	{ "3DES-CBC", CRYPTO_3DES_CBC, 0, "DES-EDE3-CBC", NULL, 24, 8 },
	{ "SHA256", 0, CRYPTO_SHA2_256, NULL, "SHA256", 0, 1 },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct slot {
	const struct kind *k;
	uint32_t ses;
	uint8_t key[32], iv[16], mac[64];
	uint8_t *in, *out;
	size_t len, off;
	bool busy;
};

static void slot_fill(struct slot *sl, struct crypt_op *op)
{
	const struct kind *k = sl->k;

	sl->len = rng_range(1, 64 * 1024 / k->block) * k->block;
	if (rng_range(0, 7) == 0)
		sl->len = rng_range(64 * 1024 / k->block, 256 * 1024 / k->block) *
			  k->block;
	rng_fill(sl->in, sl->len);
	rng_fill(sl->iv, sizeof(sl->iv));
	memset(op, 0, sizeof(*op));
	op->ses = sl->ses;
	op->op = COP_ENCRYPT;
	op->len = (uint32_t)sl->len;
	op->src = sl->in;
	if (k->mac) {
		op->mac = sl->mac;
	} else {
		op->dst = sl->out;
		op->iv = sl->iv;
	}
}

/* NULL when the fetched operation of sl is OpenSSL's answer, else why. */
static const char *slot_check(struct slot *sl)
{
	const struct kind *k = sl->k;
	uint8_t *want = malloc(sl->len), mac[64];
	const char *why = NULL;

	if (!want)
		return "out of memory";
	if (k->mac) {
		unsigned int n = oracle_digest(k->md, false, NULL, 0, sl->in, sl->len,
					       mac);

		if (memcmp(mac, sl->mac, n))
			why = "digest differs";
	} else {
		oracle_cipher(k->evp, true, sl->key, sl->iv, sl->in, want, sl->len);
		if (memcmp(want, sl->out, sl->len))
			why = "output differs";
	}
	free(want);
	return why;
}

static int slot_open(int fd, struct slot *sl, const struct kind *k)
{
	sl->k = k;
	rng_fill(sl->key, sizeof(sl->key));
	sl->in = buf_alloc(256 * 1024, 0);
	sl->out = buf_alloc(256 * 1024, 0);
	if (!sl->in || !sl->out)
		return ENOMEM;
	if (k->mac)
		return cdev_hash_session(fd, k->mac, NULL, 0, &sl->ses);
	return cdev_session(fd, k->cipher, sl->key, (uint32_t)k->keylen, &sl->ses);
}

static void slot_close(struct slot *sl)
{
	buf_free(sl->in, 0, 256 * 1024);
	buf_free(sl->out, 0, 256 * 1024);
}

/* The slot whose operation op is (by its src buffer). */
static struct slot *slot_of(struct slot *slots, size_t n, const struct crypt_op *op)
{
	for (size_t i = 0; i < n; i++)
		if (slots[i].in == op->src)
			return &slots[i];
	return NULL;
}

/*
 * One thread keeps DEPTH operations in flight for 400 of them, submitting
 * when poll() says POLLOUT and fetching on POLLIN; every result is checked.
 */
void test_async_random(void)
{
	struct slot slots[DEPTH];
	unsigned int done = 0, sent = 0, reordered = 0, bad = 0;
	const char *why = NULL;
	int fd = cdev_open();
	uint32_t last_off = 0;
	struct crypt_op op;
	int err;

	if (!report(fd >= 0, "async-random", "open %s", cdev_path))
		return;
	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < DEPTH; i++) {
		err = slot_open(fd, &slots[i], &kinds[i % NKINDS]);
		if (!report(!err, "async-random", "%s session: %s",
			    kinds[i % NKINDS].name, cdev_errname(err)))
			goto out;
	}
	while (done < 400 && !why) {
		for (size_t i = 0; i < DEPTH && sent < 400; i++) {
			if (slots[i].busy)
				continue;
			slot_fill(&slots[i], &op);
			err = submit(fd, &op);
			if (err) {
				why = cdev_errname(err);
				break;
			}
			slots[i].busy = true;
			slots[i].off = sent++;
		}
		if (why || !(ready(fd, POLLIN, 60000) & POLLIN)) {
			why = why ? why : "poll() gave no POLLIN in 60 s";
			break;
		}
		while (!why && (err = fetch(fd, &op)) != EBUSY) {
			struct slot *sl = slot_of(slots, DEPTH, &op);
			const char *w;

			if (!sl || !sl->busy) {
				why = "a fetched crypt_op that was not submitted";
				break;
			}
			if (err) {
				why = cdev_errname(err);
				break;
			}
			w = slot_check(sl);
			if (w && bad++ < 3)
				report(false, "async-random", "%s, %zu B: %s", sl->k->name,
				       sl->len, w);
			reordered += sl->off < last_off;
			last_off = (uint32_t)sl->off;
			sl->busy = false;
			done++;
		}
	}
	report(!why && !bad && done == 400, "async-random",
	       "400 operations at depth %d from one thread, 4 kinds, vs OpenSSL: "
	       "%u right, %u fetched before an earlier one%s%s", DEPTH, done - bad,
	       reordered, why ? ": " : "", why ? why : "");
out:
	for (size_t i = 0; i < DEPTH; i++)
		slot_close(&slots[i]);
	close(fd);
}

/*
 * The bound: ASYNC_MAX submitted and not fetched, the next gets EBUSY and
 * POLLOUT is off; POLLIN comes, each fetch is right, then EBUSY again.
 */
void test_async_bounds(void)
{
	static uint8_t in[ASYNC_MAX][64], out[ASYNC_MAX][64], iv[ASYNC_MAX][16];
	uint8_t key[16], want[64];
	unsigned int right = 0;
	int fd = cdev_open(), err;
	struct crypt_op op;
	uint32_t ses;
	short ev;

	if (!report(fd >= 0, "async-bounds", "open %s", cdev_path))
		return;
	rng_fill(key, sizeof(key));
	if (!report(cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses) == 0,
		    "async-bounds", "session"))
		goto out;
	ev = ready(fd, POLLIN | POLLOUT, 0);
	report(ev == POLLOUT, "async-bounds", "idle file: POLLOUT only (%#x)", ev);
	err = fetch(fd, &op);
	report(err == EBUSY, "async-bounds", "fetch with nothing submitted: %s",
	       cdev_errname(err));
	rng_fill(in, sizeof(in));
	rng_fill(iv, sizeof(iv));
	for (int i = 0; i < ASYNC_MAX; i++) {
		op = (struct crypt_op){ .ses = ses, .op = COP_ENCRYPT, .len = 64,
					.src = in[i], .dst = out[i], .iv = iv[i] };
		err = submit(fd, &op);
		if (!report(!err, "async-bounds", "submission %d: %s", i + 1,
			    cdev_errname(err)) )
			goto out;
	}
	op.src = in[0];
	err = submit(fd, &op);
	report(err == EBUSY, "async-bounds", "submission %d: %s (want EBUSY)",
	       ASYNC_MAX + 1, cdev_errname(err));
	ev = ready(fd, POLLOUT, 0);
	report(!(ev & POLLOUT), "async-bounds", "%d outstanding: no POLLOUT (%#x)",
	       ASYNC_MAX, ev);
	for (int i = 0; i < ASYNC_MAX; i++) {
		ev = ready(fd, POLLIN, 60000);
		err = (ev & POLLIN) ? fetch(fd, &op) : ETIMEDOUT;
		if (err)
			break;
		int n = (int)(((uint8_t (*)[64])op.src) - in);

		oracle_aes("CBC", true, key, 16, iv[n], in[n], want, 64);
		right += n >= 0 && n < ASYNC_MAX && op.dst == out[n] &&
			 !memcmp(want, out[n], 64);
	}
	report(right == ASYNC_MAX, "async-bounds", "%u of %d fetched after POLLIN "
	       "are OpenSSL's%s%s", right, ASYNC_MAX, err ? ": " : "",
	       err ? cdev_errname(err) : "");
	err = fetch(fd, &op);
	report(err == EBUSY, "async-bounds", "one fetch too many: %s", cdev_errname(err));
	ev = ready(fd, POLLIN | POLLOUT, 0);
	report(ev == POLLOUT, "async-bounds", "all fetched: POLLOUT only (%#x)", ev);
	cdev_free(fd, ses);
out:
	close(fd);
}

/* Refusals at submission; an operation's own error comes with its crypt_op. */
void test_async_errors(void)
{
	static uint8_t in[4096], out[4096], iv[16];
	uint8_t key[16] = { 1 };
	int fd = cdev_open(), err;
	struct crypt_op op, got;
	uint32_t ses;

	if (!report(fd >= 0, "async-errors", "open %s", cdev_path))
		return;
	if (!report(cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses) == 0,
		    "async-errors", "session"))
		goto out;
	op = (struct crypt_op){ .ses = ses ^ 1, .op = COP_ENCRYPT, .len = 16,
				.src = in, .dst = out, .iv = iv };
	err = submit(fd, &op);
	report(err == EINVAL, "async-errors", "unknown session: %s", cdev_errname(err));
	err = ioctl(fd, CIOCASYNCCRYPT, (void *)8) ? errno : 0;
	report(err == EFAULT, "async-errors", "argument at address 8: %s",
	       cdev_errname(err));

	static const struct {
		const char *what;
		uint32_t len;
		void *dst;
		uint16_t dir;
		int want;
	} cases[] = {
		{ "17 bytes of AES-CBC", 17, out, COP_ENCRYPT, EINVAL },
		{ "dst at address 8", 16, (void *)8, COP_ENCRYPT, EFAULT },
		{ "op 5", 16, out, 5, EINVAL },
		{ "a good one", 16, out, COP_ENCRYPT, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		op = (struct crypt_op){ .ses = ses, .op = cases[i].dir,
					.len = cases[i].len, .src = in,
					.dst = cases[i].dst, .iv = iv };
		err = submit(fd, &op);
		if (!report(!err, "async-errors", "%s: submitted: %s", cases[i].what,
			    cdev_errname(err)))
			continue;
		if (!(ready(fd, POLLIN, 60000) & POLLIN)) {
			report(false, "async-errors", "%s: no POLLIN", cases[i].what);
			continue;
		}
		memset(&got, 0, sizeof(got));
		err = fetch(fd, &got);
		report(err == cases[i].want && got.len == cases[i].len &&
		       got.dst == cases[i].dst, "async-errors",
		       "%s: fetched %s with its own crypt_op (want %s)",
		       cases[i].what, cdev_errname(err), cdev_errname(cases[i].want));
	}
	cdev_free(fd, ses);
out:
	close(fd);
}

/*
 * Submits ASYNC_MAX operations of len bytes on fd over three sessions;
 * returns how many were accepted. The IV is static: it is read when an
 * operation runs, after this returns.
 */
static int flood(int fd, uint8_t *buf, size_t len)
{
	static const uint8_t key[32] = { 7 };
	static uint8_t iv[16] = { 9 };
	uint32_t ses[3];
	int i;

	if (cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses[0]) ||
	    cdev_session(fd, CRYPTO_3DES_CBC, key, 24, &ses[1]) ||
	    cdev_hash_session(fd, CRYPTO_SHA2_512, NULL, 0, &ses[2]))
		return 0;
	for (i = 0; i < ASYNC_MAX; i++) {
		struct crypt_op op = { .ses = ses[i % 3], .op = COP_ENCRYPT,
				       .len = (uint32_t)len, .src = buf, .dst = buf,
				       .iv = iv, .mac = buf };

		if (submit(fd, &op))
			break;
	}
	return i;
}

/*
 * A file closed with ASYNC_MAX operations of 256 KiB in flight, in place, its
 * buffer unmapped right away; a child killed the same way. The device works
 * afterwards (and the harness checks the kernel log).
 */
void test_async_close(void)
{
	const size_t len = 256 * 1024;
	uint8_t key[16], iv[16], in[64], out[64], want[64];
	uint8_t *buf = buf_alloc(len, 0);
	int fd = cdev_open(), status = 0, err, sent;
	uint32_t ses;
	pid_t pid;

	if (!report(fd >= 0 && buf, "async-close", "open %s", cdev_path))
		return;
	rng_fill(buf, len);
	sent = flood(fd, buf, len);
	close(fd);
	buf_free(buf, 0, len);
	report(sent == ASYNC_MAX, "async-close", "closed and unmapped with %d of "
	       "%d submitted", sent, ASYNC_MAX);

	pid = fork();
	if (pid == 0) {
		int cfd = cdev_open();
		uint8_t *cbuf = buf_alloc(len, 0);

		/* Killed only when all were accepted: else it exits 1. */
		if (cfd >= 0 && cbuf && flood(cfd, cbuf, len) == ASYNC_MAX)
			raise(SIGKILL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	report(pid > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	       "async-close", "a child killed with %d submitted", ASYNC_MAX);

	fd = cdev_open();
	rng_fill(key, sizeof(key));
	rng_fill(iv, sizeof(iv));
	rng_fill(in, sizeof(in));
	err = fd < 0 ? errno : cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!err)
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, in, out, 64, iv);
	oracle_aes("CBC", true, key, 16, iv, in, want, 64);
	report(!err && !memcmp(out, want, 64), "async-close",
	       "then a new file's CIOCCRYPT is OpenSSL's: %s", cdev_errname(err));
	if (fd >= 0)
		close(fd);
}

/*
 * Garbage on the async ioctls: random crypt_ops with hostile pointers on
 * every kind of session, and fetches into hostile arguments. Submissions
 * answer 0, EINVAL or EBUSY; every accepted one is fetched with a clean
 * errno; nothing is left over, and the file still works.
 */
void test_async_garbage(void)
{
	enum { SPAN = 32 * 4096, CALLS = 2000 };
	static const int ok_fetch[] = { 0, EINVAL, EFAULT, ENOMEM };
	uint8_t *map = mmap(NULL, SPAN + 3 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int sent = 0, fetched = 0, bad = 0, busy = 0;
	int fd = cdev_open(), err;
	struct slot slots[NKINDS];
	struct crypt_op op;

	if (!report(fd >= 0 && map != MAP_FAILED, "async-garbage", "open %s, map",
		    cdev_path))
		return;
	uint8_t *good = map, *gone = map + SPAN, *ro = map + SPAN + 4096;

	munmap(gone, 4096);
	mprotect(ro, 4096, PROT_READ);
	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < NKINDS; i++)
		if (!report(slot_open(fd, &slots[i], &kinds[i]) == 0, "async-garbage",
			    "%s session", kinds[i].name))
			goto out;
	for (unsigned int c = 0; c < CALLS; c++) {
		rng_fill(&op, sizeof(op));
		op.ses = rng_range(0, 9) ? slots[rng_range(0, NKINDS - 1)].ses : op.ses;
		op.op = (uint16_t)(rng_range(0, 9) ? rng_range(0, 1) : rng_next());
		op.flags = rng_range(0, 3) ? 0 : (uint16_t)rng_next();
		op.len = rng_range(0, 3) ? (uint32_t)rng_range(0, SPAN + 4096) :
					   (uint32_t)rng_next();
		op.src = garbage_ptr(good, SPAN, ro, gone);
		op.dst = garbage_ptr(good, SPAN, ro, gone);
		op.mac = garbage_ptr(good, SPAN, ro, gone);
		op.iv = garbage_ptr(good, SPAN, ro, gone);
		err = submit(fd, &op);
		if (err == EBUSY)
			busy++;
		else if (err && err != EINVAL && bad++ < 5)
			report(false, "async-garbage", "submit %u: %s", c, cdev_errname(err));
		sent += !err;
		/* Drain now and then, into a good or a hostile argument. */
		while (rng_range(0, 3) == 0 || err == EBUSY) {
			void *arg = rng_range(0, 7) ? (void *)&op :
				    garbage_ptr(good, SPAN, ro, gone);
			size_t e;

			err = ioctl(fd, CIOCASYNCFETCH, arg) == 0 ? 0 : errno;
			if (err == EBUSY) {
				if (fetched == sent)
					break;
				if (ready(fd, POLLIN, 60000) & POLLIN)
					continue;
				report(false, "async-garbage", "no POLLIN in 60 s");
				bad++;
				break;
			}
			fetched++;
			for (e = 0; e < 4 && ok_fetch[e] != err; e++)
				;
			if (e == 4 && bad++ < 5)
				report(false, "async-garbage", "fetch: %s", cdev_errname(err));
		}
	}
	while (fetched < sent && (ready(fd, POLLIN, 60000) & POLLIN))
		while (fetch(fd, &op) != EBUSY)
			fetched++;
	report(!bad && fetched == sent, "async-garbage", "%d calls: %u accepted, "
	       "%u fetched with clean errnos, %u EBUSY on the way, %u other",
	       CALLS, sent, fetched, busy, bad);
	err = fetch(fd, &op);
	report(err == EBUSY && (ready(fd, POLLIN | POLLOUT, 0) == POLLOUT),
	       "async-garbage", "nothing left over: %s", cdev_errname(err));
	slot_fill(&slots[0], &op);
	err = submit(fd, &op);
	if (!err && (ready(fd, POLLIN, 60000) & POLLIN))
		err = fetch(fd, &op);
	report(!err && !slot_check(&slots[0]), "async-garbage",
	       "then an AES-CBC operation is OpenSSL's: %s", cdev_errname(err));
out:
	for (size_t i = 0; i < NKINDS; i++)
		slot_close(&slots[i]);
	close(fd);
	munmap(map, SPAN + 3 * 4096);
}
