/*
 * driver-abuse: user space attacking virtio_cryptodev.ko. Hostile arguments
 * (lengths that overflow, kernel and wrapping pointers, read-only argument
 * blocks, another file's session ids, the session limit) and races (a
 * session freed while another thread uses it, one descriptor of an open
 * file closed while another is in use). Every operation that succeeds is
 * compared with OpenSSL; every failure must carry the documented errno.
 */
#include <errno.h>
#include <fcntl.h>
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

#include <openssl/evp.h>

#include "vcrypto/cryptodev.h"
#include "../check.h"

#define BLOCK 16
#define MAX_OP (64 * 1024)
#define SESSION_LIMIT 4096

static const char *device = "/dev/cryptodev0";
static const unsigned char key[16] = "abuse-test-key!";
/* Not user memory, and a range that wraps around the address space. */
#define KERNEL_PTR ((void *)0xffffffff81000000UL)
#define WRAP_PTR ((void *)(uintptr_t)-16)

static int dev_open(void)
{
	int fd = open(device, O_RDWR);

	if (fd < 0)
		fprintf(stderr, "driver-abuse: %s: %s\n", device,
			strerror(errno));
	return fd;
}

/* A session id, or 0 with errno set. */
static uint32_t session(int fd)
{
	struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
				  .key = (unsigned char *)key };

	return ioctl(fd, CIOCGSESSION, &sop) ? 0 : sop.ses;
}

/* 0 or the errno of CIOCCRYPT. */
static int dev_crypt(int fd, uint32_t ses, const void *src, void *dst,
		 uint32_t len, void *iv)
{
	struct crypt_op cop = {
		.ses = ses, .op = COP_ENCRYPT, .len = len,
		.src = (unsigned char *)src, .dst = dst, .iv = iv,
	};

	return ioctl(fd, CIOCCRYPT, &cop) ? errno : 0;
}

/* 0 or the errno of an ioctl that takes a session id. */
static int on_id(int fd, unsigned long cmd, uint32_t ses)
{
	struct session_info_op si = { .ses = ses };

	return ioctl(fd, cmd, cmd == CIOCGSESSINFO ? (void *)&si :
						     (void *)&ses) ? errno : 0;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * One random-length encryption on (fd, ses) checked against OpenSSL:
 * 0, the errno of the ioctl, or -1 for a wrong result.
 */
static int checked_op(int fd, uint32_t ses, uint64_t *rng)
{
	unsigned char in[MAX_OP], out[MAX_OP], want[MAX_OP], iv[BLOCK];
	uint32_t len = BLOCK * (1 + (uint32_t)(rng_next(rng) % (MAX_OP / BLOCK)));
	EVP_CIPHER_CTX *ctx;
	int n = 0, ok, err;
	uint32_t i;

	for (i = 0; i < len; i++)
		in[i] = (unsigned char)rng_next(rng);
	for (i = 0; i < BLOCK; i++)
		iv[i] = (unsigned char)rng_next(rng);
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_EncryptUpdate(ctx, want, &n, in, (int)len) &&
	     (uint32_t)n == len;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	err = dev_crypt(fd, ses, in, out, len, iv);
	if (err)
		return err;
	return memcmp(out, want, len) ? -1 : 0;
}

static const char *res_name(int res)
{
	return res < 0 ? "a wrong result" : res ? strerror(res) : "success";
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
	unsigned char buf[64] = { 0 }, iv[BLOCK] = { 0 };
	unsigned i;
	int err;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		err = dev_crypt(fd, ses, buf, buf, lens[i], iv);
		CHECK(err == EINVAL, "len %#x over a 64-byte buffer: %s, not EINVAL",
		      lens[i], res_name(err));
	}
	for (i = 0; i < sizeof(keylens) / sizeof(keylens[0]); i++) {
		struct session_op sop = { .cipher = CRYPTO_AES_CBC,
					  .keylen = keylens[i],
					  .key = (unsigned char *)key };

		err = ioctl(fd, CIOCGSESSION, &sop) ? errno : 0;
		CHECK(err == EINVAL, "keylen %#x: %s, not EINVAL", keylens[i],
		      res_name(err));
		sop.key = NULL;
		err = ioctl(fd, CIOCGSESSION, &sop) ? errno : 0;
		CHECK(err == EINVAL, "keylen %#x, key NULL: %s, not EINVAL",
		      keylens[i], res_name(err));
	}
}

