/*
 * erp-seed-demo: a demo company to try the API with, in development only
 * (the runtime refuses every other environment): the company, its users (a
 * bookkeeper, an approver, a controller) holding their roles in it, a chart
 * of accounts, an open fiscal year of twelve months for the current year, and
 * the four weeks up to today of journal entries, posted and draft, all read
 * from a data file (default server/prisma/seed/demo-company.json).
 *
 * It writes the rows the server writes, through the rules the database holds:
 * grants take the API's locks and ask iam_sod_conflicts() as erp-grant-role
 * does (it never overrides a conflict); an entry is written by its author and
 * posted by someone else holding ledger.journal.post, under the posting's
 * locks, numbered gaplessly, and the ledger's triggers (four-eyes, immutable
 * posted entries, periods that do not overlap) refuse what they refuse to the
 * server. Every change is in the IAM audit trail with the run's request id.
 *
 * Passwords: a user it creates gets the password in <--passwords DIR>/<email>
 * (one line) when that file exists, else a new one (18 random bytes from
 * libsodium, base64url) written there with mode 600 before the user is
 * created; never on the command line, never printed or audited.
 *
 * Idempotent: what exists (company by code, users by email, grants,
 * accounts by code, the fiscal year, entries by reference) is left as it is;
 * a second run reports "0 changes".
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/json.h"
#include "scripts/runtime/names.h"
#include "scripts/runtime/script.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

#define DEFAULT_DATA "server/prisma/seed/demo-company.json"

enum {
	EMAIL_MAX = 254,
	PASSWORD_MIN = 12,
	PASSWORD_MAX = 1024,
	PASSWORD_RANDOM_BYTES = 18, /* 24 characters of base64url */
	USERS_MAX = 20,
	ACCOUNTS_MAX = 500,
	ENTRIES_MAX = 500,
	LINES_MAX = 500,
	UUID_TEXT = ERP_UUID_TEXT_LEN + 1,
};

static const struct script_flag flags[] = {
	{ "passwords", "DIR",
	  "where the passwords of the users it creates are kept, one file per email (mode 600)",
	  true },
	{ "data", "FILE", "the demo data (default: " DEFAULT_DATA ")", false },
};

/* --- SQL ------------------------------------------------------------------------------------- */

static const struct db_statement lock_seed = {
	"seed_demo_lock", "SELECT pg_advisory_xact_lock(hashtext('erp-seed-demo'))", false,
};
/* The server's calendar is UTC: the month and year are the database's, in UTC. */
static const struct db_statement clock = {
	"seed_demo_clock",
	"SELECT (now() AT TIME ZONE 'UTC')::date::text AS today,"
	"       extract(year FROM now() AT TIME ZONE 'UTC')::int AS year",
	false,
};
static const struct db_statement company_by_code = {
	"seed_demo_company", "SELECT id, currency FROM companies WHERE code = $1", false,
};
static const struct db_statement insert_company = {
	"seed_demo_insert_company",
	"INSERT INTO companies (id, code, name, currency) VALUES ($1, $2, $3, $4)",
	false,
};
static const struct db_statement user_by_email = {
	"seed_demo_user", "SELECT id, active FROM users WHERE email = $1", false,
};
static const struct db_statement insert_user = {
	"seed_demo_insert_user",
	"INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)",
	false,
};
/* A grant, as erp-grant-role makes it: the role shared, then the user locked. */
static const struct db_statement lock_role = {
	"seed_demo_lock_role", "SELECT id FROM roles WHERE name = $1 FOR SHARE", false,
};
static const struct db_statement lock_user = {
	"seed_demo_lock_user", "SELECT iam_sod_lock_users(ARRAY[$1::uuid])", false,
};
static const struct db_statement holds_role = {
	"seed_demo_holds_role",
	"SELECT 1 FROM role_assignments WHERE user_id = $1 AND role_id = $2 AND company_id = $3",
	false,
};
static const struct db_statement conflicts = {
	"seed_demo_conflicts",
	"SELECT x.permission_a, x.permission_b"
	" FROM iam_sod_conflicts(ARRAY[$1::uuid], $2::uuid, $3::uuid) x"
	" ORDER BY x.permission_a, x.permission_b",
	false,
};
static const struct db_statement insert_assignment = {
	"seed_demo_insert_assignment",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, reason)"
	" VALUES ($1, $2, $3, $4, NULL, $5)",
	false,
};
static const struct db_statement bump_authz = {
	"seed_demo_bump_authz", "UPDATE authz_version SET version = version + 1 RETURNING version",
	false,
};
/* The effective-permission rule: roles in the company and global roles. */
static const struct db_statement holds_permission = {
	"seed_demo_holds_permission",
	"SELECT EXISTS (SELECT 1 FROM role_assignments a"
	"   JOIN role_permissions p ON p.role_id = a.role_id"
	"  WHERE a.user_id = $1 AND (a.company_id = $2 OR a.company_id IS NULL)"
	"    AND p.permission = $3) AS holds",
	false,
};
static const struct db_statement account_by_code = {
	"seed_demo_account", "SELECT id FROM ledger_accounts WHERE company_id = $1 AND code = $2",
	false,
};
static const struct db_statement insert_account = {
	"seed_demo_insert_account",
	"INSERT INTO ledger_accounts (id, company_id, code, name, type, parent_id, currency, exponent)"
	" SELECT $1, $2, $3, $4, $5,"
	"        (SELECT p.id FROM ledger_accounts p WHERE p.company_id = $2 AND p.code = $6),"
	"        $7, $8::smallint",
	false,
};
static const struct db_statement year_periods = {
	"seed_demo_year_periods",
	"SELECT count(*) FILTER (WHERE fiscal_year = $2) AS own,"
	"       count(*) FILTER (WHERE starts_on <= make_date($2, 12, 31)"
	"                          AND ends_on >= make_date($2, 1, 1)) AS overlapping"
	" FROM ledger_periods WHERE company_id = $1",
	false,
};
/* Twelve months from January, as POST .../fiscal-periods makes them (ids in $3, in order). */
static const struct db_statement insert_year = {
	"seed_demo_insert_year",
	"INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)"
	" SELECT m.id, $1, $2, m.n, make_date($2, m.n::int, 1),"
	"        (make_date($2, m.n::int, 1) + interval '1 month' - interval '1 day')::date"
	" FROM unnest($3::uuid[]) WITH ORDINALITY AS m(id, n)",
	false,
};
/* Day 28 is today, day 1 four weeks before, none before the year began: a month in one fiscal year. */
static const struct db_statement date_of_day = {
	"seed_demo_entry_date",
	"SELECT greatest($1::date - (28 - $2::int), date_trunc('year', $1::date)::date)::text AS date",
	false,
};
static const struct db_statement entry_by_reference = {
	"seed_demo_entry",
	"SELECT id, status FROM ledger_entries WHERE company_id = $1 AND reference = $2"
	" ORDER BY created_at LIMIT 1",
	false,
};
/* The draft and its lines in one statement, as the server inserts them. */
static const struct db_statement insert_entry = {
	"seed_demo_insert_entry",
	"WITH e AS (INSERT INTO ledger_entries"
	"   (id, company_id, entry_date, memo, reference, source, author_id)"
	"   VALUES ($1, $2, $3, $4, $5, 'manual', $6) RETURNING id, company_id)"
	" INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,"
	"   credit_minor, description)"
	" SELECT e.id, x.line_no, e.company_id, a.id, x.debit, x.credit, x.description"
	" FROM e CROSS JOIN jsonb_to_recordset($7::jsonb) AS x(line_no int, account text,"
	"   debit bigint, credit bigint, description text)"
	" JOIN ledger_accounts a ON a.company_id = $2 AND a.code = x.account",
	false,
};
/*
 * A posting, in the order and with the locks the server's takes them
 * (modules/ledger/store.c): the entry, its period, the company, the
 * accounts, then the number; each read after its lock is granted.
 */
