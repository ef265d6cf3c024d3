/*
 * driver-abuse: user space attacking virtio_cryptodev.ko. Hostile arguments
 * (lengths that overflow, kernel and wrapping pointers, read-only argument
 * blocks, another file's session ids, the session limit) and races (a
 * session freed while another thread uses it, one descriptor of an open
 * file closed while another is in use). Every operation that succeeds is
 * compared with OpenSSL; every failure must carry the documented errno.
 * One line a check (tests/report.h), then "driver-abuse COMMAND: all
 * checks passed".
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../cdev.h"
#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

#define BLOCK 16
#define MAX_OP (64 * 1024)
#define SESSION_LIMIT 4096

static const uint8_t key[16] = "abuse-test-key!";
/* Not user memory, and a range that wraps around the address space. */
#define KERNEL_PTR ((void *)0xffffffff81000000UL)
#define WRAP_PTR ((void *)(uintptr_t)-16)

/* An answer: 0, an errno value, or -1 for a wrong result. */
static const char *res_name(int res)
{
	return res < 0 ? "a wrong result" : cdev_errname(res);
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
 * An AES-128-CBC session under key: 0 (id in *ses) or an errno value (id 0
 * then); an id of 0 is EPROTO.
 */
static int session(int fd, uint32_t *ses)
{
	int err;

	*ses = 0;
	err = cdev_session(fd, CRYPTO_AES_CBC, key, sizeof(key), ses);
	if (!err && !*ses)
		err = EPROTO;
	return err;
}

/*
 * One random-length encryption on (fd, ses) checked against OpenSSL, its
 * data from this thread's stream (rng.h): 0, the errno of the ioctl, or -1
 * for a wrong result.
 */
static int checked_op(int fd, uint32_t ses)
{
	uint8_t in[MAX_OP], out[MAX_OP], want[MAX_OP], iv[BLOCK];
	uint32_t len = BLOCK * (uint32_t)rng_range(1, MAX_OP / BLOCK);
	int err;

	rng_fill(in, len);
	rng_fill(iv, BLOCK);
	oracle_aes("CBC", true, key, sizeof(key), iv, in, want, len);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, in, out, len, iv);
	if (err)
		return err;
	return memcmp(out, want, len) ? -1 : 0;
}

static void *page(int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("driver-abuse: mmap");
		exit(1);
	}
	return p;
}

static void hostile_lengths(int fd, uint32_t ses)
{
	static const uint32_t lens[] = {
		0, 15, 0x80000000U, 0xfffffff0U, 0xffffffffU,
		(64U << 20) + 16, 0xfffffff0U & ~15U,
	};
	static const uint32_t keylens[] = {
		0, 1, 33, 65, 4096, 0x80000000U, 0xffffffffU,
	};
	uint8_t buf[64] = { 0 }, iv[BLOCK] = { 0 };
	uint32_t id;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, buf, lens[i], iv);
		report(err == EINVAL, "a bad length gives EINVAL",
		       "len %#x over a 64-byte buffer: %s", lens[i],
		       res_name(err));
	}
	for (i = 0; i < sizeof(keylens) / sizeof(keylens[0]); i++) {
		err = cdev_session(fd, CRYPTO_AES_CBC, key, keylens[i], &id);
		report(err == EINVAL, "a bad key length gives EINVAL",
		       "keylen %#x: %s", keylens[i], res_name(err));
		err = cdev_session(fd, CRYPTO_AES_CBC, NULL, keylens[i], &id);
		report(err == EINVAL, "a bad key length gives EINVAL",
		       "keylen %#x, key NULL: %s", keylens[i], res_name(err));
	}
}

