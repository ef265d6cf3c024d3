/*
 * Unit tests of the chat protocol (chat/proto.c, chat/lines.c): the key
 * schedule against known answers computed independently (tests/chat/kat.py,
 * hashlib/hmac, on RFC 7748's fixed key pairs; the file is argv[1]); frames
 * round trip at every size class up to the cap; the frame layout matches the
 * specification (OpenSSL's HMAC and AES as the oracle); every tampering,
 * replay, reordering and bad length is refused; line cutting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hex.h"
#include "../oracle.h"
#include "../report.h"
#include "../../chat/lines.h"
#include "../../chat/proto.h"
#include "../../chat/text.h"

static struct vc_engine *engine;
static const uint8_t key[PROTO_KEY_LEN] = "0123456789abcdef0123456789abcdef";
/* RFC 7748 section 6.1: Alice is the client, Bob the server. */
static const char alice[] =
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char bob[] =
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

static struct proto_handshake handshake(enum proto_role role, const char *priv)
{
	struct proto_handshake h = { .role = role };
	uint8_t b[32];

	hex_decode(alice, b, 32);
	vc_x25519_public(b, h.client_pub);
	hex_decode(bob, b, 32);
	vc_x25519_public(b, h.server_pub);
	hex_decode(priv, h.my_priv, 32);
	return h;
}

static void pair(struct proto_keys *c, struct proto_keys *s)
{
	struct proto_handshake hc = handshake(PROTO_CLIENT, alice),
			       hs = handshake(PROTO_SERVER, bob);

	CHECK(proto_keys_derive(c, engine, key, &hc, NULL) == PROTO_OK,
	      "derive client: %s", vc_last_error());
	CHECK(proto_keys_derive(s, engine, key, &hs, NULL) == PROTO_OK,
	      "derive server: %s", vc_last_error());
}

/* Known answers: "name hex" lines from tests/chat/kat.py. */
static char kat_lines[32][200];
static size_t kat_n;

static void kat_load(const char *path)
{
	FILE *f = fopen(path, "r");

	CHECK(f != NULL, "cannot open the known answers %s", path);
	while (f && kat_n < 32 && fgets(kat_lines[kat_n], 200, f))
		kat_n++;
	if (f)
		fclose(f);
}

/* The known answer called name, decoded: its length (0 when missing). */
static size_t kat(const char *name, uint8_t *out, size_t cap)
{
	size_t i, n = strlen(name);

	for (i = 0; i < kat_n; i++)
		if (strncmp(kat_lines[i], name, n) == 0 &&
		    kat_lines[i][n] == ' ')
			return hex_decode(kat_lines[i] + n + 1, out, cap);
	CHECK(0, "no known answer '%s'", name);
	return 0;
}

static void hmac(const void *k, size_t klen, const void *a, size_t alen,
		 const void *b, size_t blen, const void *c, size_t clen,
		 uint8_t out[32])
{
	uint8_t buf[512];

	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	memcpy(buf + alen + blen, c, clen);
	oracle_digest("SHA256", true, k, klen, buf, alen + blen + clen, out);
}

/* Open frame (sealed with enc/mac from the known answers) by hand with
 * OpenSSL: the tag over header+IV+CT, then AES-CBC and the plaintext layout. */
static void open_by_hand(const uint8_t *frame, size_t len, const char *enc_name,
			 const char *mac_name, const char *what)
{
	uint8_t enc[16], mac[32], tag[32], pt[16];

	CHECK(kat(enc_name, enc, 16) == 16 && kat(mac_name, mac, 32) == 32,
	      "%s: known keys", what);
	CHECK(len == 4 + 8 + 16 + 16 + 32, "%s: frame size %zu", what, len);
	CHECK(frame[0] == 0 && frame[1] == 0 && frame[2] == 0 &&
	      frame[3] == len - 4, "%s: length field", what);
	CHECK(memcmp(frame + 4, "\0\0\0\0\0\0\0\0", 8) == 0, "%s: sequence 0",
	      what);
	hmac(mac, 32, frame, len - 32, "", 0, "", 0, tag);
	CHECK(memcmp(tag, frame + len - 32, 32) == 0,
	      "%s: tag over header+IV+CT with the known MAC key", what);
	oracle_aes("CBC", false, enc, 16, frame + 12, frame + 28, pt, 16);
	/* 10 bytes of plaintext: PKCS#7 pads with six 6s */
	CHECK(memcmp(pt + 10, "\6\6\6\6\6\6", 6) == 0,
	      "%s: PKCS#7 padding with the known AES key", what);
	CHECK(pt[0] == PROTO_MSG && pt[4] == 7 && memcmp(pt + 5, "hello", 5) == 0,
	      "%s: plaintext layout", what);
}

