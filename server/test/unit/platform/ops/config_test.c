#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/ops/config.h"
#include "test/support/check_main.h"

/*
 * The environment of one test: NAME, value pairs, NULL-terminated. The
 * lookup also records every name it is asked for, so a test can prove the
 * loader reads the table's variables and nothing else.
 */
enum { MAX_ASKED = 128 };

struct fake_env {
	const char *const *pairs;
	const char *asked[MAX_ASKED];
	size_t asked_count;
};

static const char *fake_lookup(const char *name, void *ctx)
{
	struct fake_env *env = ctx;

	if (env->asked_count < MAX_ASKED)
		env->asked[env->asked_count++] = name;
	for (const char *const *p = env->pairs; p && p[0]; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static int load(struct erp_config *cfg, const char *const *pairs, char *err, size_t err_size)
{
	struct fake_env env = { .pairs = pairs };

	return config_load(cfg, fake_lookup, &env, err, err_size);
}

/* Loads and requires success; the caller releases cfg. */
static void load_ok(struct erp_config *cfg, const char *const *pairs)
{
	char err[256] = "";

	ck_assert_msg(load(cfg, pairs, err, sizeof(err)) == 0, "config_load: %s", err);
}

static const struct erp_config_var *variable(const char *name)
{
	size_t count;
	const struct erp_config_var *vars = config_variables(&count);

	for (size_t i = 0; i < count; i++)
		if (strcmp(vars[i].name, name) == 0)
			return &vars[i];
	return NULL;
}

/* --- defaults and good values ---------------------------------------------------- */

START_TEST(test_defaults)
{
	struct erp_config cfg;

	load_ok(&cfg, NULL);
	ck_assert_str_eq(cfg.database_url, "postgresql:///erp");
	ck_assert_str_eq(cfg.http_addr, "127.0.0.1");
	ck_assert_uint_eq(cfg.http_port, 8080);
	ck_assert_int_eq(cfg.env, ERP_ENV_DEVELOPMENT);
	/* auto: two worker threads per online core */
	ck_assert_uint_eq(cfg.threads, 2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_int_eq(cfg.log_level, ERP_LOG_INFO);
	ck_assert_int_eq(cfg.log_format, ERP_LOG_FORMAT_JSON);
	ck_assert_uint_eq(cfg.cors_origin_count, 0);
	ck_assert_ptr_null(cfg.cors_origins[0]);
	ck_assert_uint_eq(cfg.max_body_bytes, 1048576);
	ck_assert_uint_eq(cfg.max_json_depth, 32);
	ck_assert_uint_eq(cfg.connection_timeout_s, 30);
	ck_assert_uint_eq(cfg.max_connections, 1024);
	ck_assert_uint_eq(cfg.max_connections_per_ip, 256);
	ck_assert_uint_eq(cfg.connection_memory_bytes, 32768);
	ck_assert_uint_eq(cfg.shutdown_grace_s, 10);
	ck_assert_uint_eq(cfg.db_statement_timeout_ms, 10000);
	ck_assert_uint_eq(cfg.db_connect_timeout_s, 3);
	ck_assert_str_eq(cfg.migrations_dir, "server/prisma/migrations");
	ck_assert_uint_eq(cfg.login_max_successes, 30);
	ck_assert_uint_eq(cfg.sessions_max_per_user, 10);
	ck_assert_uint_eq(cfg.rate_limit_per_user, 100);
	ck_assert_uint_eq(cfg.rate_limit_burst, 200);
	ck_assert_uint_eq(cfg.idempotency_retention_hours, 24);
	/* auto: a quarter of the workers hash passwords at once, at least one */
	ck_assert_uint_eq(cfg.password_hash_concurrency, cfg.threads >= 4 ? cfg.threads / 4 : 1);
	config_release(&cfg);
}
END_TEST

/* Setting every variable to its documented default gives the same as not setting it. */
START_TEST(test_table_defaults_are_what_unset_variables_get)
{
	size_t count;
	const struct erp_config_var *vars = config_variables(&count);
	const char *pairs[2 * 64 + 1];
	struct erp_config implicit, explicit;
	size_t n = 0;

	ck_assert_uint_le(count, 64);
	for (size_t i = 0; i < count; i++) {
		ck_assert_msg(vars[i].default_value != NULL, "%s has no default", vars[i].name);
		pairs[n++] = vars[i].name;
		pairs[n++] = vars[i].default_value;
	}
	pairs[n] = NULL;
	load_ok(&implicit, NULL);
	load_ok(&explicit, pairs);
	ck_assert_str_eq(implicit.database_url, explicit.database_url);
	ck_assert_str_eq(implicit.http_addr, explicit.http_addr);
	ck_assert_str_eq(implicit.migrations_dir, explicit.migrations_dir);
	ck_assert_uint_eq(implicit.http_port, explicit.http_port);
	ck_assert_uint_eq(implicit.threads, explicit.threads);
	ck_assert_uint_eq(implicit.max_body_bytes, explicit.max_body_bytes);
	ck_assert_uint_eq(implicit.connection_memory_bytes, explicit.connection_memory_bytes);
	ck_assert_uint_eq(implicit.db_statement_timeout_ms, explicit.db_statement_timeout_ms);
	config_release(&implicit);
	config_release(&explicit);
}
END_TEST

START_TEST(test_variable_table_is_complete_and_is_what_the_loader_reads)
{
	size_t count;
	const struct erp_config_var *vars = config_variables(&count);
	struct fake_env env = { .pairs = NULL };
	struct erp_config cfg;
	char err[256];

	ck_assert_uint_gt(count, 0);
	for (size_t i = 0; i < count; i++) {
		ck_assert_msg(strncmp(vars[i].name, "ERP_", 4) == 0, "%s", vars[i].name);
		ck_assert_msg(vars[i].accepted && vars[i].accepted[0], "%s", vars[i].name);
		ck_assert_msg(vars[i].description && vars[i].description[0], "%s", vars[i].name);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(vars[i].name, vars[j].name);
	}

	ck_assert_int_eq(config_load(&cfg, fake_lookup, &env, err, sizeof(err)), 0);
	/* Every name asked is in the table, and every table row is asked. */
	for (size_t i = 0; i < env.asked_count; i++)
		ck_assert_msg(variable(env.asked[i]) != NULL, "%s read but not documented",
			      env.asked[i]);
	for (size_t i = 0; i < count; i++) {
		bool asked = false;

		for (size_t j = 0; j < env.asked_count; j++)
			asked = asked || strcmp(env.asked[j], vars[i].name) == 0;
		ck_assert_msg(asked, "%s documented but never read", vars[i].name);
	}
	config_release(&cfg);
}
END_TEST

START_TEST(test_every_variable_set_to_a_good_value)
{
	static const char *const pairs[] = {
		"ERP_DATABASE_URL", "postgresql://erp:secret@db.internal:5432/erp?sslmode=require",
		"ERP_HTTP_ADDR", "::1",
		"ERP_HTTP_PORT", "0",
		"ERP_ENV", "production",
		"ERP_THREADS", "256",
		"ERP_LOG_LEVEL", "debug",
		"ERP_LOG_FORMAT", "text",
		"ERP_CORS_ORIGINS", "https://app.example.com,http://localhost:3000",
		"ERP_MAX_BODY_BYTES", "1024",
		"ERP_MAX_JSON_DEPTH", "256",
		"ERP_CONNECTION_TIMEOUT_S", "3600",
		"ERP_MAX_CONNECTIONS", "65536",
		"ERP_MAX_CONNECTIONS_PER_IP", "1",
		"ERP_MAX_HEADER_BYTES", "1048576",
		"ERP_SHUTDOWN_GRACE_S", "0",
		"ERP_DB_STATEMENT_TIMEOUT_MS", "600000",
		"ERP_DB_CONNECT_TIMEOUT_S", "60",
		"ERP_MIGRATIONS_DIR", "/opt/erp/migrations",
		"ERP_IDEMPOTENCY_RETENTION_HOURS", "8760",
		NULL,
	};
	struct erp_config cfg;

	load_ok(&cfg, pairs);
	ck_assert_str_eq(cfg.database_url,
			 "postgresql://erp:secret@db.internal:5432/erp?sslmode=require");
	ck_assert_str_eq(cfg.http_addr, "::1");
	ck_assert_uint_eq(cfg.http_port, 0);
	ck_assert_int_eq(cfg.env, ERP_ENV_PRODUCTION);
	ck_assert_uint_eq(cfg.threads, 256);
	ck_assert_int_eq(cfg.log_level, ERP_LOG_DEBUG);
	ck_assert_int_eq(cfg.log_format, ERP_LOG_FORMAT_TEXT);
	ck_assert_uint_eq(cfg.cors_origin_count, 2);
	ck_assert_str_eq(cfg.cors_origins[0], "https://app.example.com");
	ck_assert_str_eq(cfg.cors_origins[1], "http://localhost:3000");
	ck_assert_uint_eq(cfg.max_body_bytes, 1024);
	ck_assert_uint_eq(cfg.max_json_depth, 256);
	ck_assert_uint_eq(cfg.connection_timeout_s, 3600);
	ck_assert_uint_eq(cfg.max_connections, 65536);
	ck_assert_uint_eq(cfg.max_connections_per_ip, 1);
	ck_assert_uint_eq(cfg.connection_memory_bytes, 1048576);
	ck_assert_uint_eq(cfg.shutdown_grace_s, 0);
	ck_assert_uint_eq(cfg.db_statement_timeout_ms, 600000);
	ck_assert_uint_eq(cfg.db_connect_timeout_s, 60);
	ck_assert_str_eq(cfg.migrations_dir, "/opt/erp/migrations");
	ck_assert_uint_eq(cfg.idempotency_retention_hours, 8760);
	config_release(&cfg);
}
END_TEST

START_TEST(test_metrics_allow_list)
{
	static const char *const loopback_only[] = { "ERP_METRICS_ALLOW", "127.0.0.1", NULL };
	static const char *const nobody[] = { "ERP_METRICS_ALLOW", "", NULL };
	static const char *const networks[] = { "ERP_METRICS_ALLOW", "10.0.0.0/8,fd00::/8,::1", NULL };
	struct erp_config cfg;

	load_ok(&cfg, NULL); /* the default: loopback, both families */
	ck_assert_uint_eq(cfg.metrics_allow_count, 2);
	ck_assert(config_metrics_allows(&cfg, "127.0.0.1"));
	ck_assert(config_metrics_allows(&cfg, "127.0.0.2"));
	ck_assert(config_metrics_allows(&cfg, "::1"));
	ck_assert(config_metrics_allows(&cfg, "::ffff:127.0.0.1"));
	ck_assert(!config_metrics_allows(&cfg, "10.0.0.1"));
	ck_assert(!config_metrics_allows(&cfg, "::2"));
	ck_assert(!config_metrics_allows(&cfg, "-")); /* an unknown client address */
	config_release(&cfg);

	load_ok(&cfg, loopback_only);
	ck_assert(config_metrics_allows(&cfg, "127.0.0.1"));
	ck_assert(!config_metrics_allows(&cfg, "127.0.0.2"));
	config_release(&cfg);

	load_ok(&cfg, nobody);
	ck_assert_uint_eq(cfg.metrics_allow_count, 0);
	ck_assert(!config_metrics_allows(&cfg, "127.0.0.1"));
	config_release(&cfg);

	load_ok(&cfg, networks);
	ck_assert_uint_eq(cfg.metrics_allow_count, 3);
	ck_assert(config_metrics_allows(&cfg, "10.200.0.7"));
	ck_assert(config_metrics_allows(&cfg, "fd12::7"));
	ck_assert(!config_metrics_allows(&cfg, "11.0.0.1"));
	config_release(&cfg);
}
END_TEST

START_TEST(test_password_hash_concurrency_auto_is_a_quarter_of_the_threads)
{
	static const struct {
		const char *threads;
		unsigned slots;
	} cases[] = { { "1", 1 }, { "3", 1 }, { "4", 1 }, { "8", 2 }, { "32", 8 }, { "256", 64 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *pairs[] = { "ERP_THREADS", cases[i].threads, NULL };
		struct erp_config cfg;

		load_ok(&cfg, pairs);
		ck_assert_msg(cfg.password_hash_concurrency == cases[i].slots, "%s threads: %u slots",
			      cases[i].threads, cfg.password_hash_concurrency);
		config_release(&cfg);
	}
}
END_TEST

START_TEST(test_other_good_values)
{
	static const struct {
		const char *name;
		const char *value;
	} cases[] = {
		{ "ERP_HTTP_PORT", "65535" },         { "ERP_HTTP_PORT", "1" },
		{ "ERP_THREADS", "1" },               { "ERP_ENV", "test" },
		{ "ERP_ENV", "staging" },             { "ERP_LOG_LEVEL", "warn" },
		{ "ERP_LOG_LEVEL", "error" },         { "ERP_LOG_FORMAT", "json" },
		{ "ERP_HTTP_ADDR", "0.0.0.0" },       { "ERP_HTTP_ADDR", "fe80::1" },
		{ "ERP_MAX_BODY_BYTES", "67108864" }, { "ERP_MAX_JSON_DEPTH", "2" },
		{ "ERP_MAX_HEADER_BYTES", "4096" },   { "ERP_SHUTDOWN_GRACE_S", "300" },
		{ "ERP_DB_STATEMENT_TIMEOUT_MS", "0" }, { "ERP_DB_CONNECT_TIMEOUT_S", "1" },
		{ "ERP_DATABASE_URL", "host=/tmp dbname=erp" },
		{ "ERP_LOGIN_MAX_SUCCESSES", "1" },   { "ERP_LOGIN_MAX_SUCCESSES", "10000" },
		{ "ERP_SESSIONS_MAX_PER_USER", "1" }, { "ERP_SESSIONS_MAX_PER_USER", "1000" },
		{ "ERP_PASSWORD_HASH_CONCURRENCY", "1" }, { "ERP_PASSWORD_HASH_CONCURRENCY", "64" },
		{ "ERP_RATE_LIMIT_PER_USER", "0" },   { "ERP_RATE_LIMIT_PER_USER", "100000" },
		{ "ERP_RATE_LIMIT_BURST", "1" },      { "ERP_RATE_LIMIT_BURST", "1000000" },
		{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "24" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *pairs[] = { cases[i].name, cases[i].value, NULL };
		struct erp_config cfg;
		char err[256] = "";

		ck_assert_msg(load(&cfg, pairs, err, sizeof(err)) == 0, "%s=%s refused: %s",
			      cases[i].name, cases[i].value, err);
		config_release(&cfg);
	}
}
END_TEST

/* --- bad values -------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *value;
} bad_values[] = {
	{ "ERP_HTTP_PORT", "70000" },
	{ "ERP_HTTP_PORT", "65536" },
	{ "ERP_HTTP_PORT", "-1" },
	{ "ERP_HTTP_PORT", "" },
	{ "ERP_HTTP_PORT", "80x" },
	{ "ERP_HTTP_PORT", " 80" },
	{ "ERP_HTTP_PORT", "+80" },
	{ "ERP_HTTP_PORT", "0x50" },
	{ "ERP_HTTP_PORT", "99999999999999999999999" },
	{ "ERP_THREADS", "0" },
	{ "ERP_THREADS", "257" },
	{ "ERP_THREADS", "eight" },
	{ "ERP_ENV", "prod" },
	{ "ERP_ENV", "Production" },
	{ "ERP_ENV", "" },
	{ "ERP_LOG_LEVEL", "verbose" },
	{ "ERP_LOG_LEVEL", "INFO" },
	{ "ERP_LOG_FORMAT", "xml" },
	{ "ERP_LOG_FORMAT", "" },
	{ "ERP_MAX_BODY_BYTES", "abc" },
	{ "ERP_MAX_BODY_BYTES", "1023" },
	{ "ERP_MAX_BODY_BYTES", "67108865" },
	{ "ERP_MAX_BODY_BYTES", "1k" },
	{ "ERP_MAX_JSON_DEPTH", "1" },
	{ "ERP_MAX_JSON_DEPTH", "257" },
	{ "ERP_CONNECTION_TIMEOUT_S", "0" },
	{ "ERP_CONNECTION_TIMEOUT_S", "3601" },
	{ "ERP_MAX_CONNECTIONS", "0" },
	{ "ERP_MAX_CONNECTIONS", "65537" },
	{ "ERP_MAX_CONNECTIONS_PER_IP", "0" },
	{ "ERP_MAX_CONNECTIONS_PER_IP", "65537" },
	{ "ERP_MAX_HEADER_BYTES", "4095" },
	{ "ERP_MAX_HEADER_BYTES", "1048577" },
	{ "ERP_SHUTDOWN_GRACE_S", "301" },
	{ "ERP_DB_STATEMENT_TIMEOUT_MS", "600001" },
	{ "ERP_DB_CONNECT_TIMEOUT_S", "0" },
	{ "ERP_DB_CONNECT_TIMEOUT_S", "61" },
	{ "ERP_LOGIN_MAX_SUCCESSES", "0" },
	{ "ERP_LOGIN_MAX_SUCCESSES", "10001" },
	/* Shorter than a day: a client retrying the next morning would create twice. */
	{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "23" },
	{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "0" },
	{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "8761" },
	{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "24h" },
	{ "ERP_METRICS_ALLOW", "localhost" },
	{ "ERP_METRICS_ALLOW", "127.0.0.1, ::1" },
	{ "ERP_METRICS_ALLOW", "127.0.0.1,,::1" },
	{ "ERP_METRICS_ALLOW", "127.0.0.1," },
	{ "ERP_METRICS_ALLOW", ",127.0.0.1" },
	{ "ERP_METRICS_ALLOW", "10.1.0.0/8" },
	{ "ERP_METRICS_ALLOW", "10.0.0.0/33" },
	{ "ERP_METRICS_ALLOW", "*" },
	{ "ERP_RATE_LIMIT_PER_USER", "-1" },
	{ "ERP_RATE_LIMIT_PER_USER", "100001" },
	{ "ERP_RATE_LIMIT_PER_USER", "off" },
	{ "ERP_RATE_LIMIT_BURST", "0" },
	{ "ERP_RATE_LIMIT_BURST", "1000001" },
	{ "ERP_PASSWORD_HASH_CONCURRENCY", "0" },
	{ "ERP_PASSWORD_HASH_CONCURRENCY", "65" },
	{ "ERP_PASSWORD_HASH_CONCURRENCY", "four" },
	{ "ERP_SESSIONS_MAX_PER_USER", "0" },
	{ "ERP_SESSIONS_MAX_PER_USER", "1001" },
	{ "ERP_HTTP_ADDR", "localhost" },
	{ "ERP_HTTP_ADDR", "" },
	{ "ERP_HTTP_ADDR", "127.0.0.1 " },
	{ "ERP_HTTP_ADDR", "10.0.0.1/8" },
	{ "ERP_MIGRATIONS_DIR", "" },
	{ "ERP_CORS_ORIGINS", "https://a.com/path" },
	{ "ERP_CORS_ORIGINS", "https://a.com/" },
	{ "ERP_CORS_ORIGINS", "*" },
	{ "ERP_CORS_ORIGINS", "https://*.a.com" },
	{ "ERP_CORS_ORIGINS", "a.com" },
	{ "ERP_CORS_ORIGINS", "ftp://a.com" },
	{ "ERP_CORS_ORIGINS", "https://" },
	{ "ERP_CORS_ORIGINS", "https://a.com, https://b.com" },
	{ "ERP_CORS_ORIGINS", "https://a.com,,https://b.com" },
	{ "ERP_CORS_ORIGINS", ",https://a.com" },
	{ "ERP_CORS_ORIGINS", "https://a.com," },
	{ "ERP_CORS_ORIGINS", "https://a.com,https://b.com/x" },
	{ "ERP_CORS_ORIGINS", "https://a .com" },
};

/* Each bad value alone: refused, one sentence naming the variable, value and accepted values. */
START_TEST(test_bad_value_refused_naming_the_variable)
{
	const char *name = bad_values[_i].name, *value = bad_values[_i].value;
	const char *pairs[] = { name, value, NULL };
	const struct erp_config_var *var = variable(name);
	struct erp_config cfg;
	char err[512] = "";
	char quoted[128];

	ck_assert_ptr_nonnull(var);
	ck_assert_msg(load(&cfg, pairs, err, sizeof(err)) == -1, "%s=\"%s\" accepted", name, value);
	ck_assert_msg(strstr(err, name) != NULL, "\"%s\" does not name %s", err, name);
	ck_assert_msg(strstr(err, var->accepted) != NULL, "\"%s\" does not say what is accepted",
		      err);
	snprintf(quoted, sizeof(quoted), "=\"%s\"", value);
	ck_assert_msg(strstr(err, quoted) != NULL, "\"%s\" does not quote the value", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	/* Nothing left to release. */
	ck_assert_ptr_null(cfg.database_url);
	ck_assert_ptr_null(cfg.http_addr);
	ck_assert_ptr_null(cfg.migrations_dir);
	ck_assert_uint_eq(cfg.cors_origin_count, 0);
	ck_assert_ptr_null(cfg.cors_origins[0]);
}
END_TEST

/* A bad origin after good ones: the good ones were allocated and must be freed (ASan checks). */
START_TEST(test_bad_origin_after_good_ones_leaves_nothing)
{
	static const char *const pairs[] = {
		"ERP_CORS_ORIGINS", "https://a.com,https://b.com,https://c.com/path", NULL,
	};
	struct erp_config cfg;
	char err[256] = "";

	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ERP_CORS_ORIGINS"));
	ck_assert_uint_eq(cfg.cors_origin_count, 0);
	ck_assert_ptr_null(cfg.cors_origins[0]);
	ck_assert_ptr_null(cfg.cors_origins[1]);
}
END_TEST

/* Lists take items up to their capacity, and refuse one more. */
static const struct {
	const char *name;
	const char *item_format; /* item i */
	int capacity;
} list_capacities[] = {
	{ "ERP_CORS_ORIGINS", "https://o%d.example", ERP_CONFIG_MAX_CORS_ORIGINS },
	{ "ERP_METRICS_ALLOW", "10.0.%d.0/24", ERP_CONFIG_MAX_METRICS_ALLOW },
};

static size_t list_count(const struct erp_config *cfg, const char *name)
{
	return strcmp(name, "ERP_CORS_ORIGINS") == 0 ? cfg->cors_origin_count
						     : cfg->metrics_allow_count;
}

/* Appends item i (after a comma unless first) at list + *used. */
static void append_item(char *list, size_t size, size_t *used, const char *format, int i)
{
	int n = snprintf(list + *used, size - *used, "%s", i ? "," : "");

	n += snprintf(list + *used + n, size - *used - (size_t)n, format, i);
	*used += (size_t)n;
	ck_assert_uint_lt(*used, size);
}

START_TEST(test_lists_are_accepted_up_to_their_capacity)
{
	const char *name = list_capacities[_i].name;
	int capacity = list_capacities[_i].capacity;
	char list[2048];
	const char *pairs[] = { name, list, NULL };
	struct erp_config cfg;
	char err[256] = "";
	size_t used = 0;

	for (int i = 0; i < capacity; i++)
		append_item(list, sizeof(list), &used, list_capacities[_i].item_format, i);
	load_ok(&cfg, pairs);
	ck_assert_uint_eq(list_count(&cfg, name), (size_t)capacity);
	config_release(&cfg);

	append_item(list, sizeof(list), &used, list_capacities[_i].item_format, capacity);
	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, name));
	ck_assert_uint_eq(list_count(&cfg, name), 0);
}
END_TEST

/* --- the database URL is never echoed -------------------------------------------------- */

START_TEST(test_empty_database_url_refused_hidden)
{
	static const char *const pairs[] = { "ERP_DATABASE_URL", "", NULL };
	struct erp_config cfg;
	char err[256] = "";

	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ERP_DATABASE_URL"));
	ck_assert_ptr_nonnull(strstr(err, "(hidden)"));
	ck_assert_ptr_null(cfg.database_url);
}
END_TEST

START_TEST(test_overlong_database_url_refused_without_its_password)
{
	static const char head[] = "postgresql://erp:s3cr3t-Passw0rd@db.example.com/erp?x=";
	char url[4200];
	const char *pairs[] = { "ERP_DATABASE_URL", url, NULL };
	struct erp_config cfg;
	char err[512] = "";
	size_t head_len = strlen(head);

	/* 4096 characters are fine... */
	memcpy(url, head, head_len);
	memset(url + head_len, 'a', 4096 - head_len);
	url[4096] = '\0';
	load_ok(&cfg, pairs);
	ck_assert_uint_eq(strlen(cfg.database_url), 4096);
	config_release(&cfg);

	/* ...4097 are not, and the message shows neither the password nor the host. */
	url[4096] = 'a';
	url[4097] = '\0';
	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ERP_DATABASE_URL"));
	ck_assert_ptr_nonnull(strstr(err, "(hidden)"));
	ck_assert_ptr_null(strstr(err, "s3cr3t"));
	ck_assert_ptr_null(strstr(err, "db.example.com"));
	ck_assert_ptr_null(strstr(err, "postgresql://"));
	ck_assert_ptr_null(cfg.database_url);
}
END_TEST

/* Another variable's error with a password in the URL: the URL appears nowhere. */
START_TEST(test_other_errors_do_not_mention_the_url)
{
	static const char *const pairs[] = {
		"ERP_DATABASE_URL", "postgresql://erp:s3cr3t@db/erp", "ERP_THREADS", "0", NULL,
	};
	struct erp_config cfg;
	char err[512] = "";

	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "ERP_THREADS"));
	ck_assert_ptr_null(strstr(err, "s3cr3t"));
	ck_assert_ptr_null(cfg.database_url);
}
END_TEST

/* Long values are cut to 64 characters in the message; a small buffer is never overrun. */
START_TEST(test_error_message_is_bounded)
{
	char value[300], cut[66];
	const char *pairs[] = { "ERP_HTTP_PORT", value, NULL };
	const char *bad[] = { "ERP_LOG_FORMAT", "xml", NULL };
	struct erp_config cfg;
	char err[512] = "", small[16];

	memset(value, '7', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	ck_assert_int_eq(load(&cfg, pairs, err, sizeof(err)), -1);
	memset(cut, '7', 64);
	cut[64] = '"';
	cut[65] = '\0';
	ck_assert_msg(strstr(err, cut) != NULL, "value not cut at 64: %s", err);
	ck_assert_uint_lt(strlen(err), 200);

	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(load(&cfg, bad, small, sizeof(small)), -1);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, "invalid ERP_LOG", sizeof(small) - 1) == 0);
}
END_TEST

