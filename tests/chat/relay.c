/*
 * chat-relay: a man in the middle for the chat tests. Listens on 127.0.0.1
 * (an ephemeral port, printed as "relay listening on PORT"), takes one
 * connection, connects it to 127.0.0.1:TARGET and relays both ways, with
 * optional capture and tampering:
 *   -c PREFIX        write the streams to PREFIX.c2s and PREFIX.s2c
 *   -f OFFSET        flip bit (OFFSET % 8) of byte OFFSET of one direction
 *   -d c2s|s2c       the direction -f acts on (default c2s)
 *   -o OP -n K       act on frame K (0 = first after the 72-byte handshake)
 *                    of the client's stream: replay, reorder (swap K, K+1),
 *                    drop, oversize (length field 0x7ffffff0), truncate
 *                    (send half of frame K, then close both sides)
 * Exits 0 once both sides have closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HANDSHAKE_LEN 72	/* hello (40) + key confirmation (32) */

struct dir {
	const char *name;
	int from, to;
	int eof;
	uint64_t off;		/* bytes read so far */
	FILE *cap;
	uint8_t *acc;		/* c2s frame assembly for -o */
	size_t acc_len, acc_cap;
	uint64_t frame;		/* index of the next frame */
	uint8_t *held;
	size_t held_len;
};

static const char *op;
static uint64_t op_frame;
static long long flip_off = -1;
static const char *flip_dir = "c2s";

