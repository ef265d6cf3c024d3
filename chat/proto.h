/*
 * The vcrypto-chat wire protocol (docs/PROTOCOL.md): handshake messages, key
 * derivation and frame sealing/opening. Pure functions over memory, no I/O,
 * so that the decoder can be fuzzed.
 */
#ifndef CHAT_PROTO_H
#define CHAT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <vcrypto/vcrypto.h>

#define PROTO_KEY_LEN		32
#define PROTO_VERSION		2
#define PROTO_PUB_LEN		VC_X25519_LEN	/* an ephemeral public key */
#define PROTO_PRK_LEN		32
#define PROTO_MAGIC_LEN		8
#define PROTO_HELLO_LEN		(PROTO_MAGIC_LEN + PROTO_PUB_LEN)
#define PROTO_CONFIRM_LEN	32
#define PROTO_TAG_LEN		32
#define PROTO_LEN_LEN		4	/* the u32 length prefix */
#define PROTO_SEQ_LEN		8
/* Largest payload (one chat line without its newline) in one frame. */
#define PROTO_MAX_PAYLOAD	65536
/* Plaintext: type byte, sender id (u32), payload. */
#define PROTO_PT_HDR		5
#define PROTO_MAX_CT \
	((PROTO_PT_HDR + PROTO_MAX_PAYLOAD) / VC_AES_BLOCK * VC_AES_BLOCK + \
	 VC_AES_BLOCK)
#define PROTO_MIN_CT		VC_AES_BLOCK
/* Frame length field: everything after the field itself. */
#define PROTO_BODY_FIXED	(PROTO_SEQ_LEN + VC_IV_LEN + PROTO_TAG_LEN)
#define PROTO_MAX_BODY		(PROTO_BODY_FIXED + PROTO_MAX_CT)
#define PROTO_MIN_BODY		(PROTO_BODY_FIXED + PROTO_MIN_CT)
/* Largest whole frame, length field included. */
#define PROTO_MAX_FRAME		(PROTO_LEN_LEN + PROTO_MAX_BODY)

/* Longest participant name (NAME payload). */
#define PROTO_NAME_MAX		32

/* Sender id of lines typed at the server. */
#define PROTO_SENDER_SERVER	0

enum proto_role {
	PROTO_CLIENT,
	PROTO_SERVER,
};

enum proto_type {
	PROTO_MSG = 1,		/* a chat line */
	PROTO_GOODBYE = 2,	/* clean end of this direction; no payload */
	PROTO_NAME = 3,		/* a participant's name (empty: it left) */
	PROTO_REFUSED = 4,	/* server: why it turns this client away */
};

/* Why a frame or handshake message was refused. */
enum proto_err {
	PROTO_OK = 0,
	PROTO_E_MAGIC,		/* not a vcrypto-chat hello */
	PROTO_E_VERSION,	/* a vcrypto-chat hello of another version */
	PROTO_E_POINT,		/* the peer's ephemeral key is of small order */
	PROTO_E_LENGTH,		/* length field out of range or not block-aligned */
	PROTO_E_TAG,		/* HMAC mismatch: modified or forged */
	PROTO_E_SEQ,		/* sequence number not the expected one */
	PROTO_E_PADDING,	/* bad padding after a valid tag */
	PROTO_E_TYPE,		/* unknown type or malformed plaintext */
	PROTO_E_CRYPTO,		/* the crypto engine failed */
	PROTO_E_CONFIRM,	/* the peer does not hold the same key */
};

/* One direction of a connection: its keys and next sequence number. */
struct proto_dir {
	struct vc_cipher *cipher;
	struct vc_mac *mac;
	uint64_t seq;
};

/* One end's view of the hellos: its ephemeral private key (wiped by
 * proto_keys_derive()) and both public keys. */
struct proto_handshake {
	enum proto_role role;
	uint8_t my_priv[VC_X25519_LEN];
	uint8_t client_pub[PROTO_PUB_LEN];
	uint8_t server_pub[PROTO_PUB_LEN];
};

