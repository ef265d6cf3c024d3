/*
 * pagend: OpenSSL's digests of messages that end right before an unmapped
 * page, as the guest suites' buffers do, equal the same digests of a copy
 * with room behind it. A guest CPU that reads past what an instruction
 * names (QEMU 10.0's TCG with AVX, vm/README.md) faults here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../oracle.h"
#include "../report.h"
#include "../rng.h"

enum { SPAN = 64 * 1024, PAGE = 4096 };

int main(void)
{
	static const char *const mds[] = { "SHA1", "SHA256", "SHA384", "SHA512" };
	static uint8_t copy[SPAN + PAGE];	/* room behind the longest */
	const size_t span = SPAN, page = PAGE;
	uint8_t *m = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t a[64], b[64];

	if (!report(m != MAP_FAILED && !munmap(m + span, page), "pagend",
		    "map %zu bytes and a hole", span))
		return report_finish("pagend");
	rng_seed(1);
	rng_fill(m, span);
	for (size_t i = 0; i < sizeof(mds) / sizeof(mds[0]); i++) {
		unsigned int bad = 0, n = 0;

		for (size_t len = 0; len <= span; len += len < 2 * page ? 1 : 509, n++) {
			const uint8_t *p = m + span - len;
			unsigned int al, bl;

			memcpy(copy, p, len);
			al = oracle_digest(mds[i], true, (const uint8_t *)"k", 1, p, len, a);
			bl = oracle_digest(mds[i], true, (const uint8_t *)"k", 1, copy, len, b);
			bad += al != bl || memcmp(a, b, al);
		}
		report(!bad, "pagend", "HMAC-%s of %u messages ending at a hole: "
		       "%u differ from their copies", mds[i], n, bad);
	}
	return report_finish("pagend");
}