static void hostile_pointers(int fd, uint32_t ses)
{
	static void *const bad[] = { KERNEL_PTR, WRAP_PTR, NULL };
	static const struct {
		unsigned long cmd;
		const char *name;
	} cmds[] = {
		{ CIOCCRYPT, "CIOCCRYPT" },
		{ CIOCGSESSION, "CIOCGSESSION" },
		{ CIOCFSESSION, "CIOCFSESSION" },
		{ CIOCGSESSINFO, "CIOCGSESSINFO" },
		{ CIOCASYMFEAT, "CIOCASYMFEAT" },
		{ CIOCAUTHCRYPT, "CIOCAUTHCRYPT" },
	};
	uint8_t buf[64] = { 0 }, iv[BLOCK] = { 0 };
	uint32_t id;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, bad[i], buf, 32, iv);
		report(err == EFAULT, "a bad pointer gives EFAULT", "src %p: %s",
		       bad[i], res_name(err));
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, bad[i], 32, iv);
		report(err == EFAULT, "a bad pointer gives EFAULT", "dst %p: %s",
		       bad[i], res_name(err));
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, bad[i], bad[i], 32, iv);
		report(err == EFAULT, "a bad pointer gives EFAULT",
		       "src = dst %p: %s", bad[i], res_name(err));
		if (bad[i]) {
			err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, buf, 32,
					 bad[i]);
			report(err == EFAULT, "a bad pointer gives EFAULT",
			       "iv %p: %s", bad[i], res_name(err));
		}
		err = cdev_session(fd, CRYPTO_AES_CBC, bad[i], 16, &id);
		report(err == EFAULT, "a bad pointer gives EFAULT", "key %p: %s",
		       bad[i], res_name(err));
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		err = ioctl(fd, cmds[i].cmd, KERNEL_PTR) ? errno : 0;
		report(err == EFAULT, "an argument in the kernel gives EFAULT",
		       "%s: %s", cmds[i].name, res_name(err));
	}
}

/* Argument blocks that can be read but not written back. */
static void hostile_readonly(int fd, uint32_t ses)
{
	uint8_t *ro = page(PROT_READ | PROT_WRITE);
	struct session_op *sop = (struct session_op *)ro;
	struct session_info_op *si = (struct session_info_op *)(ro + 512);
	int i, next, probe, err = 0;
	uint32_t id;

	sop->cipher = CRYPTO_AES_CBC;
	sop->keylen = 16;
	sop->key = (uint8_t *)key;
	si->ses = ses;
	mprotect(ro, 4096, PROT_READ);

	err = ioctl(fd, CIOCGSESSINFO, si) ? errno : 0;
	report(err == EFAULT, "CIOCGSESSINFO into a read-only page", "%s",
	       res_name(err));
	/* A session whose id cannot be returned must not stay behind. */
	for (i = 0; i < SESSION_LIMIT + 16; i++) {
		err = ioctl(fd, CIOCGSESSION, sop) ? errno : 0;
		if (err != EFAULT)
			break;
	}
	report_check(err == EFAULT, "CIOCGSESSION into a read-only page",
		     "call %d of %d: %s", i + 1, SESSION_LIMIT + 16,
		     res_name(err));
	err = session(fd, &id);
	report(!err, "a session after the unreturnable ones", "%s",
	       res_name(err));

	/* CRIOGET that cannot return the new descriptor leaves none open. */
	next = dup(0);
	close(next);
	err = ioctl(fd, CRIOGET, ro) ? errno : 0;
	report(err == EFAULT, "CRIOGET into a read-only page", "%s",
	       res_name(err));
	err = ioctl(fd, CRIOGET, KERNEL_PTR) ? errno : 0;
	report(err == EFAULT, "CRIOGET into the kernel", "%s", res_name(err));
	probe = dup(0);
	report_check(probe == next, "CRIOGET leaks no descriptor",
		     "the next free one is %d, not %d", probe, next);
	close(probe);
	munmap(ro, 4096);
}

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sessions belong to one open file; CRIOGET shares it. */
static void hostile_ids(int fd, uint32_t ses)
{
	int other = cdev_open(), dup_fd = -1, err;
	uint32_t *ids = calloc(SESSION_LIMIT, sizeof(*ids));
	uint32_t *sorted = calloc(SESSION_LIMIT, sizeof(*ids));
	struct session_info_op si = { .ses = ses };
	uint32_t extra;
	int i, made = 0, freed = 0;

	if (!report_check(other >= 0 && ids && sorted, "a second file",
			  "open %s: %s", cdev_path, res_name(errno)))
		return;
	err = cdev_crypt(other, ses, COP_ENCRYPT, 0, ids, ids, 16, NULL);
	report(err == EINVAL, "CIOCCRYPT with another file's id", "%s",
	       res_name(err));
	err = ioctl(other, CIOCGSESSINFO, &si) ? errno : 0;
	report(err == EINVAL, "CIOCGSESSINFO with another file's id", "%s",
	       res_name(err));
	err = cdev_free(other, ses);
	report(err == ENOENT, "CIOCFSESSION with another file's id", "%s",
	       res_name(err));
	err = checked_op(fd, ses);
	report(!err, "the session after the other file's attempts", "%s",
	       res_name(err));

	err = ioctl(fd, CRIOGET, &dup_fd) ? errno : 0;
	report(!err && dup_fd >= 0, "CRIOGET", "%s", res_name(err));
	err = checked_op(dup_fd, ses);
	report(!err, "the session through CRIOGET's descriptor", "%s",
	       res_name(err));
	close(dup_fd);

	/* Unique non-zero ids up to the limit, then ENOSPC, then room again. */
	for (i = 0, err = 0; i < SESSION_LIMIT && !err; i++) {
		err = session(other, &ids[i]);
		made += !err;
	}
	report(made == SESSION_LIMIT, "sessions up to the limit, ids non-zero",
	       "%d of %d made%s%s", made, SESSION_LIMIT, err ? ", then " : "",
	       err ? res_name(err) : "");
	err = session(other, &extra);
	report(err == ENOSPC, "a session over the limit gives ENOSPC",
	       "session %d: %s", SESSION_LIMIT + 1, res_name(err));
	memcpy(sorted, ids, (size_t)made * sizeof(*ids));
	qsort(sorted, (size_t)made, sizeof(*sorted), cmp_id);
	for (i = 1; i < made && sorted[i] != sorted[i - 1]; i++)
		;
	report_check(made < 2 || i == made, "every id unique",
		     "%#x given twice", made < 2 || i == made ? 0 : sorted[i - 1]);
	if (made) {
		err = cdev_free(other, ids[0]);
		report(!err, "free one", "%s", res_name(err));
		err = cdev_free(other, ids[0]);
		report(err == ENOENT, "free it twice gives ENOENT", "%s",
		       res_name(err));
		err = session(other, &ids[0]);
		report(!err, "a session once one is freed", "%s",
		       res_name(err));
	}
	for (i = 0, err = 0; i < made && !err; i++) {
		err = cdev_free(other, ids[i]);
		freed += !err;
	}
	report(freed == made, "free every session", "%d of %d freed%s%s",
	       freed, made, err ? ", then " : "", err ? res_name(err) : "");
	free(sorted);
	free(ids);
	close(other);
}

