/*
 * One data-queue request: parse the virtio-crypto header out of a popped
 * chain, check every length against the bytes the chain really has, run the
 * cipher (and MAC when chaining) and write the result and the status.
 */
#ifndef VCRYPTOD_REQUEST_H
#define VCRYPTOD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "sym_session.h"
#include "vring.h"

/* Largest src_data_len (and aad_len) served; larger gets BADMSG. */
#define REQ_MAX_DATA (16u << 20)

/* Working memory kept between requests (per worker): more than this is
 * freed after the request that needed it, so that a guest's large requests
 * cannot keep 32 MiB per worker pinned. */
#define REQ_SCRATCH_KEEP (1u << 20)

/* Per-thread working memory, grown on demand, trimmed back to at most
 * REQ_SCRATCH_KEEP bytes after each request; zero-initialise it. */
struct req_scratch {
	uint8_t *buf;
	size_t cap;
};

/* Free the working memory; s is empty (and reusable) afterwards. */
void req_scratch_free(struct req_scratch *s);

/*
 * Serve the request in c. Unless the chain is structurally unusable (c->error,
 * no writable byte, or the last writable byte outside guest memory) the status
 * goes into the last writable byte, and on VIRTIO_CRYPTO_OK exactly
 * dst_data_len bytes (then hash_result_len bytes when chaining) go to the
 * start of the writable part. Returns the number of bytes written, which is
 * the used length to push: 0 for an unusable chain, 1 for an error status,
 * dst_data_len + hash_result_len + 1 on success. *status (if not NULL) gets
 * the status written, or -1 when none was. Counts everything in g_stats.
 */
uint32_t request_serve(struct sym_session_table *t, const struct chain *c,
		       struct req_scratch *s, int *status);

#endif
