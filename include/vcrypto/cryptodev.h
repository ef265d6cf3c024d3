/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The cryptodev-linux ioctl ABI (/dev/crypto), binary compatible on x86_64.
 * Usable from user space and from the kernel module: every size and offset
 * that programs depend on is pinned below.
 */
#ifndef VCRYPTO_CRYPTODEV_H
#define VCRYPTO_CRYPTODEV_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#define CRYPTODEV_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#include <stddef.h>
#define CRYPTODEV_STATIC_ASSERT(c, m) _Static_assert(c, m)
#ifndef __user
#define __user
#endif
#endif

enum cryptodev_crypto_op_t {
	CRYPTO_DES_CBC = 1,
	CRYPTO_3DES_CBC = 2,
	CRYPTO_BLF_CBC = 3,
	CRYPTO_CAST_CBC = 4,
	CRYPTO_SKIPJACK_CBC = 5,
	CRYPTO_MD5_HMAC = 6,
	CRYPTO_SHA1_HMAC = 7,
	CRYPTO_RIPEMD160_HMAC = 8,
	CRYPTO_MD5_KPDK = 9,
	CRYPTO_SHA1_KPDK = 10,
	CRYPTO_RIJNDAEL128_CBC = 11,
	CRYPTO_AES_CBC = CRYPTO_RIJNDAEL128_CBC,
	CRYPTO_ARC4 = 12,
	CRYPTO_MD5 = 13,
	CRYPTO_SHA1 = 14,
	CRYPTO_DEFLATE_COMP = 15,
	CRYPTO_NULL = 16,
	CRYPTO_LZS_COMP = 17,
	CRYPTO_SHA2_256_HMAC = 18,
	CRYPTO_SHA2_384_HMAC = 19,
	CRYPTO_SHA2_512_HMAC = 20,
	CRYPTO_AES_CTR = 21,
	CRYPTO_AES_XTS = 22,
	CRYPTO_AES_ECB = 23,
	CRYPTO_AES_CFB = 24,
	CRYPTO_AES_OFB = 25,
	CRYPTO_AES_GCM = 50,
	CRYPTO_AES_CCM = 51,
	CRYPTO_CAMELLIA_CBC = 101,
	CRYPTO_RIPEMD160 = 102,
	CRYPTO_SHA2_224 = 103,
	CRYPTO_SHA2_256 = 104,
	CRYPTO_SHA2_384 = 105,
	CRYPTO_SHA2_512 = 106,
	CRYPTO_SHA2_224_HMAC = 107,
	/* TLS records (CIOCAUTHCRYPT) with one session for both keys, as
	 * the cryptodev-linux forks of NXP and Rockchip number them. */
	CRYPTO_TLS11_AES_CBC_HMAC_SHA1 = 108,
	CRYPTO_TLS12_AES_CBC_HMAC_SHA256 = 109,
	CRYPTO_ALGORITHM_ALL
};

#define CRYPTO_CIPHER_MAX_KEY_LEN	64
#define CRYPTO_HMAC_MAX_KEY_LEN		512
#define EALG_MAX_BLOCK_LEN		16
#define AALG_MAX_RESULT_LEN		64
#define CRYPTODEV_MAX_ALG_NAME		64

struct session_op {
	__u32	cipher;
	__u32	mac;
	__u32	keylen;
	__u8	__user *key;
	__u32	mackeylen;
	__u8	__user *mackey;
	__u32	ses;
};

struct alg_info {
	char	cra_name[CRYPTODEV_MAX_ALG_NAME];
	char	cra_driver_name[CRYPTODEV_MAX_ALG_NAME];
};

#define SIOP_FLAG_KERNEL_DRIVER_ONLY	1

struct session_info_op {
	__u32	ses;
	struct alg_info cipher_info;
	struct alg_info hash_info;
	__u16	alignmask;
	__u32	flags;
};

#define COP_ENCRYPT	0
#define COP_DECRYPT	1

#define COP_FLAG_NONE		(0 << 0)
#define COP_FLAG_UPDATE		(1 << 0)
#define COP_FLAG_FINAL		(1 << 1)
#define COP_FLAG_WRITE_IV	(1 << 2)
#define COP_FLAG_NO_ZC		(1 << 3)
#define COP_FLAG_AEAD_TLS_TYPE	(1 << 4)
#define COP_FLAG_AEAD_SRTP_TYPE	(1 << 5)
#define COP_FLAG_RESET		(1 << 6)

struct crypt_op {
	__u32	ses;
	__u16	op;
	__u16	flags;
	__u32	len;
	__u8	__user *src;
	__u8	__user *dst;
	__u8	__user *mac;
	__u8	__user *iv;
};

