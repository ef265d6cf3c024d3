/* vcryptod: a vhost-user back-end for QEMU's virtio-crypto device. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "activation.h"
#include "log.h"
#include "signals.h"
#include "stats.h"
#include "vhost_user.h"


static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vcryptod [--socket-path PATH | --fd N] [OPTIONS]\n"
		"vhost-user back-end for QEMU's virtio-crypto device\n"
		"(-object cryptodev-vhost-user + -device virtio-crypto-pci).\n"
		"\n"
		"  --socket-path PATH  listen on this Unix socket (QEMU connects)\n"
		"  --fd N              use inherited socket fd N (listening or\n"
		"                      already connected); with neither option, the\n"
		"                      socket systemd passed (LISTEN_FDS)\n"
		"  --engine SPEC       crypto engine: %s\n"
		"                      (default auto: a hardware /dev/crypto, else\n"
		"                      OpenSSL)\n"
		"  --threads N         worker threads (default: number of CPUs)\n"
		"  --poll-us N|adaptive  after serving requests, poll the ring for\n"
		"                      N microseconds (0-1000; 0: never poll) before\n"
		"                      sleeping; adaptive (the default): windows of\n"
		"                      up to 200 us that grow while requests keep\n"
		"                      coming and shrink to nothing when they stop\n"
		"  -v, --verbose       debug log (every message, session, request error)\n"
		"  --print-capabilities  print the back-end capabilities (JSON)\n"
		"  --version           print the version\n"
		"  -h, --help          this help\n"
		"\n"
		"SIGUSR1 prints the counters; SIGTERM/SIGINT exit cleanly.\n",
		VC_ENGINE_SPECS);
}

struct options {
	const char *socket_path;
	int fd;
	const char *engine;
	unsigned int threads;
	unsigned int poll_us;
	int verbose;
};

static int parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_SOCKET = 256, OPT_FD, OPT_ENGINE, OPT_THREADS, OPT_POLL,
	       OPT_CAPS, OPT_VERSION };
	static const struct option longopts[] = {
		{ "socket-path", required_argument, NULL, OPT_SOCKET },
		{ "fd", required_argument, NULL, OPT_FD },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "poll-us", required_argument, NULL, OPT_POLL },
		{ "verbose", no_argument, NULL, 'v' },
		{ "print-capabilities", no_argument, NULL, OPT_CAPS },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			o->socket_path = optarg;
			break;
		case OPT_FD:
			if (parse_uint(optarg, INT_MAX, &v) || v < 3) {
				fprintf(stderr, "vcryptod: --fd: '%s' is not a file "
					"descriptor number >= 3\n", optarg);
				return 2;
			}
			o->fd = (int)v;
			break;
		case OPT_ENGINE:
			o->engine = optarg;
			break;
		case OPT_THREADS:
			if (parse_uint(optarg, 256, &v) || v < 1) {
				fprintf(stderr, "vcryptod: --threads: '%s' is not a "
					"number from 1 to 256\n", optarg);
				return 2;
			}
			o->threads = (unsigned int)v;
			break;
		case OPT_POLL:
			if (!strcmp(optarg, "adaptive")) {
				o->poll_us = POLL_ADAPTIVE;
				break;
			}
			if (parse_uint(optarg, 1000, &v)) {
				fprintf(stderr, "vcryptod: --poll-us: '%s' is neither "
					"adaptive nor a number from 0 to 1000\n",
					optarg);
				return 2;
			}
			o->poll_us = (unsigned int)v;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_CAPS:
			printf("{\n  \"type\": \"crypto\"\n}\n");
			return 0;
		case OPT_VERSION:
			printf("vcryptod %s\n", VCRYPTO_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vcryptod: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!o->socket_path && o->fd < 0 && (o->fd = activation_fd()) == -2)
		return 1;
	if (!o->socket_path == (o->fd < 0)) {
		fprintf(stderr, "vcryptod: give exactly one of --socket-path and --fd "
			"(or a socket through systemd's LISTEN_FDS)\n");
		usage(stderr);
		return 2;
	}
	return -1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vcryptod: socket path '%s' is too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* A socket left by an earlier instance; never remove anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 1)) {
		fprintf(stderr, "vcryptod: socket '%s': %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int is_listening(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len))
		return -1;
	return v;
}

static int open_engine(const char *spec, int verbose, struct vc_engine **e)
{
	int ret = vc_engine_open(e, spec, verbose);

	if (ret) {
		fprintf(stderr, "vcryptod: engine '%s': %s\n", spec, vc_last_error());
		return ret;
	}
	/* auto: a host cryptodev pays off only when hardware is behind it. */
	if (!strcmp(spec, "auto") && !vc_engine_is_hardware(*e) &&
	    strncmp(vc_engine_describe(*e), "openssl", 7)) {
		vlog(LOG_INFO, "%s is not hardware; using OpenSSL",
		     vc_engine_describe(*e));
		vc_engine_close(*e);
		ret = vc_engine_open(e, "openssl", verbose);
		if (ret)
			fprintf(stderr, "vcryptod: engine 'openssl': %s\n",
				vc_last_error());
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { .fd = -1, .engine = "auto", .poll_us = POLL_ADAPTIVE };
	struct workers *pool = NULL;
	struct vc_engine *engine = NULL;
	static struct vu_conn conn;
	int status = 1, lfd = -1, listening, ret;
	long ncpu;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	log_set_level(o.verbose ? LOG_DEBUG : LOG_INFO);
	if (!o.threads) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		o.threads = ncpu < 1 ? 1 : ncpu > 256 ? 256 : (unsigned int)ncpu;
	}
	if (signals_setup()) {
		fprintf(stderr, "vcryptod: signal handlers: %s\n", strerror(errno));
		return 1;
	}
	if (o.fd >= 0) {
		listening = is_listening(o.fd);
		if (listening < 0) {
			fprintf(stderr, "vcryptod: --fd %d: not a socket: %s\n", o.fd,
				strerror(errno));
			return 1;
		}
		fcntl(o.fd, F_SETFD, FD_CLOEXEC);
		lfd = o.fd;
	} else {
		lfd = listen_on(o.socket_path);
		if (lfd < 0)
			return 1;
		listening = 1;
	}
	if (open_engine(o.engine, o.verbose, &engine))
		goto out_fd;
	ret = workers_start(&pool, o.threads, device_run_work);
	if (ret) {
		fprintf(stderr, "vcryptod: worker threads: %s\n", strerror(-ret));
		goto out_engine;
	}
	if (vu_conn_init(&conn, engine, pool, o.poll_us,
			 sym_session_random_first())) {
		fprintf(stderr, "vcryptod: out of memory\n");
		goto out_pool;
	}
	if (listening)
		fprintf(stderr, "vcryptod: listening on %s (engine %s, %u threads)\n",
			o.socket_path ? o.socket_path : "inherited fd",
			vc_engine_describe(engine), o.threads);
	else
		fprintf(stderr, "vcryptod: serving fd %d (engine %s, %u threads)\n",
			o.fd, vc_engine_describe(engine), o.threads);

	status = 0;
	if (!listening) {
		vu_serve(&conn, lfd);
		lfd = -1;
	}
	while (lfd >= 0 && !signals_check()) {
		struct pollfd p[2] = {
			{ .fd = lfd, .events = POLLIN },
			{ .fd = signals_fd(), .events = POLLIN },
		};
		int cfd;

		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "vcryptod: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
				vlog(LOG_WARN, "accept: %s", strerror(errno));
			continue;
		}
		vu_serve(&conn, cfd);
	}
	vlog(LOG_INFO, "exiting");
	vu_conn_destroy(&conn);
out_pool:
	workers_stop(pool);
out_engine:
	vc_engine_close(engine);
out_fd:
	if (lfd >= 0)
		close(lfd);
	if (o.socket_path && lfd >= 0)
		unlink(o.socket_path);
	stats_print("exit");
	return status;
}
