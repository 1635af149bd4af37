#include "platform/http/client_address.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_trusted(const struct ip_prefix *trusted, size_t count, const char *text, size_t length)
{
	struct ip_prefix address;

	if (ip_prefix_parse(text, length, &address))
		return false;
	for (size_t i = 0; i < count; i++)
		if (ip_prefix_contains(&trusted[i], &address))
			return true;
	return false;
}

/* Whether text[0..length) is one address (no prefix length: "10.0.0.0/8" is no client). */
static bool is_address(const char *text, size_t length)
{
	struct ip_prefix address;

	return length > 0 && length < HTTP_CLIENT_ADDRESS_MAX && !memchr(text, '/', length) &&
	       ip_prefix_parse(text, length, &address) == 0;
}

static void copy(char out[HTTP_CLIENT_ADDRESS_MAX], const char *text, size_t length)
{
	if (length >= HTTP_CLIENT_ADDRESS_MAX)
		length = HTTP_CLIENT_ADDRESS_MAX - 1;
	memcpy(out, text, length);
	out[length] = '\0';
}

void http_client_address_resolve(const struct ip_prefix *trusted, size_t count, const char *peer,
				 const char *forwarded_for, char out[HTTP_CLIENT_ADDRESS_MAX])
{
	const char *end;

	copy(out, peer, strlen(peer));
	if (!forwarded_for || !count || !is_trusted(trusted, count, peer, strlen(peer)))
		return;
	end = forwarded_for + strlen(forwarded_for);
	while (end > forwarded_for) {
		const char *start = end, *first, *last;

		while (start > forwarded_for && start[-1] != ',')
			start--;
		/* Trim the spaces and tabs around the entry. */
		for (first = start; first < end && (*first == ' ' || *first == '\t'); first++)
			;
		for (last = end; last > first && (last[-1] == ' ' || last[-1] == '\t'); last--)
			;
		if (!is_address(first, (size_t)(last - first)))
			return; /* out keeps the last trusted hop */
		copy(out, first, (size_t)(last - first));
		if (!is_trusted(trusted, count, first, (size_t)(last - first)))
			return;
		end = start > forwarded_for ? start - 1 : start;
	}
}
