/*
 * Login throttling: which keys an attempt counts against, whether any of
 * them blocks it, and counting failures and successes. The statements are
 * in store.c; the table is login_throttle.
 *
 * Failures count per (account, client address) pair and per address, so
 * a stranger's guesses block the stranger, not the account's owner on
 * another address. Successes count per account: one person holding a
 * password cannot log in without end (each login is an argon2id
 * computation and a new session).
 */
#include <stdio.h>
#include <stdlib.h>

#include "modules/iam/internal.h"
#include "platform/ops/config.h"
#include "shared-kernel/errors.h"

void iam_throttle_keys(struct iam_throttle *t, const char *email, const char *client_address)
{
	snprintf(t->account_key, sizeof(t->account_key), "account:%s", email);
	snprintf(t->pair_key, sizeof(t->pair_key), "pair:%s %s", client_address, email);
	snprintf(t->address_key, sizeof(t->address_key), "address:%s", client_address);
	snprintf(t->success_key, sizeof(t->success_key), "success:%s", email);
}

/* The whole seconds in column name of the first row as text, or "" when NULL. */
static void retry_seconds(PGresult *res, const char *name, char out[24])
{
	const char *text = PQntuples(res) == 1 ? db_value(res, 0, name) : NULL;

	out[0] = '\0';
	if (text) {
		long seconds = strtol(text, NULL, 10);

		snprintf(out, 24, "%ld", seconds < 1 ? 1L : seconds);
	}
}

int iam_throttle_begin(struct db_conn *db, struct arena *arena, struct iam_throttle *t)
{
	const char *lock[] = { t->account_key };
	const char *keys[] = { t->pair_key, t->address_key, t->success_key };
	PGresult *res;
	int rc = db_query(db, NULL, &iam_sql_throttle_lock, 1, lock, NULL);

	if (!rc)
		rc = db_query(db, arena, &iam_sql_throttle_blocked, 3, keys, &res);
	if (rc)
		return rc;
	retry_seconds(res, "failures_retry_s", t->failures_retry_after);
	retry_seconds(res, "successes_retry_s", t->successes_retry_after);
	return ERP_OK;
}

/* Counts one event against key: the max-th within window_s blocks it until the window ends. */
static int count(struct db_conn *db, const char *key, unsigned window_s, unsigned max)
{
	char window[16], limit[16];
	const char *params[] = { key, window, limit };

	snprintf(window, sizeof(window), "%u", window_s);
	snprintf(limit, sizeof(limit), "%u", max);
	return db_query(db, NULL, &iam_sql_throttle_count, 3, params, NULL);
}

int iam_throttle_failure(struct db_conn *db, const struct iam_throttle *t,
			 const struct erp_config *config)
{
	char window[16];
	const char *purge[] = { window };
	int rc;

	snprintf(window, sizeof(window), "%u", config->login_window_s);
	rc = db_query(db, NULL, &iam_sql_throttle_purge, 1, purge, NULL);
	if (!rc)
		rc = count(db, t->pair_key, config->login_window_s, config->login_max_failures);
	if (!rc)
		rc = count(db, t->address_key, config->login_window_s,
			   config->login_max_failures_per_address);
	return rc;
}

int iam_throttle_success(struct db_conn *db, const struct iam_throttle *t,
			 const struct erp_config *config)
{
	const char *pair[] = { t->pair_key };
	int rc = count(db, t->success_key, config->login_window_s, config->login_max_successes);

	/* The pair proved itself: its earlier failures are forgiven (other pairs' are not). */
	if (!rc)
		rc = db_query(db, NULL, &iam_sql_throttle_clear, 1, pair, NULL);
	return rc;
}
