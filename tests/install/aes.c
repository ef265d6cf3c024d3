/*
 * A user of the installed libvcrypto, built through pkg-config by
 * 02-pkg-config: encrypts with the openssl engine and prints hex.
 * Usage: aes cbc|ctr KEY-HEX IV-HEX DATA-HEX
 */
#include <stdio.h>
#include <string.h>
#include <vcrypto/vcrypto.h>

#include "../hex.h"

int main(int argc, char **argv)
{
	uint8_t key[32], iv[16], in[256], out[256];
	struct vc_engine *e;
	struct vc_cipher *c;
	size_t klen, n, i;

	if (argc != 5 || (strcmp(argv[1], "cbc") && strcmp(argv[1], "ctr"))) {
		fprintf(stderr, "usage: aes cbc|ctr KEY-HEX IV-HEX DATA-HEX\n");
		return 2;
	}
	klen = hex_decode(argv[2], key, sizeof(key));
	n = hex_decode(argv[4], in, sizeof(in));
	if (hex_decode(argv[3], iv, sizeof(iv)) != 16 ||
	    vc_engine_open(&e, "openssl", 0) ||
	    vc_cipher_new(e, &c, argv[1][1] == 'b' ? VC_AES_CBC : VC_AES_CTR, key, klen) ||
	    vc_cipher_crypt(c, VC_ENCRYPT, iv, in, out, n, NULL)) {
		fprintf(stderr, "aes: %s\n", vc_last_error());
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%02x", out[i]);
	printf("\n");
	vc_cipher_free(c);
	vc_engine_close(e);
	return 0;
}