static int cmd_hostile(void)
{
	static const char prog[] = "driver-abuse hostile";
	uint32_t ses;
	int fd = node_open("hostile"), err;

	if (fd < 0)
		return report_finish(prog);
	err = session(fd, &ses);
	if (!report(!err, "session", "AES-128-CBC: %s", res_name(err)))
		return report_finish(prog);
	rng_seed(0x1234567);
	hostile_lengths(fd, ses);
	hostile_pointers(fd, ses);
	hostile_readonly(fd, ses);
	hostile_ids(fd, ses);
	err = checked_op(fd, ses);
	report(!err, "the session still works", "%s", res_name(err));
	err = cdev_free(fd, ses);
	report(!err, "CIOCFSESSION", "%s", res_name(err));
	close(fd);
	return report_finish(prog);
}

/* A thread that runs checked operations until one fails or it is told. */
struct user {
	pthread_t tid;
	int fd;
	uint32_t ses;
	uint64_t seed;
	atomic_ulong done;
	atomic_int stop;
	int res;
};

static void *user_run(void *arg)
{
	struct user *u = arg;

	rng_seed(u->seed);
	while (!atomic_load(&u->stop)) {
		u->res = checked_op(u->fd, u->ses);
		if (u->res)
			break;
		atomic_fetch_add(&u->done, 1);
	}
	return NULL;
}

static void user_start(struct user *u, int fd, uint32_t ses, uint64_t seed)
{
	memset(u, 0, sizeof(*u));
	u->fd = fd;
	u->ses = ses;
	u->seed = seed;
	if (pthread_create(&u->tid, NULL, user_run, u)) {
		perror("driver-abuse: pthread_create");
		exit(1);
	}
	while (atomic_load(&u->done) < 2 && !u->res)
		sched_yield();
}

struct freer {
	pthread_t tid;
	int fd;
	uint32_t ses;
	atomic_int *go;
	int res;
};

static void *freer_run(void *arg)
{
	struct freer *f = arg;

	while (!atomic_load(f->go))
		sched_yield();
	f->res = cdev_free(f->fd, f->ses);
	return NULL;
}

/*
 * A session freed (by two threads at once) while a third uses it: one
 * free succeeds, the other gets ENOENT, the user's operations are right
 * until it gets EINVAL.
 */
