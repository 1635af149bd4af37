#ifndef ERP_COMMON_IP_PREFIX_H
#define ERP_COMMON_IP_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * IPv4 and IPv6 addresses and CIDR prefixes ("10.0.0.0/8", "::1",
 * "fd00::/8"), for allow-lists. An address is a prefix of full length (/32,
 * /128). An IPv4-mapped IPv6 address ("::ffff:10.1.2.3", as a dual-stack
 * listener reports IPv4 clients) is read as the IPv4 address it carries, so
 * one IPv4 entry matches a client however it arrives.
 */
struct ip_prefix {
	unsigned char bytes[16]; /* the network, in network byte order; 4 used for IPv4 */
	unsigned char family;    /* 4 or 6 */
	unsigned char bits;      /* prefix length: 0..32 or 0..128 */
};

/*
 * Parses text[0..length): "address" or "address/bits", no spaces. The bits
 * after the prefix length must be zero ("10.1.0.0/8" is refused: it says
 * something other than it allows). 0, or -1 when the text is not one.
 */
int ip_prefix_parse(const char *text, size_t length, struct ip_prefix *out);

/* Whether address (a full-length prefix, e.g. a parsed client address) lies within prefix. */
bool ip_prefix_contains(const struct ip_prefix *prefix, const struct ip_prefix *address);

#endif
