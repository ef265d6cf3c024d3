#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chat.h"
#include "lines.h"
#include "msgout.h"
#include "net.h"
#include "notice.h"
#include "session.h"
#include "tty.h"
#include "text.h"

/* Stop reading stdin while this much is queued: backpressure from the
 * network to the input instead of unbounded buffering. */
#define CLIENT_HIGH_WATER	(128 * 1024)
#define CLIENT_OUT_MAX		(CLIENT_HIGH_WATER + 2 * PROTO_MAX_FRAME)
#define CONNECT_TIMEOUT_MS	10000
#define HANDSHAKE_TIMEOUT_MS	10000
/* Names kept for other participants: far more than one select() server
 * can serve (FD_SETSIZE), so only a misbehaving server reaches it. */
#define PEERS_MAX		(4 * FD_SETSIZE)

/* The name of another participant, as the server announced it. */
struct peer {
	uint32_t id;
	char name[PROTO_NAME_MAX + 1];	/* through text_clean() */
};

struct client {
	const struct chat_opts *o;
	struct session s;
	struct linein in;
	int shut_wr;		/* our goodbye is out and SHUT_WR done */
	int named;		/* our NAME is queued */
	int tty;		/* typing on a terminal (chat/tty.c) */
	struct peer *peers;
	size_t npeers, peers_cap, last;	/* last: the latest lookup */
	char refused[256];	/* the server's reason, if it refused us */
};

static struct peer *peer_find(struct client *cl, uint32_t id)
{
	size_t i;

	if (cl->last < cl->npeers && cl->peers[cl->last].id == id)
		return &cl->peers[cl->last];
	for (i = 0; i < cl->npeers; i++)
		if (cl->peers[i].id == id) {
			cl->last = i;
			return &cl->peers[i];
		}
	return NULL;
}

/* An announced name, or an empty one: that participant left. */
static void peer_name(struct client *cl, const struct proto_msg *m)
{
	struct peer *p = peer_find(cl, m->sender), *grown;
	size_t len;

	if (m->len == 0) {
		if (p)
			*p = cl->peers[--cl->npeers];
		return;
	}
	if (!p) {
		if (cl->npeers == PEERS_MAX)
			return;	/* a server gone wrong: shown by number */
		if (cl->npeers == cl->peers_cap) {
			size_t cap = cl->peers_cap ? cl->peers_cap * 2 : 16;

			grown = realloc(cl->peers, cap * sizeof(*grown));
			if (!grown)
				return;	/* shown by number instead */
			cl->peers = grown;
			cl->peers_cap = cap;
		}
		p = &cl->peers[cl->npeers++];
		p->id = m->sender;
	}
	len = text_clean((uint8_t *)p->name, m->payload, m->len);
	p->name[len] = 0;
}

