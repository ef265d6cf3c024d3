/*
 * chat-decrypt: what a passive attacker can read of one recorded
 * connection (PREFIX.c2s and PREFIX.s2c, as written by chat-relay -c).
 *   -k KEYFILE   the attacker stole the key file: every root key it can
 *                compute from the key and the recorded handshake (the
 *                ephemeral public keys; the X25519 secret is not in it)
 *   -s KEYLOG    the session's root key, from VCRYPTO_CHAT_KEYLOG
 * A root key is accepted only when the recorded key confirmation tags
 * verify under it; then every frame of both directions is opened and its
 * lines printed as "c2s: LINE" / "s2c: LINE". Exits 0 when it decrypted the
 * session, 1 when no root key it could get fits, 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hex.h"
#include "../../chat/proto.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (cap - *len < 65536) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

/* Print the messages of one direction; -1 when a frame does not open. */
static int dump(const char *name, struct proto_dir *d, uint8_t *p, size_t len)
{
	struct proto_msg m;
	size_t need, i;

	while (len > 0) {
		if (proto_frame_need(p, len, &need) != PROTO_OK || need == 0 ||
		    need > len || proto_frame_open(d, p, need, &m) != PROTO_OK)
			return -1;
		if (m.type == PROTO_MSG) {
			printf("%s: ", name);
			for (i = 0; i < m.len; i++)
				putchar(m.payload[i] == '\n' ? ' ' : m.payload[i]);
			putchar('\n');
		}
		p += need;
		len -= need;
	}
	return 0;
}

/* With root key prk: 0 and the session printed, or -1 when it does not
 * fit the recorded key confirmations. */
static int try_prk(struct vc_engine *e, const uint8_t prk[PROTO_PRK_LEN],
		   uint8_t *c2s, size_t c2s_len, uint8_t *s2c, size_t s2c_len)
{
	const size_t hs = PROTO_HELLO_LEN + PROTO_CONFIRM_LEN;
	struct proto_keys srv, cli;
	int rc = -1;

	if (proto_keys_expand(&srv, e, PROTO_SERVER, prk) != 0 ||
	    proto_keys_expand(&cli, e, PROTO_CLIENT, prk) != 0) {
		fprintf(stderr, "chat-decrypt: %s\n", vc_last_error());
		exit(2);
	}
	if (proto_confirm_check(&srv, c2s + PROTO_HELLO_LEN) == PROTO_OK &&
	    proto_confirm_check(&cli, s2c + PROTO_HELLO_LEN) == PROTO_OK) {
		rc = 0;
		if (dump("c2s", &srv.recv, c2s + hs, c2s_len - hs) != 0 ||
		    dump("s2c", &cli.recv, s2c + hs, s2c_len - hs) != 0)
			fprintf(stderr, "chat-decrypt: a frame did not open\n");
	}
	proto_keys_free(&srv);
	proto_keys_free(&cli);
	return rc;
}

/* Root keys computable from the key file and the recorded hellos: the
 * schedule with each value the attacker has in place of the X25519 secret
 * (none, zeros, either public key), and the version 1 schedule. */
static int with_key(struct vc_engine *e, const char *path, uint8_t *c2s,
		    size_t c2s_len, uint8_t *s2c, size_t s2c_len)
{
	static const uint8_t zero[32];
	const uint8_t *cp = c2s + PROTO_MAGIC_LEN, *sp = s2c + PROTO_MAGIC_LEN;
	const uint8_t *guess[] = { NULL, zero, cp, sp };
	const char *labels[] = { "vcrypto-chat v2 prk", "vcrypto-chat v1 prk" };
	uint8_t key[64], prk[PROTO_PRK_LEN];
	struct vc_mac *m;
	size_t klen, g, l;
	uint8_t *kf = slurp(path, &klen);

	if (klen != PROTO_KEY_LEN) {
		fprintf(stderr, "chat-decrypt: %s is not a key file\n", path);
		exit(2);
	}
	memcpy(key, kf, klen);
	free(kf);
	if (vc_mac_new(e, &m, VC_HMAC_SHA256, key, PROTO_KEY_LEN) != 0)
		exit(2);
	for (l = 0; l < 2; l++) {
		for (g = 0; g < 4; g++) {
			struct vc_buf in[4] = {
				{ labels[l], strlen(labels[l]) },
				{ cp, PROTO_PUB_LEN }, { sp, PROTO_PUB_LEN },
				{ guess[g], guess[g] ? 32 : 0 },
			};

			if (vc_mac_compute(m, in, 4, prk) != 0)
				exit(2);
			if (try_prk(e, prk, c2s, c2s_len, s2c, s2c_len) == 0) {
				vc_mac_free(m);
				return 0;
			}
		}
	}
	vc_mac_free(m);
	fprintf(stderr, "chat-decrypt: no root key computable from the key file and the recorded handshake fits this session\n");
	return 1;
}

/* The root key logged for this session's client public key. */
static int with_keylog(struct vc_engine *e, const char *path, uint8_t *c2s,
		       size_t c2s_len, uint8_t *s2c, size_t s2c_len)
{
	char line[256], want[2 * PROTO_PUB_LEN + 1];
	uint8_t prk[PROTO_PRK_LEN];
	FILE *f = fopen(path, "r");
	size_t i;

	if (!f) {
		perror(path);
		return 2;
	}
	for (i = 0; i < PROTO_PUB_LEN; i++)
		snprintf(want + 2 * i, 3, "%02x", c2s[PROTO_MAGIC_LEN + i]);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, 2 * PROTO_PUB_LEN) != 0 ||
		    hex_decode(line + 2 * PROTO_PUB_LEN + 1, prk,
			       sizeof(prk)) != sizeof(prk))
			continue;
		fclose(f);
		if (try_prk(e, prk, c2s, c2s_len, s2c, s2c_len) == 0)
			return 0;
		fprintf(stderr, "chat-decrypt: the logged root key does not fit\n");
		return 1;
	}
	fclose(f);
	fprintf(stderr, "chat-decrypt: this session is not in %s\n", path);
	return 1;
}

int main(int argc, char **argv)
{
	uint8_t *c2s, *s2c;
	size_t c2s_len, s2c_len;
	struct vc_engine *e;
	char path[4096];
	int rc;

	if (argc != 4 || (strcmp(argv[1], "-k") && strcmp(argv[1], "-s"))) {
		fprintf(stderr, "usage: chat-decrypt -k KEYFILE|-s KEYLOG PREFIX\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s.c2s", argv[3]);
	c2s = slurp(path, &c2s_len);
	snprintf(path, sizeof(path), "%s.s2c", argv[3]);
	s2c = slurp(path, &s2c_len);
	if (c2s_len < PROTO_HELLO_LEN + PROTO_CONFIRM_LEN ||
	    s2c_len < PROTO_HELLO_LEN + PROTO_CONFIRM_LEN) {
		fprintf(stderr, "chat-decrypt: no whole handshake recorded\n");
		return 2;
	}
	if (vc_engine_open(&e, "openssl", 0) != 0)
		return 2;
	if (argv[1][1] == 'k')
		rc = with_key(e, argv[2], c2s, c2s_len, s2c, s2c_len);
	else
		rc = with_keylog(e, argv[2], c2s, c2s_len, s2c, s2c_len);
	vc_engine_close(e);
	free(c2s);
	free(s2c);
	return rc;
}