static void hostile_pointers(int fd, uint32_t ses)
{
	static void *const bad[] = { KERNEL_PTR, WRAP_PTR, NULL };
	unsigned char buf[64] = { 0 }, iv[BLOCK] = { 0 };
	struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16 };
	unsigned i;
	int err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = dev_crypt(fd, ses, bad[i], buf, 32, iv);
		CHECK(err == EFAULT, "src %p: %s", bad[i], res_name(err));
		err = dev_crypt(fd, ses, buf, bad[i], 32, iv);
		CHECK(err == EFAULT, "dst %p: %s", bad[i], res_name(err));
		err = dev_crypt(fd, ses, bad[i], bad[i], 32, iv);
		CHECK(err == EFAULT, "src = dst %p: %s", bad[i], res_name(err));
		if (bad[i]) {
			err = dev_crypt(fd, ses, buf, buf, 32, bad[i]);
			CHECK(err == EFAULT, "iv %p: %s", bad[i], res_name(err));
		}
		sop.key = bad[i];
		err = ioctl(fd, CIOCGSESSION, &sop) ? errno : 0;
		CHECK(err == EFAULT, "key %p: %s", bad[i], res_name(err));
	}
	CHECK(ioctl(fd, CIOCCRYPT, KERNEL_PTR) && errno == EFAULT,
	      "CIOCCRYPT argument in the kernel: %s", strerror(errno));
	CHECK(ioctl(fd, CIOCGSESSION, KERNEL_PTR) && errno == EFAULT,
	      "CIOCGSESSION argument in the kernel: %s", strerror(errno));
	CHECK(ioctl(fd, CIOCFSESSION, KERNEL_PTR) && errno == EFAULT,
	      "CIOCFSESSION argument in the kernel: %s", strerror(errno));
	CHECK(ioctl(fd, CIOCGSESSINFO, KERNEL_PTR) && errno == EFAULT,
	      "CIOCGSESSINFO argument in the kernel: %s", strerror(errno));
	CHECK(ioctl(fd, CIOCASYMFEAT, KERNEL_PTR) && errno == EFAULT,
	      "CIOCASYMFEAT argument in the kernel: %s", strerror(errno));
	CHECK(ioctl(fd, CIOCAUTHCRYPT, KERNEL_PTR) && errno == EFAULT,
	      "CIOCAUTHCRYPT argument in the kernel: %s", strerror(errno));
}

