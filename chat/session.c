#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEYLOG_ENV "VCRYPTO_CHAT_KEYLOG"

int session_start(struct session *s, int fd, enum proto_role role,
		  size_t out_max)
{
	uint8_t *p, *pub;

	memset(s, 0, sizeof(*s));
	s->role = role;
	s->hs.role = role;
	pub = role == PROTO_CLIENT ? s->hs.client_pub : s->hs.server_pub;
	if (conn_init(&s->conn, fd, out_max) != 0)
		return -1;
	if (vc_x25519_keygen(s->hs.my_priv, pub) != 0) {
		errno = EIO;
		return -1;
	}
	p = conn_out_reserve(&s->conn, PROTO_HELLO_LEN);
	if (!p)
		return -1;
	proto_hello_make(p, pub);
	conn_out_commit(&s->conn, PROTO_HELLO_LEN);
	return 0;
}

static int fail(struct session *s, enum proto_err err)
{
	s->err = err;
	return -1;
}

/* "CLIENT_PUBLIC_KEY ROOT_KEY" in hex, one line per session. */
static void keylog(const struct proto_handshake *h,
		   const uint8_t prk[PROTO_PRK_LEN])
{
	const char *path = getenv(KEYLOG_ENV);
	char line[2 * (PROTO_PUB_LEN + PROTO_PRK_LEN) + 2];
	size_t i, n = 0;
	int fd;

	if (!path || !*path)
		return;
	for (i = 0; i < PROTO_PUB_LEN; i++)
		n += (size_t)snprintf(line + n, 3, "%02x", h->client_pub[i]);
	line[n++] = ' ';
	for (i = 0; i < PROTO_PRK_LEN; i++)
		n += (size_t)snprintf(line + n, 3, "%02x", prk[i]);
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, n) != (ssize_t)n) {
			/* A debugging aid: the session goes on without it. */
		}
		close(fd);
	}
	vc_wipe(line, sizeof(line));
}

static int handshake_step(struct session *s, struct vc_engine *e,
			  const uint8_t key[PROTO_KEY_LEN])
{
	struct conn *c = &s->conn;
	uint8_t prk[PROTO_PRK_LEN], *p, *peer_pub;
	int want_prk = getenv(KEYLOG_ENV) != NULL;
	enum proto_err err;

	if (s->state == SESSION_HELLO) {
		if (conn_in_avail(c) < PROTO_HELLO_LEN)
			return 0;
		peer_pub = s->role == PROTO_CLIENT ? s->hs.server_pub
						   : s->hs.client_pub;
		err = proto_hello_parse(conn_in_data(c), peer_pub,
					&s->peer_version);
		if (err != PROTO_OK)
			return fail(s, err);
		conn_in_consume(c, PROTO_HELLO_LEN);
		err = proto_keys_derive(&s->keys, e, key, &s->hs,
					want_prk ? prk : NULL);
		if (err != PROTO_OK)
			return fail(s, err);
		if (want_prk) {
			keylog(&s->hs, prk);
			vc_wipe(prk, sizeof(prk));
		}
		p = conn_out_reserve(c, PROTO_CONFIRM_LEN);
		if (!p)
			return fail(s, PROTO_E_CRYPTO);
		memcpy(p, s->keys.my_confirm, PROTO_CONFIRM_LEN);
		conn_out_commit(c, PROTO_CONFIRM_LEN);
		s->state = SESSION_CONFIRM;
	}
	if (conn_in_avail(c) < PROTO_CONFIRM_LEN)
		return 0;
	err = proto_confirm_check(&s->keys, conn_in_data(c));
	if (err != PROTO_OK)
		return fail(s, err);
	conn_in_consume(c, PROTO_CONFIRM_LEN);
	s->state = SESSION_OPEN;
	return 1;
}

int session_input(struct session *s, struct vc_engine *e,
		  const uint8_t key[PROTO_KEY_LEN], session_msg_fn *on_msg,
		  void *ctx)
{
	struct conn *c = &s->conn;
	struct proto_msg m;
	enum proto_err err;
	int opened = 0;
	size_t need;

	if (s->state != SESSION_OPEN) {
		opened = handshake_step(s, e, key);
		if (opened <= 0)
			return opened;
	}
	while (conn_in_avail(c) > 0) {
		if (s->peer_goodbye)
			return fail(s, PROTO_E_TYPE);
		err = proto_frame_need(conn_in_data(c), conn_in_avail(c),
				       &need);
		if (err != PROTO_OK)
			return fail(s, err);
		if (need == 0 || conn_in_avail(c) < need)
			break;
		/* Opened in place: the frame's bytes are consumed either way. */
		err = proto_frame_open(&s->keys.recv, c->in + c->in_head,
				       need, &m);
		if (err != PROTO_OK)
			return fail(s, err);
		if (m.type == PROTO_GOODBYE)
			s->peer_goodbye = 1;
		else
			on_msg(ctx, &m);
		conn_in_consume(c, need);
	}
	return opened;
}

int session_send(struct session *s, enum proto_type type, uint32_t sender,
		 const void *payload, size_t len)
{
	size_t size = proto_frame_size(len);
	uint8_t *p = conn_out_reserve(&s->conn, size);

	if (!p)
		return -1;
	if (proto_frame_seal(&s->keys.send, type, sender, payload, len, p) !=
	    size) {
		errno = EIO;
		return -1;
	}
	conn_out_commit(&s->conn, size);
	if (type == PROTO_GOODBYE)
		s->sent_goodbye = 1;
	return 0;
}

const char *session_eof_reason(const struct session *s)
{
	if (s->state != SESSION_OPEN)
		return "connection closed during the handshake";
	if (s->peer_goodbye)
		return NULL;
	if (conn_in_avail(&s->conn) > 0)
		return "connection closed in the middle of a frame (truncated)";
	return "connection closed without a goodbye (truncated)";
}

void session_close(struct session *s, int abort)
{
	conn_close(&s->conn, abort);
	proto_keys_free(&s->keys);
	vc_wipe(&s->hs, sizeof(s->hs));
}
