/*
 * Chat messages to standard output, one line each with a sender prefix,
 * buffered here (stdio costs too much per line at bulk rates) and written
 * with write(2) at msgout_flush() or when the buffer is full.
 */
#ifndef CHAT_MSGOUT_H
#define CHAT_MSGOUT_H

#include <stddef.h>
#include <stdint.h>

/* Queue each line of a batch (lines joined by '\n') as "PREFIX line\n",
 * the line passed through text_clean() (the prefix is ours). */
void msgout_lines(const char *prefix, const uint8_t *batch, size_t len);

/* Write what is queued. A broken stdout is reported once, then output is
 * dropped: the chat itself goes on. */
void msgout_flush(void);

/* Functions called around every write to the terminal, messages and
 * notices alike (chat/tty.c: take the line being typed off the screen and
 * put it back); NULL for none. */
void msgout_around(void (*before)(void), void (*after)(void));

/* Call the before or the after function, if any (for notice()). */
void msgout_before(void);
void msgout_after(void);

#endif /* CHAT_MSGOUT_H */
