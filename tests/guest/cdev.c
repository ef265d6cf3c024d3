#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cdev.h"

const char *cdev_path = "/dev/cryptodev0";
uint64_t rng_base_seed;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int failures;

bool report(bool ok, const char *check, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&report_lock);
	if (!ok)
		failures++;
	printf("%s %s: ", ok ? "ok  " : "FAIL", check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
	return ok;
}

unsigned int report_failures(void)
{
	unsigned int n;

	pthread_mutex_lock(&report_lock);
	n = failures;
	pthread_mutex_unlock(&report_lock);
	return n;
}

int cdev_open(void)
{
	return open(cdev_path, O_RDWR | O_CLOEXEC);
}

int cdev_session_op(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		    uint32_t mac, const void *mackey, uint32_t mackeylen,
		    uint32_t *ses)
{
	struct session_op s;

	memset(&s, 0, sizeof(s));
	s.cipher = cipher;
	s.keylen = keylen;
	s.key = (uint8_t *)key;
	s.mac = mac;
	s.mackeylen = mackeylen;
	s.mackey = (uint8_t *)mackey;
	if (ioctl(fd, CIOCGSESSION, &s) != 0)
		return errno;
	*ses = s.ses;
	return 0;
}

int cdev_session(int fd, uint32_t cipher, const void *key, uint32_t keylen,
		 uint32_t *ses)
{
	return cdev_session_op(fd, cipher, key, keylen, 0, NULL, 0, ses);
}

static int crypt_op_run(int fd, uint32_t ses, uint16_t op, uint16_t flags,
			const void *src, void *dst, uint32_t len, void *iv,
			void *mac)
{
	struct crypt_op c;

	memset(&c, 0, sizeof(c));
	c.ses = ses;
	c.op = op;
	c.flags = flags;
	c.len = len;
	c.src = (uint8_t *)src;
	c.dst = dst;
	c.iv = iv;
	c.mac = mac;
	return ioctl(fd, CIOCCRYPT, &c) == 0 ? 0 : errno;
}

int cdev_crypt(int fd, uint32_t ses, uint16_t op, uint16_t flags,
	       const void *src, void *dst, uint32_t len, void *iv)
{
	return crypt_op_run(fd, ses, op, flags, src, dst, len, iv, NULL);
}

int cdev_crypt_mac(int fd, uint32_t ses, uint16_t op, uint16_t flags,
		   const void *src, void *dst, uint32_t len, void *iv, void *mac)
{
	return crypt_op_run(fd, ses, op, flags, src, dst, len, iv, mac);
}

int cdev_hash_session(int fd, uint32_t mac, const void *key, uint32_t keylen,
		      uint32_t *ses)
{
	return cdev_session_op(fd, 0, NULL, 0, mac, key, keylen, ses);
}

int cdev_hash(int fd, uint32_t ses, uint16_t flags, const void *src,
	      uint32_t len, void *mac)
{
	return crypt_op_run(fd, ses, COP_ENCRYPT, flags, src, NULL, len, NULL, mac);
}

int cdev_free(int fd, uint32_t ses)
{
	return ioctl(fd, CIOCFSESSION, &ses) == 0 ? 0 : errno;
}

void oracle_cipher(const char *name, bool encrypt, const uint8_t *key,
		   const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	const EVP_CIPHER *c = EVP_get_cipherbyname(name);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, m = 0;

	if (!c || !ctx || !EVP_CipherInit_ex(ctx, c, NULL, key, iv, encrypt) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + n, &m) || (size_t)(n + m) != len) {
		fprintf(stderr, "OpenSSL %s failed (len %zu)\n", name, len);
		abort();
	}
	EVP_CIPHER_CTX_free(ctx);
}

void oracle_cbc(bool encrypt, const uint8_t *key, size_t keylen,
		const uint8_t iv[AES_BLOCK], const uint8_t *in, uint8_t *out,
		size_t len)
{
	if (keylen != 16 && keylen != 24 && keylen != 32) {
		fprintf(stderr, "oracle_cbc: key of %zu bytes\n", keylen);
		abort();
	}
	oracle_cipher(keylen == 16 ? "AES-128-CBC" : keylen == 24 ? "AES-192-CBC" :
		      "AES-256-CBC", encrypt, key, iv, in, out, len);
}

unsigned int oracle_digest(const char *md, bool hmac, const uint8_t *key,
			   size_t keylen, const uint8_t *data, size_t len,
			   uint8_t *out)
{
	const EVP_MD *m = EVP_get_digestbyname(md);
	unsigned int n = 0;
	bool ok;

	if (hmac)
		ok = m && HMAC(m, key, (int)keylen, data, len, out, &n);
	else
		ok = m && EVP_Digest(data, len, out, &n, m, NULL);
	if (!ok) {
		fprintf(stderr, "OpenSSL %s%s failed (len %zu)\n",
			hmac ? "HMAC-" : "", md, len);
		abort();
	}
	return n;
}

static __thread uint64_t rng_state[2];

void rng_seed(uint64_t seed)
{
	/* splitmix64 spreads any seed, even 0, over both state words */
	for (int i = 0; i < 2; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rng_state[i] = z ^ (z >> 31);
	}
}

uint64_t rng_next(void)
{
	uint64_t s1 = rng_state[0];
	const uint64_t s0 = rng_state[1];
	const uint64_t r = s0 + s1;

	rng_state[0] = s0;
	s1 ^= s1 << 23;
	rng_state[1] = s1 ^ s0 ^ (s1 >> 18) ^ (s0 >> 5);
	return r;
}

uint64_t rng_range(uint64_t lo, uint64_t hi)
{
	return lo + rng_next() % (hi - lo + 1);
}

void rng_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t r = rng_next();

		memcpy(p, &r, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t r = rng_next();

		memcpy(p, &r, len);
	}
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t map_len(size_t len, size_t offset)
{
	size_t ps = page_size();

	return (offset + len + ps - 1) / ps * ps;
}

uint8_t *buf_alloc(size_t len, size_t offset)
{
	void *m = mmap(NULL, map_len(len ? len : 1, offset),
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	return (uint8_t *)m + offset;
}

void buf_free(uint8_t *p, size_t offset, size_t len)
{
	if (p)
		munmap(p - offset, map_len(len ? len : 1, offset));
}

const char *errname(int err)
{
	static __thread char buf[16];

	switch (err) {
	case 0: return "success";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EIO: return "EIO";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case ENOTTY: return "ENOTTY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EBADMSG: return "EBADMSG";
	case ENOSPC: return "ENOSPC";
	case EPERM: return "EPERM";
	case EMSGSIZE: return "EMSGSIZE";
	case EINTR: return "EINTR";
	case EDEADLK: return "EDEADLK";
	case EBADF: return "EBADF";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
