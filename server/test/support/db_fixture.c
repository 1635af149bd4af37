#include "test/support/db_fixture.h"

#include <check.h>
#include <stdlib.h>

#include "common/arena.h"
#include "shared-kernel/errors.h"

struct db_conn *test_db_connected(const char *url, const char *application_name)
{
	struct db_options options = { .connect_timeout_s = 2, .application_name = application_name };
	struct db_conn *conn = db_open(url, &options);

	ck_assert_ptr_nonnull(conn);
	ck_assert_int_eq(db_connect(conn), ERP_OK);
	return conn;
}

long test_db_count(struct db_conn *conn, const struct db_statement *count_statement)
{
	struct arena *arena = arena_new(512);
	PGresult *res;
	long n;

	ck_assert_int_eq(db_query(conn, arena, count_statement, 0, NULL, &res), ERP_OK);
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	arena_free(arena);
	return n;
}
