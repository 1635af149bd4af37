#ifndef ERP_TEST_E2E_FAULT_H
#define ERP_TEST_E2E_FAULT_H

/*
 * Allocation-failure injection per request, in the test build of the server
 * only (build/bin/erp-server-test; erp-server has none of it).
 *
 * A request carrying "X-Test-Fail-Allocation: N" has its N-th allocation
 * (counted from the moment its headers are read: common/alloc.h) fail.
 * GET /test/fault-report then tells what happened to the last such request:
 * {"armed": N, "allocations": C, "fired": bool}, where C counts the
 * allocations it made (the failed one included) and fired says whether the
 * N-th was reached. Only builds with -DERP_FAULT_INJECTION (SANITIZE=1)
 * fail anything; elsewhere the report says "available": false.
 */
struct erp_request;

/*
 * The request observer's begin and end (platform/http/server.h): begin arms the
 * failure a request's header asks for, end disarms it and keeps the report.
 */
void test_fault_begin(struct erp_request *req);
void test_fault_end(struct erp_request *req);

/* GET /test/fault-report (see above). */
int test_fault_report(struct erp_request *req);

#endif
