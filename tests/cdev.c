#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cdev.h"

const char *cdev_path = "/dev/cryptodev0";

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

int cdev_hash_session(int fd, uint32_t mac, const void *key, uint32_t keylen,
		      uint32_t *ses)
{
	return cdev_session_op(fd, 0, NULL, 0, mac, key, keylen, ses);
}

int cdev_crypt_mac(int fd, uint32_t ses, uint16_t op, uint16_t flags,
		   const void *src, void *dst, uint32_t len, void *iv, void *mac)
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
	return cdev_crypt_mac(fd, ses, op, flags, src, dst, len, iv, NULL);
}

int cdev_hash(int fd, uint32_t ses, uint16_t flags, const void *src,
	      uint32_t len, void *mac)
{
	return cdev_crypt_mac(fd, ses, COP_ENCRYPT, flags, src, NULL, len, NULL,
			      mac);
}

int cdev_authcrypt(int fd, struct crypt_auth_op *op)
{
	return ioctl(fd, CIOCAUTHCRYPT, op) == 0 ? 0 : errno;
}

int cdev_free(int fd, uint32_t ses)
{
	return ioctl(fd, CIOCFSESSION, &ses) == 0 ? 0 : errno;
}

const char *cdev_errname(int err)
{
	static __thread char unnamed[24];
	const char *name;

	if (!err)
		return "success";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(unnamed, sizeof(unnamed), "errno %d", err);
	return unnamed;
}
