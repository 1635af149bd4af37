/*
 * Arms common/alloc.h's fault injection for one request, from a request
 * header, through the platform's request observer (platform/http/server.h,
 * installed by test_main.c). The
 * counter is per thread, and a request is served by one worker thread from
 * its first callback to its completion, so the armed failure stays inside
 * the request, as long as the test sends one request at a time.
 */
#include "test/e2e/support/fault.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "platform/http/http.h"

static const char header_name[] = "X-Test-Fail-Allocation";

/* The request this thread armed, if any. */
static _Thread_local const struct erp_request *armed_request;
static _Thread_local unsigned long armed_nth;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long last_nth, last_allocations;
static bool last_fired;

void test_fault_begin(struct erp_request *req)
{
	const char *text = http_header(req, header_name);
	unsigned long nth;
	char *end;

	if (!text)
		return;
	errno = 0;
	nth = strtoul(text, &end, 10);
	if (errno || *end || nth == 0)
		return;
	armed_request = req;
	armed_nth = nth;
	alloc_fault_fail_at(nth);
}

void test_fault_end(struct erp_request *req)
{
	unsigned long allocations;

	if (req != armed_request)
		return;
	allocations = alloc_fault_count();
	alloc_fault_fail_at(0);
	pthread_mutex_lock(&report_lock);
	last_nth = armed_nth;
	last_allocations = allocations;
	last_fired = allocations >= armed_nth;
	pthread_mutex_unlock(&report_lock);
	armed_request = NULL;
	armed_nth = 0;
}

int test_fault_report(struct erp_request *req)
{
	json_t *report;

	pthread_mutex_lock(&report_lock);
	report = json_pack("{s:b, s:I, s:I, s:b}", "available",
#ifdef ERP_FAULT_INJECTION
			   1,
#else
			   0,
#endif
			   "armed", (json_int_t)last_nth, "allocations", (json_int_t)last_allocations,
			   "fired", last_fired);
	pthread_mutex_unlock(&report_lock);
	return http_respond_json(req, 200, report);
}
