#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"
#include "vhost_user.h"

static void close_all(int *fds, unsigned int *nfds)
{
	unsigned int i;

	for (i = 0; i < *nfds; i++)
		close(fds[i]);
	*nfds = 0;
}

/* Collect SCM_RIGHTS fds; any beyond VU_MAX_FDS are closed and flagged. */
static int take_fds(struct msghdr *mh, int *fds, unsigned int *nfds)
{
	struct cmsghdr *cm;
	int ok = 1;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (*nfds < VU_MAX_FDS) {
				fds[(*nfds)++] = fd;
			} else {
				close(fd);
				ok = 0;
			}
		}
	}
	return ok;
}

/*
 * Wait until fd is ready for events, handling signals meanwhile: a front-end
 * that stalls inside a message must not keep a SIGTERM waiting. 0, or -1
 * when vcryptod must stop (or poll failed).
 */
static int wait_ready(int fd, short events)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = events },
			{ .fd = signals_fd(), .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			vlog(LOG_WARN, "vhost-user socket: poll: %s", strerror(errno));
			return -1;
		}
		if (signals_check()) {
			vlog(LOG_INFO, "stopped waiting for the rest of a "
			     "vhost-user message");
			return -1;
		}
		if (p[0].revents)
			return 0;
	}
}

enum { RECV_SHORT = 1, RECV_STOP };

/* The rest of a message: len bytes into buf; *got says how many came.
 * 0, RECV_SHORT (EOF or error) or RECV_STOP (a signal said stop). */
static int recv_all(int fd, void *buf, size_t len, size_t *got)
{
	for (*got = 0; *got < len;) {
		ssize_t n;

		if (wait_ready(fd, POLLIN))
			return RECV_STOP;
		n = recv(fd, (char *)buf + *got, len - *got, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return RECV_SHORT;
		*got += (size_t)n;
	}
	return 0;
}

int vu_recv(int fd, struct vu_msg *m, int *fds, unsigned int *nfds)
{
	union {
		char buf[CMSG_SPACE(VU_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { m, VU_HDR_SIZE };
	struct msghdr mh = { 0 };
	size_t got;
	ssize_t n;
	int r;

	*nfds = 0;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < 0) {
		vlog(LOG_WARN, "vhost-user socket: recvmsg: %s", strerror(errno));
		return -1;
	}
	if (!take_fds(&mh, fds, nfds) || (mh.msg_flags & MSG_CTRUNC)) {
		vlog(LOG_WARN, "vhost-user message carries more than %d fds",
		     VU_MAX_FDS);
		close_all(fds, nfds);
		return -1;
	}
	r = recv_all(fd, (char *)m + n, VU_HDR_SIZE - (size_t)n, &got);
	if (r) {
		if (r == RECV_SHORT)
			vlog(LOG_WARN, "vhost-user message header truncated");
		close_all(fds, nfds);
		return -1;
	}
	if (m->size > VU_MAX_PAYLOAD) {
		vlog(LOG_WARN, "vhost-user %s (request %u): payload of %u bytes "
		     "is larger than any request has", vu_request_name(m->request),
		     m->request, m->size);
		close_all(fds, nfds);
		return -1;
	}
	r = recv_all(fd, m->payload, m->size, &got);
	if (r) {
		if (r == RECV_SHORT)
			vlog(LOG_WARN, "vhost-user %s: payload truncated (%zu of "
			     "%u bytes)", vu_request_name(m->request), got, m->size);
		close_all(fds, nfds);
		return -1;
	}
	return 1;
}

int vu_send_reply(int fd, uint32_t request, const void *payload, uint32_t size)
{
	struct vu_msg m;
	size_t len = VU_HDR_SIZE + size, off = 0;

	if (size > VU_MAX_PAYLOAD)
		return -1;
	m.request = request;
	m.flags = VU_VERSION | VU_FLAG_REPLY;
	m.size = size;
	memcpy(m.payload, payload, size);
	while (off < len) {
		ssize_t n;

		if (wait_ready(fd, POLLOUT)) {
			vc_wipe(&m, len);
			return -1;
		}
		n = send(fd, (char *)&m + off, len - off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			vlog(LOG_WARN, "vhost-user reply to %s: %s",
			     vu_request_name(request),
			     n < 0 ? strerror(errno) : "short send");
			return -1;
		}
		off += (size_t)n;
	}
	vc_wipe(&m, len);
	return 0;
}