/* Argument blocks that can be read but not written back. */
static void hostile_readonly(int fd, uint32_t ses)
{
	unsigned char *ro = page(PROT_READ | PROT_WRITE);
	struct session_op *sop = (struct session_op *)ro;
	struct session_info_op *si = (struct session_info_op *)(ro + 512);
	int i, next, probe;

	sop->cipher = CRYPTO_AES_CBC;
	sop->keylen = 16;
	sop->key = (unsigned char *)key;
	si->ses = ses;
	mprotect(ro, 4096, PROT_READ);

	CHECK(ioctl(fd, CIOCGSESSINFO, si) && errno == EFAULT,
	      "CIOCGSESSINFO into a read-only page: %s", strerror(errno));
	/* A session whose id cannot be returned must not stay behind. */
	for (i = 0; i < SESSION_LIMIT + 16; i++)
		if (!CHECK(ioctl(fd, CIOCGSESSION, sop) && errno == EFAULT,
			   "CIOCGSESSION into a read-only page: %s",
			   strerror(errno)))
			break;
	CHECK(session(fd), "a session after %d unreturnable ones: %s",
	      SESSION_LIMIT + 16, strerror(errno));

	/* CRIOGET that cannot return the new descriptor leaves none open. */
	next = dup(0);
	close(next);
	CHECK(ioctl(fd, CRIOGET, ro) && errno == EFAULT,
	      "CRIOGET into a read-only page: %s", strerror(errno));
	CHECK(ioctl(fd, CRIOGET, KERNEL_PTR) && errno == EFAULT,
	      "CRIOGET into the kernel: %s", strerror(errno));
	probe = dup(0);
	CHECK(probe == next, "CRIOGET leaked descriptor %d", next);
	close(probe);
	munmap(ro, 4096);
}

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sessions belong to one open file; CRIOGET shares it. */
static void hostile_ids(int fd, uint32_t ses, uint64_t *rng)
{
	int other = dev_open(), dup_fd = -1, err;
	uint32_t *ids = calloc(SESSION_LIMIT, sizeof(*ids));
	uint32_t *sorted = calloc(SESSION_LIMIT, sizeof(*ids));
	int i, made = 0;

	if (!CHECK(other >= 0 && ids && sorted, "open a second file"))
		return;
	err = dev_crypt(other, ses, ids, ids, 16, NULL);
	CHECK(err == EINVAL, "CIOCCRYPT with another file's id: %s",
	      res_name(err));
	err = on_id(other, CIOCGSESSINFO, ses);
	CHECK(err == EINVAL, "CIOCGSESSINFO with another file's id: %s",
	      res_name(err));
	err = on_id(other, CIOCFSESSION, ses);
	CHECK(err == ENOENT, "CIOCFSESSION with another file's id: %s",
	      res_name(err));
	err = checked_op(fd, ses, rng);
	CHECK(err == 0, "the session after the other file's attempts: %s",
	      res_name(err));

	CHECK(ioctl(fd, CRIOGET, &dup_fd) == 0 && dup_fd >= 0,
	      "CRIOGET: %s", strerror(errno));
	err = checked_op(dup_fd, ses, rng);
	CHECK(err == 0, "the session through CRIOGET's descriptor: %s",
	      res_name(err));
	close(dup_fd);

	/* Unique non-zero ids up to the limit, then ENOSPC, then room again. */
	for (i = 0; i < SESSION_LIMIT; i++) {
		ids[i] = session(other);
		if (!CHECK(ids[i], "session %d of %d: %s", i + 1,
			   SESSION_LIMIT, strerror(errno)))
			break;
		made++;
	}
	err = session(other) ? 0 : errno;
	CHECK(err == ENOSPC, "session %d: %s, not ENOSPC", SESSION_LIMIT + 1,
	      res_name(err));
	memcpy(sorted, ids, (size_t)made * sizeof(*ids));
	qsort(sorted, (size_t)made, sizeof(*sorted), cmp_id);
	for (i = 1; i < made && sorted[i] != sorted[i - 1]; i++)
		;
	CHECK(made < 2 || i == made, "id %#x given twice", sorted[i - 1]);
	if (made) {
		CHECK(on_id(other, CIOCFSESSION, ids[0]) == 0, "free one");
		CHECK(on_id(other, CIOCFSESSION, ids[0]) == ENOENT, "free twice");
		ids[0] = session(other);
		CHECK(ids[0], "a session once one is freed: %s", strerror(errno));
	}
	for (i = 0; i < made; i++)
		if (!CHECK(on_id(other, CIOCFSESSION, ids[i]) == 0,
			   "free session %d", i))
			break;
	free(sorted);
	free(ids);
	close(other);
}

