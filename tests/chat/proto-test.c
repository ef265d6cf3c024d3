/*
 * Unit tests of the chat protocol (chat/proto.c, chat/lines.c): frames round
 * trip at every size class up to the cap; the frame layout matches the
 * specification (checked with OpenSSL's HMAC and AES as the oracle); every
 * tampering, replay, reordering and bad length is refused; line cutting.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "../../chat/lines.h"
#include "../../chat/proto.h"

static struct vc_engine *engine;
static const uint8_t key[PROTO_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const uint8_t nc[PROTO_NONCE_LEN] = "client nonce client nonce client";
static const uint8_t ns[PROTO_NONCE_LEN] = "server nonce server nonce server";

static void pair(struct proto_keys *c, struct proto_keys *s)
{
	CHECK(proto_keys_derive(c, engine, PROTO_CLIENT, key, nc, ns) == 0,
	      "derive client: %s", vc_last_error());
	CHECK(proto_keys_derive(s, engine, PROTO_SERVER, key, nc, ns) == 0,
	      "derive server: %s", vc_last_error());
}

static void hmac(const void *k, size_t klen, const void *a, size_t alen,
		 const void *b, size_t blen, const void *c, size_t clen,
		 uint8_t out[32])
{
	uint8_t buf[512];
	unsigned len = 32;

	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	memcpy(buf + alen + blen, c, clen);
	HMAC(EVP_sha256(), k, (int)klen, buf, alen + blen + clen, out, &len);
}

/* The key schedule of docs/PROTOCOL.md, computed with OpenSSL directly. */
static void test_key_schedule(void)
{
	struct proto_keys c, s;
	uint8_t prk[32], conf[32], enc[32], mac[32], frame[256], pt[64];
	const char *label = "vcrypto-chat v1 prk";
	size_t len;
	int outl = 0, fl = 0;
	EVP_CIPHER_CTX *x;

	pair(&c, &s);
	hmac(key, 32, label, strlen(label), nc, 32, ns, 32, prk);
	hmac(prk, 32, "client confirm", 14, "", 0, "", 0, conf);
	CHECK(memcmp(conf, c.my_confirm, 32) == 0, "client confirm tag");
	CHECK(memcmp(conf, s.peer_confirm, 32) == 0, "server expects it");
	hmac(prk, 32, "server confirm", 14, "", 0, "", 0, conf);
	CHECK(memcmp(conf, s.my_confirm, 32) == 0, "server confirm tag");
	CHECK(proto_confirm_check(&c, conf) == PROTO_OK, "client accepts it");
	conf[31] ^= 1;
	CHECK(proto_confirm_check(&c, conf) == PROTO_E_CONFIRM,
	      "client refuses a wrong tag");

	/* A c2s frame, opened by hand with the derived keys. */
	hmac(prk, 32, "c2s enc", 7, "", 0, "", 0, enc);
	hmac(prk, 32, "c2s mac", 7, "", 0, "", 0, mac);
	len = proto_frame_seal(&c.send, PROTO_MSG, 7, "hello", 5, frame);
	CHECK(len == 4 + 8 + 16 + 16 + 32, "frame size %zu", len);
	CHECK(frame[0] == 0 && frame[1] == 0 && frame[2] == 0 &&
	      frame[3] == len - 4, "length field");
	CHECK(memcmp(frame + 4, "\0\0\0\0\0\0\0\0", 8) == 0, "sequence 0");
	hmac(mac, 32, frame, len - 32, "", 0, "", 0, conf);
	CHECK(memcmp(conf, frame + len - 32, 32) == 0, "tag over header+IV+CT");
	x = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(x, EVP_aes_128_cbc(), NULL, enc, frame + 12);
	EVP_DecryptUpdate(x, pt, &outl, frame + 28, 16);
	CHECK(EVP_DecryptFinal_ex(x, pt + outl, &fl) == 1, "PKCS#7 padding");
	EVP_CIPHER_CTX_free(x);
	CHECK(outl + fl == 10 && pt[0] == PROTO_MSG && pt[4] == 7 &&
	      memcmp(pt + 5, "hello", 5) == 0, "plaintext layout");
	proto_keys_free(&c);
	proto_keys_free(&s);
}

