#include "text.h"

#include <string.h>

/* Length of the well-formed UTF-8 sequence at p[0, n) (RFC 3629), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t b = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;
	if (b == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (b == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (b == 0xf0)
		lo = 0x90;	/* overlong */
	else if (b == 0xf4)
		hi = 0x8f;	/* beyond U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

/* Length of the run of printable ASCII at p[0, n), 8 bytes at a time: in
 * each byte b < 0x80, b + 0x60 reaches bit 7 when b >= 0x20 and b + 1 when
 * b == 0x7f; no sum carries into the next byte. */
static size_t printable_run(const uint8_t *p, size_t n)
{
	size_t i = 0;
	uint64_t x, low;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		low = x & ~HIGHS;
		if (((low + 0x60 * ONES) & ~(low + ONES) & ~x & HIGHS) != HIGHS)
			break;
	}
	while (i < n && p[i] >= 0x20 && p[i] < 0x7f)
		i++;
	return i;
}

size_t text_clean(uint8_t *out, const uint8_t *in, size_t n)
{
	size_t i = 0, o = 0, len;

	while (i < n) {
		len = printable_run(in + i, n - i);
		if (len > 0) {
			memmove(out + o, in + i, len);
			o += len;
			i += len;
			continue;
		}
		if (in[i] < 0x80) {	/* C0 or DEL */
			i++;
			continue;
		}
		len = utf8_len(in + i, n - i);
		if (len == 0) {
			out[o++] = '?';
			i++;
		} else if (in[i] == 0xc2 && in[i + 1] < 0xa0) {	/* C1 */
			i += 2;
		} else {
			memmove(out + o, in + i, len);
			o += len;
			i += len;
		}
	}
	return o;
}

int text_name_valid(const uint8_t *name, size_t len)
{
	size_t i;

	if (len == 0 || len > PROTO_NAME_MAX ||
	    (len == 6 && memcmp(name, "server", 6) == 0))
		return 0;
	for (i = 0; i < len; i++)
		if (name[i] <= 0x20 || name[i] >= 0x7f)
			return 0;
	return 1;
}