/* Everything a connection needs once the hellos are exchanged. */
struct proto_keys {
	struct proto_dir send;
	struct proto_dir recv;
	uint8_t my_confirm[PROTO_CONFIRM_LEN];
	uint8_t peer_confirm[PROTO_CONFIRM_LEN];
};

/* A frame opened in place: payload points into the frame buffer. */
struct proto_msg {
	enum proto_type type;
	uint32_t sender;
	const uint8_t *payload;
	size_t len;
};

/* One line naming err, e.g. "bad MAC (frame modified or forged)". */
const char *proto_strerror(enum proto_err err);

/* Write our hello (magic, version, ephemeral public key) into
 * out[PROTO_HELLO_LEN]. */
void proto_hello_make(uint8_t *out, const uint8_t pub[PROTO_PUB_LEN]);

/* Check a peer's hello and copy out its public key: PROTO_OK,
 * PROTO_E_MAGIC, or PROTO_E_VERSION (*version then says which). */
enum proto_err proto_hello_parse(const uint8_t *in, uint8_t pub[PROTO_PUB_LEN],
				 unsigned *version);

/*
 * Derive this connection's keys from the shared key and the handshake h:
 * the X25519 secret of h->my_priv and the peer's public key, then the key
 * schedule of docs/PROTOCOL.md, making sessions on engine e. h->my_priv and
 * the X25519 secret are wiped whatever the outcome. When prk is not NULL it
 * receives the connection's root key (for a key log only). PROTO_OK,
 * PROTO_E_POINT, or PROTO_E_CRYPTO (vc_last_error() says why); on failure
 * nothing is left allocated.
 */
enum proto_err proto_keys_derive(struct proto_keys *k, struct vc_engine *e,
				 const uint8_t key[PROTO_KEY_LEN],
				 struct proto_handshake *h,
				 uint8_t prk[PROTO_PRK_LEN]);

/*
 * The expansion step alone: this connection's keys for role from its root
 * key prk. 0, or a negative errno (vc_last_error() says why).
 */
int proto_keys_expand(struct proto_keys *k, struct vc_engine *e,
		      enum proto_role role, const uint8_t prk[PROTO_PRK_LEN]);

/* Free the sessions and wipe the secrets in k (safe on a zeroed k). */
void proto_keys_free(struct proto_keys *k);

/* Check the peer's confirmation tag in constant time. */
enum proto_err proto_confirm_check(const struct proto_keys *k,
				   const uint8_t peer[PROTO_CONFIRM_LEN]);

/* Size of the frame that carries a payload of len bytes. */
size_t proto_frame_size(size_t len);

/*
 * Seal one frame of the given type, sender and payload (len at most
 * PROTO_MAX_PAYLOAD; GOODBYE has none) into out, which must hold
 * proto_frame_size(len) bytes; advances d->seq. Returns the frame size, or
 * 0 when the engine failed.
 */
size_t proto_frame_seal(struct proto_dir *d, enum proto_type type,
			uint32_t sender, const void *payload, size_t len,
			uint8_t *out);

/*
 * Look at the first avail bytes of a stream: PROTO_OK with *need set to the
 * whole size of the next frame (which may exceed avail: read more), or to 0
 * when even its length field is incomplete; PROTO_E_LENGTH when the length
 * field can never be valid. Decides before any body byte is read.
 */
enum proto_err proto_frame_need(const uint8_t *buf, size_t avail,
				size_t *need);

/*
 * Open one whole frame of size len (as given by proto_frame_need) in place:
 * verify the tag in constant time, then the sequence number, then decrypt and
 * check padding and plaintext structure. On PROTO_OK fills *m (pointing into
 * frame) and advances d->seq; on any error the frame must be dropped and the
 * connection closed.
 */
enum proto_err proto_frame_open(struct proto_dir *d, uint8_t *frame,
				size_t len, struct proto_msg *m);

#endif /* CHAT_PROTO_H */
