/* The device or the module going away while files are open. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cdev.h"
#include "tests.h"

#define MODULE_NAME "virtio_cryptodev"

/* Set by main from --module: the .ko to load again after the unload test. */
const char *module_file;

static int one_op(int fd, uint32_t ses, const uint8_t *key)
{
	uint8_t iv[16], iv2[16], pt[256], ct[256], want[256];
	int err;

	rng_fill(iv, 16);
	rng_fill(pt, sizeof(pt));
	oracle_cbc(true, key, 16, iv, pt, want, sizeof(pt));
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, sizeof(pt), iv2);
	if (err)
		return err;
	return memcmp(ct, want, sizeof(ct)) ? -1 : 0;
}

static const char *verdict(int r)
{
	return r == -1 ? "wrong output" : errname(r);
}

static int delete_module(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) == 0 ? 0 : errno;
}

void test_unload(void)
{
	uint8_t key[16];
	uint32_t ses;
	struct stat st;
	int fd = cdev_open(), r;

	if (!report(fd >= 0, "unload open", "%s: %s", cdev_path, fd >= 0 ? "opened" : errname(errno)))
		return;
	rng_fill(key, 16);
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!report(r == 0, "unload session", "%s", errname(r)))
		goto out;
	r = one_op(fd, ses, key);
	report(r == 0, "unload op before", "%s", verdict(r));

	r = delete_module();
	if (r == 0) {
		/* it went away under us: the open file must fail cleanly */
		r = one_op(fd, ses, key);
		report(r != 0 && r != -1, "unload with a file open",
		       "module unloaded; CIOCCRYPT on the open file: %s (want an errno)",
		       verdict(r));
	} else {
		report(r == EBUSY || r == EAGAIN, "unload with a file open",
		       "delete_module refused: %s (want EBUSY or EAGAIN)", errname(r));
		r = one_op(fd, ses, key);
		report(r == 0, "unload refused leaves the file working", "%s", verdict(r));
	}
	r = close(fd) == 0 ? 0 : errno;
	fd = -1;
	report(r == 0, "unload close", "close: %s", errname(r));

	r = delete_module();
	report(r == 0 || r == ENOENT, "unload after close",
	       "delete_module with no file open: %s", r == ENOENT ? "already gone" : errname(r));
	report(stat(cdev_path, &st) != 0, "unload removes the node", "%s %s", cdev_path,
	       stat(cdev_path, &st) ? "is gone" : "still exists");

	if (!module_file)
		return;
	int mfd = open(module_file, O_RDONLY | O_CLOEXEC);

	r = mfd >= 0 && syscall(SYS_finit_module, mfd, "", 0) == 0 ? 0 : errno;
	if (mfd >= 0)
		close(mfd);
	if (!report(r == 0, "unload reload", "finit_module(%s): %s", module_file, errname(r)))
		return;
	fd = cdev_open();
	if (!report(fd >= 0, "unload reload open", "%s: %s", cdev_path, fd >= 0 ? "opened" : errname(errno)))
		return;
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (r == 0)
		r = one_op(fd, ses, key);
	report(r == 0, "unload reload works", "a session and a verified op: %s", verdict(r));
out:
	if (fd >= 0)
		close(fd);
}

/* Threads count in here once warmed up; "ready" is printed after all have. */
static pthread_mutex_t warm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t warm_cond = PTHREAD_COND_INITIALIZER;
static unsigned int warm;

#define UNPLUG_WARM_OPS 50

struct unplug_arg {
	int fd;
	uint32_t ses;
	const uint8_t *key;
	unsigned int id;
	unsigned long ops;
	int err;
};

static void *unplug_thread(void *p)
{
	struct unplug_arg *a = p;

	rng_seed(rng_base_seed + 900 + a->id);
	for (;;) {
		int r = one_op(a->fd, a->ses, a->key);

		if (r) {
			a->err = r;
			break;
		}
		if (++a->ops == UNPLUG_WARM_OPS)
			break;
	}
	pthread_mutex_lock(&warm_lock);
	warm++;
	pthread_cond_signal(&warm_cond);
	pthread_mutex_unlock(&warm_lock);
	while (!a->err) {
		int r = one_op(a->fd, a->ses, a->key);

		if (r)
			a->err = r;
		else
			a->ops++;
	}
	return NULL;
}

/*
 * Runs operations from 4 threads until the device is removed from outside
 * (the host's device_del after it sees the "unplug ready" line).
 */
void test_unplug(void)
{
	enum { THREADS = 4 };
	struct unplug_arg args[THREADS];
	pthread_t t[THREADS];
	bool started[THREADS];
	unsigned long total = 0;
	unsigned int good = 0;
	uint8_t key[16];
	uint32_t ses, ses2;
	int fd = cdev_open(), r;

	if (!report(fd >= 0, "unplug open", "%s: %s", cdev_path, fd >= 0 ? "opened" : errname(errno)))
		return;
	rng_fill(key, 16);
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (r == 0)
		r = one_op(fd, ses, key);
	if (!report(r == 0, "unplug first op", "%s", verdict(r))) {
		close(fd);
		return;
	}
	unsigned int nstarted = 0;

	for (unsigned int i = 0; i < THREADS; i++) {
		args[i] = (struct unplug_arg){ .fd = fd, .ses = ses, .key = key, .id = i };
		started[i] = pthread_create(&t[i], NULL, unplug_thread, &args[i]) == 0;
		nstarted += started[i];
	}
	pthread_mutex_lock(&warm_lock);
	while (warm < nstarted)
		pthread_cond_wait(&warm_cond, &warm_lock);
	pthread_mutex_unlock(&warm_lock);
	report(nstarted == THREADS, "unplug ready", "%u threads did %d verified ops each "
	       "and keep going until the device goes away", nstarted, UNPLUG_WARM_OPS);
	for (unsigned int i = 0; i < THREADS; i++) {
		if (!started[i]) {
			report(false, "unplug thread", "pthread_create %u failed", i);
			continue;
		}
		pthread_join(t[i], NULL);
		total += args[i].ops;
		if ((args[i].err == ENODEV || args[i].err == EIO) &&
		    args[i].ops >= UNPLUG_WARM_OPS)
			good++;
		else
			report(false, "unplug thread", "%u ended with %s after %lu ops "
			       "(want ENODEV or EIO)", i, verdict(args[i].err), args[i].ops);
	}
	report(good == THREADS, "unplug errors", "%u of %d threads saw ENODEV/EIO "
	       "after %lu verified ops in all, no wrong data", good, THREADS, total);
	r = one_op(fd, ses, key);
	report(r == ENODEV || r == EIO, "unplug later ops fail", "CIOCCRYPT: %s", verdict(r));
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses2);
	report(r == ENODEV || r == EIO, "unplug no new sessions", "CIOCGSESSION: %s",
	       errname(r));
	r = cdev_free(fd, ses);
	report(r == 0 || r == ENODEV || r == EIO || r == ENOENT, "unplug free",
	       "CIOCFSESSION after removal: %s", errname(r));
	r = close(fd) == 0 ? 0 : errno;
	report(r == 0, "unplug close", "close after removal: %s", errname(r));
	fd = cdev_open();
	if (fd >= 0) {
		r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses2);
		report(r != 0, "unplug reopen", "open worked, then CIOCGSESSION: %s "
		       "(want an error)", errname(r));
		close(fd);
	} else {
		report(true, "unplug reopen", "open: %s", errname(errno));
	}
}
