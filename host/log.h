/* vcryptod's log: one line per event on stderr, filtered by level. */
#ifndef VCRYPTOD_LOG_H
#define VCRYPTOD_LOG_H

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

/* Messages above this level are dropped; LOG_INFO unless -v raises it. */
void log_set_level(enum log_level level);

/* Nonzero when a message at this level would be printed. */
int log_enabled(enum log_level level);

/* Print "vcryptod: <level>: <message>\n" on stderr as one write. */
void vlog(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A budget for one kind of line a guest can cause at will (one thread uses
 * it): LOG_LIMIT_LINES a minute, then silence until the next minute, whose
 * first line is preceded by the number dropped. Zero-initialise.
 */
#define LOG_LIMIT_LINES 10
struct log_limit {
	long minute;
	unsigned int lines;
	unsigned long dropped;
};

/* vlog() within l's budget. */
void vlog_limited(struct log_limit *l, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
