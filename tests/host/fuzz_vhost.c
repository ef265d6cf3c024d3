/*
 * libFuzzer target for vcryptod's vhost-user message handling: the input is
 * a sequence of messages (header, payload, how many fds to attach) fed to the
 * real handler as one front-end connection. Replies go to a socket that is
 * drained after each message.
 */
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../host/vhost_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEMFD_SIZE (1u << 20)

static struct vu_conn conn;
static struct vc_engine *engine;
static int sv[2] = { -1, -1 }, memfd = -1;
static struct vu_msg msg;

static void setup(void)
{
	if (vc_engine_open(&engine, "openssl", 0) ||
	    vu_conn_init(&conn, engine, NULL, 0, 0) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		__builtin_trap();
	memfd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEMFD_SIZE))
		__builtin_trap();
}

static void drain_replies(void)
{
	char buf[4096];

	while (recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int n;

	if (!engine)
		setup();
	conn.fd = sv[0];
	for (n = 0; n < 64 && size >= VU_HDR_SIZE + 1; n++) {
		int fds[VU_MAX_FDS];
		unsigned int nfds, i, fdspec;
		size_t len;

		memcpy(&msg, data, VU_HDR_SIZE);
		fdspec = data[VU_HDR_SIZE];
		data += VU_HDR_SIZE + 1;
		size -= VU_HDR_SIZE + 1;
		if (msg.size > VU_MAX_PAYLOAD)
			break;	/* vu_recv() refuses these before any handler */
		len = msg.size < size ? msg.size : size;
		memset(msg.payload, 0, msg.size);
		memcpy(msg.payload, data, len);
		data += len;
		size -= len;
		/* low bits: how many fds; bit 3: eventfds rather than guest memory */
		nfds = fdspec & 7;
		for (i = 0; i < nfds; i++)
			fds[i] = (fdspec & 8) ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) :
						 dup(memfd);
		if (vu_handle(&conn, &msg, fds, nfds))
			vu_conn_reset(&conn);
		drain_replies();
		device_kick(&conn.dev, 0);
	}
	vu_conn_reset(&conn);
	return 0;
}