static const struct db_statement post_lock_entry = {
	"seed_demo_post_lock_entry",
	"SELECT e.status, e.entry_date::text AS entry_date, coalesce(u.active, false) AS author_active,"
	"  (SELECT coalesce(bool_and(t.debit = t.credit), false) FROM (SELECT sum(l.debit_minor)"
	"     AS debit, sum(l.credit_minor) AS credit FROM ledger_lines l"
	"     JOIN ledger_accounts a ON a.id = l.account_id WHERE l.entry_id = e.id"
	"     GROUP BY a.currency) t) AS balanced"
	" FROM ledger_entries e LEFT JOIN users u ON u.id = e.author_id"
	" WHERE e.id = $1 FOR UPDATE OF e",
	false,
};
static const struct db_statement post_share_period = {
	"seed_demo_post_share_period",
	"SELECT status, fiscal_year FROM ledger_periods"
	" WHERE company_id = $1 AND $2::date BETWEEN starts_on AND ends_on FOR SHARE",
	false,
};
static const struct db_statement post_share_company = {
	"seed_demo_post_share_company", "SELECT id FROM companies WHERE id = $1 FOR SHARE", false,
};
static const struct db_statement post_share_accounts = {
	"seed_demo_post_share_accounts",
	"SELECT string_agg(code, ', ' ORDER BY code) FILTER (WHERE NOT active) AS inactive"
	" FROM (SELECT a.code, a.active FROM ledger_accounts a"
	"        WHERE a.id IN (SELECT account_id FROM ledger_lines WHERE entry_id = $1)"
	"        ORDER BY a.code FOR SHARE) x",
	false,
};
static const struct db_statement post_next_number = {
	"seed_demo_post_next_number",
	"INSERT INTO ledger_numbering (company_id, fiscal_year, last_number) VALUES ($1, $2, 1)"
	" ON CONFLICT (company_id, fiscal_year)"
	" DO UPDATE SET last_number = ledger_numbering.last_number + 1 RETURNING last_number",
	false,
};
static const struct db_statement post_stamp_lines = {
	"seed_demo_post_stamp_lines",
	"UPDATE ledger_lines SET posted_on = $2, posting_no = nextval('ledger_posting_no')"
	" WHERE entry_id = $1",
	false,
};
/* The entry posted, a new version, as the server's posting marks it (store_posting.c). */
static const struct db_statement post_mark = {
	"seed_demo_post_mark",
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = $2, sequence = $3, number = $4,"
	" posted_by = $5, posted_at = now(), posted_into_closed_period = false,"
	" version = version + 1, updated_at = now() WHERE id = $1 AND status = 'draft'",
	false,
};
/*
 * The company's posted entries sealed as the server's sealer seals them
 * (ledger_seal(): the chain and the balances, written by the database);
 * NULL while a running server's sealer holds the company, which then
 * seals them itself.
 */
static const struct db_statement post_seal = {
	"seed_demo_post_seal",
	"SELECT ledger_seal($1::uuid, 1000) AS sealed",
	false,
};

/* --- the data file (prepare) ------------------------------------------------------------------ */

struct demo_user {
	const char *email; /* lower-case: also the name of its password file */
	const char *name;
	const char *role;
	char id[UUID_TEXT];
};

struct demo_account {
	const char *code, *name, *type, *parent;
};

struct demo_line {
	const char *account;
	int64_t debit_minor, credit_minor;
	const char *description;
};

struct demo_entry {
	const char *reference, *memo;
	int day;
	const struct demo_user *author, *poster; /* poster NULL: a draft */
	struct demo_line *lines;
	size_t line_count;
};

struct demo {
	const char *path, *password_dir;
	const char *code, *name, *currency;
	int exponent;
	struct demo_user *users;
	size_t user_count;
	struct demo_account *accounts;
	size_t account_count;
	struct demo_entry *entries;
	size_t entry_count;

	/* Found in work. */
	char company_id[UUID_TEXT];
	const char *today;
	int year;
	long existed, posted, drafts;
};

static void free_json(void *json)
{
	json_decref(json);
}

