/*
 * A minimal AF_ALG skcipher client for test programs (header only, like
 * hex.h): bind a driver by name, set the key, one request with a 16-byte
 * IV. Errors come back as -1 with errno; callers report them.
 */
#ifndef VCRYPTO_TESTS_AFALG_H
#define VCRYPTO_TESTS_AFALG_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_alg.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#define AFALG_IV 16

/* A bound, keyed AF_ALG operation socket on driver (*tfm the bound one). */
static inline int afalg_open(const char *driver, const uint8_t *key,
			     size_t keylen, int *tfm)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int op;

	strcpy((char *)sa.salg_type, "skcipher");
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", driver);
	*tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (*tfm < 0)
		return -1;
	if (bind(*tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(*tfm, SOL_ALG, ALG_SET_KEY, key, (socklen_t)keylen))
		goto err;
	op = accept4(*tfm, NULL, 0, SOCK_CLOEXEC);
	if (op >= 0)
		return op;
err:
	close(*tfm);
	return -1;
}

/* One request of len bytes on op (enc: encrypt); 0, or -1 with errno. */
static inline int afalg_crypt(int op, int enc, const uint8_t *iv,
			      const uint8_t *in, uint8_t *out, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + AFALG_IV)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)in, len };
	struct msghdr mh = { 0 };
	struct af_alg_iv *aiv;
	struct cmsghdr *cm;
	size_t got = 0;

	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_OP;
	cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(cm) = enc ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	cm = CMSG_NXTHDR(&mh, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_IV;
	cm->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + AFALG_IV);
	aiv = (struct af_alg_iv *)CMSG_DATA(cm);
	aiv->ivlen = AFALG_IV;
	memcpy(aiv->iv, iv, AFALG_IV);
	if (sendmsg(op, &mh, 0) != (ssize_t)len)
		return -1;
	while (got < len) {
		ssize_t n = read(op, out + got, len - got);

		if (n < 0)
			return -1;
		if (!n) {
			errno = EIO;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

#endif