static void on_msg(void *ctx, const struct proto_msg *m)
{
	struct client *cl = ctx;
	char prefix[PROTO_NAME_MAX + 16];
	const struct peer *p;
	size_t len;

	switch (m->type) {
	case PROTO_NAME:
		peer_name(cl, m);
		return;
	case PROTO_REFUSED:
		len = m->len < sizeof(cl->refused) - 1 ? m->len
						       : sizeof(cl->refused) - 1;
		len = text_clean((uint8_t *)cl->refused, m->payload, len);
		cl->refused[len] = 0;
		if (!len)
			snprintf(cl->refused, sizeof(cl->refused), "no reason given");
		return;
	default:
		break;
	}
	if (m->sender == PROTO_SENDER_SERVER)
		snprintf(prefix, sizeof(prefix), "[server] ");
	else if ((p = peer_find(cl, m->sender)) != NULL)
		snprintf(prefix, sizeof(prefix), "[%s] ", p->name);
	else
		snprintf(prefix, sizeof(prefix), "[#%u] ", m->sender);
	msgout_lines(prefix, m->payload, m->len);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Seal queued stdin lines while the output queue has room; at the end of
 * stdin, say goodbye. 1 when lines are left for lack of room, 0 when none
 * are, -1 on failure (after a notice). */
static int pump(struct client *cl)
{
	struct session *s = &cl->s;
	const uint8_t *msg;
	size_t len;

	if (s->state != SESSION_OPEN || s->sent_goodbye || s->peer_goodbye)
		return 0;
	if (!cl->named) {
		if (session_send(s, PROTO_NAME, 0, cl->o->name,
				 strlen(cl->o->name)) != 0) {
			notice("cannot send: %s", strerror(errno));
			return -1;
		}
		cl->named = 1;
	}
	for (;;) {
		if (conn_out_pending(&s->conn) >= CLIENT_HIGH_WATER)
			return 1;
		if (!linein_next(&cl->in, PROTO_MAX_PAYLOAD, &msg, &len))
			break;
		if (session_send(s, PROTO_MSG, 0, msg, len) != 0) {
			notice("cannot send: %s", strerror(errno));
			return -1;
		}
	}
	if (cl->in.eof && cl->in.head == cl->in.len &&
	    session_send(s, PROTO_GOODBYE, 0, NULL, 0) != 0) {
		notice("cannot send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Returns -1 to go on, else the exit status. */
static int net_input(struct client *cl)
{
	struct session *s = &cl->s;
	const char *why;
	ssize_t n;
	int rc;

	do {
		n = conn_read(&s->conn);
		if (n < 0) {
			notice("connection lost: %s", strerror(errno));
			return 1;
		}
		rc = session_input(s, cl->o->engine, cl->o->key, on_msg, cl);
		if (rc < 0) {
			notice("%s: %s, closing",
			       s->state == SESSION_OPEN ? "bad data from the server"
							: "handshake failed",
			       proto_strerror(s->err));
			return 1;
		}
		if (rc == 1)
			notice("connected to %s, session established",
			       cl->o->host);
		if (cl->refused[0]) {
			msgout_flush();
			notice("the server refused us: %s", cl->refused);
			return 1;
		}
		if (s->conn.eof) {
			msgout_flush();
			why = session_eof_reason(s);
			if (why) {
				notice("%s", why);
				return 1;
			}
			if (!s->sent_goodbye) {
				notice("the server ended the session");
				return 1;
			}
			return 0;
		}
	} while (n > 0 && !s->conn.drained);
	return -1;
}

static int run(struct client *cl)
{
	struct session *s = &cl->s;
	long long deadline = now_ms() + HANDSHAKE_TIMEOUT_MS, left;
	struct timeval tv;
	int fd = s->conn.fd, rc, more;
	fd_set rd, wr;

	for (;;) {
		/* Until the socket is full or the buffered lines are sent:
		 * select() would not wake up for lines already read. */
		do {
			more = pump(cl);
			if (more < 0)
				return 1;
			if (conn_flush(&s->conn) != 0) {
				notice("connection lost: %s", strerror(errno));
				return 1;
			}
		} while (more && conn_out_pending(&s->conn) < CLIENT_HIGH_WATER);
		if (s->sent_goodbye && !cl->shut_wr &&
		    conn_out_pending(&s->conn) == 0) {
			shutdown(fd, SHUT_WR);
			cl->shut_wr = 1;
		}
		msgout_flush();
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_SET(fd, &rd);
		if (conn_out_pending(&s->conn) > 0)
			FD_SET(fd, &wr);
		if (s->state == SESSION_OPEN && !cl->in.eof &&
		    !s->peer_goodbye && linein_has_room(&cl->in) &&
		    conn_out_pending(&s->conn) < CLIENT_HIGH_WATER)
			FD_SET(0, &rd);
		left = deadline - now_ms();
		if (s->state != SESSION_OPEN && left <= 0) {
			notice("handshake timed out");
			return 1;
		}
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		if (select(fd + 1, &rd, &wr, NULL,
			   s->state == SESSION_OPEN ? NULL : &tv) < 0) {
			if (errno == EINTR)
				continue;
			notice("select: %s", strerror(errno));
			return 1;
		}
		if (FD_ISSET(fd, &rd)) {
			rc = net_input(cl);
			if (rc >= 0)
				return rc;
		}
		if (FD_ISSET(0, &rd) && cl->tty)
			tty_read();
		else if (FD_ISSET(0, &rd) && linein_read(&cl->in) < 0) {
			notice("reading standard input: %s", strerror(errno));
			return 1;
		}
	}
}

int client_run(const struct chat_opts *o)
{
	struct client cl = { .o = o };
	int fd, rc;

	signal(SIGPIPE, SIG_IGN);
	if (linein_init(&cl.in, 0) != 0) {
		notice("out of memory");
		return 1;
	}
	fd = net_connect(o->peer, CONNECT_TIMEOUT_MS);
	if (fd < 0) {
		linein_free(&cl.in);
		return 1;
	}
	if (fd >= FD_SETSIZE ||
	    session_start(&cl.s, fd, PROTO_CLIENT, CLIENT_OUT_MAX) != 0) {
		notice("cannot start the session: %s",
		       fd >= FD_SETSIZE ? "descriptor beyond FD_SETSIZE"
					: strerror(errno));
		if (fd >= FD_SETSIZE)
			close(fd);
		else
			session_close(&cl.s, 1);
		linein_free(&cl.in);
		return 1;
	}
	if (o->verbose)
		notice("connected to %s, handshaking", o->host);
	cl.tty = tty_start(&cl.in);
	rc = run(&cl);
	msgout_flush();
	tty_stop();
	/* What is queued may tell the server why we leave (our key
	 * confirmation after a failed handshake). */
	conn_flush(&cl.s.conn);
	session_close(&cl.s, 0);
	linein_free(&cl.in);
	free(cl.peers);
	return rc;
}