static void test_round_trips(void)
{
	static const size_t sizes[] = { 0, 1, 10, 11, 12, 15, 16, 27, 64, 1024,
					16384, 65519, 65520, 65535, 65536 };
	struct proto_keys c, s;
	struct proto_msg m;
	size_t i, len, need;
	uint8_t *msg = malloc(PROTO_MAX_PAYLOAD);
	uint8_t *frame = malloc(PROTO_MAX_FRAME), *prev = malloc(PROTO_MAX_FRAME);

	pair(&c, &s);
	for (i = 0; i < PROTO_MAX_PAYLOAD; i++)
		msg[i] = (uint8_t)(i * 7 + i / 256);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = proto_frame_seal(&c.send, PROTO_MSG, 42, msg, sizes[i],
				       frame);
		CHECK(len == proto_frame_size(sizes[i]) && len <= PROTO_MAX_FRAME,
		      "size %zu: frame %zu", sizes[i], len);
		CHECK(proto_frame_need(frame, 3, &need) == PROTO_OK && need == 0,
		      "need the length field first");
		CHECK(proto_frame_need(frame, 4, &need) == PROTO_OK &&
		      need == len, "need from the length field");
		CHECK(proto_frame_open(&s.recv, frame, len, &m) == PROTO_OK,
		      "open size %zu", sizes[i]);
		CHECK(m.type == PROTO_MSG && m.sender == 42 &&
		      m.len == sizes[i] && memcmp(m.payload, msg, m.len) == 0,
		      "round trip of %zu bytes", sizes[i]);
	}
	CHECK(proto_frame_seal(&c.send, PROTO_MSG, 0, msg,
			       PROTO_MAX_PAYLOAD + 1, frame) == 0,
	      "a payload over the cap is refused");
	/* Same message twice: fresh IVs, so different ciphertexts. */
	len = proto_frame_seal(&c.send, PROTO_MSG, 0, "same", 4, prev);
	proto_frame_seal(&c.send, PROTO_MSG, 0, "same", 4, frame);
	CHECK(memcmp(prev + 12, frame + 12, len - 12 - 32) != 0 &&
	      memcmp(prev + 12, frame + 12, 16) != 0, "fresh IV per frame");
	CHECK(proto_frame_open(&s.recv, prev, len, &m) == PROTO_OK,
	      "first of two");
	CHECK(proto_frame_open(&s.recv, frame, len, &m) == PROTO_OK,
	      "second of two");
	len = proto_frame_seal(&c.send, PROTO_GOODBYE, 0, NULL, 0, frame);
	CHECK(proto_frame_open(&s.recv, frame, len, &m) == PROTO_OK &&
	      m.type == PROTO_GOODBYE && m.len == 0, "goodbye");
	/* Server to client uses other keys: a c2s frame does not open there. */
	len = proto_frame_seal(&s.send, PROTO_MSG, 0, "down", 4, frame);
	memcpy(prev, frame, len);
	CHECK(proto_frame_open(&s.recv, prev, len, &m) == PROTO_E_TAG,
	      "a reflected frame is refused");
	CHECK(proto_frame_open(&c.recv, frame, len, &m) == PROTO_OK &&
	      m.len == 4 && memcmp(m.payload, "down", 4) == 0, "s2c");
	proto_keys_free(&c);
	proto_keys_free(&s);
	free(msg);
	free(frame);
	free(prev);
}

static void test_tampering(void)
{
	struct proto_keys c, s;
	struct proto_msg m;
	uint8_t frame[256], copy[256], f1[256], f2[256];
	size_t len, l1, l2, i, need;
	int bit, refused = 0, tries = 0;

	pair(&c, &s);
	len = proto_frame_seal(&c.send, PROTO_MSG, 0, "attack at dawn!!!", 17,
			       frame);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, frame, len);
			copy[i] ^= (uint8_t)(1 << bit);
			tries++;
			if (proto_frame_need(copy, len, &need) != PROTO_OK ||
			    need != len ||
			    proto_frame_open(&s.recv, copy, len, &m) != PROTO_OK)
				refused++;
		}
	}
	CHECK(refused == tries, "every bit flip refused (%d of %d)", refused,
	      tries);
	memcpy(copy, frame, len);
	CHECK(proto_frame_open(&s.recv, copy, len, &m) == PROTO_OK,
	      "the untouched frame still opens");
	memcpy(copy, frame, len);
	CHECK(proto_frame_open(&s.recv, copy, len, &m) == PROTO_E_SEQ,
	      "a replayed frame is refused");
	l1 = proto_frame_seal(&c.send, PROTO_MSG, 0, "one", 3, f1);
	l2 = proto_frame_seal(&c.send, PROTO_MSG, 0, "two", 3, f2);
	CHECK(proto_frame_open(&s.recv, f2, l2, &m) == PROTO_E_SEQ,
	      "a reordered frame is refused");
	(void)l1;
	/* Lengths: too small, not block aligned, over the cap, 0xffffffff. */
	memcpy(copy, "\0\0\0\x47", 4);
	CHECK(proto_frame_need(copy, 4, &need) == PROTO_E_LENGTH, "small");
	memcpy(copy, "\0\0\0\x49", 4);
	CHECK(proto_frame_need(copy, 4, &need) == PROTO_E_LENGTH, "unaligned");
	copy[0] = 0;
	copy[1] = (PROTO_MAX_BODY + 16) >> 16;
	copy[2] = (uint8_t)((PROTO_MAX_BODY + 16) >> 8);
	copy[3] = (uint8_t)(PROTO_MAX_BODY + 16);
	CHECK(proto_frame_need(copy, 4, &need) == PROTO_E_LENGTH, "over cap");
	memset(copy, 0xff, 4);
	CHECK(proto_frame_need(copy, 4, &need) == PROTO_E_LENGTH, "huge");
	copy[0] = 0;
	copy[1] = PROTO_MAX_BODY >> 16;
	copy[2] = (uint8_t)(PROTO_MAX_BODY >> 8);
	copy[3] = (uint8_t)PROTO_MAX_BODY;
	CHECK(proto_frame_need(copy, 4, &need) == PROTO_OK &&
	      need == PROTO_MAX_FRAME, "the cap itself is fine");
	proto_keys_free(&c);
	proto_keys_free(&s);
}

