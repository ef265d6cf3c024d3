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

size_t text_clean(uint8_t *out, const uint8_t *in, size_t n)
{
	size_t i = 0, o = 0, len;

	while (i < n) {
		if (in[i] >= 0x20 && in[i] < 0x7f) {
			out[o++] = in[i++];
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
