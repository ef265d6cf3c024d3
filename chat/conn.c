#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto.h"

/* The input buffer holds one whole frame plus room to read ahead. */
#define IN_MIN_ROOM	16384
#define IN_MAX_CAP	(2 * PROTO_MAX_FRAME + IN_MIN_ROOM)
/* An output queue that drained keeps at most this much memory. */
#define OUT_KEEP_CAP	(512 * 1024)

int conn_init(struct conn *c, int fd, size_t out_max)
{
	int flags = fcntl(fd, F_GETFL);

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->out_max = out_max;
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

void conn_close(struct conn *c, int abort)
{
	if (c->fd >= 0) {
		if (abort) {
			struct linger l = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		}
		close(c->fd);
	}
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static int in_make_room(struct conn *c)
{
	size_t cap;
	uint8_t *p;

	if (c->in_cap - c->in_len >= IN_MIN_ROOM)
		return 0;
	if (c->in_head > 0) {
		memmove(c->in, c->in + c->in_head, c->in_len - c->in_head);
		c->in_len -= c->in_head;
		c->in_head = 0;
	}
	if (c->in_cap - c->in_len >= IN_MIN_ROOM || c->in_cap >= IN_MAX_CAP)
		return 0;
	cap = c->in_cap ? c->in_cap * 2 : IN_MIN_ROOM;
	if (cap > IN_MAX_CAP)
		cap = IN_MAX_CAP;
	p = realloc(c->in, cap);
	if (!p)
		return -1;
	c->in = p;
	c->in_cap = cap;
	return 0;
}

ssize_t conn_read(struct conn *c)
{
	ssize_t n;

	if (c->eof)
		return 0;
	if (in_make_room(c) != 0)
		return -1;
	if (c->in_cap == c->in_len)
		return 0;
	do
		n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	while (n < 0 && errno == EINTR);
	c->drained = n < 0 || (size_t)n < c->in_cap - c->in_len;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (n == 0)
		c->eof = 1;
	c->in_len += (size_t)n;
	return n;
}

void conn_in_consume(struct conn *c, size_t n)
{
	c->in_head += n;
	if (c->in_head == c->in_len)
		c->in_head = c->in_len = 0;
}

uint8_t *conn_out_reserve(struct conn *c, size_t n)
{
	size_t pending = conn_out_pending(c), cap;
	uint8_t *p;

	if (n > c->out_max || pending > c->out_max - n) {
		errno = ENOBUFS;
		return NULL;
	}
	if (c->out_cap - c->out_len >= n)
		return c->out + c->out_len;
	if (c->out_head > 0) {
		memmove(c->out, c->out + c->out_head, pending);
		c->out_len = pending;
		c->out_head = 0;
		if (c->out_cap - c->out_len >= n)
			return c->out + c->out_len;
	}
	cap = c->out_cap ? c->out_cap : 4096;
	while (cap - pending < n)
		cap *= 2;
	p = realloc(c->out, cap);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	c->out = p;
	c->out_cap = cap;
	return c->out + c->out_len;
}

void conn_out_commit(struct conn *c, size_t n)
{
	c->out_len += n;
}

int conn_flush(struct conn *c)
{
	ssize_t n;

	while (conn_out_pending(c) > 0) {
		n = send(c->fd, c->out + c->out_head, conn_out_pending(c),
			 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->out_head += (size_t)n;
	}
	c->out_head = c->out_len = 0;
	if (c->out_cap > OUT_KEEP_CAP) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}
