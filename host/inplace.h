/*
 * A cipher-only request's AES run straight between the chain's segments in
 * guest memory, without copying the data through a host buffer.
 */
#ifndef VCRYPTOD_INPLACE_H
#define VCRYPTOD_INPLACE_H

#include <stdint.h>

#include "sym_session.h"
#include "vring.h"

/* At most this many pieces of source, and of destination, are looked at
 * (a chain with more is copied). */
#define INPLACE_MAX_RANGES 256

/* Pieces shorter than this on average are copied: the walk and a cipher
 * update per piece cost about what copying 1 KiB in and out does (64 KiB
 * in 4 KiB pieces took 7 % less CPU in place, in 2 KiB 4 %, in 1 KiB as
 * long, in 512 B 6 % more; host/README.md). */
#define INPLACE_MIN_AVG 2048

/*
 * Encrypt or decrypt (s->dir, s->alg; len valid for the mode) the len bytes
 * at offset in_off of the readable segments in[0..nin) into the first len
 * bytes of the writable ones out[0..nout), with iv, the way copying them
 * out, running the cipher and copying back would: done only when every
 * piece of the destination is at the same host address as the source byte
 * for byte and no two source pieces overlap, or when no destination byte
 * overlaps a source byte, and when the pieces average INPLACE_MIN_AVG
 * bytes. All the pieces share one cipher context (vc_cipher_crypt_pieces());
 * blocks that straddle two pieces go through a 16-byte buffer.
 * Returns 1 when done, 0 when not (nothing written: copy instead), -1 when
 * the cipher failed (the destination may be partly written).
 */
int inplace_crypt(const struct sym_session *s, const uint8_t *iv,
		  const struct seg *in, unsigned int nin, uint64_t in_off,
		  const struct seg *out, unsigned int nout, uint64_t len);

#endif