/* A string member of min..max bytes (optional ones may be absent or null: *out NULL). */
static int text(struct script_ctx *ctx, const struct demo *d, const char *where, json_t *object,
		const char *key, size_t min, size_t max, bool required, const char **out)
{
	json_t *value = json_object_get(object, key);
	size_t length;

	*out = NULL;
	if (!value || json_is_null(value)) {
		if (required)
			return script_fail(ctx, EX_DATAERR, "%s: %s: \"%s\" is missing", d->path, where,
					   key);
		return 0;
	}
	if (!json_is_string(value))
		return script_fail(ctx, EX_DATAERR, "%s: %s: \"%s\" is not a string", d->path, where,
				   key);
	length = json_string_length(value);
	if (length < min || length > max || strlen(json_string_value(value)) != length)
		return script_fail(ctx, EX_DATAERR, "%s: %s: \"%s\" must be %zu..%zu bytes", d->path,
				   where, key, min, max);
	*out = json_string_value(value);
	return 0;
}

/*
 * Emails name files in --passwords: lower-case letters, digits and . _ + -
 * around one @, not starting with a dot.
 */
static bool is_plain_email(const char *email)
{
	const char *at = strchr(email, '@');
	size_t length = strlen(email);

	if (length < 3 || length > EMAIL_MAX || !at || at == email || !at[1] || strchr(at + 1, '@') ||
	    email[0] == '.')
		return false;
	for (const char *p = email; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '+' || *p == '-' || *p == '@'))
			return false;
	return true;
}

static const struct demo_user *find_user(const struct demo *d, const char *email)
{
	for (size_t i = 0; email && i < d->user_count; i++)
		if (strcmp(d->users[i].email, email) == 0)
			return &d->users[i];
	return NULL;
}

static const struct demo_account *find_account(const struct demo *d, size_t before, const char *code)
{
	for (size_t i = 0; i < before; i++)
		if (strcmp(d->accounts[i].code, code) == 0)
			return &d->accounts[i];
	return NULL;
}

/* An array member of min..max elements. */
static int array(struct script_ctx *ctx, const struct demo *d, const char *where, json_t *object,
		 const char *key, size_t min, size_t max, json_t **out)
{
	*out = json_object_get(object, key);
	if (!json_is_array(*out) || json_array_size(*out) < min || json_array_size(*out) > max)
		return script_fail(ctx, EX_DATAERR, "%s: %s%s\"%s\" must be an array of %zu..%zu",
				   d->path, where, *where ? ": " : "", key, min, max);
	return 0;
}

static int load_company(struct script_ctx *ctx, struct demo *d, json_t *root)
{
	static const char *const keys[] = { "code", "name", "currency" };
	json_t *company = json_object_get(root, "company");
	const struct erp_currency *currency;
	const char *unknown;
	int rc;

	if (!json_is_object(company) || !erp_json_has_only_keys(company, keys, 3, &unknown))
		return script_fail(ctx, EX_DATAERR,
				   "%s: \"company\" must be an object of code, name and currency", d->path);
	rc = text(ctx, d, "company", company, "code", 1, 20, true, &d->code);
	if (!rc)
		rc = text(ctx, d, "company", company, "name", 1, 200, true, &d->name);
	if (!rc)
		rc = text(ctx, d, "company", company, "currency", 3, 3, true, &d->currency);
	if (rc)
		return rc;
	currency = erp_currency_find(d->currency);
	if (!currency)
		return script_fail(ctx, EX_DATAERR, "%s: company: unknown currency %s", d->path,
				   d->currency);
	d->exponent = currency->exponent;
	return 0;
}

static int load_users(struct script_ctx *ctx, struct demo *d, json_t *root)
{
	static const char *const keys[] = { "email", "name", "role" };
	json_t *users, *user;
	size_t i;
	int rc = array(ctx, d, "", root, "users", 1, USERS_MAX, &users);

	if (rc)
		return rc;
	d->user_count = json_array_size(users);
	d->users = arena_calloc(script_arena(ctx), d->user_count, sizeof(*d->users));
	if (!d->users)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(users, i, user) {
		struct demo_user *u = &d->users[i];
		char where[32];
		const char *unknown;

		snprintf(where, sizeof(where), "users[%zu]", i);
		if (!json_is_object(user) || !erp_json_has_only_keys(user, keys, 3, &unknown))
			return script_fail(ctx, EX_DATAERR, "%s: %s must be an object of email, name and role",
					   d->path, where);
		rc = text(ctx, d, where, user, "email", 3, EMAIL_MAX, true, &u->email);
		if (!rc)
			rc = text(ctx, d, where, user, "name", 1, 200, true, &u->name);
		if (!rc)
			rc = text(ctx, d, where, user, "role", 1, 64, true, &u->role);
		if (rc)
			return rc;
		if (!is_plain_email(u->email))
			return script_fail(ctx, EX_DATAERR,
					   "%s: %s: email must be lower-case letters, digits, . _ + - and one @",
					   d->path, where);
		if (!script_is_role_name(u->role))
			return script_fail(ctx, EX_DATAERR, "%s: %s: \"%s\" is not a role name", d->path,
					   where, u->role);
		if (find_user(d, u->email) != u)
			return script_fail(ctx, EX_DATAERR, "%s: %s is listed twice", d->path, u->email);
	}
	return 0;
}

static int load_accounts(struct script_ctx *ctx, struct demo *d, json_t *root)
{
	static const char *const keys[] = { "code", "name", "type", "parent" };
	json_t *accounts, *account;
	size_t i;
	int rc = array(ctx, d, "", root, "accounts", 1, ACCOUNTS_MAX, &accounts);

	if (rc)
		return rc;
	d->account_count = json_array_size(accounts);
	d->accounts = arena_calloc(script_arena(ctx), d->account_count, sizeof(*d->accounts));
	if (!d->accounts)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(accounts, i, account) {
		struct demo_account *a = &d->accounts[i];
		char where[32];
		const char *unknown;

		snprintf(where, sizeof(where), "accounts[%zu]", i);
		if (!json_is_object(account) || !erp_json_has_only_keys(account, keys, 4, &unknown))
			return script_fail(ctx, EX_DATAERR,
					   "%s: %s must be an object of code, name, type and parent",
					   d->path, where);
		rc = text(ctx, d, where, account, "code", 1, 20, true, &a->code);
		if (!rc)
			rc = text(ctx, d, where, account, "name", 1, 200, true, &a->name);
		if (!rc)
			rc = text(ctx, d, where, account, "type", 1, 20, true, &a->type);
		if (!rc)
			rc = text(ctx, d, where, account, "parent", 1, 20, false, &a->parent);
		if (rc)
			return rc;
		if (find_account(d, i, a->code))
			return script_fail(ctx, EX_DATAERR, "%s: account %s is listed twice", d->path,
					   a->code);
		/* Parents first: each account's parent exists when the account is written. */
		if (a->parent && !find_account(d, i, a->parent))
			return script_fail(ctx, EX_DATAERR,
					   "%s: account %s: its parent %s must be listed before it",
					   d->path, a->code, a->parent);
	}
	return 0;
}

