#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_alg.h>

#include "afalg.h"

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define MAX_IV 32

int afalg_open(struct afalg *a, const char *name, const void *key,
	       size_t keylen)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG,
				   .salg_type = "skcipher" };
	int err;

	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	a->op = -1;
	a->tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (a->tfm < 0)
		return errno;
	if (bind(a->tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(a->tfm, SOL_ALG, ALG_SET_KEY, key, (socklen_t)keylen) ||
	    (a->op = accept4(a->tfm, NULL, 0, SOCK_CLOEXEC)) < 0) {
		err = errno;
		close(a->tfm);
		return err;
	}
	return 0;
}

int afalg_crypt(const struct afalg *a, bool encrypt, const void *iv,
		size_t ivlen, const void *in, void *out, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + MAX_IV)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)in, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct af_alg_iv *aiv;
	uint32_t op = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	ssize_t sent;
	size_t got = 0;

	if (ivlen > MAX_IV)
		return EINVAL;
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(op)) +
			    CMSG_SPACE(sizeof(*aiv) + ivlen);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_OP;
	cm->cmsg_len = CMSG_LEN(sizeof(op));
	memcpy(CMSG_DATA(cm), &op, sizeof(op));
	cm = CMSG_NXTHDR(&mh, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_IV;
	cm->cmsg_len = CMSG_LEN(sizeof(*aiv) + ivlen);
	aiv = (struct af_alg_iv *)CMSG_DATA(cm);
	aiv->ivlen = (uint32_t)ivlen;
	memcpy(aiv->iv, iv, ivlen);
	sent = sendmsg(a->op, &mh, 0);
	if (sent < 0)
		return errno;
	if (sent != (ssize_t)len)
		return EIO;
	while (got < len) {
		ssize_t n = read(a->op, (uint8_t *)out + got, len - got);

		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		got += (size_t)n;
	}
	return 0;
}

void afalg_close(struct afalg *a)
{
	close(a->op);
	close(a->tfm);
}
