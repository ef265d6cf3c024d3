/*
 * chat-peer: a client that sends what the real one never would, for the
 * names tests. Connects to 127.0.0.1:PORT, completes the handshake with
 * KEYFILE, sends a NAME frame of the bytes NAME_HEX, then (if given) one
 * message of the bytes LINE_HEX, then its goodbye, and prints every frame
 * the server sends, one line each: "name ID HEX", "msg ID HEX",
 * "refused TEXT", "goodbye". Exits 0 at the server's clean end, 1 otherwise.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../hex.h"
#include "../../chat/session.h"

static void show(void *ctx, const struct proto_msg *m)
{
	static const char *const names[] = {
		[PROTO_MSG] = "msg", [PROTO_NAME] = "name",
	};
	size_t i;

	(void)ctx;
	if (m->type == PROTO_REFUSED) {
		printf("refused %.*s\n", (int)m->len, (const char *)m->payload);
		return;
	}
	printf("%s %u ", names[m->type], m->sender);
	for (i = 0; i < m->len; i++)
		printf("%02x", m->payload[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint8_t key[64], name[256], line[256];
	size_t klen, nlen, llen = 0;
	struct vc_engine *e;
	struct session s;
	struct pollfd p;
	FILE *f;
	int fd, sent = 0;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: chat-peer KEYFILE PORT NAME_HEX [LINE_HEX]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	klen = f ? fread(key, 1, sizeof(key), f) : 0;
	if (f)
		fclose(f);
	nlen = hex_decode(argv[3], name, sizeof(name));
	if (argc == 5)
		llen = hex_decode(argv[4], line, sizeof(line));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (klen != PROTO_KEY_LEN || fd < 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    vc_engine_open(&e, "openssl", 0) != 0 ||
	    session_start(&s, fd, PROTO_CLIENT, 1 << 20) != 0) {
		perror("chat-peer: setup");
		return 1;
	}
	for (;;) {
		if (s.state == SESSION_OPEN && !sent) {
			sent = session_send(&s, PROTO_NAME, 0, name, nlen) == 0 &&
			       (argc == 4 ||
				session_send(&s, PROTO_MSG, 0, line, llen) == 0) &&
			       session_send(&s, PROTO_GOODBYE, 0, NULL, 0) == 0;
			if (!sent)
				return 1;
		}
		if (conn_flush(&s.conn) != 0)
			break;
		p.fd = fd;
		p.events = POLLIN | (conn_out_pending(&s.conn) ? POLLOUT : 0);
		if (poll(&p, 1, 30000) <= 0)
			break;
		if (conn_read(&s.conn) < 0 ||
		    session_input(&s, e, key, show, NULL) < 0) {
			printf("error %s\n", proto_strerror(s.err));
			break;
		}
		if (s.conn.eof) {
			if (s.peer_goodbye)
				printf("goodbye\n");
			session_close(&s, 0);
			vc_engine_close(e);
			return s.peer_goodbye ? 0 : 1;
		}
	}
	session_close(&s, 1);
	vc_engine_close(e);
	return 1;
}
