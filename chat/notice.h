/* Notices: one line each on stderr, never on stdout (stdout is for chat
 * messages only). */
#ifndef CHAT_NOTICE_H
#define CHAT_NOTICE_H

/* Print "vcrypto-chat: " and the formatted line on stderr. */
void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CHAT_NOTICE_H */
