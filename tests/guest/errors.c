/* Error paths: each bad request gets its errno and changes nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

#define PAGE 4096

/*
 * A page with nothing mapped, between two PROT_NONE guard pages that stay
 * mapped so no later mapping of more than a page can land in the hole.
 * Callers make it after their other mappings.
 */
static uint8_t *hole(void)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + PAGE, PAGE);
	return p + PAGE;
}

static void want(int err, int expected, const char *check, const char *what)
{
	report(err == expected, check, "%s: %s (want %s)", what, cdev_errname(err),
	       cdev_errname(expected));
}

static void want2(int err, int e1, int e2, const char *check, const char *what)
{
	report(err == e1 || err == e2, check, "%s: %s (want %s or %s)", what,
	       cdev_errname(err), cdev_errname(e1), cdev_errname(e2));
}

static void bad_pointers(int fd, uint32_t ses)
{
	uint8_t iv[16] = { 0 }, *src = buf_alloc(2 * PAGE, 0), *dst = buf_alloc(2 * PAGE, 0);
	uint8_t *ro = buf_alloc(2 * PAGE, 0), *half = buf_alloc(2 * PAGE, 0), *gap = hole();
	int err;

	if (!src || !dst || !gap || !ro || !half) {
		report(false, "errors setup", "mmap failed");
		return;
	}
	rng_fill(src, 2 * PAGE);
	memset(dst, 0x5c, 2 * PAGE);

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, gap, dst, 64, iv);
	want(err, EFAULT, "errors unmapped src", "src in an unmapped page");
	report(dst[0] == 0x5c && dst[63] == 0x5c, "errors unmapped src leaves dst",
	       "dst %s", dst[0] == 0x5c && dst[63] == 0x5c ? "untouched" : "was written");

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, gap, 64, iv);
	want(err, EFAULT, "errors unmapped dst", "dst in an unmapped page");

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, gap, gap, 64, iv);
	want(err, EFAULT, "errors unmapped in-place", "src == dst unmapped");

	/* the second page of half is unmapped: buffers that run into it */
	munmap(half + PAGE, PAGE);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, half + PAGE - 32, dst, 64, iv);
	want(err, EFAULT, "errors src runs into a hole", "src crossing into an unmapped page");
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, half + PAGE - 32, 64, iv);
	want(err, EFAULT, "errors dst runs into a hole", "dst crossing into an unmapped page");

	memset(ro, 0x77, 2 * PAGE);
	mprotect(ro, 2 * PAGE, PROT_READ);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, ro, 64, iv);
	want(err, EFAULT, "errors read-only dst", "dst mapped PROT_READ");
	report(ro[0] == 0x77 && ro[63] == 0x77, "errors read-only dst unchanged",
	       "read-only memory %s", ro[0] == 0x77 && ro[63] == 0x77 ? "intact" : "was written");
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, ro, ro, 64, iv);
	want(err, EFAULT, "errors read-only in-place", "src == dst mapped PROT_READ");
	/* readable source is fine even if read-only */
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, ro, dst, 64, iv);
	want(err, 0, "errors read-only src is fine", "src mapped PROT_READ");

	mprotect(ro + PAGE, PAGE, PROT_READ);
	mprotect(ro, PAGE, PROT_READ | PROT_WRITE);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, ro + PAGE - 32, 64, iv);
	want(err, EFAULT, "errors dst runs into read-only", "dst crossing into a PROT_READ page");

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, dst, 64, gap);
	want(err, EFAULT, "errors unmapped iv", "iv unmapped");
	err = cdev_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV, src, dst, 64,
			 ro + PAGE + 16);
	want(err, EFAULT, "errors read-only iv with WRITE_IV", "iv PROT_READ, WRITE_IV");

	err = ioctl(fd, CIOCCRYPT, gap) == 0 ? 0 : errno;
	want(err, EFAULT, "errors unmapped crypt_op", "CIOCCRYPT argument unmapped");

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, gap, gap, 1U << 30, iv);
	report(err != 0, "errors 1 GiB of unmapped memory", "%s (want an error)", cdev_errname(err));
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, src, dst, 0xfffffff0U, iv);
	report(err != 0, "errors 4 GiB length", "%s (want an error)", cdev_errname(err));

	buf_free(src, 0, 2 * PAGE);
	buf_free(dst, 0, 2 * PAGE);
	buf_free(ro, 0, 2 * PAGE);
	munmap(half, PAGE);
}

