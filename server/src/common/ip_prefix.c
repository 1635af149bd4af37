#include "common/ip_prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The leading bits of two byte strings agree. */
static bool same_leading_bits(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int ip_prefix_parse(const char *text, size_t length, struct ip_prefix *out)
{
	char address[64];
	const char *slash = memchr(text, '/', length);
	size_t address_length = slash ? (size_t)(slash - text) : length;
	unsigned max_bits;
	long bits;

	memset(out, 0, sizeof(*out));
	if (address_length == 0 || address_length >= sizeof(address))
		return -1;
	memcpy(address, text, address_length);
	address[address_length] = '\0';
	if (inet_pton(AF_INET, address, out->bytes) == 1) {
		out->family = 4;
		max_bits = 32;
	} else if (inet_pton(AF_INET6, address, out->bytes) == 1) {
		out->family = 6;
		max_bits = 128;
	} else {
		return -1;
	}
	bits = max_bits;
	if (slash) {
		const char *digits = slash + 1;
		size_t count = length - address_length - 1;
		char number[4];
		char *end;

		if (count == 0 || count > 3 || strspn(digits, "0123456789") < count)
			return -1;
		memcpy(number, digits, count);
		number[count] = '\0';
		errno = 0;
		bits = strtol(number, &end, 10);
		if (errno || *end || bits > (long)max_bits || (count > 1 && number[0] == '0'))
			return -1;
	}
	out->bits = (unsigned char)bits;
	/* The host part must be zero: compare with itself cut to the prefix. */
	for (unsigned i = 0; i < max_bits; i++)
		if (i >= out->bits && (out->bytes[i / 8] & (0x80 >> (i % 8))))
			return -1;
	if (out->family == 6 && out->bits >= 96 && memcmp(out->bytes, v4_mapped, 12) == 0) {
		memmove(out->bytes, out->bytes + 12, 4);
		memset(out->bytes + 4, 0, 12);
		out->family = 4;
		out->bits -= 96;
	}
	return 0;
}

bool ip_prefix_contains(const struct ip_prefix *prefix, const struct ip_prefix *address)
{
	return prefix->family == address->family && address->bits >= prefix->bits &&
	       same_leading_bits(prefix->bytes, address->bytes, prefix->bits);
}
