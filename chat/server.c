#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "text.h"

/* A client that falls this far behind is cut off rather than buffered. */
#define CLIENT_OUT_MAX		(1024 * 1024)
/* Input taken from one client per wake-up, so one sender cannot starve
 * the others. */
#define CLIENT_READ_BUDGET	(256 * 1024)
#define HANDSHAKE_TIMEOUT_MS	10000
#define SHUTDOWN_FLUSH_MS	2000

struct client {
	struct session s;
	unsigned id;
	int dead;		/* to be closed at the end of this round */
	int abort;		/* close abortively (reset) */
	int leaving;		/* said goodbye: close once our goodbye is out */
	int refused;		/* turned away: its input is read and ignored
				   until it closes (closing at once could reset
				   the connection before it reads why) */
	long long deadline;	/* handshake must end by then (ms) */
	char addr[NET_ADDR_STR];
	char name[PROTO_NAME_MAX + 1];	/* "" until it sent a valid one */
};

struct server {
	const struct chat_opts *o;
	int lfd;
	int spare_fd;		/* given up to accept() and refuse on EMFILE */
	struct client **cl;
	size_t n, cap;
	unsigned next_id;
	struct linein in;
	int stdin_open;
	int stopping;
	long long stop_deadline;
};

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;

	if (write(sig_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a stop is already pending. */
	}
	errno = e;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "#N NAME (ADDR)", or "#N (ADDR)" before the client named itself. */
static const char *who(const struct client *c)
{
	static char buf[NET_ADDR_STR + PROTO_NAME_MAX + 32];

	snprintf(buf, sizeof(buf), "#%u%s%s (%s)", c->id, c->name[0] ? " " : "",
		 c->name, c->addr);
	return buf;
}

/* Close c at the end of this round, saying "client #N NAME (ADDR) VERB: WHY". */
static void drop(struct client *c, int abort, const char *verb,
		 const char *why)
{
	if (c->dead)
		return;
	c->dead = 1;
	c->abort = abort;
	notice("client %s %s: %s", who(c), verb, why);
}

/* Queue a frame for c; on failure, drop c saying why. */
static void send_or_drop(struct client *c, enum proto_type type,
			 uint32_t sender, const void *msg, size_t len)
{
	char why[64];

	if (session_send(&c->s, type, sender, msg, len) == 0)
		return;
	if (errno == ENOBUFS)
		snprintf(why, sizeof(why), "not reading (over %d bytes queued)",
			 CLIENT_OUT_MAX);
	else
		snprintf(why, sizeof(why), "%s", strerror(errno));
	drop(c, 1, "disconnected", why);
}

/* Clients that take part: named, open, not on their way out. */
static int active(const struct client *c)
{
	return c->name[0] && !c->dead && !c->leaving &&
	       c->s.state == SESSION_OPEN;
}

/* Send a frame to every active client but from. */
static void deliver(struct server *sv, struct client *from,
		    enum proto_type type, uint32_t sender, const void *msg,
		    size_t len)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (sv->cl[i] != from && active(sv->cl[i]))
			send_or_drop(sv->cl[i], type, sender, msg, len);
}

/* Turn c away with a reason it will print, then a goodbye; it has
 * HANDSHAKE_TIMEOUT_MS more to close. */
static void refuse(struct client *c, const char *why)
{
	notice("client %s refused: %s", who(c), why);
	send_or_drop(c, PROTO_REFUSED, PROTO_SENDER_SERVER, why, strlen(why));
	send_or_drop(c, PROTO_GOODBYE, 0, NULL, 0);
	c->refused = 1;
	c->deadline = now_ms() + HANDSHAKE_TIMEOUT_MS;
}

/* A client's NAME: valid and free, then it joins and the names of the
 * active clients and its own are exchanged. */
