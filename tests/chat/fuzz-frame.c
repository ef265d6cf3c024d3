/*
 * libFuzzer target for the chat frame decoder. The first input byte picks a
 * mode: 0 feeds the rest as a received stream (hello, then frames) to the
 * decoder; 1 seals the rest as messages and requires them to open unchanged;
 * 2 seals a message, changes one byte, and requires the frame refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../../chat/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vc_engine *engine;
static struct proto_keys ck, sk;
static uint8_t frame[PROTO_MAX_FRAME + 64];

static void setup(void)
{
	static const uint8_t key[32] = { 1, 2, 3 };
	struct proto_handshake c = { .role = PROTO_CLIENT },
			       s = { .role = PROTO_SERVER };

	if (vc_engine_open(&engine, "openssl", 0) != 0 ||
	    vc_x25519_keygen(c.my_priv, c.client_pub) != 0 ||
	    vc_x25519_keygen(s.my_priv, s.server_pub) != 0)
		abort();
	memcpy(c.server_pub, s.server_pub, PROTO_PUB_LEN);
	memcpy(s.client_pub, c.client_pub, PROTO_PUB_LEN);
	if (proto_keys_derive(&ck, engine, key, &c, NULL) != PROTO_OK ||
	    proto_keys_derive(&sk, engine, key, &s, NULL) != PROTO_OK)
		abort();
}

static void stream(const uint8_t *data, size_t size)
{
	uint8_t pub[PROTO_PUB_LEN];
	struct proto_msg m;
	unsigned version;
	size_t need;

	if (size >= PROTO_HELLO_LEN)
		(void)proto_hello_parse(data, pub, &version);
	sk.recv.seq = 0;
	while (size > 0) {
		if (proto_frame_need(data, size, &need) != PROTO_OK)
			return;
		if (need == 0 || need > size)
			return;
		if (need > PROTO_MAX_FRAME)
			abort();
		memcpy(frame, data, need);
		if (proto_frame_open(&sk.recv, frame, need, &m) != PROTO_OK)
			return;
		if (m.len > PROTO_MAX_PAYLOAD ||
		    m.payload < frame || m.payload + m.len > frame + need)
			abort();
		data += need;
		size -= need;
	}
}

static void round_trip(const uint8_t *data, size_t size)
{
	struct proto_msg m;
	size_t len, n;

	ck.send.seq = sk.recv.seq = 0;
	while (size > 0) {
		n = data[0] % 64 == 63 ? size - 1 : data[0] % 64;
		data++;
		size--;
		if (n > size)
			n = size;
		len = proto_frame_seal(&ck.send, PROTO_MSG, (uint32_t)size,
				       data, n, frame);
		if (len != proto_frame_size(n) ||
		    proto_frame_open(&sk.recv, frame, len, &m) != PROTO_OK ||
		    m.type != PROTO_MSG || m.sender != (uint32_t)size ||
		    m.len != n || memcmp(m.payload, data, n) != 0)
			abort();
		data += n;
		size -= n;
	}
}

static void tamper(const uint8_t *data, size_t size)
{
	struct proto_msg m;
	size_t len, pos, need;

	if (size < 3)
		return;
	ck.send.seq = sk.recv.seq = 0;
	len = proto_frame_seal(&ck.send, PROTO_MSG, 0, data + 3, size - 3,
			       frame);
	if (len == 0)
		return;
	pos = ((size_t)data[0] << 8 | data[1]) % len;
	frame[pos] ^= data[2] ? data[2] : 0x80;
	if (proto_frame_need(frame, len, &need) == PROTO_OK && need == len &&
	    proto_frame_open(&sk.recv, frame, len, &m) == PROTO_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engine)
		setup();
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		stream(data + 1, size - 1);
		break;
	case 1:
		round_trip(data + 1, size - 1);
		break;
	default:
		tamper(data + 1, size - 1);
		break;
	}
	return 0;
}
