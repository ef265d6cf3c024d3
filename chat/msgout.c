#include "msgout.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "notice.h"
#include "proto.h"
#include "text.h"

static uint8_t buf[256 * 1024];
_Static_assert(sizeof(buf) > PROTO_MAX_PAYLOAD + 64, "a line fits the buffer");
static size_t used;
static int broken;

static void write_all(struct iovec *iov, int n)
{
	ssize_t w;

	while (n > 0 && !broken) {
		w = writev(STDOUT_FILENO, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			notice("writing messages to standard output: %s; dropping them from now on",
			       strerror(errno));
			broken = 1;
			return;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

static void (*around_before)(void), (*around_after)(void);

void msgout_around(void (*before)(void), void (*after)(void))
{
	around_before = before;
	around_after = after;
}

void msgout_before(void)
{
	if (around_before)
		around_before();
}

void msgout_after(void)
{
	if (around_after)
		around_after();
}

void msgout_flush(void)
{
	struct iovec iov = { buf, used };

	if (used == 0)
		return;
	msgout_before();
	write_all(&iov, 1);
	used = 0;
	msgout_after();
}

/* A line is at most PROTO_MAX_PAYLOAD bytes and a prefix is short, so a
 * line always fits the buffer once it is flushed. */
static void line(const char *prefix, size_t plen, const uint8_t *p, size_t n)
{
	if (plen + n + 1 > sizeof(buf) - used)
		msgout_flush();
	memcpy(buf + used, prefix, plen);
	used += plen;
	used += text_clean(buf + used, p, n);
	buf[used++] = '\n';
}

void msgout_lines(const char *prefix, const uint8_t *batch, size_t len)
{
	size_t plen = strlen(prefix), n;
	const uint8_t *nl;

	for (;;) {
		nl = memchr(batch, '\n', len);
		n = nl ? (size_t)(nl - batch) : len;
		line(prefix, plen, batch, n);
		if (!nl)
			return;
		batch += n + 1;
		len -= n + 1;
	}
}