static void bad_requests(int fd, uint32_t ses)
{
	uint8_t iv[16] = { 0 }, buf[64] = { 0 }, out[64];
	int err;

	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, out, 15, iv);
	want(err, EINVAL, "errors len 15", "len not a multiple of 16");
	err = cdev_crypt(fd, ses, COP_DECRYPT, 0, buf, out, 17, iv);
	want(err, EINVAL, "errors len 17", "len not a multiple of 16");
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, buf, out, 1, iv);
	want(err, EINVAL, "errors len 1", "len not a multiple of 16");
	err = cdev_crypt(fd, ses, 2, 0, buf, out, 16, iv);
	want(err, EINVAL, "errors op 2", "op neither encrypt nor decrypt");
	err = cdev_crypt(fd, ses, 0xffff, 0, buf, out, 16, iv);
	want(err, EINVAL, "errors op 0xffff", "op neither encrypt nor decrypt");
	err = cdev_crypt(fd, ses ^ 0x13572468, COP_ENCRYPT, 0, buf, out, 16, iv);
	want2(err, EINVAL, ENOENT, "errors crypt unknown session", "CIOCCRYPT on an unknown id");
	err = cdev_crypt(fd, 0, COP_ENCRYPT, 0, buf, out, 16, iv);
	if (ses != 0)
		want2(err, EINVAL, ENOENT, "errors crypt session 0", "CIOCCRYPT on id 0");
	err = cdev_free(fd, ses ^ 0x13572468);
	want(err, ENOENT, "errors free unknown session", "CIOCFSESSION of an unknown id");

	err = ioctl(fd, _IOWR('c', 199, uint32_t), buf) == 0 ? 0 : errno;
	want2(err, ENOTTY, EINVAL, "errors unknown ioctl", "command 'c' 199");
	err = ioctl(fd, CIOCKEY, buf) == 0 ? 0 : errno;
	report(err != 0, "errors CIOCKEY", "public-key request: %s (want an error)",
	       cdev_errname(err));
}

static void bad_sessions(int fd)
{
	static const uint32_t bad_keylens[] = { 0, 1, 8, 15, 17, 20, 31, 33, 48, 64,
						65, 1000, 0xffffffff };
	static const uint32_t bad_ciphers[] = { 0, CRYPTO_SKIPJACK_CBC, CRYPTO_ARC4,
		CRYPTO_LZS_COMP, 9999, 0xffffffff };
	uint8_t key[CRYPTO_CIPHER_MAX_KEY_LEN * 2] = { 0 }, *gap = hole();
	char what[64];
	uint32_t ses;
	int err;

	for (size_t i = 0; i < sizeof(bad_keylens) / sizeof(bad_keylens[0]); i++) {
		snprintf(what, sizeof(what), "AES-CBC key of %u bytes", bad_keylens[i]);
		err = cdev_session(fd, CRYPTO_AES_CBC, key, bad_keylens[i], &ses);
		want(err, EINVAL, "errors bad key length", what);
	}
	for (size_t i = 0; i < sizeof(bad_ciphers) / sizeof(bad_ciphers[0]); i++) {
		snprintf(what, sizeof(what), "cipher %u", bad_ciphers[i]);
		err = cdev_session(fd, bad_ciphers[i], key, 16, &ses);
		want(err, EINVAL, "errors unsupported cipher", what);
	}
	err = cdev_session(fd, CRYPTO_AES_CBC, gap, 16, &ses);
	want(err, EFAULT, "errors unmapped key", "key pointer unmapped");
	err = ioctl(fd, CIOCGSESSION, gap) == 0 ? 0 : errno;
	want(err, EFAULT, "errors unmapped session_op", "CIOCGSESSION argument unmapped");
}

void test_errors(void)
{
	uint8_t key[16], iv[16], iv2[16], pt[64], ct[64], want_ct[64];
	uint32_t ses;
	int fd = cdev_open(), err;

	if (!report(fd >= 0, "errors open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	rng_fill(key, 16);
	err = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!report(err == 0, "errors session", "%s", cdev_errname(err)))
		goto out;
	bad_pointers(fd, ses);
	bad_requests(fd, ses);
	bad_sessions(fd);

	/* after all that, the session still works */
	rng_fill(iv, 16);
	rng_fill(pt, 64);
	oracle_aes("CBC", true, key, 16, iv, pt, want_ct, 64);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, 64, iv2);
	report(err == 0 && memcmp(ct, want_ct, 64) == 0, "errors session intact",
	       "after the errors: %s, %s", cdev_errname(err),
	       memcmp(ct, want_ct, 64) ? "wrong output" : "output matches OpenSSL");
	err = cdev_free(fd, ses);
	want(err, 0, "errors free", "CIOCFSESSION");
	err = cdev_free(fd, ses);
	want(err, ENOENT, "errors double free", "CIOCFSESSION of a freed id");
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, 64, iv2);
	want2(err, EINVAL, ENOENT, "errors crypt freed session", "CIOCCRYPT on a freed id");
out:
	close(fd);
}