static int load_lines(struct script_ctx *ctx, struct demo *d, const char *where, json_t *entry,
		      struct demo_entry *e)
{
	static const char *const keys[] = { "account", "debit", "credit", "description" };
	int64_t debits = 0, credits = 0;
	json_t *lines, *line;
	size_t i;
	int rc = array(ctx, d, where, entry, "lines", 2, LINES_MAX, &lines);

	if (rc)
		return rc;
	e->line_count = json_array_size(lines);
	e->lines = arena_calloc(script_arena(ctx), e->line_count, sizeof(*e->lines));
	if (!e->lines)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(lines, i, line) {
		struct demo_line *l = &e->lines[i];
		const char *unknown, *debit, *credit;
		int parsed;

		if (!json_is_object(line) || !erp_json_has_only_keys(line, keys, 4, &unknown))
			return script_fail(ctx, EX_DATAERR,
					   "%s: %s: lines[%zu] must be an object of account, debit or"
					   " credit, and description", d->path, where, i);
		rc = text(ctx, d, where, line, "account", 1, 20, true, &l->account);
		if (!rc)
			rc = text(ctx, d, where, line, "debit", 1, ERP_MONEY_TEXT_MAX, false, &debit);
		if (!rc)
			rc = text(ctx, d, where, line, "credit", 1, ERP_MONEY_TEXT_MAX, false, &credit);
		if (!rc)
			rc = text(ctx, d, where, line, "description", 1, 500, false, &l->description);
		if (rc)
			return rc;
		if (!find_account(d, d->account_count, l->account))
			return script_fail(ctx, EX_DATAERR, "%s: %s: lines[%zu]: account %s is not in"
					   " \"accounts\"", d->path, where, i, l->account);
		if (!debit == !credit)
			return script_fail(ctx, EX_DATAERR, "%s: %s: lines[%zu] needs exactly one of debit"
					   " and credit", d->path, where, i);
		parsed = erp_money_parse(debit ? debit : credit, d->exponent, 0,
					 debit ? &l->debit_minor : &l->credit_minor);
		if (parsed != ERP_MONEY_OK || (debit ? l->debit_minor : l->credit_minor) == 0)
			return script_fail(ctx, EX_DATAERR, "%s: %s: lines[%zu]: %s", d->path, where, i,
					   parsed != ERP_MONEY_OK ? erp_money_parse_message(parsed)
								  : "the amount must be positive");
		if (!erp_money_add(debits, l->debit_minor, &debits) ||
		    !erp_money_add(credits, l->credit_minor, &credits))
			return script_fail(ctx, EX_DATAERR, "%s: %s: the amounts overflow", d->path, where);
	}
	if (debits != credits)
		return script_fail(ctx, EX_DATAERR, "%s: %s does not balance: debits %lld, credits %lld"
				   " (minor units)", d->path, where, (long long)debits,
				   (long long)credits);
	return 0;
}

