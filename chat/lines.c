#include "lines.h"

#include <string.h>

int lines_next(const uint8_t *buf, size_t avail, int eof, size_t max,
	       size_t *len, size_t *consume)
{
	size_t scan = avail < max + 1 ? avail : max + 1;
	const uint8_t *nl = memchr(buf, '\n', scan);

	if (nl) {
		*len = (size_t)(nl - buf);
		*consume = *len + 1;
		return 1;
	}
	if (avail > max) {
		*len = *consume = max;
		return 1;
	}
	if (eof && avail > 0) {
		*len = *consume = avail;
		return 1;
	}
	return 0;
}

int lines_batch(const uint8_t *buf, size_t avail, int eof, size_t max,
		size_t *len, size_t *consume)
{
	size_t scan = avail < max + 1 ? avail : max + 1;
	const uint8_t *nl = memrchr(buf, '\n', scan);

	if (nl) {
		*len = (size_t)(nl - buf);
		*consume = *len + 1;
		return 1;
	}
	return lines_next(buf, avail, eof, max, len, consume);
}

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "proto.h"

#define LINEIN_CAP (4 * (PROTO_MAX_PAYLOAD + 1))

int linein_init(struct linein *l, int fd)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->buf = malloc(LINEIN_CAP);
	l->cap = LINEIN_CAP;
	return l->buf ? 0 : -1;
}

void linein_free(struct linein *l)
{
	free(l->buf);
	l->buf = NULL;
}

int linein_has_room(const struct linein *l)
{
	return !l->eof && l->len - l->head <= l->cap - (PROTO_MAX_PAYLOAD + 1);
}

long linein_read(struct linein *l)
{
	ssize_t n;

	if (l->head == l->len)
		l->head = l->len = 0;
	if (l->head > 0 && l->cap - l->len < PROTO_MAX_PAYLOAD + 1) {
		memmove(l->buf, l->buf + l->head, l->len - l->head);
		l->len -= l->head;
		l->head = 0;
	}
	do
		n = read(l->fd, l->buf + l->len, l->cap - l->len);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		l->eof = 1;
	if (n > 0)
		l->len += (size_t)n;
	return n;
}

int linein_push(struct linein *l, const void *p, size_t n)
{
	size_t room;
	int rc = 0;

	if (l->head > 0) {
		memmove(l->buf, l->buf + l->head, l->len - l->head);
		l->len -= l->head;
		l->head = 0;
	}
	if (l->len >= l->cap)
		return -1;
	room = l->cap - l->len - 1;
	if (n > room) {
		n = room;
		rc = -1;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	l->buf[l->len++] = '\n';
	return rc;
}

int linein_next(struct linein *l, size_t max, const uint8_t **msg,
		size_t *len)
{
	size_t consume;

	if (!lines_batch(l->buf + l->head, l->len - l->head, l->eof, max, len,
			 &consume))
		return 0;
	*msg = l->buf + l->head;
	l->head += consume;
	return 1;
}
