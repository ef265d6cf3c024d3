/*
 * Test vectors are written in hex. hex_decode() fills at most cap bytes of
 * out from hex (two digits a byte, no separators) and returns the byte count;
 * a non-hex digit stops it there, so a mistyped vector shows up as a short
 * count or a wrong result, never as a write past out.
 */
#ifndef VCRYPTO_TESTS_HEX_H
#define VCRYPTO_TESTS_HEX_H

#include <stddef.h>
#include <stdint.h>

static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (n < cap && hex[0] && hex[1]) {
		int hi = hex_digit(hex[0]), lo = hex_digit(hex[1]);

		if (hi < 0 || lo < 0)
			break;
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return n;
}

#endif