static void take_name(struct server *sv, struct client *c,
		      const struct proto_msg *m)
{
	char why[128];
	size_t i;

	if (c->name[0]) {
		drop(c, 0, "dropped", "malformed message (a second name)");
		return;
	}
	if (!text_name_valid(m->payload, m->len)) {
		refuse(c, "bad name (a name is 1 to 32 printable characters, no spaces, not 'server')");
		return;
	}
	for (i = 0; i < sv->n; i++) {
		struct client *o = sv->cl[i];

		if (!o->dead && strlen(o->name) == m->len &&
		    memcmp(o->name, m->payload, m->len) == 0) {
			snprintf(why, sizeof(why),
				 "the name '%.*s' is already taken", (int)m->len,
				 (const char *)m->payload);
			refuse(c, why);
			return;
		}
	}
	for (i = 0; i < sv->n; i++) {
		struct client *o = sv->cl[i];

		if (o != c && active(o))
			send_or_drop(c, PROTO_NAME, o->id, o->name,
				     strlen(o->name));
	}
	memcpy(c->name, m->payload, m->len);
	c->name[m->len] = 0;
	deliver(sv, c, PROTO_NAME, c->id, c->name, m->len);
	notice("client %s joined", who(c));
}

static void on_client_msg(void *ctx, const struct proto_msg *m)
{
	struct client *c = ((void **)ctx)[1];
	struct server *sv = ((void **)ctx)[0];
	char prefix[PROTO_NAME_MAX + 4];

	if (c->dead || c->leaving || c->refused)
		return;
	if (m->type == PROTO_NAME) {
		take_name(sv, c, m);
		return;
	}
	if (m->type != PROTO_MSG || !c->name[0]) {
		drop(c, 0, "dropped", m->type != PROTO_MSG ?
		     "malformed message (not for a server)" :
		     "malformed message (a line before the name)");
		return;
	}
	snprintf(prefix, sizeof(prefix), "[%s] ", c->name);
	msgout_lines(prefix, m->payload, m->len);
	deliver(sv, c, PROTO_MSG, c->id, m->payload, m->len);
}

static void client_input(struct server *sv, struct client *c)
{
	void *ctx[2] = { sv, c };
	size_t budget = CLIENT_READ_BUDGET;
	const char *why;
	ssize_t n;
	int rc;

	while (!c->dead && !c->leaving) {
		n = conn_read(&c->s.conn);
		if (n < 0) {
			drop(c, 1, "lost", strerror(errno));
			return;
		}
		rc = session_input(&c->s, sv->o->engine, sv->o->key,
				   on_client_msg, ctx);
		if (rc < 0) {
			drop(c, 0, "dropped",
			     proto_strerror(c->s.err));
			return;
		}
		if (rc == 1 && sv->o->verbose)
			notice("client %s: session established", who(c));
		if (c->dead || c->leaving)
			return;
		if (c->refused && (c->s.peer_goodbye || c->s.conn.eof)) {
			c->dead = 1;
			return;
		}
		if (c->s.peer_goodbye) {
			c->leaving = 1;
			if (session_send(&c->s, PROTO_GOODBYE, 0, NULL, 0) != 0)
				drop(c, 1, "lost",
				     strerror(errno));
			else
				notice("client %s left", who(c));
			return;
		}
		if (c->s.conn.eof) {
			why = session_eof_reason(&c->s);
			drop(c, 0, "dropped", why);
			return;
		}
		if (n == 0 || c->s.conn.drained || (size_t)n >= budget)
			return;
		budget -= (size_t)n;
	}
}