/* --- CORS -------------------------------------------------------------------- */

START_TEST(test_cors_allows_exact_origins_only)
{
	static const char *const pairs[] = {
		"ERP_CORS_ORIGINS", "https://app.example.com,http://localhost:3000", NULL,
	};
	static const char *const refused[] = {
		"https://app.example.com/",
		"https://APP.example.com",
		"http://app.example.com",
		"https://app.example.co",
		"https://app.example.com.evil.com",
		"https://app.example.com:443",
		"http://localhost",
		"http://localhost:30000",
		"",
		"null",
		"*",
	};
	struct erp_config cfg;
	const char *longer = "https://app.example.comXYZ";

	load_ok(&cfg, pairs);
	ck_assert(config_cors_allows(&cfg, "https://app.example.com", 23));
	ck_assert(config_cors_allows(&cfg, "http://localhost:3000", 21));
	/* len decides, the text need not be NUL-terminated there. */
	ck_assert(config_cors_allows(&cfg, longer, strlen("https://app.example.com")));
	ck_assert(!config_cors_allows(&cfg, longer, strlen(longer)));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(!config_cors_allows(&cfg, refused[i], strlen(refused[i])),
			      "%s allowed", refused[i]);
	config_release(&cfg);
}
END_TEST

START_TEST(test_no_origins_allow_nothing)
{
	struct erp_config cfg;

	load_ok(&cfg, NULL);
	ck_assert(!config_cors_allows(&cfg, "https://app.example.com", 23));
	ck_assert(!config_cors_allows(&cfg, "", 0));
	config_release(&cfg);
}
END_TEST

