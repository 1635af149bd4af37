/*
 * db_fixture.h - a connected platform connection and a row count, for the tests of the
 * database layer.
 *
 * Both assert (Check) on failure, so a test reads as its steps.
 */
#ifndef ERP_TEST_DB_FIXTURE_H
#define ERP_TEST_DB_FIXTURE_H

#include "platform/db/db.h"

/* A connection to url, connected; application_name names the test in pg_stat_activity. */
struct db_conn *test_db_connected(const char *url, const char *application_name);

/* The bigint that count_statement (no parameters, one row, one column) answers. */
long test_db_count(struct db_conn *conn, const struct db_statement *count_statement);

#endif
