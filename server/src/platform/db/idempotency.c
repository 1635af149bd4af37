/*
 * Idempotency-Key: claim under a per-key lock, replay the stored answer with
 * its headers, refuse reuse, forget keys past their retention.
 */
#include "platform/db/idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "platform/http/server.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"

static const struct db_statement lock_key = {
	"idempotency_lock",
	/* Try, not wait: a concurrent duplicate is told so at once (409). */
	"SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 7))",
	false,
};
/* A key past its retention ($3 hours) is absent: the request is a new one. */
static const struct db_statement find_key = {
	"idempotency_find",
	"SELECT encode(request_hash, 'hex') AS request_hash, status, response, location, etag"
	" FROM idempotency_keys"
	" WHERE user_id = $1 AND key = $2 AND created_at > now() - make_interval(hours => $3::int)",
	false,
};
/*
 * Under the key's lock, with no live row found: a new row, or the expired
 * row of the same key replaced (the WHERE keeps a live one, which the lock
 * rules out anyway).
 */
static const struct db_statement store_key = {
	"idempotency_store",
	"INSERT INTO idempotency_keys AS k"
	" (user_id, key, request_hash, status, response, location, etag)"
	" VALUES ($1, $2, decode($3, 'hex'), $4::int, $5, $6, $7)"
	" ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,"
	"  status = excluded.status, response = excluded.response, location = excluded.location,"
	"  etag = excluded.etag, created_at = now()"
	" WHERE k.created_at <= now() - make_interval(hours => $8::int)",
	false,
};
/*
 * Up to $2 keys past their retention ($1 hours), oldest first. SKIP LOCKED:
 * a row another transaction holds (being replaced, or in another purge) is
 * left for a later one, so the purge never waits and nobody waits for it
 * beyond its own COMMIT.
 */
static const struct db_statement purge_keys = {
	"idempotency_purge",
	"DELETE FROM idempotency_keys WHERE (user_id, key) IN ("
	"  SELECT user_id, key FROM idempotency_keys"
	"  WHERE created_at <= now() - make_interval(hours => $1::int)"
	"  ORDER BY created_at LIMIT $2::int FOR UPDATE SKIP LOCKED)",
	false,
};

static bool is_key(const char *key)
{
	size_t length = strlen(key);

	if (length == 0 || length > IDEMPOTENCY_KEY_MAX)
		return false;
	for (const char *p = key; *p; p++)
		if (*p < 0x21 || *p > 0x7e) /* visible ASCII: keys are opaque client tokens */
			return false;
	return true;
}

int idempotency_prepare(struct erp_request *req, struct idempotency *idem)
{
	unsigned char hash[32];
	crypto_generichash_state state;
	char *body = NULL;

	memset(idem, 0, sizeof(*idem));
	if (!(req->route->headers & ERP_TAKES_IDEMPOTENCY_KEY)) {
		log_error("http.undeclared_header", "BUG: %s %s honours Idempotency-Key without"
			  " declaring ERP_TAKES_IDEMPOTENCY_KEY (request %s)", req->method_name,
			  req->route->pattern, req->request_id);
		http_respond_problem(req, &PROBLEM_INTERNAL,
				     "an unexpected error occurred; quote the request id when reporting it");
		return -1;
	}
	idem->key = http_header(req, "Idempotency-Key");
	if (!idem->key)
		return 0;
	snprintf(idem->retention_hours, sizeof(idem->retention_hours), "%u",
		 req->server->config->idempotency_retention_hours);
	if (!is_key(idem->key)) {
		http_respond_problem(req, &PROBLEM_BAD_REQUEST,
				     "Idempotency-Key must be 1 to 200 visible ASCII characters");
		return -1;
	}
	if (req->body) {
		body = erp_json_dumps(req->body, JSON_COMPACT | JSON_SORT_KEYS);
		if (!body) {
			http_respond_problem(req, &PROBLEM_UNAVAILABLE, "out of memory; try again");
			return -1;
		}
	}
	crypto_generichash_init(&state, NULL, 0, sizeof(hash));
	crypto_generichash_update(&state, (const unsigned char *)req->method_name,
				  strlen(req->method_name) + 1);
	crypto_generichash_update(&state, (const unsigned char *)req->path, strlen(req->path) + 1);
	if (body)
		crypto_generichash_update(&state, (const unsigned char *)body, strlen(body));
	crypto_generichash_final(&state, hash, sizeof(hash));
	free(body);
	sodium_bin2hex(idem->request_hash, sizeof(idem->request_hash), hash, sizeof(hash));
	return 0;
}

