/* Sessions: many per file, private per file, shared by fork, threads. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

struct keyed {
	uint8_t key[32];
	size_t keylen;
	uint32_t ses;
};

/*
 * An encryption of len random bytes through k and, with both set, its
 * decryption, each checked against OpenSSL; 0, errno or -1 (wrong output).
 */
static int verify_dirs(int fd, const struct keyed *k, size_t len, bool both)
{
	uint8_t iv[16], iv2[16], pt[1024], ct[1024], want[1024];
	int err;

	rng_fill(iv, 16);
	rng_fill(pt, len);
	oracle_aes("CBC", true, k->key, k->keylen, iv, pt, want, len);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, k->ses, COP_ENCRYPT, 0, pt, ct, (uint32_t)len, iv2);
	if (err)
		return err;
	if (memcmp(ct, want, len))
		return -1;
	if (!both)
		return 0;
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, k->ses, COP_DECRYPT, 0, want, ct, (uint32_t)len, iv2);
	if (err)
		return err;
	return memcmp(ct, pt, len) ? -1 : 0;
}

static int verify_encrypt(int fd, const struct keyed *k, size_t len)
{
	return verify_dirs(fd, k, len, false);
}

static int verify(int fd, const struct keyed *k, size_t len)
{
	return verify_dirs(fd, k, len, true);
}

static const char *verdict(int r)
{
	return r == -1 ? "wrong output" : cdev_errname(r);
}

static int new_session(int fd, struct keyed *k)
{
	k->keylen = 16 + 8 * rng_range(0, 2);
	rng_fill(k->key, k->keylen);
	return cdev_session(fd, CRYPTO_AES_CBC, k->key, (uint32_t)k->keylen, &k->ses);
}

