/* Known answers: NIST SP 800-38A, CIOCGSESSINFO, CRIOGET, WRITE_IV. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest.h"
#include "tests.h"

static const char *const nist_iv = "000102030405060708090a0b0c0d0e0f";
static const char *const nist_pt =
	"6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";

static const struct {
	const char *name, *key, *ct;
} nist[] = {
	{ "F.2.1/F.2.2 CBC-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
	  "7649abac8119b246cee98e9b12e9197d" "5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e22229516" "3ff1caa1681fac09120eca307586e1a7" },
	{ "F.2.3/F.2.4 CBC-AES192",
	  "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	  "4f021db243bc633d7178183a9fa071e8" "b4d9ada9ad7dedf4e5e738763f69145a"
	  "571b242012fb7ae07fa9baac3df102e0" "08b0e27988598881d920a9e64f5615cd" },
	{ "F.2.5/F.2.6 CBC-AES256",
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd6" "9cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461" "b2eb05e2c39be9fcda6c19078c6a9d1b" },
};

static void nist_one(int fd, unsigned int i)
{
	uint8_t key[32], iv[16], iv2[16], pt[64], ct[64], out[64];
	size_t keylen = hex_decode(nist[i].key, key, sizeof(key));
	char check[80];
	uint32_t ses;
	int err;

	hex_decode(nist_iv, iv, sizeof(iv));
	hex_decode(nist_pt, pt, sizeof(pt));
	hex_decode(nist[i].ct, ct, sizeof(ct));

	snprintf(check, sizeof(check), "nist %s session", nist[i].name);
	err = cdev_session(fd, CRYPTO_AES_CBC, key, (uint32_t)keylen, &ses);
	if (!report(err == 0, check, "CIOCGSESSION: %s", cdev_errname(err)))
		return;

	snprintf(check, sizeof(check), "nist %s encrypt", nist[i].name);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 64, iv2);
	report(err == 0 && memcmp(out, ct, 64) == 0, check, "%s, %s",
	       cdev_errname(err), memcmp(out, ct, 64) ? "ciphertext differs" : "ciphertext matches");

	snprintf(check, sizeof(check), "nist %s decrypt", nist[i].name);
	memcpy(iv2, iv, 16);
	err = cdev_crypt(fd, ses, COP_DECRYPT, 0, ct, out, 64, iv2);
	report(err == 0 && memcmp(out, pt, 64) == 0, check, "%s, %s",
	       cdev_errname(err), memcmp(out, pt, 64) ? "plaintext differs" : "plaintext matches");

	/* Block by block, chaining through WRITE_IV, both directions. */
	snprintf(check, sizeof(check), "nist %s chained blocks", nist[i].name);
	memcpy(iv2, iv, 16);
	err = 0;
	for (int b = 0; b < 4 && !err; b++)
		err = cdev_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV,
				 pt + 16 * b, out + 16 * b, 16, iv2);
	bool enc_ok = !err && memcmp(out, ct, 64) == 0;
	memcpy(iv2, iv, 16);
	for (int b = 0; b < 4 && !err; b++)
		err = cdev_crypt(fd, ses, COP_DECRYPT, COP_FLAG_WRITE_IV,
				 ct + 16 * b, out + 16 * b, 16, iv2);
	report(enc_ok && !err && memcmp(out, pt, 64) == 0, check,
	       "%s, encrypt %s, decrypt %s", cdev_errname(err),
	       enc_ok ? "matches" : "differs",
	       !err && memcmp(out, pt, 64) == 0 ? "matches" : "differs");

	err = cdev_free(fd, ses);
	snprintf(check, sizeof(check), "nist %s free", nist[i].name);
	report(err == 0, check, "CIOCFSESSION: %s", cdev_errname(err));
}