static int load_entries(struct script_ctx *ctx, struct demo *d, json_t *root)
{
	static const char *const keys[] = { "reference", "day", "memo", "author", "poster", "lines" };
	json_t *entries, *entry, *day;
	size_t i;
	int rc = array(ctx, d, "", root, "entries", 0, ENTRIES_MAX, &entries);

	if (rc)
		return rc;
	d->entry_count = json_array_size(entries);
	d->entries = arena_calloc(script_arena(ctx), d->entry_count + 1, sizeof(*d->entries));
	if (!d->entries)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(entries, i, entry) {
		struct demo_entry *e = &d->entries[i];
		const char *unknown, *author, *poster;
		char where[32];

		snprintf(where, sizeof(where), "entries[%zu]", i);
		if (!json_is_object(entry) || !erp_json_has_only_keys(entry, keys, 6, &unknown))
			return script_fail(ctx, EX_DATAERR, "%s: %s must be an object of reference, day,"
					   " memo, author, poster and lines", d->path, where);
		rc = text(ctx, d, where, entry, "reference", 1, 100, true, &e->reference);
		if (!rc)
			rc = text(ctx, d, where, entry, "memo", 1, 500, true, &e->memo);
		if (!rc)
			rc = text(ctx, d, where, entry, "author", 3, EMAIL_MAX, true, &author);
		if (!rc)
			rc = text(ctx, d, where, entry, "poster", 3, EMAIL_MAX, false, &poster);
		if (rc)
			return rc;
		day = json_object_get(entry, "day");
		if (!json_is_integer(day) || json_integer_value(day) < 1 || json_integer_value(day) > 28)
			return script_fail(ctx, EX_DATAERR, "%s: %s: \"day\" must be 1..28", d->path,
					   where);
		e->day = (int)json_integer_value(day);
		e->author = find_user(d, author);
		e->poster = poster ? find_user(d, poster) : NULL;
		if (!e->author || (poster && !e->poster))
			return script_fail(ctx, EX_DATAERR, "%s: %s: author and poster must be in \"users\"",
					   d->path, where);
		/* Four-eyes, said before the database says it. */
		if (e->poster == e->author)
			return script_fail(ctx, EX_DATAERR, "%s: %s: four-eyes: its author cannot post it",
					   d->path, where);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->entries[j].reference, e->reference) == 0)
				return script_fail(ctx, EX_DATAERR, "%s: reference %s is used twice",
						   d->path, e->reference);
		rc = load_lines(ctx, d, where, entry, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int prepare(struct script_ctx *ctx)
{
	static const char *const keys[] = { "comment", "company", "users", "accounts", "entries" };
	struct demo *d = arena_calloc(script_arena(ctx), 1, sizeof(*d));
	const char *unknown;
	json_error_t error;
	json_t *root;
	int rc;

	if (!d)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	d->path = script_flag(ctx, "data") ? script_flag(ctx, "data") : DEFAULT_DATA;
	d->password_dir = script_flag(ctx, "passwords");
	if (!*d->password_dir)
		return script_fail(ctx, EX_USAGE, "--passwords must name a directory");
	if (access(d->path, R_OK) != 0)
		return script_fail(ctx, EX_NOINPUT, "cannot read the demo data %s: %s", d->path,
				   strerror(errno));
	root = json_load_file(d->path, JSON_REJECT_DUPLICATES, &error);
	if (!root)
		return script_fail(ctx, EX_DATAERR, "%s:%d:%d: %s", d->path, error.line, error.column,
				   error.text);
	if (arena_cleanup_add(script_arena(ctx), free_json, root))
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (!json_is_object(root) || !erp_json_has_only_keys(root, keys, 5, &unknown))
		return script_fail(ctx, EX_DATAERR, "%s: expected an object of company, users, accounts"
				   " and entries (and comment)", d->path);
	rc = load_company(ctx, d, root);
	if (!rc)
		rc = load_users(ctx, d, root);
	if (!rc)
		rc = load_accounts(ctx, d, root);
	if (!rc)
		rc = load_entries(ctx, d, root);
	if (!rc)
		script_set_data(ctx, d);
	return rc;
}

/* --- passwords ---------------------------------------------------------------------------------- */

/* The file of email's password in --passwords (arena text). */
static const char *password_path(struct script_ctx *ctx, const struct demo *d, const char *email)
{
	return arena_printf(script_arena(ctx), "%s/%s", d->password_dir, email);
}

/* The first line of path into buf: 1 read, 0 no such file, -1 unreadable or not 12..1024 bytes. */
static int read_password(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t got;
	size_t length;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	got = read(fd, buf, size - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	length = strcspn(buf, "\r\n");
	buf[length] = '\0';
	return length >= PASSWORD_MIN && length <= PASSWORD_MAX ? 1 : -1;
}

/* Writes password and a newline to path, mode 600, whole or not at all (a temporary file renamed). */
static int write_password(struct script_ctx *ctx, const struct demo *d, const char *path,
			  const char *password)
{
	const char *temporary = arena_printf(script_arena(ctx), "%s.tmp-%ld", path, (long)getpid());
	size_t length = strlen(password);
	int fd, rc = 0;

	if (!temporary)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (mkdir(d->password_dir, 0700) != 0 && errno != EEXIST)
		return script_fail(ctx, EX_CANTCREAT, "cannot create %s: %s", d->password_dir,
				   strerror(errno));
	fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return script_fail(ctx, EX_CANTCREAT, "cannot create %s: %s", temporary,
				   strerror(errno));
	if (write(fd, password, length) != (ssize_t)length || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(temporary, path) != 0)
		rc = -1;
	if (rc) {
		rc = script_fail(ctx, EX_CANTCREAT, "cannot write %s: %s", path, strerror(errno));
		unlink(temporary);
	}
	return rc;
}

/*
 * The argon2id hash (as the server makes it) of the password for a user about
 * to be created: the one in its file, else a new one written there first, so
 * the file never lacks the password of a user that exists. A dry run writes
 * nothing.
 */
static int password_hash(struct script_ctx *ctx, const struct demo *d, const char *email,
			 char hash[crypto_pwhash_STRBYTES])
{
	const char *path = password_path(ctx, d, email);
	char password[PASSWORD_MAX + 2];
	unsigned char random[PASSWORD_RANDOM_BYTES];
	int found, rc = 0;

	if (!path)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	found = read_password(path, password, sizeof(password));
	if (found < 0)
		return script_fail(ctx, EX_DATAERR, "%s is unreadable or not one line of %d..%d bytes",
				   path, PASSWORD_MIN, PASSWORD_MAX);
	if (!found) {
		randombytes_buf(random, sizeof(random));
		sodium_bin2base64(password, sizeof(password), random, sizeof(random),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		sodium_memzero(random, sizeof(random));
		if (script_dry_run(ctx))
			script_note(ctx, "dry run: would write a new password to %s", path);
		else
			rc = write_password(ctx, d, path, password);
	}
	if (!rc && crypto_pwhash_str(hash, password, strlen(password),
				     crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		rc = script_fail(ctx, EX_SOFTWARE, "out of memory while hashing a password");
	sodium_memzero(password, sizeof(password));
	return rc;
}

/* --- work ----------------------------------------------------------------------------------------- */

static void new_id(char out[UUID_TEXT])
{
	struct erp_uuid uuid;

	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, out);
}

/* {"field": {"old": null, "new": value}, ...}: the changes of a creation, from its values. */
static json_t *created(json_t *values)
{
	json_t *changes = values ? json_object() : NULL;
	const char *key;
	json_t *value;

	json_object_foreach(values, key, value)
		if (json_object_set_new(changes, key, json_pack("{s:n, s:O}", "old", "new", value)))
			json_decref(changes), changes = NULL;
	json_decref(values);
	return changes;
}

/* An event of the IAM audit trail, with changes (a new reference, taken; NULL: out of memory). */
static int audit(struct script_ctx *ctx, const char *action, const char *entity,
		 const char *entity_id, const char *company_id, json_t *changes)
{
	char *text = changes ? json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *copy = text ? arena_strdup(script_arena(ctx), text) : NULL;

	free(text);
	json_decref(changes);
	if (!copy)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	return script_audit_event(ctx, action, entity, entity_id, company_id, copy);
}

/* One row expected; *out its result. 0, -1 when none, or the value of script_query(). */
static int one_row(struct script_ctx *ctx, const struct db_statement *st, int count,
		   const char *const *params, PGresult **out)
{
	int rc = script_query(ctx, st, count, params, out);

	return rc ? rc : PQntuples(*out) > 0 ? 0 : -1;
}

static const char *column(PGresult *res, const char *name)
{
	int c = PQfnumber(res, name);

	return c < 0 || PQntuples(res) == 0 || PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
}

static int ensure_company(struct script_ctx *ctx, struct demo *d)
{
	const char *params[] = { d->code };
	PGresult *res;
	int rc = one_row(ctx, &company_by_code, 1, params, &res);

	if (rc > 0)
		return rc;
	if (rc == 0) {
		snprintf(d->company_id, sizeof(d->company_id), "%s", column(res, "id"));
		if (strcmp(column(res, "currency"), d->currency) != 0)
			return script_fail(ctx, EX_DATAERR, "company %s exists with currency %s; the demo"
					   " data is in %s", d->code, column(res, "currency"),
					   d->currency);
		d->existed++;
		return 0;
	}
	new_id(d->company_id);
	{
		const char *insert[] = { d->company_id, d->code, d->name, d->currency };

		rc = script_query(ctx, &insert_company, 4, insert, NULL);
	}
	if (rc)
		return rc;
	script_change(ctx, "companies", "created company %s (%s, %s)", d->code, d->name, d->currency);
	return audit(ctx, "iam.company.created", "company", d->company_id, d->company_id,
		     created(json_pack("{s:s, s:s, s:s}", "code", d->code, "name", d->name, "currency",
			       d->currency)));
}

static int ensure_user(struct script_ctx *ctx, struct demo *d, struct demo_user *u)
{
	char hash[crypto_pwhash_STRBYTES];
	const char *params[] = { u->email };
	PGresult *res;
	int rc = one_row(ctx, &user_by_email, 1, params, &res);

	if (rc > 0)
		return rc;
	if (rc == 0) {
		snprintf(u->id, sizeof(u->id), "%s", column(res, "id"));
		if (strcmp(column(res, "active"), "t") != 0)
			return script_fail(ctx, EX_DATAERR, "%s exists but is deactivated; reactivate the"
					   " user or start over", u->email);
		d->existed++;
		return 0;
	}
	rc = password_hash(ctx, d, u->email, hash);
	if (rc)
		return rc;
	new_id(u->id);
	{
		const char *insert[] = { u->id, u->email, u->name, hash };

		rc = script_query(ctx, &insert_user, 4, insert, NULL);
	}
	sodium_memzero(hash, sizeof(hash));
	if (rc)
		return rc;
	script_change(ctx, "users", "created user %s (%s)", u->email, u->name);
	return audit(ctx, "iam.user.created", "user", u->id, NULL,
		     created(json_pack("{s:s, s:s, s:b}", "email", u->email, "display_name",
				       u->name, "active", 1)));
}

/* The user's role in the company, granted as erp-grant-role grants it. *granted: a change. */
static int ensure_grant(struct script_ctx *ctx, struct demo *d, const struct demo_user *u,
			bool *granted)
{
	const char *role_id, *by_name[] = { u->role }, *user[] = { u->id };
	char id[UUID_TEXT];
	PGresult *res;
	int rc = one_row(ctx, &lock_role, 1, by_name, &res);

	if (rc)
		return rc > 0 ? rc : script_fail(ctx, EX_DATAERR, "there is no role %s: run"
						 " erp-seed-roles first", u->role);
	role_id = column(res, "id");
	rc = script_query(ctx, &lock_user, 1, user, NULL);
	if (rc)
		return rc;
	{
		const char *params[] = { u->id, role_id, d->company_id };

		rc = script_query(ctx, &holds_role, 3, params, &res);
		if (rc || PQntuples(res) > 0) {
			d->existed += !rc;
			return rc;
		}
		rc = script_query(ctx, &conflicts, 3, params, &res);
		if (rc)
			return rc;
		if (PQntuples(res) > 0)
			return script_fail(ctx, EX_DATAERR, "granting %s to %s in %s would break"
					   " segregation of duties (%s / %s); this script never"
					   " overrides", u->role, u->email, d->code,
					   PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	}
	new_id(id);
	{
		const char *reason = script_reason(ctx) ? script_reason(ctx) : "erp-seed-demo";
		const char *params[] = { id, u->id, role_id, d->company_id, reason };

		rc = script_query(ctx, &insert_assignment, 5, params, NULL);
	}
	if (rc)
		return rc;
	*granted = true;
	script_change(ctx, "role_assignments", "granted %s to %s in %s", u->role, u->email, d->code);
	return audit(ctx, "iam.assignment.granted", "role_assignment", id, d->company_id,
		     created(json_pack("{s:s, s:s, s:s}", "role", u->role, "company", d->code, "user",
				       u->id)));
}

static int ensure_people(struct script_ctx *ctx, struct demo *d)
{
	bool granted = false;
	PGresult *res;
	int rc = 0;

	for (size_t i = 0; !rc && i < d->user_count; i++)
		rc = ensure_user(ctx, d, &d->users[i]);
	for (size_t i = 0; !rc && i < d->user_count; i++)
		rc = ensure_grant(ctx, d, &d->users[i], &granted);
	if (rc || !granted)
		return rc;
	rc = script_query(ctx, &bump_authz, 0, NULL, &res);
	if (!rc)
		script_change(ctx, "authz_version", "bumped to %s (servers re-derive permissions)",
			      PQgetvalue(res, 0, 0));
	return rc;
}

static int ensure_accounts(struct script_ctx *ctx, struct demo *d)
{
	char exponent[8];
	int rc = 0;

	snprintf(exponent, sizeof(exponent), "%d", d->exponent);
	for (size_t i = 0; !rc && i < d->account_count; i++) {
		const struct demo_account *a = &d->accounts[i];
		const char *key[] = { d->company_id, a->code };
		char id[UUID_TEXT];
		PGresult *res;

		rc = one_row(ctx, &account_by_code, 2, key, &res);
		if (rc > 0)
			break;
		if (rc == 0) {
			d->existed++;
			continue;
		}
		new_id(id);
		{
			const char *insert[] = { id, d->company_id, a->code, a->name, a->type, a->parent,
						 d->currency, exponent };

			rc = script_query(ctx, &insert_account, 8, insert, NULL);
		}
		if (rc)
			break;
		script_change(ctx, "ledger_accounts", "created account %s %s (%s%s%s)", a->code,
			      a->name, a->type, a->parent ? ", under " : "", a->parent ? a->parent : "");
		rc = audit(ctx, "ledger.account.created", "account", id, d->company_id,
			   created(json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b}", "code", a->code,
					     "name", a->name, "type", a->type, "currency",
					     d->currency, "parent", a->parent, "active", 1)));
	}
	return rc;
}

static int ensure_fiscal_year(struct script_ctx *ctx, struct demo *d)
{
	char year[8], ids[12 * (UUID_TEXT + 1) + 3];
	const char *key[] = { d->company_id, year };
	PGresult *res;
	size_t n = 0;
	int rc;

	snprintf(year, sizeof(year), "%d", d->year);
	rc = script_query(ctx, &year_periods, 2, key, &res);
	if (rc)
		return rc;
	if (strcmp(column(res, "own"), "0") != 0) {
		d->existed++;
		return 0;
	}
	if (strcmp(column(res, "overlapping"), "0") != 0)
		return script_fail(ctx, EX_DATAERR, "periods of %s already cover part of %d under"
				   " another fiscal year; the demo needs %d as a calendar year",
				   d->code, d->year, d->year);
	ids[n++] = '{';
	for (int month = 0; month < 12; month++) {
		char id[UUID_TEXT];

		new_id(id);
		n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s%s", month ? "," : "", id);
	}
	snprintf(ids + n, sizeof(ids) - n, "}");
	{
		const char *insert[] = { d->company_id, year, ids };

		rc = script_query(ctx, &insert_year, 3, insert, NULL);
	}
	if (rc)
		return rc;
	script_change(ctx, "ledger_periods", "created fiscal year %d of %s: twelve open months",
		      d->year, d->code);
	return audit(ctx, "ledger.fiscal_year.created", "fiscal_year", year, d->company_id,
		     created(json_pack("{s:i, s:i, s:i}", "fiscal_year", d->year, "first_month", 1,
				       "periods", 12)));
}

/* Whether user holds permission in the company (its roles there, and global ones). */
static int require_permission(struct script_ctx *ctx, const struct demo *d,
			      const struct demo_user *u, const char *permission, const char *what)
{
	const char *params[] = { u->id, d->company_id, permission };
	PGresult *res;
	int rc = script_query(ctx, &holds_permission, 3, params, &res);

	if (rc)
		return rc;
	if (strcmp(column(res, "holds"), "t") != 0)
		return script_fail(ctx, EX_DATAERR, "%s cannot %s in %s: no %s", u->email, what,
				   d->code, permission);
	return 0;
}

/* The lines for insert_entry: [{line_no, account, debit, credit, description}] (arena text). */
static char *lines_json(struct script_ctx *ctx, const struct demo_entry *e)
{
	json_t *rows = json_array();
	char *text, *copy = NULL;

	for (size_t i = 0; rows && i < e->line_count; i++) {
		const struct demo_line *l = &e->lines[i];

		if (json_array_append_new(rows, json_pack("{s:I, s:s, s:I, s:I, s:s?}", "line_no",
							  (json_int_t)(i + 1), "account", l->account,
							  "debit", (json_int_t)l->debit_minor, "credit",
							  (json_int_t)l->credit_minor, "description",
							  l->description)))
			json_decref(rows), rows = NULL;
	}
	text = rows ? json_dumps(rows, JSON_COMPACT) : NULL;
	if (text)
		copy = arena_strdup(script_arena(ctx), text);
	free(text);
	json_decref(rows);
	return copy;
}

/* Writes the draft as its author would; *date is its date. */
static int create_draft(struct script_ctx *ctx, struct demo *d, const struct demo_entry *e,
			const char *id, const char *date)
{
	char *lines = lines_json(ctx, e);
	const char *params[] = { id, d->company_id, date, e->memo, e->reference, e->author->id, lines };
	PGresult *res;
	int rc;

	if (!lines)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	rc = require_permission(ctx, d, e->author, "ledger.journal.create", "write entries");
	if (!rc)
		rc = script_query(ctx, &insert_entry, 7, params, &res);
	if (rc)
		return rc;
	if (strtol(PQcmdTuples(res), NULL, 10) != (long)e->line_count)
		return script_fail(ctx, EX_DATAERR, "entry %s: an account of its lines is not in %s",
				   e->reference, d->code);
	script_change(ctx, "ledger_entries", "%s: draft dated %s by %s: %s", e->reference, date,
		      e->author->email, e->memo);
	return audit(ctx, "ledger.journal.created", "journal_entry", id, d->company_id,
		     created(json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "status", "draft", "date",
				       date, "memo", e->memo, "reference", e->reference, "author_id",
				       e->author->id, "lines", json_loads(lines, 0, NULL))));
}

/* Posts the draft as its poster would: the server's locks and rules, the next gapless number. */
static int post_draft(struct script_ctx *ctx, struct demo *d, const struct demo_entry *e,
		      const char *id)
{
	const char *entry[] = { id }, *company[] = { d->company_id };
	const char *period_status, *fiscal_year, *entry_date;
	char number[32];
	PGresult *res, *period;
	int rc;

	rc = require_permission(ctx, d, e->poster, "ledger.journal.post", "post entries");
	if (!rc)
		rc = script_query(ctx, &post_lock_entry, 1, entry, &res);
	if (rc)
		return rc;
	entry_date = column(res, "entry_date");
	if (strcmp(column(res, "status"), "draft") != 0)
		return script_fail(ctx, EX_DATAERR, "entry %s is already posted", e->reference);
	if (strcmp(column(res, "author_active"), "t") != 0)
		return script_fail(ctx, EX_DATAERR, "entry %s: its author is deactivated", e->reference);
	if (strcmp(column(res, "balanced"), "t") != 0)
		return script_fail(ctx, EX_DATAERR, "entry %s does not balance", e->reference);
	{
		const char *params[] = { d->company_id, entry_date };

		rc = script_query(ctx, &post_share_period, 2, params, &period);
	}
	if (!rc)
		rc = script_query(ctx, &post_share_company, 1, company, NULL);
	if (!rc)
		rc = script_query(ctx, &post_share_accounts, 1, entry, &res);
	if (rc)
		return rc;
	period_status = column(period, "status");
	fiscal_year = column(period, "fiscal_year");
	if (!period_status || strcmp(period_status, "open") != 0)
		return script_fail(ctx, EX_DATAERR, "entry %s: %s is in no open period", e->reference,
				   entry_date);
	if (column(res, "inactive"))
		return script_fail(ctx, EX_DATAERR, "entry %s: inactive accounts refuse postings: %s",
				   e->reference, column(res, "inactive"));
	{
		const char *params[] = { d->company_id, fiscal_year };

		rc = script_query(ctx, &post_next_number, 2, params, &res);
	}
	if (rc)
		return rc;
	/* The ledger's number: JE-<fiscal year>-<sequence> (modules/ledger/service.c). */
	snprintf(number, sizeof(number), "JE-%04d-%06d", (int)strtol(fiscal_year, NULL, 10),
		 (int)strtol(column(res, "last_number"), NULL, 10));
	{
		const char *stamp[] = { id, entry_date };
		const char *mark[] = { id, fiscal_year, column(res, "last_number"), number,
				       e->poster->id };

		rc = script_query(ctx, &post_stamp_lines, 2, stamp, NULL);
		if (!rc)
			rc = script_query(ctx, &post_mark, 5, mark, &res);
	}
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(res), "1") != 0)
		return script_fail(ctx, EX_DATAERR, "entry %s was not a draft any more", e->reference);
	rc = script_query(ctx, &post_seal, 1, company, NULL);
	if (rc)
		return rc;
	script_change(ctx, "ledger_entries", "%s: posted as %s by %s", e->reference, number,
		      e->poster->email);
	return audit(ctx, "ledger.journal.posted", "journal_entry", id, d->company_id,
		     json_pack("{s:{s:s, s:s}, s:{s:n, s:s}, s:{s:n, s:s}}", "status", "old", "draft",
			       "new", "posted", "number", "old", "new", number, "posted_by", "old",
			       "new", e->poster->id));
}