static void die(const char *what)
{
	fprintf(stderr, "chat-relay: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Returns -1 when the relay must stop (write failure or truncation). */
static int frame_op(struct dir *d, uint8_t *f, size_t len)
{
	uint64_t k = d->frame++;

	if (k != op_frame && !(k == op_frame + 1 && d->held))
		return write_all(d->to, f, len);
	if (strcmp(op, "replay") == 0) {
		fprintf(stderr, "chat-relay: replaying frame %llu\n",
			(unsigned long long)k);
		if (write_all(d->to, f, len) != 0)
			return -1;
		return write_all(d->to, f, len);
	}
	if (strcmp(op, "reorder") == 0) {
		if (k == op_frame) {
			d->held = malloc(len);
			if (!d->held)
				die("malloc");
			memcpy(d->held, f, len);
			d->held_len = len;
			return 0;
		}
		fprintf(stderr, "chat-relay: swapped frames %llu and %llu\n",
			(unsigned long long)op_frame, (unsigned long long)k);
		if (write_all(d->to, f, len) != 0)
			return -1;
		return write_all(d->to, d->held, d->held_len);
	}
	if (strcmp(op, "drop") == 0) {
		fprintf(stderr, "chat-relay: dropped frame %llu\n",
			(unsigned long long)k);
		return 0;
	}
	if (strcmp(op, "oversize") == 0) {
		f[0] = 0x7f;
		f[1] = f[2] = 0xff;
		f[3] = 0xf0;
		fprintf(stderr, "chat-relay: oversized frame %llu\n",
			(unsigned long long)k);
		return write_all(d->to, f, len);
	}
	if (strcmp(op, "truncate") == 0) {
		fprintf(stderr, "chat-relay: truncated frame %llu\n",
			(unsigned long long)k);
		write_all(d->to, f, len / 2);
		return -1;
	}
	fprintf(stderr, "chat-relay: unknown op %s\n", op);
	exit(2);
}

static int framed(struct dir *d, const uint8_t *buf, size_t n)
{
	size_t skip = 0, flen;

	if (d->off - n < HANDSHAKE_LEN) {
		skip = HANDSHAKE_LEN - (size_t)(d->off - n);
		if (skip > n)
			skip = n;
		if (write_all(d->to, buf, skip) != 0)
			return -1;
	}
	if (skip == n)
		return 0;
	if (d->acc_cap - d->acc_len < n - skip) {
		d->acc_cap = d->acc_len + n - skip + 65536;
		d->acc = realloc(d->acc, d->acc_cap);
		if (!d->acc)
			die("realloc");
	}
	memcpy(d->acc + d->acc_len, buf + skip, n - skip);
	d->acc_len += n - skip;
	while (d->acc_len >= 4) {
		flen = 4 + (size_t)get_u32(d->acc);
		if (flen > 1 << 20)	/* not a frame: pass it on unchanged */
			flen = d->acc_len;
		if (d->acc_len < flen)
			break;
		if (frame_op(d, d->acc, flen) != 0)
			return -1;
		memmove(d->acc, d->acc + flen, d->acc_len - flen);
		d->acc_len -= flen;
	}
	return 0;
}

/* Returns -1 when the relay must stop. */
static int pump(struct dir *d)
{
	uint8_t buf[65536];
	ssize_t n;

	n = read(d->from, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0) {
		d->eof = 1;
		if (d->acc_len > 0)
			write_all(d->to, d->acc, d->acc_len);
		shutdown(d->to, SHUT_WR);
		return n < 0 ? -1 : 0;
	}
	if (flip_off >= 0 && strcmp(d->name, flip_dir) == 0 &&
	    (uint64_t)flip_off >= d->off &&
	    (uint64_t)flip_off < d->off + (uint64_t)n) {
		buf[flip_off - (long long)d->off] ^= 1u << (flip_off % 8);
		fprintf(stderr, "chat-relay: flipped bit %lld of byte %lld (%s)\n",
			flip_off % 8, flip_off, d->name);
	}
	d->off += (uint64_t)n;
	if (d->cap)
		fwrite(buf, 1, (size_t)n, d->cap);
	if (op && strcmp(d->name, "c2s") == 0)
		return framed(d, buf, (size_t)n);
	return write_all(d->to, buf, (size_t)n);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct dir dirs[2] = { { .name = "c2s" }, { .name = "s2c" } };
	const char *capture = NULL;
	socklen_t len = sizeof(a);
	struct pollfd p[2];
	int lfd, cfd, sfd, c, i;
	char path[4096];

	while ((c = getopt(argc, argv, "c:f:d:o:n:")) != -1) {
		switch (c) {
		case 'c': capture = optarg; break;
		case 'f': flip_off = atoll(optarg); break;
		case 'd': flip_dir = optarg; break;
		case 'o': op = optarg; break;
		case 'n': op_frame = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: chat-relay [-c PREFIX] [-f OFFSET [-d c2s|s2c]] [-o OP -n K] TARGET_PORT\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "chat-relay: TARGET_PORT missing\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) != 0)
		die("listen");
	printf("relay listening on %u\n", ntohs(a.sin_port));
	fflush(stdout);
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		die("accept");
	close(lfd);
	a.sin_port = htons((uint16_t)atoi(argv[optind]));
	sfd = socket(AF_INET, SOCK_STREAM, 0);
	if (sfd < 0 || connect(sfd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect to the target");
	dirs[0].from = cfd;
	dirs[0].to = sfd;
	dirs[1].from = sfd;
	dirs[1].to = cfd;
	for (i = 0; capture && i < 2; i++) {
		snprintf(path, sizeof(path), "%s.%s", capture, dirs[i].name);
		dirs[i].cap = fopen(path, "wb");
		if (!dirs[i].cap)
			die(path);
	}
	while (!dirs[0].eof || !dirs[1].eof) {
		for (i = 0; i < 2; i++) {
			p[i].fd = dirs[i].eof ? -1 : dirs[i].from;
			p[i].events = POLLIN;
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = 0; i < 2; i++)
			if (p[i].revents && pump(&dirs[i]) != 0)
				goto out;
	}
out:
	for (i = 0; i < 2; i++) {
		if (dirs[i].cap)
			fclose(dirs[i].cap);
		free(dirs[i].acc);
		free(dirs[i].held);
	}
	close(cfd);
	close(sfd);
	return 0;
}
