/* systemd socket activation (see activation.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "activation.h"

#define LISTEN_FDS_START 3

static int parse_env(const char *name, long *out)
{
	const char *s = getenv(name);
	char *end;

	if (!s)
		return 1;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || *out < 0 || *out > INT_MAX) {
		fprintf(stderr, "vcryptod: %s='%s' is not a number\n", name, s);
		return -1;
	}
	return 0;
}

static int get_fd(void)
{
	int type = 0, domain = 0, fd = LISTEN_FDS_START;
	socklen_t tlen = sizeof(type), dlen = sizeof(domain);
	long pid, n;
	int r;

	r = parse_env("LISTEN_PID", &pid);
	if (r)
		return r > 0 ? -1 : -2;
	/* Variables inherited from a parent that was activated are not ours. */
	if (pid != getpid())
		return -1;
	r = parse_env("LISTEN_FDS", &n);
	if (r)
		return r > 0 ? -1 : -2;
	if (n == 0)
		return -1;
	if (n != 1) {
		fprintf(stderr, "vcryptod: systemd passed %ld sockets; vcryptod "
			"serves one (one instance per VM)\n", n);
		return -2;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) ||
	    type != SOCK_STREAM || domain != AF_UNIX) {
		fprintf(stderr, "vcryptod: the fd systemd passed is not a Unix "
			"stream socket\n");
		return -2;
	}
	return fd;
}

int activation_fd(void)
{
	int fd = get_fd();

	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}
