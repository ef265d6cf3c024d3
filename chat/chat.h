/* What main() hands to the server and the client once arguments check. */
#ifndef CHAT_CHAT_H
#define CHAT_CHAT_H

#include <netdb.h>
#include <stdint.h>

#include "proto.h"

struct chat_opts {
	const char *bind_addr;		/* server: NULL for every address */
	const char *port;		/* server: "0" for an ephemeral one */
	const char *host;		/* client */
	struct addrinfo *peer;		/* client: resolved host and port */
	const char *name;		/* client: a valid name (text.h) */
	uint8_t key[PROTO_KEY_LEN];
	struct vc_engine *engine;
	int verbose;
};

/* Run the server until SIGINT or SIGTERM; returns the exit status. */
int server_run(const struct chat_opts *o);

/* Run a client session; returns the exit status (0: clean end). */
int client_run(const struct chat_opts *o);

#endif /* CHAT_CHAT_H */
