/* The module going away while files are open (hot-unplug: tests/driver). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"
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
	oracle_aes("CBC", true, key, 16, iv, pt, want, sizeof(pt));
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, sizeof(pt), iv2);
	if (err)
		return err;
	return memcmp(ct, want, sizeof(ct)) ? -1 : 0;
}

static const char *verdict(int r)
{
	return r == -1 ? "wrong output" : cdev_errname(r);
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

	if (!report(fd >= 0, "unload open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	rng_fill(key, 16);
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!report(r == 0, "unload session", "%s", cdev_errname(r)))
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
		       "delete_module refused: %s (want EBUSY or EAGAIN)", cdev_errname(r));
		r = one_op(fd, ses, key);
		report(r == 0, "unload refused leaves the file working", "%s", verdict(r));
	}
	r = close(fd) == 0 ? 0 : errno;
	fd = -1;
	report(r == 0, "unload close", "close: %s", cdev_errname(r));

	r = delete_module();
	report(r == 0 || r == ENOENT, "unload after close",
	       "delete_module with no file open: %s", r == ENOENT ? "already gone" : cdev_errname(r));
	report(stat(cdev_path, &st) != 0, "unload removes the node", "%s %s", cdev_path,
	       stat(cdev_path, &st) ? "is gone" : "still exists");

	if (!module_file)
		return;
	int mfd = open(module_file, O_RDONLY | O_CLOEXEC);

	r = mfd >= 0 && syscall(SYS_finit_module, mfd, "", 0) == 0 ? 0 : errno;
	if (mfd >= 0)
		close(mfd);
	if (!report(r == 0, "unload reload", "finit_module(%s): %s", module_file, cdev_errname(r)))
		return;
	fd = cdev_open();
	if (!report(fd >= 0, "unload reload open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	r = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (r == 0)
		r = one_op(fd, ses, key);
	report(r == 0, "unload reload works", "a session and a verified op: %s", verdict(r));
out:
	if (fd >= 0)
		close(fd);
}
