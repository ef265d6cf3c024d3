/*
 * Round-trip helper for bench/10-chat (compiled by it, not a benchmark by
 * itself). Modes:
 *   echo               listen on 127.0.0.1 (port printed), echo one
 *                      connection back to itself until EOF
 *   tcp PORT N SIZE    send N lines of SIZE bytes to 127.0.0.1:PORT, each
 *                      after the previous one came back; print the median
 *                      and 99th percentile round trip in microseconds
 *   chat BIN KEY PORT N SIZE
 *                      the same through the chat: two clients of the server
 *                      on PORT; a line written to one is timed until it
 *                      comes out of the other (client, server, client)
 *   both BIN KEY PORT TPORT N SIZE
 *                      chat and tcp TPORT taking turns, one round each, so
 *                      that both see the same load on a shared machine;
 *                      prints the chat's line, then TPORT's
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "chat-rtt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		p += n;
		len -= (size_t)n;
	}
}

/* Read until a '\n' arrives; returns bytes read. */
static size_t read_line(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read (peer closed)");
		got += (size_t)n;
		if (memchr(buf + got - n, '\n', (size_t)n))
			return got;
	}
	die("line too long");
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Round trips over k paths (write to wfd[j], read from rfd[j]) in turn,
 * n each after 20 of warm-up; one "median p99" line per path. */
static void measure_paths(const int *wfd, const int *rfd, int k, int n,
			  size_t size)
{
	char *line = malloc(size + 1), *buf = malloc(size + 256);
	double *t = calloc((size_t)(n * k), sizeof(double)), t0;
	int i, j;

	if (!line || !buf || !t)
		die("malloc");
	memset(line, 'x', size);
	line[size] = '\n';
	for (i = -20; i < n; i++) {
		for (j = 0; j < k; j++) {
			t0 = now_us();
			write_all(wfd[j], line, size + 1);
			read_line(rfd[j], buf, size + 256);
			if (i >= 0)
				t[j * n + i] = now_us() - t0;
		}
	}
	for (j = 0; j < k; j++) {
		qsort(t + j * n, (size_t)n, sizeof(double), cmp);
		printf("%.1f %.1f\n", t[j * n + n / 2], t[j * n + n * 99 / 100]);
	}
	free(line);
	free(buf);
	free(t);
}

static void measure(int wfd, int rfd, int n, size_t size)
{
	measure_paths(&wfd, &rfd, 1, n, size);
}

static int tcp_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void echo(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	char buf[65536];
	int lfd = socket(AF_INET, SOCK_STREAM, 0), fd, one = 1;
	ssize_t n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) != 0)
		die("listen");
	printf("%u\n", ntohs(a.sin_port));
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(fd, buf, (size_t)n);
}

/* Start a chat client; its stdin and stdout are pipes returned in io. */
static pid_t client(char **argv, int io[2])
{
	int in[2], out[2], err[2];
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	/* Wait until the session is up. */
	while (!memmem(buf, got, "session established", 19)) {
		n = read(err[0], buf + got, sizeof(buf) - got);
		if (n <= 0 || got + (size_t)n == sizeof(buf))
			die("chat client did not connect");
		got += (size_t)n;
	}
	close(err[0]);
	io[0] = in[1];
	io[1] = out[0];
	return pid;
}

/*
 * A client's "session established" comes before the server has seen its
 * key confirmation, and the server relays only to clients it has admitted:
 * send lines through until one arrives, then drain the extra ones.
 */
static void sync_clients(int wfd, int rfd)
{
	struct pollfd p = { .fd = rfd, .events = POLLIN };
	char buf[4096];
	int i;

	for (i = 0; i < 100; i++) {
		write_all(wfd, "sync\n", 5);
		if (poll(&p, 1, 100) > 0)
			break;
	}
	if (i == 100)
		die("the chat does not relay");
	while (poll(&p, 1, 200) > 0)
		if (read(rfd, buf, sizeof(buf)) <= 0)
			die("read");
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 2 && strcmp(argv[1], "echo") == 0) {
		echo();
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "tcp") == 0) {
		int fd = tcp_connect(atoi(argv[2]));

		measure(fd, fd, atoi(argv[3]), (size_t)atol(argv[4]));
		return 0;
	}
	if ((argc == 7 && strcmp(argv[1], "chat") == 0) ||
	    (argc == 8 && strcmp(argv[1], "both") == 0)) {
		int both = argv[1][0] == 'b', a[2], b[2], st;
		char *aargv[] = { argv[2], "client", "-k", argv[3], "-n",
				  "rtt-a", "127.0.0.1", argv[4], NULL };
		char *bargv[] = { argv[2], "client", "-k", argv[3], "-n",
				  "rtt-b", "127.0.0.1", argv[4], NULL };
		pid_t pa = client(aargv, a), pb = client(bargv, b);
		int wfd[2] = { a[0], -1 }, rfd[2] = { b[1], -1 };

		sync_clients(a[0], b[1]);
		if (both)
			wfd[1] = rfd[1] = tcp_connect(atoi(argv[5]));
		measure_paths(wfd, rfd, both ? 2 : 1, atoi(argv[5 + both]),
			      (size_t)atol(argv[6 + both]));
		close(a[0]);
		close(b[0]);
		waitpid(pa, &st, 0);
		waitpid(pb, &st, 0);
		return 0;
	}
	fprintf(stderr, "usage: chat-rtt echo | tcp PORT N SIZE | chat BIN KEY PORT N SIZE | both BIN KEY PORT TPORT N SIZE\n");
	return 2;
}
