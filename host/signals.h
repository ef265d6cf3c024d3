/* SIGTERM/SIGINT (stop) and SIGUSR1 (print the counters), seen through a
 * pipe so that every wait of vcryptod's main thread can include them. */
#ifndef VCRYPTOD_SIGNALS_H
#define VCRYPTOD_SIGNALS_H

/* Install the handlers (SIGPIPE ignored, SIGBUS guarded as
 * mem_guard_install() says). 0, or -1 with errno set. */
int signals_setup(void);

/* Readable when a signal came; -1 before signals_setup(). */
int signals_fd(void);

/* Handle the signals that came (SIGUSR1 prints the counters); nonzero once
 * vcryptod must stop. */
int signals_check(void);

#endif
