/*
 * The checks of cdev-abi, one function per group; each reports every check
 * it makes through report() and returns nothing (failures are counted).
 */
#ifndef VCRYPTO_TESTS_GUEST_TESTS_H
#define VCRYPTO_TESTS_GUEST_TESTS_H

/* known.c: NIST SP 800-38A CBC vectors, encrypt and decrypt, whole and chained. */
void test_nist(void);
/* known.c: CIOCGSESSINFO names and flags. */
void test_sessinfo(void);
/* known.c: CRIOGET gives a descriptor sharing the open file. */
void test_crioget(void);
/* known.c: COP_FLAG_WRITE_IV returns the chaining IV in both directions. */
void test_write_iv(void);
/* data.c: round trips against OpenSSL, 16 B to 1 MiB, any placement. */
void test_roundtrip(void);
/* data.c: mixed sizes and placements from several threads. */
void test_stress(void);
/* errors.c: every error path answers with the right errno. */
void test_errors(void);
/* sessions.c: 256 sessions on one descriptor, each verified. */
void test_sessions(void);
/* sessions.c: a session belongs to its open file only. */
void test_private(void);
/* sessions.c: a forked child uses its parent's sessions. */
void test_fork(void);
/* sessions.c: 8 threads, hundreds of verified operations each. */
void test_threads(void);
/* sessions.c: thousands of open/close cycles, with and without sessions. */
void test_open_close(void);
/* sessions.c: operations without an iv on one session run one at a time. */
void test_iv_chain(void);
/* sessions.c: 2048 sessions used both ways, held until a line on stdin. */
void test_hog(void);
/* sessions.c: new sessions work while another user holds thousands. */
void test_victim(void);
/* hash.c: FIPS 180-4 / RFC 6234 and RFC 1321 digests, one-shot and in UPDATEs. */
void test_hash_vectors(void);
/* hash.c: RFC 2202 and RFC 4231 HMAC test cases of full length. */
void test_hmac_vectors(void);
/* hash.c: every hash and HMAC of random messages 0..1 MiB vs OpenSSL. */
void test_hash_random(void);
/* hash.c: UPDATE/FINAL split at every cut and at page edges vs one-shot. */
void test_hash_multipart(void);
/* hash.c: COP_FLAG_RESET, flag-less one-shot, FINAL starting afresh. */
void test_hash_reset(void);
/* hash.c: CIOCCPHASH mid-message: copy and original both continue right. */
void test_cphash(void);
/* hash.c: refusals of hash sessions and operations, and their errno. */
void test_hash_errors(void);
/* hash.c: CIOCGSESSINFO of hash sessions names the kernel's driver. */
void test_hash_sessinfo(void);
/* hash.c: threads sharing one HMAC session get right one-shot digests. */
void test_hash_threads(void);
/* hash.c: a child killed while hashing leaves its shared session usable. */
void test_hash_kill(void);
/* ciphers.c: SP 800-38A, IEEE 1619, FIPS 81, SP 800-67, RFC 3713... vectors. */
void test_cipher_vectors(void);
/* ciphers.c: every cipher, random round trips 16 B..1 MiB vs OpenSSL. */
void test_cipher_random(void);
/* ciphers.c: WRITE_IV and iv-less chaining give OpenSSL's one stream. */
void test_cipher_write_iv(void);
/* ciphers.c: CIOCGSESSINFO names the driver that does each cipher. */
void test_cipher_sessinfo(void);
/* ciphers.c: bad key lengths and lengths of no whole block. */
void test_cipher_errors(void);
/* ciphers.c: a child killed inside 16 MiB XTS and 3DES operations. */
void test_cipher_kill(void);
/* aead.c: the GCM specification's and RFC 3610's vectors on CIOCAUTHCRYPT. */
void test_aead_vectors(void);
/* aead.c: GCM and CCM of random messages 0 B..1 MiB vs OpenSSL, any placement. */
void test_aead_random(void);
/* aead.c: a flipped bit anywhere gives EBADMSG and leaves dst untouched. */
void test_aead_forged(void);
/* aead.c: AEAD refusals and their errno. */
void test_aead_errors(void);
/* aead.c: random fields and hostile pointers on CIOCAUTHCRYPT: clean errnos. */
void test_aead_garbage(void);
/* aead.c: CIOCGSESSINFO of AEAD sessions names the kernel's driver. */
void test_aead_sessinfo(void);
/* chain.c: cipher and MAC in one session, random messages vs OpenSSL. */
void test_chain_random(void);
/* chain.c: UPDATEs continue cipher and MAC; FINAL; a refusal in between. */
void test_chain_multipart(void);
/* chain.c: CIOCGSESSINFO of a chained session, and chained refusals. */
void test_chain_sessinfo(void);
/* authenc.c: TLS records of six suites, random sizes and AADs, vs OpenSSL. */
void test_tls_random(void);
/* authenc.c: tampered TLS records (bits, AAD, pad) give EBADMSG, dst untouched. */
void test_tls_forged(void);
/* authenc.c: records without an iv chain (TLS 1.0); WRITE_IV. */
void test_tls_iv(void);
/* authenc.c: TLS refusals and their errno; the one-session TLS ciphers. */
void test_tls_errors(void);
/* authenc.c: RFC 3711 B.2's AES-CM keystream and an HMAC-SHA1 tag, SRTP form. */
void test_srtp_vectors(void);
/* authenc.c: SRTP packets of random headers, sizes and tags vs OpenSSL. */
void test_srtp_random(void);
/* authenc.c: tampered SRTP packets or tags give EBADMSG, packet untouched. */
void test_srtp_forged(void);
/* authenc.c: SRTP refusals and their errno. */
void test_srtp_errors(void);
/* async.c: one thread, 16 async operations in flight, results vs OpenSSL. */
void test_async_random(void);
/* async.c: 64 outstanding then EBUSY; POLLIN/POLLOUT as the queue says. */
void test_async_bounds(void);
/* async.c: submission refusals; an operation's error comes at its fetch. */
void test_async_errors(void);
/* async.c: a file closed and a child killed with 64 operations in flight. */
void test_async_close(void);
/* async.c: random crypt_ops and hostile pointers, submitted and fetched. */
void test_async_garbage(void);
/* The module file test_unload loads again afterwards (NULL: no reload). */
extern const char *module_file;

/* removal.c: unloading the module with a file open fails or is safe. */
void test_unload(void);

#endif