void test_nist(void)
{
	int fd = cdev_open();

	if (!report(fd >= 0, "nist open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (unsigned int i = 0; i < sizeof(nist) / sizeof(nist[0]); i++)
		nist_one(fd, i);
	close(fd);
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

void test_sessinfo(void)
{
	uint8_t key[16] = { 1, 2, 3 };
	struct session_info_op si;
	uint32_t ses;
	int fd = cdev_open(), err;

	if (!report(fd >= 0, "sessinfo open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	err = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!report(err == 0, "sessinfo session", "%s", cdev_errname(err)))
		goto out;
	memset(&si, 0xa5, sizeof(si));
	si.ses = ses;
	err = ioctl(fd, CIOCGSESSINFO, &si) == 0 ? 0 : errno;
	if (!report(err == 0, "sessinfo ioctl", "CIOCGSESSINFO: %s", cdev_errname(err)))
		goto out;
	report(terminated(si.cipher_info.cra_name, sizeof(si.cipher_info.cra_name)) &&
	       strcmp(si.cipher_info.cra_name, "cbc(aes)") == 0,
	       "sessinfo cipher name", "cra_name \"%.64s\" (want \"cbc(aes)\")",
	       si.cipher_info.cra_name);
	report(terminated(si.cipher_info.cra_driver_name,
			  sizeof(si.cipher_info.cra_driver_name)) &&
	       strstr(si.cipher_info.cra_driver_name, "virtio") != NULL,
	       "sessinfo driver name", "cra_driver_name \"%.64s\" (want the virtio driver's)",
	       si.cipher_info.cra_driver_name);
	report(si.flags & SIOP_FLAG_KERNEL_DRIVER_ONLY, "sessinfo flags",
	       "flags 0x%x (want SIOP_FLAG_KERNEL_DRIVER_ONLY)", si.flags);

	memset(&si, 0, sizeof(si));
	si.ses = ses ^ 0x5a5a5a5a;
	err = ioctl(fd, CIOCGSESSINFO, &si) == 0 ? 0 : errno;
	report(err == EINVAL || err == ENOENT, "sessinfo unknown session",
	       "%s (want EINVAL or ENOENT)", cdev_errname(err));
out:
	close(fd);
}

void test_crioget(void)
{
	uint8_t key[16], iv[16], iv2[16], pt[64], ct[64], want[64];
	uint32_t ses, newfd = 0xffffffff;
	int fd = cdev_open(), err;

	if (!report(fd >= 0, "crioget open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	err = ioctl(fd, CRIOGET, &newfd) == 0 ? 0 : errno;
	if (!report(err == 0 && (int)newfd >= 0 && (int)newfd != fd, "crioget ioctl",
		    "CRIOGET: %s, new fd %d", cdev_errname(err), (int)newfd))
		goto out;
	rng_fill(key, sizeof(key));
	rng_fill(iv, sizeof(iv));
	rng_fill(pt, sizeof(pt));
	oracle_aes("CBC", true, key, 16, iv, pt, want, 64);
	err = cdev_session(fd, CRYPTO_AES_CBC, key, 16, &ses);
	if (!report(err == 0, "crioget session", "on the first fd: %s", cdev_errname(err)))
		goto out2;
	memcpy(iv2, iv, 16);
	err = cdev_crypt((int)newfd, ses, COP_ENCRYPT, 0, pt, ct, 64, iv2);
	report(err == 0 && memcmp(ct, want, 64) == 0, "crioget shares sessions",
	       "the CRIOGET fd used the first fd's session: %s, %s", cdev_errname(err),
	       memcmp(ct, want, 64) ? "wrong output" : "output matches OpenSSL");
	close(fd);
	fd = -1;
	memcpy(iv2, iv, 16);
	err = cdev_crypt((int)newfd, ses, COP_ENCRYPT, 0, pt, ct, 64, iv2);
	report(err == 0 && memcmp(ct, want, 64) == 0, "crioget outlives the first fd",
	       "%s", cdev_errname(err));
	err = cdev_free((int)newfd, ses);
	report(err == 0, "crioget free", "CIOCFSESSION on the CRIOGET fd: %s", cdev_errname(err));
out2:
	close((int)newfd);
out:
	if (fd >= 0)
		close(fd);
}

/* Encrypts/decrypts 4 blocks at once with WRITE_IV and checks the IV. */
void test_write_iv(void)
{
	uint8_t key[32], iv[16], iv2[16], pt[256], ct[256], out[256], want[256];
	int fd = cdev_open(), err;
	uint32_t ses;

	if (!report(fd >= 0, "write-iv open", "%s: %s", cdev_path, fd >= 0 ? "opened" : cdev_errname(errno)))
		return;
	for (size_t keylen = 16; keylen <= 32; keylen += 8) {
		char check[64];

		rng_fill(key, keylen);
		rng_fill(iv, 16);
		rng_fill(pt, sizeof(pt));
		oracle_aes("CBC", true, key, keylen, iv, pt, want, sizeof(pt));
		err = cdev_session(fd, CRYPTO_AES_CBC, key, (uint32_t)keylen, &ses);
		snprintf(check, sizeof(check), "write-iv AES-%zu session", keylen * 8);
		if (!report(err == 0, check, "%s", cdev_errname(err)))
			continue;

		snprintf(check, sizeof(check), "write-iv AES-%zu encrypt", keylen * 8);
		memcpy(iv2, iv, 16);
		err = cdev_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV, pt, ct, 256, iv2);
		report(err == 0 && memcmp(ct, want, 256) == 0 &&
		       memcmp(iv2, want + 240, 16) == 0, check,
		       "%s; output %s; iv %s the last ciphertext block", cdev_errname(err),
		       memcmp(ct, want, 256) ? "differs" : "matches",
		       memcmp(iv2, want + 240, 16) ? "is not" : "is");

		snprintf(check, sizeof(check), "write-iv AES-%zu decrypt", keylen * 8);
		memcpy(iv2, iv, 16);
		err = cdev_crypt(fd, ses, COP_DECRYPT, COP_FLAG_WRITE_IV, want, out, 256, iv2);
		report(err == 0 && memcmp(out, pt, 256) == 0 &&
		       memcmp(iv2, want + 240, 16) == 0, check,
		       "%s; output %s; iv %s the last ciphertext block", cdev_errname(err),
		       memcmp(out, pt, 256) ? "differs" : "matches",
		       memcmp(iv2, want + 240, 16) ? "is not" : "is");

		snprintf(check, sizeof(check), "write-iv AES-%zu in place", keylen * 8);
		memcpy(out, pt, 256);
		memcpy(iv2, iv, 16);
		err = cdev_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV, out, out, 256, iv2);
		bool ok = !err && !memcmp(out, want, 256) && !memcmp(iv2, want + 240, 16);
		memcpy(iv2, iv, 16);
		if (ok)
			err = cdev_crypt(fd, ses, COP_DECRYPT, COP_FLAG_WRITE_IV,
					 out, out, 256, iv2);
		report(ok && !err && !memcmp(out, pt, 256) &&
		       !memcmp(iv2, want + 240, 16), check,
		       "src == dst, both directions: %s", cdev_errname(err));

		snprintf(check, sizeof(check), "write-iv AES-%zu without flag", keylen * 8);
		memcpy(iv2, iv, 16);
		err = cdev_crypt(fd, ses, COP_ENCRYPT, 0, pt, ct, 256, iv2);
		report(err == 0 && memcmp(iv2, iv, 16) == 0, check,
		       "iv left unchanged: %s", err ? cdev_errname(err) :
		       memcmp(iv2, iv, 16) ? "no, it was written" : "yes");
		cdev_free(fd, ses);
	}
	close(fd);
}