static int ensure_entries(struct script_ctx *ctx, struct demo *d)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < d->entry_count; i++) {
		const struct demo_entry *e = &d->entries[i];
		const char *key[] = { d->company_id, e->reference };
		char id[UUID_TEXT], day[8];
		PGresult *res;

		rc = one_row(ctx, &entry_by_reference, 2, key, &res);
		if (rc > 0)
			break;
		if (rc == 0) {
			d->existed++;
			continue;
		}
		snprintf(day, sizeof(day), "%d", e->day);
		{
			const char *params[] = { d->today, day };

			rc = script_query(ctx, &date_of_day, 2, params, &res);
		}
		if (rc)
			break;
		new_id(id);
		rc = create_draft(ctx, d, e, id, column(res, "date"));
		if (!rc && e->poster)
			rc = post_draft(ctx, d, e, id);
		if (!rc) {
			d->posted += e->poster != NULL;
			d->drafts += e->poster == NULL;
		}
	}
	return rc;
}

static int read_clock(struct script_ctx *ctx, struct demo *d)
{
	PGresult *res;
	int rc = script_query(ctx, &clock, 0, NULL, &res);

	if (rc)
		return rc;
	d->today = column(res, "today"); /* YYYY-MM-DD; lives as long as the run */
	d->year = (int)strtol(column(res, "year"), NULL, 10);
	return 0;
}

