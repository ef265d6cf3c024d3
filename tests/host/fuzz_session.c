/*
 * libFuzzer target for CREATE_CRYPTO_SESSION payloads in both of QEMU's
 * layouts: the first input byte picks 632 or 1072 bytes (even or odd), the
 * rest is the payload (zero-padded). Each goes through vu_handle() as a
 * front-end's message. The reply must be the same size and bytes with only
 * the session id changed (>= 1 and < 2^62, or a negative errno), and a
 * created session must close again; anything else traps.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../host/vhost_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vu_conn conn;
static struct vc_engine *engine;
static int sv[2] = { -1, -1 };
static struct vu_msg msg, reply;
static uint8_t sent[VU_SESSION_SIZE_8];

static void setup(void)
{
	if (vc_engine_open(&engine, "openssl", 0) ||
	    vu_conn_init(&conn, engine, NULL, 0, 0) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		__builtin_trap();
	conn.fd = sv[0];
}

/* The whole reply, already sent: vu_handle() returns after sending it. */
static void read_reply(uint32_t size)
{
	size_t want = VU_HDR_SIZE + size, got = 0;

	while (got < want) {
		ssize_t n = recv(sv[1], (char *)&reply + got, want - got,
				 MSG_DONTWAIT);

		if (n <= 0)
			__builtin_trap();
		got += (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len;
	size_t id_off, take;
	int64_t id;

	if (!engine)
		setup();
	if (size < 1)
		return 0;
	len = data[0] & 1 ? VU_SESSION_SIZE_8 : VU_SESSION_SIZE_7;
	id_off = len == VU_SESSION_SIZE_8 ? VU_SESSION_ID_OFF_8 : VU_SESSION_ID_OFF_7;
	take = size - 1 < len ? size - 1 : len;
	memset(sent, 0, sizeof(sent));
	memcpy(sent, data + 1, take);
	msg.request = VU_CREATE_CRYPTO_SESSION;
	msg.flags = VU_VERSION;
	msg.size = len;
	memcpy(msg.payload, sent, len);
	if (vu_handle(&conn, &msg, NULL, 0))
		__builtin_trap();
	read_reply(len);
	if (reply.request != VU_CREATE_CRYPTO_SESSION ||
	    reply.flags != (VU_VERSION | VU_FLAG_REPLY) || reply.size != len)
		__builtin_trap();
	memcpy(&id, reply.payload + id_off, sizeof(id));
	memcpy(reply.payload + id_off, sent + id_off, sizeof(id));
	if (memcmp(reply.payload, sent, len))
		__builtin_trap();	/* more than the id changed */
	if (id < 0) {
		if (id != -EINVAL && id != -ENOTSUP && id != -ENOMEM && id != -ENOSPC)
			__builtin_trap();
		return 0;
	}
	if (id == 0 || id >= (1ll << 62))
		__builtin_trap();
	msg.request = VU_CLOSE_CRYPTO_SESSION;
	msg.size = VU_U64_SIZE;
	memcpy(msg.payload, &id, sizeof(id));
	if (vu_handle(&conn, &msg, NULL, 0) || conn.sessions.open != 0)
		__builtin_trap();
	return 0;
}