void idempotency_claim_queue(struct db_batch *batch, struct erp_request *req,
			     struct idempotency *idem)
{
	const char *params[] = { req->user_id, idem->key, idem->retention_hours };

	idem->replay = false;
	idem->locked = idem->found = NULL;
	if (!idem->key)
		return;
	/* find runs after lock_key in its own statement: it sees what the last holder committed. */
	db_batch_add(batch, &lock_key, 2, params, &idem->locked);
	db_batch_add(batch, &find_key, 3, params, &idem->found);
}

/* A column of the found row by name, in the arena; NULL when it is NULL. */
static const char *found_text(struct erp_request *req, PGresult *res, const char *column)
{
	const char *value = db_value(res, 0, column);

	return value ? arena_strdup(req->arena, value) : NULL;
}

int idempotency_claimed(struct erp_request *req, struct idempotency *idem)
{
	PGresult *res = idem->found;
	const char *hash, *status;

	if (!idem->key)
		return ERP_OK;
	if (!idem->locked || !res)
		return ERP_ERR_INTERNAL; /* the batch did not run: a caller's bug */
	if (strcmp(PQgetvalue(idem->locked, 0, 0), "t") != 0)
		return ERP_ERR_CONFLICT;
	if (PQntuples(res) == 0)
		return ERP_OK;
	hash = found_text(req, res, "request_hash");
	status = found_text(req, res, "status");
	if (!hash || !status)
		return ERP_ERR_NO_MEMORY;
	if (strlen(hash) != 64 || sodium_memcmp(hash, idem->request_hash, 64) != 0)
		return ERP_ERR_INVALID;
	idem->replay = true;
	idem->answer = (struct idempotency_answer){
		.status = (int)strtol(status, NULL, 10),
		.body = found_text(req, res, "response"),
		.location = found_text(req, res, "location"),
		.etag = found_text(req, res, "etag"),
	};
	return idem->answer.body ? ERP_OK : ERP_ERR_NO_MEMORY;
}

int idempotency_claim(struct db_conn *db, struct erp_request *req, struct idempotency *idem)
{
	struct db_batch *batch = db_batch_new(req->arena);
	int rc;

	idempotency_claim_queue(batch, req, idem);
	if (!idem->key)
		return ERP_OK;
	rc = db_batch_run(db, batch);
	return rc ? rc : idempotency_claimed(req, idem);
}

int idempotency_store(struct db_conn *db, struct erp_request *req, struct idempotency *idem,
		      const struct idempotency_answer *answer)
{
	char status_text[16], batch_text[16];
	const char *store[] = { req->user_id, idem->key, idem->request_hash, status_text,
				answer->body, answer->location, answer->etag, idem->retention_hours };
	const char *purge[] = { idem->retention_hours, batch_text };
	int rc;

	idem->answer = *answer;
	if (!idem->key)
		return ERP_OK;
	snprintf(status_text, sizeof(status_text), "%d", answer->status);
	snprintf(batch_text, sizeof(batch_text), "%d", IDEMPOTENCY_PURGE_BATCH);
	rc = db_query_at_commit(db, &store_key, 8, store);
	return rc ? rc : db_query_at_commit(db, &purge_keys, 2, purge);
}

int idempotency_respond(struct erp_request *req, const struct idempotency *idem, int rc)
{
	const struct idempotency_answer *answer = &idem->answer;

	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    "a request with this Idempotency-Key is still being processed;"
					    " retry it in a moment");
	if (rc == ERP_ERR_INVALID)
		return http_respond_problem(req, &PROBLEM_VALIDATION,
					    "this Idempotency-Key was already used for a different request;"
					    " use a new key for a new request");
	if (rc)
		return rc;
	if (!answer->body)
		return ERP_ERR_INTERNAL; /* nothing stored: the caller's bug */
	if ((answer->location && http_add_header(req, "Location", answer->location)) ||
	    (answer->etag && http_add_header(req, "ETag", answer->etag)) ||
	    (idem->replay && http_add_header(req, "Idempotent-Replayed", "true")))
		return ERP_ERR_NO_MEMORY;
	return http_respond_bytes(req, answer->status, "application/json", answer->body,
				  strlen(answer->body));
}
