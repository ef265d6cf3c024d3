/*
 * cdev-abi: the cryptodev ABI of /dev/cryptodevN checked from user space,
 * with OpenSSL as the oracle. One line per check; exit 0 when all pass.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "tests.h"

static const struct {
	const char *name;
	void (*run)(void);
	bool by_default;
	const char *what;
} tests[] = {
	{ "nist", test_nist, true, "NIST SP 800-38A AES-CBC vectors" },
	{ "sessinfo", test_sessinfo, true, "CIOCGSESSINFO" },
	{ "crioget", test_crioget, true, "CRIOGET" },
	{ "write-iv", test_write_iv, true, "COP_FLAG_WRITE_IV" },
	{ "errors", test_errors, true, "error paths and their errno values" },
	{ "roundtrip", test_roundtrip, true, "round trips vs OpenSSL, 16 B..1 MiB" },
	{ "sessions", test_sessions, true, "256 sessions on one descriptor" },
	{ "private", test_private, true, "sessions private to their descriptor" },
	{ "fork", test_fork, true, "a child uses its parent's sessions" },
	{ "threads", test_threads, true, "8 threads of verified operations" },
	{ "open-close", test_open_close, true, "thousands of open/close cycles" },
	{ "stress", test_stress, true, "mixed sizes from several threads" },
	{ "iv-chain", test_iv_chain, true, "operations without an iv run one at a time" },
	{ "hash-vectors", test_hash_vectors, true, "FIPS 180-4 and RFC 1321 digests" },
	{ "hmac-vectors", test_hmac_vectors, true, "RFC 2202 and RFC 4231 HMACs" },
	{ "hash-random", test_hash_random, true, "digests of 0..1 MiB vs OpenSSL" },
	{ "hash-multipart", test_hash_multipart, true, "UPDATE/FINAL at every split" },
	{ "hash-reset", test_hash_reset, true, "COP_FLAG_RESET and one-shot" },
	{ "cphash", test_cphash, true, "CIOCCPHASH mid-message" },
	{ "hash-errors", test_hash_errors, true, "hash refusals and their errno" },
	{ "hash-sessinfo", test_hash_sessinfo, true, "CIOCGSESSINFO of hash sessions" },
	{ "hash-threads", test_hash_threads, true, "threads on one HMAC session" },
	{ "hash-kill", test_hash_kill, true, "a child killed while hashing" },
	{ "cipher-vectors", test_cipher_vectors, true, "published vectors of every cipher" },
	{ "cipher-random", test_cipher_random, true, "every cipher vs OpenSSL, 16 B..1 MiB" },
	{ "cipher-write-iv", test_cipher_write_iv, true, "WRITE_IV chaining vs OpenSSL" },
	{ "cipher-sessinfo", test_cipher_sessinfo, true, "CIOCGSESSINFO of every cipher" },
	{ "cipher-errors", test_cipher_errors, true, "cipher refusals and their errno" },
	{ "cipher-kill", test_cipher_kill, true, "a child killed inside kernel ciphers" },
	{ "aead-vectors", test_aead_vectors, true, "GCM spec and RFC 3610 vectors" },
	{ "aead-random", test_aead_random, true, "GCM and CCM vs OpenSSL, 0 B..1 MiB" },
	{ "aead-forged", test_aead_forged, true, "forgeries: EBADMSG, dst untouched" },
	{ "aead-errors", test_aead_errors, true, "AEAD refusals and their errno" },
	{ "aead-garbage", test_aead_garbage, true, "garbage on CIOCAUTHCRYPT: clean errnos" },
	{ "aead-sessinfo", test_aead_sessinfo, true, "CIOCGSESSINFO of AEAD sessions" },
	{ "chain-random", test_chain_random, true, "cipher+MAC sessions vs OpenSSL" },
	{ "chain-multipart", test_chain_multipart, true, "chained UPDATE/FINAL" },
	{ "chain-sessinfo", test_chain_sessinfo, true, "CIOCGSESSINFO of chained sessions" },
	{ "tls-random", test_tls_random, true, "TLS records vs OpenSSL, 0 B..64 KiB" },
	{ "tls-forged", test_tls_forged, true, "TLS forgeries: EBADMSG, dst untouched" },
	{ "tls-iv", test_tls_iv, true, "TLS records chained without an iv" },
	{ "tls-errors", test_tls_errors, true, "TLS refusals and their errno" },
	{ "srtp-vectors", test_srtp_vectors, true, "RFC 3711 B.2 keystream in SRTP form" },
	{ "srtp-random", test_srtp_random, true, "SRTP packets vs OpenSSL" },
	{ "srtp-forged", test_srtp_forged, true, "SRTP forgeries: EBADMSG, untouched" },
	{ "srtp-errors", test_srtp_errors, true, "SRTP refusals and their errno" },
	{ "async-random", test_async_random, true, "400 async operations at depth 16 vs OpenSSL" },
	{ "async-bounds", test_async_bounds, true, "the async bound and poll() readiness" },
	{ "async-errors", test_async_errors, true, "async refusals and per-operation errors" },
	{ "async-close", test_async_close, true, "close and kill with async operations in flight" },
	{ "async-garbage", test_async_garbage, true, "garbage on the async ioctls: clean errnos" },
	{ "hog", test_hog, false, "hold 2048 sessions until a line on stdin" },
	{ "victim", test_victim, false, "new sessions work beside a hog" },
	{ "unload", test_unload, false, "module unload with a file open (destructive)" },
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: cdev-abi [--device PATH] [--seed N] [--module KO] [TEST...]\n"
		"Checks the cryptodev ABI of a device node against OpenSSL.\n"
		"  -d, --device PATH  node to test (default /dev/cryptodev0)\n"
		"  -s, --seed N       PRNG seed (default: random, printed)\n"
		"  -m, --module KO    module file that 'unload' loads again afterwards\n"
		"  -x, --exitfirst    stop after the first test with a failure\n"
		"  -l, --list         list the tests\n"
		"Without TEST, runs every test marked '*' in --list.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "module", required_argument, NULL, 'm' },
		{ "list", no_argument, NULL, 'l' },
		{ "exitfirst", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	bool chosen[NTESTS] = { false }, seeded = false, exitfirst = false;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "d:s:m:lxh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cdev_path = optarg;
			break;
		case 's':
			rng_base_seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "cdev-abi: bad seed '%s'\n", optarg);
				return 2;
			}
			seeded = true;
			break;
		case 'm':
			module_file = optarg;
			break;
		case 'l':
			for (size_t i = 0; i < NTESTS; i++)
				printf("%c %-14s %s\n", tests[i].by_default ? '*' : ' ',
				       tests[i].name, tests[i].what);
			return 0;
		case 'x':
			exitfirst = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("cdev-abi 1");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int a = optind; a < argc; a++) {
		size_t i;

		for (i = 0; i < NTESTS && strcmp(argv[a], tests[i].name); i++)
			;
		if (i == NTESTS) {
			fprintf(stderr, "cdev-abi: unknown test '%s' (see --list)\n", argv[a]);
			return 2;
		}
		chosen[i] = true;
	}
	if (optind == argc)
		for (size_t i = 0; i < NTESTS; i++)
			chosen[i] = tests[i].by_default;
	if (!seeded)
		rng_base_seed = rng_fresh_seed();
	printf("cdev-abi: device %s, seed %llu\n", cdev_path,
	       (unsigned long long)rng_base_seed);
	for (size_t i = 0; i < NTESTS; i++) {
		if (!chosen[i])
			continue;
		rng_seed(rng_base_seed + i);
		printf("== %s: %s\n", tests[i].name, tests[i].what);
		fflush(stdout);
		tests[i].run();
		if (exitfirst && report_failures()) {
			printf("cdev-abi: stopping after '%s' (--exitfirst)\n", tests[i].name);
			break;
		}
	}
	if (report_failures())
		printf("cdev-abi: seed %llu reproduces this run\n",
		       (unsigned long long)rng_base_seed);
	return report_finish("cdev-abi");
}
