#ifndef ERP_TEST_IAM_FIXTURE_H
#define ERP_TEST_IAM_FIXTURE_H

/*
 * Test fixtures for identity: a bootstrap administrator written straight
 * into a migrated test database (the same rows erp-seed-roles and
 * erp-seed-admin write), a login over HTTP, and a server of the test build on
 * its own database with that administrator logged in.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

#include "test/support/testlib.h"

/*
 * Creates the role "administrator" (if missing) holding every iam.* permission
 * except iam.audit.read (segregation-of-duties clean), and a user with that role
 * globally. Unlike the seeded catalog's administrator (server/prisma/seed), this
 * one also holds iam.sod.override, so override paths can be tested without
 * another role. Returns the user id (static storage).
 */
const char *test_iam_bootstrap_admin(const char *db_url, const char *email, const char *password);

/*
 * test_iam_bootstrap_admin also writes this second administrator (same role,
 * same password), who approves what the first one requests: privileged
 * grants need two administrators.
 */
#define TEST_IAM_SECOND_ADMIN "second-admin@fixture.test"

/* The second administrator's token at base_url (logged in once per server; static storage). */
const char *test_iam_second_admin_token(const char *base_url);

/* The bootstrap administrator's password in test_iam_server_start(). */
extern const char test_iam_admin_password[];

/* A server of the test build on its own database, its administrator logged in. */
struct test_iam_server {
	struct test_server server;
	char db_url[1024];
	char admin_id[40];
	char admin_token[64];
};

/*
 * (Re)creates database db_name, migrates it, writes the bootstrap
 * administrator admin_email (test_iam_admin_password), starts
 * bin/erp-server-test with extra env (NULL-terminated "NAME=value", may be
 * NULL) and logs the administrator in. Asserts every step.
 */
void test_iam_server_start(struct test_iam_server *s, const char *db_name, const char *admin_email,
			   const char *const env[]);

/* Stops it; asserts a clean exit. */
void test_iam_server_stop(struct test_iam_server *s);

/* Logs in over HTTP; writes the token into token (64 bytes). 0, or -1. */
int test_iam_login(const char *base_url, const char *email, const char *password, char token[64]);

/* "Authorization: Bearer <token>" for test_http header lists (static storage per slot 0..3). */
const char *test_iam_bearer(const char *token, int slot);


struct test_response;

/* Migrates db_url with bin/erp-server-test migrate (ERP_TEST_BUILD); asserts success. */
void test_iam_migrate(const char *db_url);

/*
 * One request to base_url + path with an optional bearer token, an optional
 * extra header ("Name: value") and an optional JSON body (Content-Type set).
 * Asserts that a response arrived; the caller frees r.
 */
void test_iam_request(const char *base_url, const char *method, const char *path,
		      const char *token, const char *extra_header, const char *body,
		      struct test_response *r);

/*
 * test_iam_request() without any Check assertion, for client threads: 0, or
 * -1 when no response arrived (then r holds nothing to free).
 */
int test_iam_try(const char *base_url, const char *method, const char *path, const char *token,
		 const char *extra_header, const char *body, struct test_response *r);

/*
 * Creates a user over the API with the admin token (asserts 201), then, as
 * the user, replaces the administrator's one-time password with password, so
 * the user can work. Writes its id (40 bytes).
 */
void test_iam_create_user(const char *base_url, const char *admin_token, const char *email,
			  const char *password, char id[40]);

/* Only creates the user (asserts 201): password stays the one-time password. */
void test_iam_create_user_one_time(const char *base_url, const char *admin_token,
				   const char *email, const char *password, char id[40]);

/* A path from a printf format, in one of eight rotating static buffers (shared by both). */
const char *test_iam_path(const char *format, ...) __attribute__((format(printf, 1, 2)));
const char *test_iam_vpath(const char *format, va_list args) __attribute__((format(printf, 1, 0)));

/* Like test_iam_request with a JSON body built from body (stolen; may be NULL). */
void test_iam_request_json(const char *base_url, const char *token, const char *method,
			   const char *path, json_t *body, struct test_response *r);

/*
 * Grants role to user_id in company (NULL: globally) as admin_token. A grant
 * that waits for a second administrator (202) is approved by the second
 * administrator. With reason, a segregation-of-duties conflict is asked to be
 * overridden (and approved). Asserts each step.
 */
void test_iam_grant(const char *base_url, const char *admin_token, const char *user_id,
		    const char *role, const char *company, const char *reason);

/*
 * Creates role name holding permissions (JSON array text, e.g. "[\"iam.user.read\"]")
 * and grants it to user_id in company (code, or NULL: globally); asserts 201 for both.
 */
void test_iam_grant_new_role(const char *base_url, const char *admin_token, const char *user_id,
			     const char *name, const char *permissions, const char *company);

#endif
