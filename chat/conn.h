/*
 * A non-blocking stream socket with an input buffer and a bounded output
 * queue. Partial reads and writes and EINTR are absorbed here.
 */
#ifndef CHAT_CONN_H
#define CHAT_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct conn {
	int fd;
	int eof;		/* the peer closed its side: no more input */
	int drained;		/* the last read was short: nothing more now */
	uint8_t *in;		/* unconsumed input is in[in_head, in_len) */
	size_t in_head, in_len, in_cap;
	uint8_t *out;		/* queued output is out[out_head, out_len) */
	size_t out_head, out_len, out_cap;
	size_t out_max;		/* bound on queued output bytes */
};

/* Take ownership of fd (made non-blocking here); out_max bounds the queue. */
int conn_init(struct conn *c, int fd, size_t out_max);

/* Close the socket (abortively when abort is set: unsent data is dropped
 * and the peer sees a reset) and free the buffers. */
void conn_close(struct conn *c, int abort);

/*
 * One read() into the input buffer. Returns the number of bytes read, 0 when
 * nothing is available now or the peer closed (then c->eof is set), -1 on a
 * socket error (errno set). c->drained says whether the read took less than
 * it asked for: the socket is empty, and reading again now would only
 * return EAGAIN (one system call per message saved).
 */
ssize_t conn_read(struct conn *c);

/* Unconsumed input bytes. */
static inline const uint8_t *conn_in_data(const struct conn *c)
{
	return c->in + c->in_head;
}

static inline size_t conn_in_avail(const struct conn *c)
{
	return c->in_len - c->in_head;
}

/* Mark n bytes of input consumed. */
void conn_in_consume(struct conn *c, size_t n);

/*
 * Room for n more bytes at the tail of the output queue, to be filled and
 * then committed with conn_out_commit(). NULL when the queue would exceed its
 * bound (errno ENOBUFS) or memory is short (ENOMEM).
 */
uint8_t *conn_out_reserve(struct conn *c, size_t n);

void conn_out_commit(struct conn *c, size_t n);

/* Queued output bytes. */
static inline size_t conn_out_pending(const struct conn *c)
{
	return c->out_len - c->out_head;
}

/* Write queued output until done or the socket is full: 0, or -1 on a
 * socket error (errno set). */
int conn_flush(struct conn *c);

#endif /* CHAT_CONN_H */
