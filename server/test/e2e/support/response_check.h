#ifndef ERP_TEST_E2E_RESPONSE_CHECK_H
#define ERP_TEST_E2E_RESPONSE_CHECK_H

/*
 * The test build's check of every success answer against the response its
 * route declares (platform/http/response.h), so drift between what SQL renders
 * and what the route table promises fails the end-to-end suites. In
 * build/bin/erp-server-test only: erp-server installs no observer and never
 * checks.
 *
 * A 2xx answer of a route is checked when the handler has answered and
 * before it is sent: a JSON body must match the declared schema
 * (schema_validate_response(): required fields present, types, no field the
 * schema does not name, no null where it is not nullable), a route declaring
 * ERP_NO_BODY must answer none, and the status must be one the route
 * declares. An answer that does not is logged as the error
 * "test.response_drift" and replaced by a 500 problem whose detail names the
 * route and the first field that drifted. Running out of memory while
 * checking (fault injection) gives no verdict: the answer goes out as it was.
 */
struct erp_request;

/* The request observer's answered step (platform/http/server.h). */
void test_response_check(struct erp_request *req);

#endif
