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
struct erp_server;
struct erp_request;

/* Installs the request observer that reads the header. Call from compose(). */
void test_fault_install(struct erp_server *server);

/* GET /test/fault-report (see above). */
int test_fault_report(struct erp_request *req);

#endif
