#ifndef ERP_TEST_EVENT_FIXTURE_H
#define ERP_TEST_EVENT_FIXTURE_H

/*
 * Test helpers for the streams of domain events (GET /api/v1/events and
 * /api/v1/companies/{company}/events) over real HTTP: a reader account, and
 * reading a stream from a sequence number on, checking as it goes that the
 * stream has no hole. Each helper asserts its own success (main thread only;
 * test_events_fetch() asserts nothing, for client threads).
 */
#include <jansson.h>
#include <stdbool.h>

/*
 * Creates (once per server) role "event-reader" holding platform.event.read,
 * a user email holding it globally, and logs it in: its token (64 bytes).
 */
void test_events_reader(const char *base_url, const char *admin_token, const char *email,
			char token[64]);

/*
 * One page of a stream (company code, or NULL for the global one) after
 * sequence after, limit events at most, as token: the HTTP status, and with
 * 200 the page in *page (the caller decrefs; NULL otherwise). Asserts
 * nothing.
 */
long test_events_fetch(const char *base_url, const char *token, const char *company,
		       long long after, int limit, json_t **page);

/*
 * Every event of the stream after sequence after, following next_after
 * while has_more, each page asserted to continue the numbering without a
 * hole (after + 1, after + 2, ...): a new array, the caller decrefs.
 */
json_t *test_events_after(const char *base_url, const char *token, const char *company,
			  long long after);

/* The stream's last sequence number now; 0 when it is empty. */
long long test_events_last(const char *base_url, const char *token, const char *company);

/*
 * Asserts that events holds exactly the types listed (NULL-terminated), in
 * that order; the message shows what came instead.
 */
void test_events_expect_types(json_t *events, const char *const *types);

/* test_events_after(), then test_events_expect_types() on what it read. */
json_t *test_events_since(const char *base_url, const char *token, const char *company,
			  long long after, const char *const *types);

/* The event's payload member name (NULL when absent), for assertions. */
json_t *test_events_payload(json_t *event, const char *name);

#endif