static void test_hello(void)
{
	uint8_t h[PROTO_HELLO_LEN], n[PROTO_NONCE_LEN];

	proto_hello_make(h, nc);
	CHECK(proto_hello_parse(h, n) == PROTO_OK && memcmp(n, nc, 32) == 0,
	      "hello round trip");
	h[6] = 2;
	CHECK(proto_hello_parse(h, n) == PROTO_E_MAGIC, "other version");
	memcpy(h, "GET / HT", 8);
	CHECK(proto_hello_parse(h, n) == PROTO_E_MAGIC, "not a hello");
}

static void test_lines(void)
{
	size_t len, consume;
	const uint8_t *b = (const uint8_t *)"ab\n\ncdef";

	CHECK(lines_next(b, 8, 0, 10, &len, &consume) && len == 2 &&
	      consume == 3, "first line");
	CHECK(lines_next(b + 3, 5, 0, 10, &len, &consume) && len == 0 &&
	      consume == 1, "empty line");
	CHECK(!lines_next(b + 4, 4, 0, 10, &len, &consume), "partial line");
	CHECK(lines_next(b + 4, 4, 1, 10, &len, &consume) && len == 4 &&
	      consume == 4, "unterminated last line at EOF");
	CHECK(!lines_next(b, 0, 1, 10, &len, &consume), "nothing at EOF");
	CHECK(lines_next((const uint8_t *)"abcd\n", 5, 0, 4, &len, &consume) &&
	      len == 4 && consume == 5, "a line of exactly max bytes");
	CHECK(lines_next((const uint8_t *)"abcde\n", 6, 0, 4, &len,
			 &consume) && len == 4 && consume == 4,
	      "a longer line is cut at max");
	CHECK(!lines_next((const uint8_t *)"abcd", 4, 0, 4, &len, &consume),
	      "max bytes without newline: wait for the next byte");
}

static void test_batches(void)
{
	size_t len, consume;
	const uint8_t *b = (const uint8_t *)"ab\n\ncd\nef";
	uint8_t big[40];

	CHECK(lines_batch(b, 10, 0, 10, &len, &consume) && len == 6 &&
	      consume == 7, "whole lines batched, last newline dropped");
	CHECK(lines_batch(b, 10, 0, 4, &len, &consume) && len == 3 &&
	      consume == 4, "only the lines that fit");
	CHECK(lines_batch(b + 8, 2, 1, 4, &len, &consume) && len == 2 &&
	      consume == 2, "the unterminated tail at EOF alone");
	CHECK(!lines_batch(b + 8, 2, 0, 4, &len, &consume), "tail: wait");
	memset(big, 'x', sizeof(big));
	big[30] = '\n';
	CHECK(lines_batch(big, 40, 0, 16, &len, &consume) && len == 16 &&
	      consume == 16, "an over-long first line is cut alone");
}

int main(void)
{
	if (vc_engine_open(&engine, "openssl", 0) != 0) {
		fprintf(stderr, "openssl engine: %s\n", vc_last_error());
		return 1;
	}
	test_key_schedule();
	test_round_trips();
	test_tampering();
	test_hello();
	test_lines();
	test_batches();
	vc_engine_close(engine);
	return check_exit("chat-proto");
}
