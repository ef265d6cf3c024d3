/*
 * One end of a vcrypto-chat connection: the handshake state machine and the
 * framing on top of a non-blocking conn. Shared by server and client.
 */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include "conn.h"
#include "proto.h"

enum session_state {
	SESSION_HELLO,		/* waiting for the peer's hello */
	SESSION_CONFIRM,	/* waiting for the peer's key confirmation */
	SESSION_OPEN,		/* frames flow both ways */
};

struct session {
	struct conn conn;
	enum session_state state;
	enum proto_role role;
	int peer_goodbye;	/* the peer ended its direction cleanly */
	int sent_goodbye;
	enum proto_err err;	/* why session_input() failed */
	unsigned peer_version;	/* with PROTO_E_VERSION: the peer's version */
	struct proto_handshake hs;	/* until the keys are derived */
	struct proto_keys keys;
};

/* Called for each chat message that arrives, in order. */
typedef void session_msg_fn(void *ctx, const struct proto_msg *m);

/*
 * Start a session on a connected socket fd (taken over): make an ephemeral
 * key pair and queue our hello. When the environment variable
 * VCRYPTO_CHAT_KEYLOG names a file, each session's root key is appended to
 * it (for debugging and tests: whoever reads that file can decrypt).
 * out_max bounds the output queue. -1 on failure (errno or vc_last_error()).
 */
int session_start(struct session *s, int fd, enum proto_role role,
		  size_t out_max);

/*
 * Consume the buffered input: handshake steps, then whole frames, calling
 * on_msg for each message. Returns 0 when more input is needed; 1 when the
 * session just became open; -1 on a protocol error (s->err says which); the
 * connection must then be closed.
 */
int session_input(struct session *s, struct vc_engine *e,
		  const uint8_t key[PROTO_KEY_LEN], session_msg_fn *on_msg,
		  void *ctx);

/*
 * Queue one frame (a message, or GOODBYE with no payload) on an open
 * session. -1 when the output queue is over its bound (errno ENOBUFS) or the
 * engine failed.
 */
int session_send(struct session *s, enum proto_type type, uint32_t sender,
		 const void *payload, size_t len);

/* Why the peer's stream ended at EOF: NULL when cleanly (after GOODBYE),
 * otherwise a description of the truncation. */
const char *session_eof_reason(const struct session *s);

/* Close the socket and free everything. */
void session_close(struct session *s, int abort);

#endif /* CHAT_SESSION_H */
