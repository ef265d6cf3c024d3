/* Cutting an input byte stream into chat messages. */
#ifndef CHAT_LINES_H
#define CHAT_LINES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Find the next message in buf[0, avail): a line without its '\n', or, for a
 * line longer than max, its next max bytes (the rest follows as further
 * messages); at eof, an unterminated tail is a message too. Returns 1 with
 * *len (message bytes) and *consume (bytes to drop, the '\n' included), or 0
 * when more input is needed.
 */
int lines_next(const uint8_t *buf, size_t avail, int eof, size_t max,
	       size_t *len, size_t *consume);



/*
 * Like lines_next, but take as many whole lines as fit in max bytes at once:
 * *len covers them joined by their '\n's (the last '\n' excluded), so that
 * one message carries a batch of lines. Falls back to lines_next when the
 * first line alone is longer than max, or is the unterminated tail at eof.
 */
int lines_batch(const uint8_t *buf, size_t avail, int eof, size_t max,
		size_t *len, size_t *consume);

/* Lines read from a file descriptor (stdin), one read() at a time. */
struct linein {
	int fd;
	int eof;
	uint8_t *buf;		/* unconsumed bytes are buf[head, len) */
	size_t head, len, cap;
};

/* Buffer lines from fd (not made non-blocking: read only when ready). */
int linein_init(struct linein *l, int fd);

void linein_free(struct linein *l);

/* Room for more input: reading would not overflow the buffer. */
int linein_has_room(const struct linein *l);

/* One read(): bytes read, 0 at end of file (l->eof set), -1 on error. */
long linein_read(struct linein *l);

/* Append n bytes and a '\n' (a line typed on the terminal): 0, or -1 when
 * they did not all fit (the line is then cut). */
int linein_push(struct linein *l, const void *p, size_t n);

/* The next batch of lines (see lines_batch) of at most max bytes: 1 with *msg and
 * *len set (valid until the next linein_read), or 0 for none yet. */
int linein_next(struct linein *l, size_t max, const uint8_t **msg,
		size_t *len);
#endif /* CHAT_LINES_H */