struct crypt_auth_op {
	__u32	ses;
	__u16	op;
	__u16	flags;
	__u32	len;
	__u32	auth_len;
	__u8	__user *auth_src;
	__u8	__user *src;
	__u8	__user *dst;
	__u8	__user *tag;
	__u32	tag_len;
	__u8	__user *iv;
	__u32	iv_len;
};

struct cphash_op {
	__u32	dst_ses;
	__u32	src_ses;
};

#define CRIOGET		_IOWR('c', 101, __u32)
#define CIOCGSESSION	_IOWR('c', 102, struct session_op)
#define CIOCFSESSION	_IOW('c', 103, __u32)
#define CIOCCRYPT	_IOWR('c', 104, struct crypt_op)
#define CIOCKEY		_IOWR('c', 105, struct crypt_kop)
#define CIOCASYMFEAT	_IOR('c', 106, __u32)
#define CIOCGSESSINFO	_IOWR('c', 107, struct session_info_op)
#define CIOCAUTHCRYPT	_IOWR('c', 109, struct crypt_auth_op)
#define CIOCASYNCCRYPT	_IOW('c', 110, struct crypt_op)
#define CIOCASYNCFETCH	_IOR('c', 111, struct crypt_op)
#define CIOCCPHASH	_IOW('c', 112, struct cphash_op)

/* struct crypt_kop is 144 bytes on x86_64; only its size is ABI here. */
struct crypt_kop {
	__u8	opaque[144];
};

#if defined(__x86_64__)
CRYPTODEV_STATIC_ASSERT(sizeof(struct session_op) == 48, "session_op size");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_op, keylen) == 8, "keylen");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_op, key) == 16, "key");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_op, mackeylen) == 24, "mackeylen");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_op, mackey) == 32, "mackey");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_op, ses) == 40, "ses");
CRYPTODEV_STATIC_ASSERT(sizeof(struct alg_info) == 128, "alg_info size");
CRYPTODEV_STATIC_ASSERT(sizeof(struct session_info_op) == 268, "session_info_op size");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_info_op, cipher_info) == 4, "cipher_info");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_info_op, hash_info) == 132, "hash_info");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_info_op, alignmask) == 260, "alignmask");
CRYPTODEV_STATIC_ASSERT(offsetof(struct session_info_op, flags) == 264, "flags");
CRYPTODEV_STATIC_ASSERT(sizeof(struct crypt_op) == 48, "crypt_op size");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, op) == 4, "op");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, flags) == 6, "flags");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, len) == 8, "len");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, src) == 16, "src");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, dst) == 24, "dst");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, mac) == 32, "mac");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_op, iv) == 40, "iv");
CRYPTODEV_STATIC_ASSERT(sizeof(struct crypt_auth_op) == 72, "crypt_auth_op size");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, auth_len) == 12, "auth_len");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, auth_src) == 16, "auth_src");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, tag) == 40, "tag");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, tag_len) == 48, "tag_len");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, iv) == 56, "iv");
CRYPTODEV_STATIC_ASSERT(offsetof(struct crypt_auth_op, iv_len) == 64, "iv_len");
CRYPTODEV_STATIC_ASSERT(sizeof(struct cphash_op) == 8, "cphash_op size");
CRYPTODEV_STATIC_ASSERT(CRIOGET == 0xc0046365, "CRIOGET");
CRYPTODEV_STATIC_ASSERT(CIOCGSESSION == 0xc0306366, "CIOCGSESSION");
CRYPTODEV_STATIC_ASSERT(CIOCFSESSION == 0x40046367, "CIOCFSESSION");
CRYPTODEV_STATIC_ASSERT(CIOCCRYPT == 0xc0306368, "CIOCCRYPT");
CRYPTODEV_STATIC_ASSERT(CIOCKEY == 0xc0906369, "CIOCKEY");
CRYPTODEV_STATIC_ASSERT(CIOCASYMFEAT == 0x8004636a, "CIOCASYMFEAT");
CRYPTODEV_STATIC_ASSERT(CIOCGSESSINFO == 0xc10c636b, "CIOCGSESSINFO");
CRYPTODEV_STATIC_ASSERT(CIOCAUTHCRYPT == 0xc048636d, "CIOCAUTHCRYPT");
CRYPTODEV_STATIC_ASSERT(CIOCASYNCCRYPT == 0x4030636e, "CIOCASYNCCRYPT");
CRYPTODEV_STATIC_ASSERT(CIOCASYNCFETCH == 0x8030636f, "CIOCASYNCFETCH");
CRYPTODEV_STATIC_ASSERT(CIOCCPHASH == 0x40086370, "CIOCCPHASH");
#endif

#endif /* VCRYPTO_CRYPTODEV_H */