static void report_logins(struct script_ctx *ctx, const struct demo *d)
{
	for (size_t i = 0; i < d->user_count; i++) {
		const struct demo_user *u = &d->users[i];
		const char *path = password_path(ctx, d, u->email);

		script_note(ctx, "login %s: %s in %s, password in %s%s", u->email, u->role, d->code,
			    path ? path : d->password_dir,
			    path && access(path, R_OK) != 0 && !script_dry_run(ctx)
				    ? " (missing: the user was made by an earlier run whose file is gone)"
				    : "");
	}
}

static int work(struct script_ctx *ctx)
{
	struct demo *d = script_data(ctx);
	int rc = script_query(ctx, &lock_seed, 0, NULL, NULL);

	if (!rc)
		rc = read_clock(ctx, d);
	if (!rc)
		rc = ensure_company(ctx, d);
	if (!rc)
		rc = ensure_people(ctx, d);
	if (!rc)
		rc = ensure_accounts(ctx, d);
	if (!rc)
		rc = ensure_fiscal_year(ctx, d);
	if (!rc)
		rc = ensure_entries(ctx, d);
	if (rc)
		return rc;
	report_logins(ctx, d);
	if (script_change_count(ctx) == 0)
		script_note(ctx, "demo company %s is complete (%ld parts checked): nothing to do",
			    d->code, d->existed);
	else
		script_note(ctx, "demo company %s: %zu users, %zu accounts, fiscal year %d, %ld entries"
			    " posted and %ld drafts written now (%ld parts existed already)", d->code,
			    d->user_count, d->account_count, d->year, d->posted, d->drafts, d->existed);
	return 0;
}

static const struct script_descriptor descriptor = {
	.name = "seed-demo",
	.summary = "Seeds a demo company to try the API with: users, roles, accounts, a fiscal year,"
		   " entries.",
	.details = "Reads the demo data (--data) and creates what is missing: the company, its\n"
		   "users with their role in it (granted as erp-grant-role grants), the chart of\n"
		   "accounts, an open fiscal year for the current year, and the entries, each\n"
		   "written by its author and, when it names a poster, posted by that other user.\n"
		   "A user it creates gets the password kept in --passwords DIR/<email>, or a new\n"
		   "random one written there (mode 600); passwords are never printed or audited.",
	.idempotent = true,
	.development_only = true,
	.flags = flags,
	.flag_count = sizeof(flags) / sizeof(flags[0]),
	.prepare = prepare,
	.work = work,
};

int main(int argc, char **argv)
{
	return script_main(argc, argv, &descriptor);
}