static void accept_clients(struct server *sv)
{
	struct sockaddr_storage ss;
	struct client *c, **grown;
	char addr[NET_ADDR_STR];
	socklen_t len;
	int fd, one = 1, i;

	for (i = 0; i < 64; i++) {
		len = sizeof(ss);
		fd = accept4(sv->lfd, (struct sockaddr *)&ss, &len,
			     SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Accept and refuse, or the listener stays
				 * readable and select() spins. */
				close(sv->spare_fd);
				fd = accept(sv->lfd, NULL, NULL);
				if (fd >= 0)
					close(fd);
				sv->spare_fd = open("/dev/null",
						    O_RDONLY | O_CLOEXEC);
				notice("refused a connection: out of file descriptors");
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				notice("accept: %s", strerror(errno));
			return;
		}
		net_format((struct sockaddr *)&ss, len, addr);
		if (fd >= FD_SETSIZE) {
			notice("refused %s: too many clients (descriptor %d beyond FD_SETSIZE %d)",
			       addr, fd, FD_SETSIZE);
			close(fd);
			continue;
		}
		if (sv->n == sv->cap) {
			size_t cap = sv->cap ? sv->cap * 2 : 16;

			grown = realloc(sv->cl, cap * sizeof(*grown));
			if (!grown) {
				notice("refused %s: out of memory", addr);
				close(fd);
				continue;
			}
			sv->cl = grown;
			sv->cap = cap;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			notice("refused %s: out of memory", addr);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->id = ++sv->next_id;
		memcpy(c->addr, addr, sizeof(addr));
		c->deadline = now_ms() + HANDSHAKE_TIMEOUT_MS;
		sv->cl[sv->n++] = c;
		if (session_start(&c->s, fd, PROTO_SERVER, CLIENT_OUT_MAX) != 0)
			drop(c, 1, "refused",
			     strerror(errno));
		else if (sv->o->verbose)
			notice("client %s connected", who(c));
	}
}

static void stdin_input(struct server *sv)
{
	const uint8_t *msg;
	size_t len;
	long n = linein_read(&sv->in);

	if (n < 0)
		notice("reading standard input: %s", strerror(errno));
	if (n <= 0) {
		/* EOF on stdin keeps the server serving. */
		sv->stdin_open = 0;
		sv->in.eof = 1;
	}
	while (linein_next(&sv->in, PROTO_MAX_PAYLOAD, &msg, &len))
		deliver(sv, NULL, PROTO_MSG, PROTO_SENDER_SERVER, msg, len);
}

static void start_stopping(struct server *sv)
{
	size_t i;

	notice("shutting down");
	sv->stopping = 1;
	sv->stop_deadline = now_ms() + SHUTDOWN_FLUSH_MS;
	for (i = 0; i < sv->n; i++) {
		struct client *c = sv->cl[i];

		if (c->dead)
			continue;
		if (c->s.state != SESSION_OPEN) {
			drop(c, 0, "dropped",
			     "server shutting down");
			continue;
		}
		if (!c->s.sent_goodbye &&
		    session_send(&c->s, PROTO_GOODBYE, 0, NULL, 0) != 0)
			drop(c, 1, "lost", strerror(errno));
		c->leaving = 1;
	}
}

/* Tell the others that the clients about to be closed have gone (an
 * empty NAME), so that they can forget their names. */
static void announce_gone(struct server *sv)
{
	int again = !sv->stopping;
	size_t i;

	/* Again when telling one client dropped another (it was not reading). */
	while (again) {
		again = 0;
		for (i = 0; i < sv->n; i++) {
			struct client *c = sv->cl[i];

			if (c->name[0] && (c->dead || c->leaving)) {
				c->name[0] = 0;
				deliver(sv, c, PROTO_NAME, c->id, NULL, 0);
				again = 1;
			}
		}
	}
}

/* Write what is queued; close the dead and those whose goodbye is out. */
static void flush_and_reap(struct server *sv)
{
	size_t i, kept = 0;

	announce_gone(sv);
	for (i = 0; i < sv->n; i++) {
		struct client *c = sv->cl[i];

		if (!c->dead && conn_flush(&c->s.conn) != 0)
			drop(c, 1, "lost", strerror(errno));
		if (!c->dead && c->leaving && conn_out_pending(&c->s.conn) == 0)
			c->dead = 1;
		if (!c->dead && c->refused && conn_out_pending(&c->s.conn) == 0)
			shutdown(c->s.conn.fd, SHUT_WR);
		if (c->dead) {
			if (!c->abort)
				conn_flush(&c->s.conn);
			session_close(&c->s, c->abort);
			free(c);
			continue;
		}
		sv->cl[kept++] = c;
	}
	sv->n = kept;
}

static void expire(struct server *sv, long long now)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		struct client *c = sv->cl[i];

		if (c->s.state != SESSION_OPEN && now >= c->deadline)
			drop(c, 1, "dropped",
			     "handshake timed out");
		else if (c->refused && now >= c->deadline)
			drop(c, 1, "dropped", "did not close after its refusal");
	}
}

