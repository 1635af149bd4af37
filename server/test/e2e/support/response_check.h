#ifndef ERP_TEST_E2E_RESPONSE_CHECK_H
#define ERP_TEST_E2E_RESPONSE_CHECK_H

/*
 * The test build's check of every answer against what its route declares
 * (platform/http/response.h, route_contract.h), so drift between what the
 * code answers and what the route table (and so /openapi.json) promises
 * fails the end-to-end suites. In build/bin/erp-server-test only:
 * erp-server installs no observer and never checks.
 *
 * An answer of a route is checked when the handler has answered and before
 * it is sent. A 2xx: a JSON body must match the declared schema
 * (schema_validate_response(): required fields present, types, no field the
 * schema does not name, no null where it is not nullable), a route declaring
 * ERP_NO_BODY must answer none, the status must be one the route declares,
 * ETag and Location go out exactly when the route declares them
 * (ERP_ANSWERS_*), and a route requiring If-Match has read one. A 4xx: its
 * status must be one the route declares or implies (route_problems()). An
 * answer that does not is logged as the error
 * "test.response_drift" and replaced by a 500 problem whose detail names the
 * route and the first field that drifted. Running out of memory while
 * checking (fault injection) gives no verdict: the answer goes out as it was.
 */
struct erp_request;

/* The request observer's answered step (platform/http/server.h). */
void test_response_check(struct erp_request *req);

#endif