/* The key schedule of docs/PROTOCOL.md against tests/chat/kat.py. */
static void test_key_schedule(void)
{
	struct proto_handshake hc = handshake(PROTO_CLIENT, alice),
			       hs = handshake(PROTO_SERVER, bob), h2;
	static const uint8_t zero[32];
	uint8_t prk[32], want[64], hello[PROTO_HELLO_LEN], frame[256];
	struct proto_keys c, s, other;
	uint8_t other_key[PROTO_KEY_LEN];
	size_t len;

	proto_hello_make(hello, hc.client_pub);
	CHECK(kat("client_hello", want, 64) == PROTO_HELLO_LEN &&
	      memcmp(hello, want, PROTO_HELLO_LEN) == 0, "client hello bytes");
	proto_hello_make(hello, hs.server_pub);
	CHECK(kat("server_hello", want, 64) == PROTO_HELLO_LEN &&
	      memcmp(hello, want, PROTO_HELLO_LEN) == 0, "server hello bytes");

	CHECK(proto_keys_derive(&c, engine, key, &hc, prk) == PROTO_OK,
	      "derive client: %s", vc_last_error());
	CHECK(kat("prk", want, 32) == 32 && memcmp(prk, want, 32) == 0,
	      "client's root key");
	CHECK(memcmp(hc.my_priv, zero, 32) == 0,
	      "the client's ephemeral secret is wiped");
	CHECK(proto_keys_derive(&s, engine, key, &hs, prk) == PROTO_OK,
	      "derive server: %s", vc_last_error());
	CHECK(memcmp(prk, want, 32) == 0, "server's root key");
	CHECK(memcmp(hs.my_priv, zero, 32) == 0,
	      "the server's ephemeral secret is wiped");

	kat("client_confirm", want, 32);
	CHECK(memcmp(want, c.my_confirm, 32) == 0, "client confirm tag");
	CHECK(memcmp(want, s.peer_confirm, 32) == 0, "server expects it");
	kat("server_confirm", want, 32);
	CHECK(memcmp(want, s.my_confirm, 32) == 0, "server confirm tag");
	CHECK(proto_confirm_check(&c, want) == PROTO_OK, "client accepts it");
	want[31] ^= 1;
	CHECK(proto_confirm_check(&c, want) == PROTO_E_CONFIRM,
	      "client refuses a wrong tag");

	len = proto_frame_seal(&c.send, PROTO_MSG, 7, "hello", 5, frame);
	open_by_hand(frame, len, "c2s_enc", "c2s_mac", "c2s frame");
	len = proto_frame_seal(&s.send, PROTO_MSG, 7, "hello", 5, frame);
	open_by_hand(frame, len, "s2c_enc", "s2c_mac", "s2c frame");

	/* A server with another key file: neither tag verifies. */
	memcpy(other_key, key, sizeof(other_key));
	other_key[0] ^= 1;
	h2 = handshake(PROTO_SERVER, bob);
	CHECK(proto_keys_derive(&other, engine, other_key, &h2, NULL) ==
	      PROTO_OK, "derive with another key");
	CHECK(proto_confirm_check(&c, other.my_confirm) == PROTO_E_CONFIRM &&
	      proto_confirm_check(&other, c.my_confirm) == PROTO_E_CONFIRM,
	      "a wrong key file fails key confirmation on both sides");
	proto_keys_free(&other);

	/* The client's recorded hello and tag replayed to a server with a
	 * fresh ephemeral key: the tag does not verify. */
	h2 = handshake(PROTO_SERVER, bob);
	CHECK(vc_x25519_keygen(h2.my_priv, h2.server_pub) == 0, "keygen");
	CHECK(proto_keys_derive(&other, engine, key, &h2, NULL) == PROTO_OK,
	      "derive with a fresh server key");
	CHECK(proto_confirm_check(&other, c.my_confirm) == PROTO_E_CONFIRM,
	      "a replayed handshake fails key confirmation");
	proto_keys_free(&other);

	/* A small-order public key from the peer. */
	h2 = handshake(PROTO_SERVER, bob);
	memset(h2.client_pub, 0, 32);
	CHECK(proto_keys_derive(&other, engine, key, &h2, NULL) ==
	      PROTO_E_POINT, "a small-order peer key is refused");
	CHECK(memcmp(h2.my_priv, zero, 32) == 0,
	      "the ephemeral secret is wiped after a failure too");
	proto_keys_free(&other);
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
	uint8_t h[PROTO_HELLO_LEN], n[PROTO_PUB_LEN];
	const uint8_t *pub = (const uint8_t *)"a public key, 32 bytes of it ..";
	unsigned v;

	proto_hello_make(h, pub);
	CHECK(proto_hello_parse(h, n, &v) == PROTO_OK &&
	      memcmp(n, pub, 32) == 0, "hello round trip");
	h[6] = 1;
	CHECK(proto_hello_parse(h, n, &v) == PROTO_E_VERSION && v == 1,
	      "a version 1 hello");
	h[6] = 3;
	CHECK(proto_hello_parse(h, n, &v) == PROTO_E_VERSION && v == 3,
	      "a version 3 hello");
	h[6] = 2;
	h[7] = 1;
	CHECK(proto_hello_parse(h, n, &v) == PROTO_E_MAGIC, "reserved byte");
	memcpy(h, "GET / HT", 8);
	CHECK(proto_hello_parse(h, n, &v) == PROTO_E_MAGIC, "not a hello");
	CHECK(strstr(proto_strerror(PROTO_E_VERSION), "protocol version") != NULL,
	      "the version error says so");
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

/* Cleaning: each case's input and the expected output (known answers). */
static void test_text(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "\033[2Jcleared", "[2Jcleared" },
		{ "bell\a tab\t cr\r del\177 nul", "bell tab cr del nul" },
		{ "caf\303\251 \342\202\254 \360\237\230\200", "caf\303\251 \342\202\254 \360\237\230\200" },
		{ "c1 \302\233[2J \302\237 \302\240nbsp", "c1 [2J  \302\240nbsp" },
		{ "raw \233 \377 \300\257 \355\240\200 \364\220\200\200", "raw ? ? ?? ??? ????" },
		{ "cut \342\202", "cut ??" },
	};
	uint8_t out[64];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = text_clean(out, (const uint8_t *)cases[i].in,
			       strlen(cases[i].in));
		CHECK(n == strlen(cases[i].out) &&
		      memcmp(out, cases[i].out, n) == 0,
		      "text_clean case %zu: got '%.*s'", i, (int)n, out);
	}
	/* One odd byte at every offset of a long printable run (the 8-byte
	 * scan): removed, kept or replaced exactly there. */
	{
		static const uint8_t odd[] = { 0x1f, 0x7f, 0x80, 0xff, 0x00,
					       0x20, 0x7e, 0x1b };
		uint8_t in[41], want[41];
		size_t pos, k, w;

		for (k = 0; k < sizeof(odd); k++) {
			for (pos = 0; pos < sizeof(in); pos++) {
				memset(in, 'a' + (int)(pos % 26), sizeof(in));
				in[pos] = odd[k];
				memcpy(want, in, pos);
				w = pos;
				if (odd[k] >= 0x80)
					want[w++] = '?';
				else if (odd[k] >= 0x20 && odd[k] < 0x7f)
					want[w++] = odd[k];
				memcpy(want + w, in + pos + 1, sizeof(in) - pos - 1);
				w += sizeof(in) - pos - 1;
				n = text_clean(out, in, sizeof(in));
				if (!CHECK(n == w && memcmp(out, want, w) == 0,
					   "text_clean: byte %02x at %zu", odd[k], pos))
					break;
			}
		}
	}
	CHECK(text_name_valid((const uint8_t *)"alice", 5), "alice");
	CHECK(text_name_valid((const uint8_t *)"a-b_c.d@e[1]", 12), "punctuation");
	CHECK(text_name_valid((const uint8_t *)"0123456789abcdef0123456789abcdef",
			      32), "32 characters");
	CHECK(!text_name_valid((const uint8_t *)"0123456789abcdef0123456789abcdefg",
			       33), "33 characters");
	CHECK(!text_name_valid((const uint8_t *)"", 0), "empty");
	CHECK(!text_name_valid((const uint8_t *)"a b", 3), "a space");
	CHECK(!text_name_valid((const uint8_t *)"server", 6), "server");
	CHECK(text_name_valid((const uint8_t *)"servers", 7), "servers");
	CHECK(!text_name_valid((const uint8_t *)"\033[2J", 4), "an escape");
	CHECK(!text_name_valid((const uint8_t *)"caf\303\251", 5), "not ASCII");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: chat-proto KNOWN-ANSWERS (from tests/chat/kat.py)\n");
		return 2;
	}
	kat_load(argv[1]);
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
	test_text();
	vc_engine_close(engine);
	return report_finish("chat-proto");
}
