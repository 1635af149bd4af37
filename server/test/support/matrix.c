/* The registry of each module's targets for the route-permission matrix (matrix.h). */
#include "test/support/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct test_matrix_targets *registered[TEST_MATRIX_MAX];
static size_t registered_count;

void test_matrix_register(const struct test_matrix_targets *targets)
{
	if (registered_count == TEST_MATRIX_MAX) {
		fprintf(stderr, "test_matrix_register: more than %d modules; raise TEST_MATRIX_MAX\n",
			TEST_MATRIX_MAX);
		abort();
	}
	registered[registered_count++] = targets;
}

size_t test_matrix_count(void)
{
	return registered_count;
}

const struct test_matrix_targets *test_matrix_get(size_t index)
{
	return index < registered_count ? registered[index] : NULL;
}

const struct test_matrix_targets *test_matrix_for(const char *permission)
{
	size_t length = strcspn(permission, ".");

	for (size_t i = 0; i < registered_count; i++)
		if (strlen(registered[i]->module) == length &&
		    strncmp(registered[i]->module, permission, length) == 0)
			return registered[i];
	return NULL;
}