static int cmd_hostile(void)
{
	uint64_t rng = 0x1234567;
	uint32_t ses;
	int fd = dev_open();

	if (fd < 0)
		return 1;
	ses = session(fd);
	if (!CHECK(ses, "CIOCGSESSION: %s", strerror(errno)))
		return check_exit("driver-abuse hostile");
	hostile_lengths(fd, ses);
	hostile_pointers(fd, ses);
	hostile_readonly(fd, ses);
	hostile_ids(fd, ses, &rng);
	CHECK(checked_op(fd, ses, &rng) == 0, "the session still works");
	CHECK(on_id(fd, CIOCFSESSION, ses) == 0, "CIOCFSESSION");
	close(fd);
	return check_exit("driver-abuse hostile");
}

/* A thread that runs checked operations until one fails or it is told. */
struct user {
	pthread_t tid;
	int fd;
	uint32_t ses;
	uint64_t rng;
	atomic_ulong done;
	atomic_int stop;
	int res;
};

static void *user_run(void *arg)
{
	struct user *u = arg;

	while (!atomic_load(&u->stop)) {
		u->res = checked_op(u->fd, u->ses, &u->rng);
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
	u->rng = seed;
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
	f->res = on_id(f->fd, CIOCFSESSION, f->ses);
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
	uint32_t ses = session(fd);
	int i;

	if (!CHECK(ses, "CIOCGSESSION: %s", strerror(errno)))
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
	CHECK((f[0].res == 0 && f[1].res == ENOENT) ||
	      (f[0].res == ENOENT && f[1].res == 0),
	      "two frees of one session: %s and %s", res_name(f[0].res),
	      res_name(f[1].res));
	CHECK(u.res == EINVAL, "the user of a freed session ended with %s after %lu operations",
	      res_name(u.res), (unsigned long)atomic_load(&u.done));
}

/*
 * Two descriptors of one open file (CRIOGET): closing either leaves the
 * other and the sessions working; closing the one in use ends its user
 * with EBADF, never a wrong result.
 */
static void race_close(uint64_t seed)
{
	int fd = dev_open(), other = -1, res;
	struct user u;
	uint32_t ses;

	if (fd < 0)
		return;
	ses = session(fd);
	if (!CHECK(ses && ioctl(fd, CRIOGET, &other) == 0,
		   "session and CRIOGET: %s", strerror(errno)))
		return;

	user_start(&u, other, ses, seed);
	CHECK(close(fd) == 0, "close the original while its copy is in use");
	fd = -1;
	while (atomic_load(&u.done) < 6 && !u.res)
		sched_yield();
	atomic_store(&u.stop, 1);
	pthread_join(u.tid, NULL);
	CHECK(u.res == 0, "the copy after the original's close: %s",
	      res_name(u.res));

	CHECK(ioctl(other, CRIOGET, &fd) == 0, "CRIOGET again: %s",
	      strerror(errno));
	user_start(&u, fd, ses, seed + 1);
	CHECK(close(other) == 0, "close the copy while the original is in use");
	while (atomic_load(&u.done) < 6 && !u.res)
		sched_yield();
	atomic_store(&u.stop, 1);
	pthread_join(u.tid, NULL);
	CHECK(u.res == 0, "the descriptor after the other's close: %s",
	      res_name(u.res));

	user_start(&u, fd, ses, seed + 2);
	CHECK(close(fd) == 0, "close the last descriptor while in use");
	pthread_join(u.tid, NULL);
	res = u.res;
	CHECK(res == EBADF, "the user of a closed descriptor ended with %s",
	      res_name(res));
}

static int cmd_race(int argc, char **argv)
{
	int rounds = argc > 0 ? atoi(argv[0]) : 20, i, fd;

	for (i = 0; i < rounds; i++) {
		fd = dev_open();
		if (fd < 0)
			return 1;
		race_free(fd, 0x9e3779b97f4a7c15ULL + (uint64_t)i);
		close(fd);
		race_close(0x2545f4914f6cdd1dULL * (uint64_t)(i + 1));
	}
	printf("driver-abuse race: %d rounds\n", rounds);
	return check_exit("driver-abuse race");
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
			device = optarg;
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
