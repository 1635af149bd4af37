/* Idempotency-Key: claim under a per-key lock, replay the stored answer, refuse reuse. */
#include "platform/db/idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "shared-kernel/errors.h"

static const struct db_statement lock_key = {
	"idempotency_lock",
	/* Try, not wait: a concurrent duplicate is told so at once (409). */
	"SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 7))",
	false,
};
static const struct db_statement find_key = {
	"idempotency_find",
	"SELECT encode(request_hash, 'hex'), status, response FROM idempotency_keys"
	" WHERE user_id = $1 AND key = $2",
	false,
};
static const struct db_statement store_key = {
	"idempotency_store",
	"INSERT INTO idempotency_keys (user_id, key, request_hash, status, response)"
	" VALUES ($1, $2, decode($3, 'hex'), $4::int, $5)",
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
	idem->key = http_header(req, "Idempotency-Key");
	if (!idem->key)
		return 0;
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
	const char *params[] = { req->user_id, idem->key };

	idem->replay = false;
	idem->locked = idem->found = NULL;
	if (!idem->key)
		return;
	/* find runs after lock_key in its own statement: it sees what the last holder committed. */
	db_batch_add(batch, &lock_key, 2, params, &idem->locked);
	db_batch_add(batch, &find_key, 2, params, &idem->found);
}

int idempotency_claimed(struct erp_request *req, struct idempotency *idem)
{
	PGresult *res = idem->found;

	if (!idem->key)
		return ERP_OK;
	if (!idem->locked || !res)
		return ERP_ERR_INTERNAL; /* the batch did not run: a caller's bug */
	if (strcmp(PQgetvalue(idem->locked, 0, 0), "t") != 0)
		return ERP_ERR_CONFLICT;
	if (PQntuples(res) == 0)
		return ERP_OK;
	if (sodium_memcmp(PQgetvalue(res, 0, 0), idem->request_hash, 64) != 0)
		return ERP_ERR_INVALID;
	idem->replay = true;
	idem->status = (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
	idem->response = arena_strdup(req->arena, PQgetvalue(res, 0, 2));
	return idem->response ? ERP_OK : ERP_ERR_NO_MEMORY;
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

int idempotency_store(struct db_conn *db, struct erp_request *req, const struct idempotency *idem,
		      int status, const char *response)
{
	char status_text[8];
	const char *params[] = { req->user_id, idem->key, idem->request_hash, status_text, response };

	if (!idem->key)
		return ERP_OK;
	snprintf(status_text, sizeof(status_text), "%d", status);
	return db_query_at_commit(db, &store_key, 5, params);
}

int idempotency_respond(struct erp_request *req, const struct idempotency *idem, int rc)
{
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
	http_add_header(req, "Idempotent-Replayed", "true");
	return http_respond_bytes(req, idem->status, "application/json", idem->response,
				  strlen(idem->response));
}
