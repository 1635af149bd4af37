/*
 * Partners's targets for the route-permission matrix (test/support/matrix.h).
 * The list route names nothing but {company}, which the matrix fills in, so
 * there is nothing to make yet. A route with {id} or a body adds here the
 * object it names (setup, param) and a valid body (body), as
 * server/test/e2e/ledger/matrix_targets.c does.
 */
#include "test/support/matrix.h"

static const struct test_matrix_targets partners_targets = {
	.module = "partners",
};
TEST_MATRIX_TARGETS(partners_targets)
