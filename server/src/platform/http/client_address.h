#ifndef ERP_PLATFORM_HTTP_CLIENT_ADDRESS_H
#define ERP_PLATFORM_HTTP_CLIENT_ADDRESS_H

#include <stddef.h>

#include "common/ip_prefix.h"

/*
 * The client's address behind trusted proxies (ERP_TRUSTED_PROXIES).
 *
 * Only when the connection's peer is a trusted proxy is X-Forwarded-For
 * read at all; then its addresses are walked from the right (the hop the
 * peer itself added) leftwards, skipping trusted proxies, and the first
 * address that is not one is the client: whatever a client writes into the
 * header itself lies to the left of that and is never believed. When every
 * hop is trusted, the leftmost is the client; an entry that is no plain IPv4
 * or IPv6 address ends the walk at the last trusted hop, so a malformed
 * header can only make the proxy the client, never someone chosen.
 */
enum { HTTP_CLIENT_ADDRESS_MAX = 46 }; /* INET6_ADDRSTRLEN */

/*
 * Writes the client address into out (HTTP_CLIENT_ADDRESS_MAX bytes): peer
 * itself unless it lies within one of the count trusted prefixes and
 * forwarded_for (every X-Forwarded-For header joined by commas, in the order
 * received; NULL when none) names another.
 */
void http_client_address_resolve(const struct ip_prefix *trusted, size_t count, const char *peer,
				 const char *forwarded_for, char out[HTTP_CLIENT_ADDRESS_MAX]);

#endif
