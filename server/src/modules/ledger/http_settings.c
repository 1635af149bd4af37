/* The company's ledger settings: today, whether authors may post their own entries. */
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit.h"
#include "shared-kernel/errors.h"

#define SETTINGS_JSON                                                                        \
	"json_build_object('self_posting', coalesce(s.self_posting, false),"                  \
	" 'version', coalesce(s.version, 0))"

static const struct db_statement get_settings = {
	"ledger_settings_get",
	"SELECT " SETTINGS_JSON " FROM companies c LEFT JOIN ledger_settings s ON s.company_id = c.id"
	" WHERE c.code = $1",
	true,
};
static const struct db_statement upsert_settings = {
	"ledger_settings_upsert",
	"INSERT INTO ledger_settings (company_id, self_posting) VALUES ($1, $2::boolean)"
	" ON CONFLICT (company_id) DO UPDATE SET self_posting = EXCLUDED.self_posting,"
	" version = ledger_settings.version + 1, updated_at = now()",
	false,
};

struct settings_change {
	struct erp_request *req;
	struct ledger_company company;
	json_t *before;
	json_t *after;
};

int ledger_settings_get(struct erp_request *req)
{
	json_t *settings;
	int rc = resource_query_json(http_db(req), req->arena, &get_settings, 1, &req->company,
				     &settings);

	return rc ? rc : http_respond_json(req, 200, json_incref(settings));
}

static int update_work(struct db_conn *db, void *ctx)
{
	struct settings_change *c = ctx;
	const char *params[2];
	json_t *changes;
	int rc = resource_query_json(db, c->req->arena, &get_settings, 1, &c->req->company, &c->before);

	if (!rc)
		rc = ledger_company_get(db, c->req->arena, c->req->company, &c->company);
	if (rc)
		return rc;
	params[0] = c->company.id;
	params[1] = json_is_true(json_object_get(c->req->body, "self_posting")) ? "true" : "false";
	rc = db_query(db, NULL, &upsert_settings, 2, params, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &get_settings, 1, &c->req->company, &c->after);
	if (rc)
		return rc;
	changes = json_object();
	if (!changes || audit_change(changes, "self_posting", json_object_get(c->before, "self_posting"),
				     json_object_get(c->after, "self_posting"))) {
		json_decref(changes);
		return ERP_ERR_NO_MEMORY;
	}
	rc = audit_record(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = "ledger.settings.updated",
		.company_id = c->company.id, .entity = "ledger_settings", .entity_id = c->company.id,
		.request_id = c->req->request_id, .changes = changes });
	json_decref(changes);
	return rc;
}

int ledger_settings_update(struct erp_request *req)
{
	struct settings_change c = { .req = req };
	int rc = db_transaction(http_db(req), update_work, &c);

	return rc ? rc : http_respond_json(req, 200, json_incref(c.after));
}
