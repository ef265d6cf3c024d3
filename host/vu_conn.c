#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"
#include "stats.h"
#include "vhost_user.h"

int vu_conn_init(struct vu_conn *c, struct vc_engine *e, struct workers *pool,
		 unsigned int poll_us, uint64_t first_session)
{
	memset(c, 0, sizeof(*c));
	c->fd = c->kick_fd = c->call_fd = c->err_fd = -1;
	c->engine = e;
	c->poll_us = poll_us;
	c->enabled = 1;
	sym_session_table_init(&c->sessions, first_session);
	return device_init(&c->dev, &c->sessions, pool);
}

void vu_conn_destroy(struct vu_conn *c)
{
	vu_conn_reset(c);
	device_destroy(&c->dev);
	pthread_mutex_destroy(&c->sessions.lock);
}

/*
 * Consume the kick eventfd; 1 when the guest kicked. A kick fd that is no
 * eventfd can stay readable or hung up for good (a pipe whose writer closed,
 * a regular file at its end): polling it again would spin, so it is dropped
 * from the poll set until the front-end sends another.
 */
static int take_kick(struct vu_conn *c, short revents)
{
	int hup = revents & (POLLHUP | POLLERR | POLLNVAL);
	uint64_t n;
	ssize_t r;

	if (!revents)
		return 0;
	r = read(c->kick_fd, &n, sizeof(n));
	if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR) && !hup))
		return 1;
	c->kick_dead = 1;
	vlog(LOG_WARN, "kick fd %s: no more kicks from it (the ring is served "
	     "again when the front-end sends a new one)",
	     r == 0 ? "at end of file" : hup ? "hung up" : strerror(errno));
	return 1;
}

void vu_serve(struct vu_conn *c, int fd)
{
	static struct vu_msg msg;

	c->fd = fd;
	stats_add(&g_stats.connections, 1);
	vlog(LOG_INFO, "front-end connected");
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = signals_fd(), .events = POLLIN },
			{ .fd = c->running && !c->kick_dead ? c->kick_fd : -1,
			  .events = POLLIN },
		};
		int fds[VU_MAX_FDS];
		unsigned int nfds;
		int r;

		if (poll(p, 3, device_has_backlog(&c->dev) ||
			 device_polling(&c->dev) ? 0 : -1) < 0 &&
		    errno != EINTR) {
			vlog(LOG_ERROR, "poll: %s", strerror(errno));
			break;
		}
		if (signals_check())
			break;
		if (take_kick(c, p[2].revents))
			device_kick(&c->dev, c->poll_us);
		else if (device_has_backlog(&c->dev))
			device_kick(&c->dev, 0);
		else if (device_polling(&c->dev))
			device_poll(&c->dev);
		if (mem_guard_tripped()) {
			vlog(LOG_ERROR, "guest memory shrank under vcryptod (its "
			     "file was truncated): closing the connection");
			break;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = vu_recv(fd, &msg, fds, &nfds);
		if (r == 0) {
			vlog(LOG_INFO, "front-end disconnected");
			break;
		}
		if (r < 0 || vu_handle(c, &msg, fds, nfds)) {
			vlog(LOG_WARN, "closing the connection to the front-end");
			break;
		}
	}
	vu_conn_reset(c);
	close(fd);
	c->fd = -1;
}
