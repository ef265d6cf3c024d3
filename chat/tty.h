/*
 * The client on a terminal: when standard input and output both are one,
 * lines are typed with readline (editing, history) through its callback
 * interface, driven by the client's select() loop, and incoming messages
 * and notices are written above the line being typed, which stays on the
 * bottom line. Otherwise none of this is used.
 */
#ifndef CHAT_TTY_H
#define CHAT_TTY_H

#include "lines.h"

/* Start when stdin and stdout are terminals: 1 then, typed lines going
 * into in (Ctrl-D sets in->eof); 0 when not a terminal. */
int tty_start(struct linein *in);

/* Standard input is readable: let readline take what was typed. */
void tty_read(void);

/* Give the terminal back as it was (no-op when not started). */
void tty_stop(void);

#endif /* CHAT_TTY_H */