/* --- lifecycle and environments ---------------------------------------------------- */

START_TEST(test_release_frees_and_clears)
{
	static const char *const pairs[] = {
		"ERP_CORS_ORIGINS", "https://a.com,https://b.com", NULL,
	};
	struct erp_config cfg;

	load_ok(&cfg, pairs);
	config_release(&cfg);
	ck_assert_ptr_null(cfg.database_url);
	ck_assert_ptr_null(cfg.http_addr);
	ck_assert_ptr_null(cfg.migrations_dir);
	ck_assert_uint_eq(cfg.cors_origin_count, 0);
	ck_assert_ptr_null(cfg.cors_origins[0]);
	/* Releasing a released (or failed) config is harmless. */
	config_release(&cfg);
}
END_TEST

START_TEST(test_env_names)
{
	static const struct {
		enum erp_env env;
		const char *name;
	} envs[] = {
		{ ERP_ENV_DEVELOPMENT, "development" },
		{ ERP_ENV_TEST, "test" },
		{ ERP_ENV_STAGING, "staging" },
		{ ERP_ENV_PRODUCTION, "production" },
	};
	enum erp_env parsed = ERP_ENV_DEVELOPMENT;

	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		ck_assert_str_eq(config_env_name(envs[i].env), envs[i].name);
		ck_assert_int_eq(config_env_parse(envs[i].name, &parsed), 0);
		ck_assert_int_eq(parsed, envs[i].env);
	}
	ck_assert_str_eq(config_env_name((enum erp_env)42), "unknown");
	parsed = ERP_ENV_STAGING;
	ck_assert_int_eq(config_env_parse("prod", &parsed), -1);
	ck_assert_int_eq(config_env_parse("", &parsed), -1);
	ck_assert_int_eq(config_env_parse("TEST", &parsed), -1);
	ck_assert_int_eq(parsed, ERP_ENV_STAGING);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/config");
	TCase *good = tcase_create("good");
	TCase *bad = tcase_create("bad");
	TCase *secret = tcase_create("secret");
	TCase *cors = tcase_create("cors");
	TCase *lifecycle = tcase_create("lifecycle");

	tcase_add_test(good, test_defaults);
	tcase_add_test(good, test_table_defaults_are_what_unset_variables_get);
	tcase_add_test(good, test_variable_table_is_complete_and_is_what_the_loader_reads);
	tcase_add_test(good, test_every_variable_set_to_a_good_value);
	tcase_add_test(good, test_other_good_values);
	tcase_add_test(good, test_password_hash_concurrency_auto_is_a_quarter_of_the_threads);
	tcase_add_test(good, test_metrics_allow_list);
	suite_add_tcase(suite, good);

	tcase_add_loop_test(bad, test_bad_value_refused_naming_the_variable, 0,
			    (int)(sizeof(bad_values) / sizeof(bad_values[0])));
	tcase_add_test(bad, test_bad_origin_after_good_ones_leaves_nothing);
	tcase_add_loop_test(bad, test_lists_are_accepted_up_to_their_capacity, 0,
			    (int)(sizeof(list_capacities) / sizeof(list_capacities[0])));
	tcase_add_test(bad, test_error_message_is_bounded);
	suite_add_tcase(suite, bad);

	tcase_add_test(secret, test_empty_database_url_refused_hidden);
	tcase_add_test(secret, test_overlong_database_url_refused_without_its_password);
	tcase_add_test(secret, test_other_errors_do_not_mention_the_url);
	suite_add_tcase(suite, secret);

	tcase_add_test(cors, test_cors_allows_exact_origins_only);
	tcase_add_test(cors, test_no_origins_allow_nothing);
	suite_add_tcase(suite, cors);

	tcase_add_test(lifecycle, test_release_frees_and_clears);
	tcase_add_test(lifecycle, test_env_names);
	suite_add_tcase(suite, lifecycle);
	return suite;
}