void test_sessions(void)
{
	enum { N = 256 };
	struct keyed *k = calloc(N, sizeof(*k));
	unsigned int made = 0, good = 0, bad = 0, unique = 1, freed = 0;
	int fd = cdev_open(), r;

	if (!report(fd >= 0 && k, "sessions open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		goto out;
	for (unsigned int i = 0; i < N; i++) {
		r = new_session(fd, &k[i]);
		if (r) {
			report(false, "sessions create", "session %u of %d: %s", i, N, cdev_errname(r));
			break;
		}
		made++;
	}
	for (unsigned int i = 0; i < made; i++)
		for (unsigned int j = 0; j < i; j++)
			if (k[i].ses == k[j].ses)
				unique = 0;
	report(made == N && unique, "sessions 256 on one fd",
	       "%u created, ids %s", made, unique ? "unique" : "REPEATED");
	/*
	 * Verified by encryption only: QEMU's builtin backend holds at most
	 * 256 device sessions, and each direction needs its own.
	 */
	for (unsigned int n = 0; n < made; n++) {
		unsigned int i = (n * 97) % made;

		r = verify_encrypt(fd, &k[i], 16 * (1 + i % 64));
		if (r == 0)
			good++;
		else if (bad++ < 3)
			report(false, "sessions verify", "session %u (id %u): %s",
			       i, k[i].ses, verdict(r));
	}
	report(good == made, "sessions each verified",
	       "%u of %u sessions encrypt like OpenSSL", good, made);
	/* one more device session than the backend holds: an error or right data */
	if (made) {
		r = verify(fd, &k[0], 64);
		report(r != -1, "sessions beyond the backend's limit",
		       "decrypt needing a 257th device session: %s (want success or an errno, "
		       "never wrong data)", verdict(r));
	}
	for (unsigned int i = 0; i < made; i++)
		freed += cdev_free(fd, k[i].ses) == 0;
	report(freed == made, "sessions freed", "%u of %u freed", freed, made);
	r = made ? cdev_free(fd, k[made / 2].ses) : ENOENT;
	report(r == ENOENT, "sessions gone after free", "CIOCFSESSION again: %s", cdev_errname(r));
	/* the ids are free again: a second full round works */
	made = 0;
	for (unsigned int i = 0; i < N; i++)
		if (new_session(fd, &k[i]) == 0 && verify_encrypt(fd, &k[i], 32) == 0)
			made++;
	report(made == N, "sessions second round", "%u of %d created and verified", made, N);
out:
	if (fd >= 0)
		close(fd);
	free(k);
}

void test_private(void)
{
	struct keyed a, b;
	int fa = cdev_open(), fb = cdev_open(), r;

	if (!report(fa >= 0 && fb >= 0, "private open", "two opens: %s", fa >= 0 && fb >= 0 ? "opened" : cdev_errname(errno)))
		goto out;
	r = new_session(fa, &a);
	if (!report(r == 0, "private session", "on fd A: %s", cdev_errname(r)))
		goto out;
	r = new_session(fb, &b);
	if (!report(r == 0, "private session", "on fd B: %s", cdev_errname(r)))
		goto out;
	r = verify(fb, &a, 64);
	report(r == EINVAL || r == ENOENT, "private crypt", "A's session used on B: %s "
	       "(want EINVAL or ENOENT)", verdict(r));
	r = cdev_free(fb, a.ses);
	report(r == ENOENT || (a.ses == b.ses && r == 0), "private free",
	       "A's session freed through B: %s (want ENOENT)", cdev_errname(r));
	r = verify(fa, &a, 64);
	report(r == 0, "private intact", "A's session on A afterwards: %s", verdict(r));
	r = verify(fb, &b, 64);
	report(r == 0, "private other intact", "B's session on B: %s", verdict(r));
	close(fb);
	fb = -1;
	r = verify(fa, &a, 64);
	report(r == 0, "private survives other close", "A's session after B closed: %s",
	       verdict(r));
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
}

void test_fork(void)
{
	struct keyed k;
	int fd = cdev_open(), r, status;
	pid_t pid;

	if (!report(fd >= 0, "fork open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	r = new_session(fd, &k);
	if (!report(r == 0, "fork session", "%s", cdev_errname(r)))
		goto out;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct keyed own;
		int ok = 1;

		rng_seed(rng_base_seed + 77);
		for (int i = 0; i < 50 && ok; i++)
			ok = verify(fd, &k, 16 * (1 + i)) == 0;
		ok = ok && new_session(fd, &own) == 0 && verify(fd, &own, 64) == 0 &&
		     cdev_free(fd, own.ses) == 0;
		_exit(ok ? 0 : 1);
	}
	if (!report(pid > 0, "fork", "fork: %s", pid > 0 ? "forked" : cdev_errname(errno)))
		goto out;
	for (int i = 0; i < 50; i++)
		if ((r = verify(fd, &k, 16 * (50 - i))) != 0)
			break;
	report(r == 0, "fork parent during child", "parent's ops while the child runs: %s",
	       verdict(r));
	r = waitpid(pid, &status, 0);
	report(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork child",
	       "child used the parent's session (50 verified ops) and made its own: %s",
	       r == pid && WIFEXITED(status) ? (WEXITSTATUS(status) ? "failed" : "ok") :
					       "did not exit normally");
	r = verify(fd, &k, 256);
	report(r == 0, "fork parent after child", "session after the child exited: %s",
	       verdict(r));
out:
	close(fd);
}

struct thread_arg {
	int fd;
	unsigned int id, ops, failed;
	struct keyed *shared;
	char first[128];
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct keyed own;
	int r;

	rng_seed(rng_base_seed + 500 + a->id);
	r = new_session(a->fd, &own);
	if (r) {
		a->failed = a->ops;
		snprintf(a->first, sizeof(a->first), "CIOCGSESSION: %s", cdev_errname(r));
		return NULL;
	}
	for (unsigned int i = 0; i < a->ops; i++) {
		struct keyed *k = i % 2 ? a->shared : &own;

		r = verify(a->fd, k, 16 * rng_range(1, 64));
		if (r && a->failed++ == 0)
			snprintf(a->first, sizeof(a->first), "op %u on the %s session: %s",
				 i, k == &own ? "thread's" : "shared", verdict(r));
	}
	cdev_free(a->fd, own.ses);
	return NULL;
}

void test_threads(void)
{
	enum { THREADS = 8, OPS = 300 };
	struct thread_arg args[THREADS];
	pthread_t t[THREADS];
	bool started[THREADS];
	struct keyed shared;
	unsigned int failed = 0;
	int fd = cdev_open(), r;

	if (!report(fd >= 0, "threads open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	r = new_session(fd, &shared);
	if (!report(r == 0, "threads session", "%s", cdev_errname(r)))
		goto out;
	for (unsigned int i = 0; i < THREADS; i++) {
		args[i] = (struct thread_arg){ .fd = fd, .id = i, .ops = OPS,
					       .shared = &shared };
		started[i] = pthread_create(&t[i], NULL, thread_main, &args[i]) == 0;
		if (!started[i])
			report(false, "threads", "pthread_create %u failed", i);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		if (!started[i])
			continue;
		pthread_join(t[i], NULL);
		failed += args[i].failed;
		if (args[i].failed)
			report(false, "threads thread", "%u: %u of %u failed, first: %s",
			       i, args[i].failed, OPS, args[i].first);
	}
	report(failed == 0, "threads", "%d threads x %d verified ops (own and shared "
	       "sessions, one fd): %u failed", THREADS, OPS * 2, failed);
out:
	close(fd);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

void test_open_close(void)
{
	enum { CYCLES = 3000 };
	unsigned int opened = 0, with_session = 0, verified = 0;
	int before = count_fds(), first_err = 0;

	for (unsigned int i = 0; i < CYCLES; i++) {
		int fd = cdev_open();
		struct keyed k;

		if (fd < 0) {
			if (!first_err)
				first_err = errno;
			continue;
		}
		opened++;
		/* some files close with sessions still open: close must free them */
		if (i % 10 == 0 && new_session(fd, &k) == 0) {
			with_session++;
			if (i % 100 == 0 && verify(fd, &k, 64) == 0)
				verified++;
			if (i % 20 == 0)
				cdev_free(fd, k.ses);
		}
		close(fd);
	}
	report(opened == CYCLES, "open-close cycles", "%u of %d opens succeeded%s%s",
	       opened, CYCLES, first_err ? ", first error " : "",
	       first_err ? cdev_errname(first_err) : "");
	report(with_session == CYCLES / 10 && verified == CYCLES / 100,
	       "open-close with sessions", "%u files had a session (%u verified), "
	       "half of them closed with it still open", with_session, verified);
	report(count_fds() == before, "open-close no fd leak", "%d fds before, %d after",
	       before, count_fds());
}

struct chainer {
	pthread_t tid;
	int fd;
	uint32_t ses;
	int err;
	uint8_t (*out)[64];
};

enum { CHAIN_ROUNDS = 300, CHAIN_LEN = 64 };
static const uint8_t chain_pt[CHAIN_LEN];

static void *chainer_run(void *arg)
{
	struct chainer *c = arg;

	for (unsigned int i = 0; i < CHAIN_ROUNDS && !c->err; i++)
		c->err = cdev_crypt(c->fd, c->ses, COP_ENCRYPT, 0, chain_pt,
				    c->out[i], CHAIN_LEN, NULL);
	return NULL;
}

/*
 * Operations without an iv continue from the session's last one, so two
 * threads doing them at once must run one after the other: every output
 * is OpenSSL's CBC of the same plaintext from the IV the output before
 * left, and no two start from the same IV (in CTR mode, a reused
 * keystream).
 */
void test_iv_chain(void)
{
	struct chainer c[2] = { 0 };
	uint8_t iv[16], want[CHAIN_LEN], first[CHAIN_LEN];
	unsigned int pos[2] = { 0, 0 }, n;
	struct keyed k;
	int fd = cdev_open(), r;

	if (!report(fd >= 0, "iv-chain open", "%s", fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	r = new_session(fd, &k);
	rng_fill(iv, 16);
	if (!r)
		r = cdev_crypt(fd, k.ses, COP_ENCRYPT, 0, chain_pt, first, CHAIN_LEN, iv);
	if (!report(r == 0, "iv-chain session", "a session and a first operation: %s", cdev_errname(r)))
		goto out;
	for (int t = 0; t < 2; t++) {
		c[t] = (struct chainer){ .fd = fd, .ses = k.ses,
					 .out = calloc(CHAIN_ROUNDS, CHAIN_LEN) };
		if (!c[t].out || pthread_create(&c[t].tid, NULL, chainer_run, &c[t]))
			c[t].err = ENOMEM;
	}
	for (int t = 0; t < 2; t++)
		if (c[t].err != ENOMEM)
			pthread_join(c[t].tid, NULL);
	if (!report(!c[0].err && !c[1].err, "iv-chain operations",
		    "2 threads x %d operations without an iv: %s", CHAIN_ROUNDS,
		    cdev_errname(c[0].err ? c[0].err : c[1].err)))
		goto out_free;
	/* Walk the chain: each step must be the next output of one thread. */
	memcpy(iv, first + CHAIN_LEN - 16, 16);
	for (n = 0; n < 2 * CHAIN_ROUNDS; n++) {
		int t;

		oracle_aes("CBC", true, k.key, k.keylen, iv, chain_pt, want, CHAIN_LEN);
		for (t = 0; t < 2; t++)
			if (pos[t] < CHAIN_ROUNDS && !memcmp(c[t].out[pos[t]], want, CHAIN_LEN))
				break;
		if (t == 2)
			break;
		memcpy(iv, c[t].out[pos[t]++] + CHAIN_LEN - 16, 16);
	}
	report(n == 2 * CHAIN_ROUNDS, "iv-chain serial",
	       "%u of %d outputs continue the chain one after another (OpenSSL)",
	       n, 2 * CHAIN_ROUNDS);
out_free:
	free(c[0].out);
	free(c[1].out);
out:
	close(fd);
}

/*
 * One user holding more device sessions than the device has (HOG_SESSIONS
 * sessions, default 2048, used both ways) until a line arrives on stdin,
 * then using them all again: every one works, whatever others did.
 */
void test_hog(void)
{
	const char *env = getenv("HOG_SESSIONS");
	unsigned int N = env ? (unsigned int)strtoul(env, NULL, 10) : 2048;
	struct keyed *k = calloc(N ? N : 1, sizeof(*k));
	unsigned int made = 0, good = 0;
	char line[16];
	int fd = cdev_open(), r = 0;

	if (!report(fd >= 0 && k, "hog open", "%s", fd >= 0 ? "opened" : cdev_errname(errno)))
		goto out;
	for (made = 0; made < N; made++) {
		r = new_session(fd, &k[made]);
		if (!r)
			r = verify(fd, &k[made], 64);
		if (r)
			break;
	}
	report(made == N, "hog sessions", "%u of %u sessions used both ways: %s",
	       made, N, made == N ? "all verified" : verdict(r));
	printf("hog ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	for (unsigned int i = 0; i < made; i++)
		good += verify(fd, &k[(i * 97) % made], 32) == 0;
	report(good == made, "hog sessions again",
	       "%u of %u verified again after the others ran", good, made);
out:
	if (fd >= 0)
		close(fd);
	free(k);
}

/* Another user, while the hog holds its sessions: new sessions work. */
void test_victim(void)
{
	struct keyed k[4];
	int fd = cdev_open(), r = 0;
	unsigned int i;

	if (!report(fd >= 0, "victim open", "%s", fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (i = 0; i < 4 && !r; i++) {
		r = new_session(fd, &k[i]);
		if (!r)
			r = verify(fd, &k[i], 256);
	}
	report(r == 0, "victim sessions",
	       "new sessions used both ways while another user holds thousands: %s",
	       r ? verdict(r) : "verified");
	close(fd);
}