static void race_free(int fd, uint64_t seed)
{
	struct freer f[2];
	atomic_int go = 0;
	struct user u;
	uint32_t ses;
	int i, err;

	err = session(fd, &ses);
	if (!report_check(!err, "session", "AES-128-CBC: %s", res_name(err)))
		return;
	user_start(&u, fd, ses, seed);
	for (i = 0; i < 2; i++) {
		f[i] = (struct freer){ .fd = fd, .ses = ses, .go = &go };
		pthread_create(&f[i].tid, NULL, freer_run, &f[i]);
	}
	atomic_store(&go, 1);
	for (i = 0; i < 2; i++)
		pthread_join(f[i].tid, NULL);
	pthread_join(u.tid, NULL);
	report((f[0].res == 0 && f[1].res == ENOENT) ||
	       (f[0].res == ENOENT && f[1].res == 0),
	       "two frees of one session: one succeeds, one ENOENT",
	       "%s and %s", res_name(f[0].res), res_name(f[1].res));
	report(u.res == EINVAL, "the user of a freed session ends with EINVAL",
	       "%s after %lu operations", res_name(u.res),
	       (unsigned long)atomic_load(&u.done));
}

/* Runs u until it has done 6 more operations (or failed), then stops it. */
static void user_stop(struct user *u)
{
	while (atomic_load(&u->done) < 6 && !u->res)
		sched_yield();
	atomic_store(&u->stop, 1);
	pthread_join(u->tid, NULL);
}

/*
 * Two descriptors of one open file (CRIOGET): closing either leaves the
 * other and the sessions working; closing the one in use ends its user
 * with EBADF, never a wrong result.
 */
static void race_close(uint64_t seed)
{
	int fd = node_open("race"), other = -1, err;
	struct user u;
	uint32_t ses;

	if (fd < 0)
		return;
	err = session(fd, &ses);
	if (!err && ioctl(fd, CRIOGET, &other))
		err = errno;
	if (!report_check(!err, "session and CRIOGET", "%s", res_name(err)))
		return;

	user_start(&u, other, ses, seed);
	report_check(close(fd) == 0,
		     "close the original while its copy is in use", "%s",
		     res_name(errno));
	fd = -1;
	user_stop(&u);
	report(u.res == 0, "the copy after the original's close", "%s",
	       res_name(u.res));

	err = ioctl(other, CRIOGET, &fd) ? errno : 0;
	report(!err, "CRIOGET again", "%s", res_name(err));
	user_start(&u, fd, ses, seed + 1);
	report_check(close(other) == 0,
		     "close the copy while the original is in use", "%s",
		     res_name(errno));
	user_stop(&u);
	report(u.res == 0, "the descriptor after the other's close", "%s",
	       res_name(u.res));

	user_start(&u, fd, ses, seed + 2);
	report_check(close(fd) == 0, "close the last descriptor while in use",
		     "%s", res_name(errno));
	pthread_join(u.tid, NULL);
	report(u.res == EBADF, "the user of a closed descriptor ends with EBADF",
	       "%s", res_name(u.res));
}

static int cmd_race(int argc, char **argv)
{
	static const char prog[] = "driver-abuse race";
	int rounds = argc > 0 ? atoi(argv[0]) : 20, i, fd;

	for (i = 0; i < rounds; i++) {
		fd = node_open("race");
		if (fd < 0)
			return report_finish(prog);
		race_free(fd, 0x9e3779b97f4a7c15ULL + (uint64_t)i);
		close(fd);
		race_close(0x2545f4914f6cdd1dULL * (uint64_t)(i + 1));
	}
	printf("%s: %d rounds\n", prog, rounds);
	return report_finish(prog);
}

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: driver-abuse [--device PATH] COMMAND [ARG...]\n"
		"Attacks /dev/cryptodevN (virtio_cryptodev.ko) from user space.\n"
		"  hostile        overflowing lengths, bad pointers, read-only\n"
		"                 arguments, other files' ids, the session limit\n"
		"  race [N]       N rounds of free-while-in-use and close-while-in-use\n"
		"  --device PATH  default /dev/cryptodev0\n"
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
	int c;

	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cdev_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("driver-abuse 1\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && !strcmp(argv[0], "hostile"))
		return cmd_hostile();
	if (argc >= 1 && !strcmp(argv[0], "race"))
		return cmd_race(argc - 1, argv + 1);
	usage(stderr);
	return 2;
}
