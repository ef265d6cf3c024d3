/*
 * The crypto sessions QEMU creates on the guest's behalf, looked up by id
 * from the data path; reference-counted so a close never frees a session a
 * worker is using.
 */
#ifndef VCRYPTOD_SYM_SESSION_H
#define VCRYPTOD_SYM_SESSION_H

#include <pthread.h>
#include <stdint.h>

#include <vcrypto/vcrypto.h>

#define SYM_SESSION_SLOTS 4096	/* at most this many open at once */
#define SYM_SESSION_SEQ_BITS 50	/* above the slot's 12 bits: ids < 2^62 */

/* A session as QEMU describes it (virtio numbering for every field). */
struct sym_session_params {
	uint32_t cipher_alg;	/* VIRTIO_CRYPTO_CIPHER_* */
	uint32_t key_len;
	uint32_t hash_alg;	/* VIRTIO_CRYPTO_MAC_* when chaining */
	uint32_t hash_result_len;
	uint32_t auth_key_len;
	uint32_t aad_len;
	uint8_t op_type;	/* VIRTIO_CRYPTO_SYM_OP_* */
	uint8_t direction;	/* VIRTIO_CRYPTO_OP_ENCRYPT / _DECRYPT */
	uint8_t hash_mode;	/* VIRTIO_CRYPTO_SYM_HASH_MODE_* */
	uint8_t chain_order;	/* VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* */
	const uint8_t *key;	/* key_len bytes */
	const uint8_t *auth_key;	/* auth_key_len bytes */
};

struct sym_session {
	uint64_t id;
	int refs;
	uint8_t op_type;
	uint8_t chain_order;
	enum vc_dir dir;
	enum vc_cipher_alg alg;
	uint32_t hash_result_len;
	struct vc_cipher *cipher;
	struct vc_mac *mac;	/* chaining only */
};

struct sym_session_table {
	pthread_mutex_t lock;
	uint64_t seq;
	unsigned int open;		/* non-NULL slots */
	struct sym_session *slot[SYM_SESSION_SLOTS];
};

/*
 * An empty table whose ids start from first (any value; only its low
 * SYM_SESSION_SEQ_BITS count). vcryptod draws it at random so that ids do not
 * repeat across runs: a guest's id from before a restart names nothing.
 */
void sym_session_table_init(struct sym_session_table *t, uint64_t first);

/* A random starting point for sym_session_table_init(). */
uint64_t sym_session_random_first(void);

/* Close every session (they are freed once their last user puts them). */
void sym_session_table_clear(struct sym_session_table *t);

/*
 * Check p and make a session on engine e. Returns 0 with *id (>= 1, < 2^62)
 * set, -EINVAL (bad or unsupported parameters, e.g. key lengths),
 * -ENOTSUP (an algorithm or mode we do not do) or -ENOSPC (table full).
 * *why (if not NULL) gets a one-line reason on failure.
 */
int sym_session_create(struct sym_session_table *t, struct vc_engine *e,
		   const struct sym_session_params *p, uint64_t *id,
		   const char **why);

/* The session with this id, referenced (put it when done), or NULL. */
struct sym_session *sym_session_get(struct sym_session_table *t, uint64_t id);

/* Drop a reference taken by sym_session_get(). */
void sym_session_put(struct sym_session *s);

/* Close a session by id: 0, or -ENOENT when there is none. */
int sym_session_close(struct sym_session_table *t, uint64_t id);

#endif
