#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "notice.h"

int net_resolve(const char *host, const char *port, int passive,
		struct addrinfo **out, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : 0,
	};
	int rc = getaddrinfo(host, port, &hints, out);

	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s",
			 host ? host : "the wildcard address", gai_strerror(rc));
		return -1;
	}
	return 0;
}

void net_format(const struct sockaddr *sa, socklen_t len,
		char out[NET_ADDR_STR])
{
	char host[64], serv[8];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, NET_ADDR_STR, "(unknown address)");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(out, NET_ADDR_STR, "[%s]:%s", host, serv);
	else
		snprintf(out, NET_ADDR_STR, "%s:%s", host, serv);
}

static int listen_on(const struct addrinfo *ai)
{
	int fd, one = 1, zero = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 128) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int net_listen(const char *bind_addr, const char *port,
	       char where[NET_ADDR_STR])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct addrinfo *list, *ai;
	char err[256];
	int fd = -1, pass, e = 0;

	if (net_resolve(bind_addr, port, 1, &list, err, sizeof(err)) != 0) {
		notice("%s", err);
		return -1;
	}
	/* The wildcard: prefer one dual-stack IPv6 socket over IPv4 only. */
	for (pass = 0; pass < 2 && fd < 0; pass++) {
		for (ai = list; ai && fd < 0; ai = ai->ai_next) {
			if (!bind_addr && (ai->ai_family == AF_INET6) != !pass)
				continue;
			if (bind_addr && pass)
				break;
			fd = listen_on(ai);
			if (fd < 0)
				e = errno;
		}
	}
	freeaddrinfo(list);
	if (fd < 0) {
		notice("cannot listen on %s port %s: %s",
		       bind_addr ? bind_addr : "all addresses", port,
		       strerror(e));
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		notice("getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	net_format((struct sockaddr *)&ss, len, where);
	return fd;
}

static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
	struct pollfd p;
	socklen_t len = sizeof(int);
	int fd, rc, err = 0, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		p.fd = fd;
		p.events = POLLOUT;
		do
			rc = poll(&p, 1, timeout_ms);
		while (rc < 0 && errno == EINTR);
		if (rc == 0)
			errno = ETIMEDOUT;
		if (rc <= 0)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int net_connect(const struct addrinfo *ai, int timeout_ms)
{
	char where[NET_ADDR_STR];
	int fd;

	for (; ai; ai = ai->ai_next) {
		net_format(ai->ai_addr, ai->ai_addrlen, where);
		fd = connect_one(ai, timeout_ms);
		if (fd >= 0)
			return fd;
		notice("cannot connect to %s: %s", where, strerror(errno));
	}
	return -1;
}
