#ifndef ERP_TEST_IAM_FIXTURE_H
#define ERP_TEST_IAM_FIXTURE_H

/*
 * Test fixtures for identity: a bootstrap administrator written straight
 * into a migrated test database (the same rows erp-seed-roles and
 * erp-seed-admin write), and a login over HTTP.
 */
#include <stddef.h>

/*
 * Creates the role "administrator" (if missing) holding every iam.* permission
 * except iam.audit.read (the segregation-of-duties-clean administrator), and a
 * user with that role globally. Returns the user id (static storage).
 */
const char *test_iam_bootstrap_admin(const char *db_url, const char *email, const char *password);

/* Logs in over HTTP; writes the token into token (64 bytes). 0, or -1. */
int test_iam_login(const char *base_url, const char *email, const char *password, char token[64]);

/* "Authorization: Bearer <token>" for test_http header lists (static storage per slot 0..3). */
const char *test_iam_bearer(const char *token, int slot);

#endif
