#ifndef ERP_TEST_MATRIX_H
#define ERP_TEST_MATRIX_H

/*
 * The route-permission matrix (server/test/e2e/iam/matrix_test.c) calls every
 * guarded operation of the running server, as read from /openapi.json. How
 * to call a module's routes is that module's test knowledge, so it lives in
 * the module's own test folder, server/test/e2e/<module>/matrix_targets.c,
 * which registers a struct test_matrix_targets with TEST_MATRIX_TARGETS().
 * The build links every such file into the end-to-end tests; the matrix
 * finds the targets of a route by the module its x-permission names (the
 * "ledger" of "ledger.journal.post") and names no module itself.
 */
#include <stddef.h>

/* What the matrix has made before it asks a module to set up. */
struct test_matrix_env {
	const char *base_url;
	const char *admin_token;   /* every iam.* permission but iam.audit.read, and iam.sod.override */
	const char *company;       /* the code every {company} names: "MXA" */
	const char *other_company; /* a company nobody in the matrix holds a role in: "MXB" */
};

struct test_matrix_targets {
	const char *module;        /* "ledger": the routes whose permission is "ledger.*" */
	/* Makes the objects the module's paths name, in env->company; asserts each step. May be NULL. */
	void (*setup)(const struct test_matrix_env *env);
	/* The value of {name} in one of the module's patterns (made by setup), or NULL: "x". */
	const char *(*param)(const char *pattern, const char *name);
	/* A valid body for a write (method, pattern) of the module, or NULL: {}. May be NULL. */
	const char *(*body)(const char *method, const char *pattern);
	/*
	 * For a route that only the owner of an object may use (the author of a
	 * draft): makes such an object as token and returns the value of {name}
	 * (static storage until the next call), or NULL when the shared target
	 * serves. May be NULL.
	 */
	const char *(*own_param)(const struct test_matrix_env *env, const char *method,
				 const char *pattern, const char *name, const char *token);
};

/* Registers a module's targets (kept by pointer); at most TEST_MATRIX_MAX of them. */
enum { TEST_MATRIX_MAX = 32 };
void test_matrix_register(const struct test_matrix_targets *targets);

/* The registered targets, in the order they registered. */
size_t test_matrix_count(void);
const struct test_matrix_targets *test_matrix_get(size_t index);

/* The targets of the module a permission belongs to ("ledger.journal.post"), or NULL. */
const struct test_matrix_targets *test_matrix_for(const char *permission);

/* Registers targets (a static struct test_matrix_targets) before main() runs. */
#define TEST_MATRIX_TARGETS(targets)                                                          \
	static void targets##_register(void) __attribute__((constructor));                   \
	static void targets##_register(void)                                                  \
	{                                                                                     \
		test_matrix_register(&targets);                                               \
	}

#endif