static long long next_deadline(const struct server *sv)
{
	long long d = sv->stopping ? sv->stop_deadline : -1;
	size_t i;

	for (i = 0; i < sv->n; i++)
		if ((sv->cl[i]->s.state != SESSION_OPEN || sv->cl[i]->refused) &&
		    (d < 0 || sv->cl[i]->deadline < d))
			d = sv->cl[i]->deadline;
	return d;
}

static int setup_signals(void)
{
	struct sigaction sa;
	int i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++)
		if (sig_pipe[i] >= FD_SETSIZE)
			return -1;
	return 0;
}

static int serve(struct server *sv)
{
	fd_set rd, wr;
	struct timeval tv, *tvp;
	long long d, now;
	int maxfd, n;
	size_t i;

	for (;;) {
		if (sv->stopping && (sv->n == 0 || now_ms() >= sv->stop_deadline))
			return 0;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_SET(sig_pipe[0], &rd);
		maxfd = sig_pipe[0];
		if (!sv->stopping) {
			FD_SET(sv->lfd, &rd);
			if (sv->lfd > maxfd)
				maxfd = sv->lfd;
			if (sv->stdin_open) {
				FD_SET(0, &rd);
			}
		}
		for (i = 0; i < sv->n; i++) {
			struct client *c = sv->cl[i];
			int fd = c->s.conn.fd;

			if (!c->leaving && !c->s.conn.eof)
				FD_SET(fd, &rd);
			if (conn_out_pending(&c->s.conn) > 0)
				FD_SET(fd, &wr);
			if (fd > maxfd)
				maxfd = fd;
		}
		d = next_deadline(sv);
		tvp = NULL;
		if (d >= 0) {
			now = now_ms();
			d = d > now ? d - now : 0;
			tv.tv_sec = d / 1000;
			tv.tv_usec = (d % 1000) * 1000;
			tvp = &tv;
		}
		n = select(maxfd + 1, &rd, &wr, NULL, tvp);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			notice("select: %s", strerror(errno));
			return 1;
		}
		if (FD_ISSET(sig_pipe[0], &rd) && !sv->stopping) {
			char buf[16];

			while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
				;
			start_stopping(sv);
		}
		if (!sv->stopping) {
			/* Clients first: the array may grow in accept. */
			for (i = 0; i < sv->n; i++)
				if (FD_ISSET(sv->cl[i]->s.conn.fd, &rd))
					client_input(sv, sv->cl[i]);
			if (sv->stdin_open && FD_ISSET(0, &rd))
				stdin_input(sv);
			if (FD_ISSET(sv->lfd, &rd))
				accept_clients(sv);
		}
		expire(sv, now_ms());
		/* The network first: relaying is what latency is about. */
		flush_and_reap(sv);
		msgout_flush();
	}
}

int server_run(const struct chat_opts *o)
{
	struct server sv = { .o = o, .stdin_open = 1 };
	char where[NET_ADDR_STR];
	int rc;
	size_t i;

	if (setup_signals() != 0) {
		notice("cannot set up signal handling: %s", strerror(errno));
		return 1;
	}
	sv.lfd = net_listen(o->bind_addr, o->port, where);
	if (sv.lfd < 0)
		return 1;
	if (sv.lfd >= FD_SETSIZE || linein_init(&sv.in, 0) != 0) {
		notice("cannot set up: %s", strerror(errno ? errno : EMFILE));
		close(sv.lfd);
		return 1;
	}
	sv.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	notice("listening on %s", where);
	rc = serve(&sv);
	for (i = 0; i < sv.n; i++) {
		session_close(&sv.cl[i]->s, 1);
		free(sv.cl[i]);
	}
	free(sv.cl);
	linein_free(&sv.in);
	close(sv.lfd);
	if (sv.spare_fd >= 0)
		close(sv.spare_fd);
	msgout_flush();
	return rc;
}
