/* systemd socket activation, by sd_listen_fds(3)'s rules, without libsystemd. */
#ifndef VCRYPTOD_ACTIVATION_H
#define VCRYPTOD_ACTIVATION_H

/*
 * The socket systemd passed (LISTEN_FDS=1 and LISTEN_PID our pid): fd 3,
 * made close-on-exec. -1 when nothing was passed to this process; -2, said on
 * stderr, when what was passed is unusable (malformed variables, several fds,
 * not an AF_UNIX stream socket). LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
 * are unset in every case.
 */
int activation_fd(void);

#endif
