#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_crypto.h>

#include "sym_session.h"

#define SEQ_MASK ((1ull << SYM_SESSION_SEQ_BITS) - 1)

void sym_session_table_init(struct sym_session_table *t, uint64_t first)
{
	memset(t, 0, sizeof(*t));
	t->seq = first & SEQ_MASK;
	pthread_mutex_init(&t->lock, NULL);
}

uint64_t sym_session_random_first(void)
{
	struct timespec ts;
	uint64_t v;

	if (getrandom(&v, sizeof(v), 0) == sizeof(v))
		return v;
	/* No entropy yet: still different from the last run. */
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
	       ((uint64_t)getpid() << 40);
}

static void sym_session_free(struct sym_session *s)
{
	vc_cipher_free(s->cipher);
	vc_mac_free(s->mac);
	free(s);
}

void sym_session_put(struct sym_session *s)
{
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		sym_session_free(s);
}

void sym_session_table_clear(struct sym_session_table *t)
{
	unsigned int i;

	pthread_mutex_lock(&t->lock);
	/* Stop once all are found: a connection reset is cheap when few were
	 * open (the vhost-user fuzzer resets after every input). */
	for (i = 0; i < SYM_SESSION_SLOTS && t->open; i++) {
		if (!t->slot[i])
			continue;
		sym_session_put(t->slot[i]);
		t->slot[i] = NULL;
		t->open--;
	}
	pthread_mutex_unlock(&t->lock);
}

static int check_params(const struct sym_session_params *p, enum vc_cipher_alg *alg,
			enum vc_mac_alg *mac, const char **why)
{
	switch (p->cipher_alg) {
	case VIRTIO_CRYPTO_CIPHER_AES_CBC: *alg = VC_AES_CBC; break;
	case VIRTIO_CRYPTO_CIPHER_AES_CTR: *alg = VC_AES_CTR; break;
	case VIRTIO_CRYPTO_CIPHER_AES_ECB: *alg = VC_AES_ECB; break;
	default:
		*why = "cipher algorithm not supported";
		return -ENOTSUP;
	}
	if (p->key_len != 16 && p->key_len != 24 && p->key_len != 32) {
		*why = "cipher key length is not 16, 24 or 32";
		return -EINVAL;
	}
	if (p->direction != VIRTIO_CRYPTO_OP_ENCRYPT &&
	    p->direction != VIRTIO_CRYPTO_OP_DECRYPT) {
		*why = "direction is neither encrypt nor decrypt";
		return -EINVAL;
	}
	if (p->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER)
		return 0;
	if (p->op_type != VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		*why = "op_type is neither cipher nor chaining";
		return -ENOTSUP;
	}
	if (p->hash_mode != VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH) {
		*why = "only authenticated (HMAC) chaining is supported";
		return -ENOTSUP;
	}
	switch (p->hash_alg) {
	case VIRTIO_CRYPTO_MAC_HMAC_SHA1: *mac = VC_HMAC_SHA1; break;
	case VIRTIO_CRYPTO_MAC_HMAC_SHA_256: *mac = VC_HMAC_SHA256; break;
	default:
		*why = "MAC algorithm not supported";
		return -ENOTSUP;
	}
	if (p->auth_key_len > VC_MAX_MAC_KEY) {
		*why = "auth key longer than 512 bytes";
		return -EINVAL;
	}
	if (p->hash_result_len == 0 ||
	    p->hash_result_len > (*mac == VC_HMAC_SHA1 ? 20u : 32u)) {
		*why = "hash result length out of range for the MAC";
		return -EINVAL;
	}
	if (p->chain_order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER &&
	    p->chain_order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH) {
		*why = "bad algorithm chain order";
		return -EINVAL;
	}
	return 0;
}

int sym_session_create(struct sym_session_table *t, struct vc_engine *e,
		   const struct sym_session_params *p, uint64_t *id,
		   const char **why)
{
	const char *dummy;
	enum vc_cipher_alg alg;
	enum vc_mac_alg mac = VC_HMAC_SHA256;
	struct sym_session *s;
	unsigned int i;
	int ret;

	if (!why)
		why = &dummy;
	ret = check_params(p, &alg, &mac, why);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s) {
		*why = "out of memory";
		return -ENOMEM;
	}
	s->refs = 1;
	s->op_type = p->op_type;
	s->chain_order = p->chain_order;
	s->dir = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT ? VC_ENCRYPT : VC_DECRYPT;
	s->alg = alg;
	s->hash_result_len = p->hash_result_len;
	ret = vc_cipher_new(e, &s->cipher, alg, p->key, p->key_len);
	if (ret == 0 && p->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING)
		ret = vc_mac_new(e, &s->mac, mac, p->auth_key, p->auth_key_len);
	if (ret) {
		*why = vc_last_error();
		sym_session_free(s);
		return ret == -ENOMEM ? -ENOMEM : -EINVAL;
	}

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < SYM_SESSION_SLOTS && t->slot[i]; i++)
		;
	if (i == SYM_SESSION_SLOTS) {
		pthread_mutex_unlock(&t->lock);
		sym_session_free(s);
		*why = "too many open sessions";
		return -ENOSPC;
	}
	/* The slot is in the low bits; the sequence keeps ids unique so a
	 * stale id never reaches a newer session in the same slot. */
	t->seq = (t->seq + 1) & SEQ_MASK;
	if (t->seq == 0 && i == 0)
		t->seq = 1;	/* ids are >= 1 */
	s->id = (t->seq << 12) | i;
	t->slot[i] = s;
	t->open++;
	pthread_mutex_unlock(&t->lock);
	*id = s->id;
	return 0;
}

struct sym_session *sym_session_get(struct sym_session_table *t, uint64_t id)
{
	struct sym_session *s;

	pthread_mutex_lock(&t->lock);
	s = t->slot[id % SYM_SESSION_SLOTS];
	if (s && s->id == id)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	else
		s = NULL;
	pthread_mutex_unlock(&t->lock);
	return s;
}

int sym_session_close(struct sym_session_table *t, uint64_t id)
{
	struct sym_session *s;

	pthread_mutex_lock(&t->lock);
	s = t->slot[id % SYM_SESSION_SLOTS];
	if (!s || s->id != id) {
		pthread_mutex_unlock(&t->lock);
		return -ENOENT;
	}
	t->slot[id % SYM_SESSION_SLOTS] = NULL;
	t->open--;
	pthread_mutex_unlock(&t->lock);
	sym_session_put(s);
	return 0;
}
