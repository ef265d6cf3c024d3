/* Addresses and sockets: name resolution, listening, connecting. */
#ifndef CHAT_NET_H
#define CHAT_NET_H

#include <netdb.h>
#include <stddef.h>
#include <sys/socket.h>

#define NET_ADDR_STR 80

/*
 * Resolve host and port to stream socket addresses (host NULL with passive:
 * every local address). 0, or -1 with a message in err[errlen].
 */
int net_resolve(const char *host, const char *port, int passive,
		struct addrinfo **out, char *err, size_t errlen);

/* Format an address as "1.2.3.4:80" or "[::1]:80". */
void net_format(const struct sockaddr *sa, socklen_t len,
		char out[NET_ADDR_STR]);

/*
 * Listen on the first resolved address that binds (for the wildcard
 * address, IPv6 dual-stack first); the real bound address goes to where.
 * Returns the non-blocking socket, or -1 after a notice.
 */
int net_listen(const char *bind_addr, const char *port,
	       char where[NET_ADDR_STR]);

/*
 * Connect to the first address of ai that answers within timeout_ms each.
 * Returns the connected socket, or -1 after a notice.
 */
int net_connect(const struct addrinfo *ai, int timeout_ms);

#endif /* CHAT_NET_H */
