#ifndef ERP_TEST_E2E_ROUND_TRIPS_H
#define ERP_TEST_E2E_ROUND_TRIPS_H

/*
 * The test build shows how many round trips to the database a request's
 * handler made (erp_request.db_round_trips, authentication not included) in
 * the answer's X-Test-Db-Round-Trips header, so tests can hold a write path
 * to its count. In build/bin/erp-server-test only.
 */
struct erp_request;

/* Adds the header; part of the request observer's answered step (test_main.c). */
void test_round_trips_show(struct erp_request *req);

#endif
