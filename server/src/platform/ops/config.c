#include "platform/ops/config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"

static const struct erp_config_var variables[] = {
	{ "ERP_DATABASE_URL", "postgresql:///erp", "a libpq connection URL or key=value string",
	  "Database to connect to. May contain a password; it is never logged." },
	{ "ERP_DATABASE_LISTEN_URL", "", "a libpq connection URL or key=value string (empty: ERP_DATABASE_URL)",
	  "Database for the one LISTEN connection (ERP_AUTH_CACHE): give the primary directly when"
	  " ERP_DATABASE_URL goes through a transaction pooler. Never logged." },
	{ "ERP_DATABASE_REPLICA_URL", "", "a libpq connection URL or key=value string (empty: off)",
	  "A streaming replica the report routes may read from, once it has replayed every commit"
	  " made before the request began (docs/deployment.md). Never logged." },
	{ "ERP_REPLICA_WAIT_MS", "50", "0..1000",
	  "Longest a report read waits for the replica to catch up before it reads the primary instead." },
	{ "ERP_DB_STATEMENTS", "prepared", "prepared|unnamed",
	  "prepared: each statement is prepared once per connection; unnamed: every statement is sent"
	  " with its parameters unnamed (PQexecParams), as a transaction pooler (PgBouncer"
	  " pool_mode=transaction) needs." },
	{ "ERP_HTTP_ADDR", "127.0.0.1", "an IPv4 or IPv6 address", "Address to listen on." },
	{ "ERP_HTTP_PORT", "8080", "0..65535 (0: any free port)", "TCP port to listen on." },
	{ "ERP_ENV", "development", "development|test|staging|production",
	  "Environment name; production enables the scripts' production guard." },
	{ "ERP_THREADS", "auto", "auto (2 per CPU core) or 1..256",
	  "HTTP worker threads; each owns one database connection (see docs/benchmarks.md)." },
	{ "ERP_PASSWORD_HASH_CONCURRENCY", "auto", "auto (a quarter of ERP_THREADS, at least 1) or 1..64",
	  "argon2id computations (logins, password changes, new users) at once; beyond it 503 at once." },
	{ "ERP_LOG_LEVEL", "info", "debug|info|warn|error", "Lowest level written to stderr." },
	{ "ERP_LOG_FORMAT", "json", "json|text", "One JSON object per line, or key=value text." },
	{ "ERP_LOG_FLUSH_MS", "100", "0..10000 (0: unbuffered)",
	  "Access-log lines are written in batches at least this often; warnings and errors at once." },
	{ "ERP_CORS_ORIGINS", "", "comma-separated origins, e.g. https://app.example.com",
	  "Browser origins allowed to call the API (empty: none)." },
	{ "ERP_METRICS_ALLOW", "127.0.0.0/8,::1",
	  "comma-separated IPv4/IPv6 addresses or CIDR prefixes (empty: nobody)",
	  "Clients that may read /metrics; to every other client it does not exist (404)." },
	{ "ERP_TRUSTED_PROXIES", "", "comma-separated IPv4/IPv6 addresses or CIDR prefixes (empty: none)",
	  "Proxies (HAProxy, a load balancer) whose X-Forwarded-For is believed: from them the client"
	  " address (login throttling, logs) is the rightmost address in it that is not a trusted"
	  " proxy; from anyone else the header is ignored." },
	{ "ERP_MAX_BODY_BYTES", "1048576", "1024..67108864", "Largest request body; 413 above." },
	{ "ERP_MAX_JSON_DEPTH", "32", "2..256", "Deepest JSON nesting accepted; 400 deeper." },
	{ "ERP_CONNECTION_TIMEOUT_S", "30", "1..3600",
	  "Idle seconds before a client connection is closed (slow clients included)." },
	{ "ERP_MAX_CONNECTIONS", "1024", "1..65536", "Concurrent client connections in total." },
	{ "ERP_MAX_CONNECTIONS_PER_IP", "256", "1..65536",
	  "Concurrent client connections from one address." },
	{ "ERP_MAX_HEADER_BYTES", "32768", "4096..1048576",
	  "Memory per connection for the request line and headers; larger requests get 431/414." },
	{ "ERP_SHUTDOWN_GRACE_S", "10", "0..300",
	  "Seconds in-flight requests may take to finish after SIGTERM." },
	{ "ERP_DB_STATEMENT_TIMEOUT_MS", "10000", "0..600000 (0: none)",
	  "Longest a single SQL statement may run." },
	{ "ERP_DB_CONNECT_TIMEOUT_S", "3", "1..60", "Longest a database connection attempt may take." },
	{ "ERP_RATE_LIMIT_PER_USER", "100", "0..100000 (0: no limit)",
	  "Requests per second each authenticated user may make on average; beyond it 429." },
	{ "ERP_RATE_LIMIT_BURST", "200", "1..1000000",
	  "Requests an authenticated user may make at once before ERP_RATE_LIMIT_PER_USER applies." },
	{ "ERP_SESSION_TTL_S", "43200", "60..2592000", "A session (token) ends this long after login." },
	{ "ERP_SESSION_IDLE_S", "1800", "60..86400", "A session ends after this long unused." },
	{ "ERP_AUTH_CACHE", "on", "on|off",
	  "Serve sessions, permissions and company scopes from a cache in each process, kept exact"
	  " by the database's notifications (LISTEN on a connection of its own, which must not go"
	  " through a transaction pooler); off reads them from the database on every request." },
	{ "ERP_SESSIONS_MAX_PER_USER", "10", "1..1000",
	  "Live sessions per user; a new login ends the user's oldest beyond it." },
	{ "ERP_LOGIN_MAX_FAILURES", "5", "1..100",
	  "Failed logins per (account, client address) pair within the window before that pair is"
	  " throttled (429); the account stays open from other addresses." },
	{ "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS", "20", "1..10000",
	  "Failed logins per client address within the window before it is throttled (429)." },
	{ "ERP_LOGIN_MAX_SUCCESSES", "30", "1..10000",
	  "Successful logins per account within the window before further ones are throttled (429)." },
	{ "ERP_LOGIN_WINDOW_S", "900", "10..86400",
	  "Window for counting failed and successful logins, and how long throttling lasts." },
	{ "ERP_IDEMPOTENCY_RETENTION_HOURS", "24", "24..8760 (at least a day, at most a year)",
	  "How long an Idempotency-Key is kept: within it a repeated request gets the first answer"
	  " again; after it the key is forgotten and the request is a new one." },
	{ "ERP_MIGRATIONS_DIR", "server/prisma/migrations", "a directory",
	  "Where the schema migrations are (read by migrate, and by serve for readiness)." },
	{ "ERP_CONSOLE_DIR", "build/console", "a directory, or empty for none",
	  "The web console's built files, served under /console/ (read once at start)." },
	{ "ERP_AUDIT_KEY_FILE", "", "a file of 32 to 4096 random bytes, readable by its owner only",
	  "Key of the audit events' MAC; serve, migrate and audit verify-events need it. The database never holds it; it is never logged." },
};

enum { VARIABLE_COUNT = sizeof(variables) / sizeof(variables[0]) };

const struct erp_config_var *config_variables(size_t *count)
{
	*count = VARIABLE_COUNT;
	return variables;
}

static const char *const env_names[] = { "development", "test", "staging", "production" };

const char *config_env_name(enum erp_env env)
{
	return (unsigned)env < 4 ? env_names[env] : "unknown";
}

int config_env_parse(const char *text, enum erp_env *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(text, env_names[i]) == 0) {
			*out = (enum erp_env)i;
			return 0;
		}
	}
	return -1;
}

static const struct erp_config_var *find_var(const char *name)
{
	for (size_t i = 0; i < VARIABLE_COUNT; i++)
		if (strcmp(variables[i].name, name) == 0)
			return &variables[i];
	return NULL;
}

struct loader {
	erp_config_lookup_fn lookup;
	void *ctx;
	char *err;
	size_t err_size;
};

static const char *value_of(struct loader *l, const char *name)
{
	const char *v = l->lookup(name, l->ctx);

	return v ? v : find_var(name)->default_value;
}

static int reject(struct loader *l, const char *name, const char *value)
{
	const struct erp_config_var *var = find_var(name);

	/* The URL may carry a password, so its value is never echoed. */
	if (strncmp(name, "ERP_DATABASE_", 13) == 0)
		value = "(hidden)";
	snprintf(l->err, l->err_size, "invalid %s=\"%.64s\": expected %s", name, value,
		 var->accepted);
	return -1;
}

static int load_unsigned(struct loader *l, const char *name, unsigned long long min,
			 unsigned long long max, unsigned long long *out)
{
	const char *text = value_of(l, name);
	char *end;
	unsigned long long v;

	if (text[0] < '0' || text[0] > '9')
		return reject(l, name, text);
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return reject(l, name, text);
	*out = v;
	return 0;
}

#define LOAD_UINT(l, name, min, max, field)                                      \
	do {                                                                     \
		unsigned long long v_;                                           \
		if (load_unsigned(l, name, min, max, &v_))                      \
			goto fail;                                               \
		field = v_;                                                      \
	} while (0)

static int load_choice(struct loader *l, const char *name, const char *const *choices,
		       int count, int *out)
{
	const char *text = value_of(l, name);

	for (int i = 0; i < count; i++) {
		if (strcmp(text, choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return reject(l, name, text);
}

static bool origin_is_valid(const char *origin, size_t len)
{
	/* scheme://host[:port], no path, no wildcard: exact-match semantics only. */
	const char *rest;

	if (len == 0 || len > 255)
		return false;
	if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else if (strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else
		return false;
	if (rest >= origin + len)
		return false;
	for (const char *p = rest; p < origin + len; p++) {
		if (*p == '/' || *p == '*' || *p == ' ' || (unsigned char)*p < 0x21)
			return false;
	}
	return true;
}

/*
 * Hands each item of the comma-separated list in variable name to take();
 * refuses the value when take() does, or when an item is empty (",,", or a
 * comma at either end).
 */
static int load_list(struct loader *l, struct erp_config *cfg, const char *name,
		     int (*take)(struct erp_config *cfg, const char *item, size_t len))
{
	const char *text = value_of(l, name);
	const char *p = text;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0 || (comma && !comma[1]) || take(cfg, p, len))
			return reject(l, name, text);
		p += len + (comma ? 1 : 0);
	}
	return 0;
}

static int take_origin(struct erp_config *cfg, const char *origin, size_t len)
{
	if (!origin_is_valid(origin, len) || cfg->cors_origin_count == ERP_CONFIG_MAX_CORS_ORIGINS)
		return -1;
	cfg->cors_origins[cfg->cors_origin_count] = erp_xmalloc(len + 1);
	memcpy(cfg->cors_origins[cfg->cors_origin_count], origin, len);
	cfg->cors_origins[cfg->cors_origin_count][len] = '\0';
	cfg->cors_origin_count++;
	return 0;
}

/* Appends one address or CIDR prefix to an allow-list of at most max; -1 when full or unreadable. */
static int take_prefix(struct ip_prefix *list, size_t *count, size_t max, const char *prefix,
		       size_t len)
{
	if (*count == max || ip_prefix_parse(prefix, len, &list[*count]))
		return -1;
	(*count)++;
	return 0;
}

static int take_metrics_client(struct erp_config *cfg, const char *prefix, size_t len)
{
	return take_prefix(cfg->metrics_allow, &cfg->metrics_allow_count,
			   ERP_CONFIG_MAX_METRICS_ALLOW, prefix, len);
}

static int take_trusted_proxy(struct erp_config *cfg, const char *prefix, size_t len)
{
	return take_prefix(cfg->trusted_proxies, &cfg->trusted_proxy_count,
			   ERP_CONFIG_MAX_TRUSTED_PROXIES, prefix, len);
}

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const char *const format_names[] = { "json", "text" };
static const char *const switch_names[] = { "off", "on" };
static const char *const statement_names[] = { "prepared", "unnamed" };

int config_load(struct erp_config *cfg, erp_config_lookup_fn lookup, void *ctx, char *err,
		size_t err_size)
{
	struct loader l = { lookup, ctx, err, err_size };
	const char *text;
	int choice = 0;

	memset(cfg, 0, sizeof(*cfg));

	text = value_of(&l, "ERP_DATABASE_URL");
	if (!*text || strlen(text) > 4096)
		return reject(&l, "ERP_DATABASE_URL", text);
	text = value_of(&l, "ERP_HTTP_ADDR");
	if (!*text || strlen(text) > 64 || strspn(text, "0123456789abcdefABCDEF.:") != strlen(text))
		return reject(&l, "ERP_HTTP_ADDR", text);
	text = value_of(&l, "ERP_ENV");
	if (config_env_parse(text, &cfg->env))
		return reject(&l, "ERP_ENV", text);
	if (load_choice(&l, "ERP_LOG_LEVEL", level_names, 4, &choice))
		return -1;
	cfg->log_level = (enum erp_log_level)choice;
	if (load_choice(&l, "ERP_LOG_FORMAT", format_names, 2, &choice))
		return -1;
	cfg->log_format = (enum erp_log_format)choice;
	if (load_choice(&l, "ERP_DB_STATEMENTS", statement_names, 2, &choice))
		goto fail;
	cfg->db_unnamed_statements = choice == 1;
	if (load_choice(&l, "ERP_AUTH_CACHE", switch_names, 2, &choice))
		return -1;
	cfg->auth_cache = choice == 1;
	text = value_of(&l, "ERP_MIGRATIONS_DIR");
	if (!*text || strlen(text) > 4096)
		return reject(&l, "ERP_MIGRATIONS_DIR", text);
	text = value_of(&l, "ERP_CONSOLE_DIR");
	if (strlen(text) > 4096)
		return reject(&l, "ERP_CONSOLE_DIR", text);
	/* Whether the file is there and fit is checked by the commands that need it (audit_mac.h). */
	text = value_of(&l, "ERP_AUDIT_KEY_FILE");
	if (strlen(text) > 4096)
		return reject(&l, "ERP_AUDIT_KEY_FILE", text);

	LOAD_UINT(&l, "ERP_HTTP_PORT", 0, 65535, cfg->http_port);
	if (strcmp(value_of(&l, "ERP_THREADS"), "auto") == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		/* Measured best on a database-bound route: 2 per core (docs/benchmarks.md). */
		cfg->threads = cores < 1 ? 2 : cores > 64 ? 128 : (unsigned)(2 * cores);
	} else {
		LOAD_UINT(&l, "ERP_THREADS", 1, 256, cfg->threads);
	}
	if (strcmp(value_of(&l, "ERP_PASSWORD_HASH_CONCURRENCY"), "auto") == 0)
		/* Three quarters of the workers stay free for everything else (docs/controls.md). */
		cfg->password_hash_concurrency = cfg->threads >= 4 ? cfg->threads / 4 : 1;
	else
		LOAD_UINT(&l, "ERP_PASSWORD_HASH_CONCURRENCY", 1, 64, cfg->password_hash_concurrency);
	LOAD_UINT(&l, "ERP_LOG_FLUSH_MS", 0, 10000, cfg->log_flush_ms);
	LOAD_UINT(&l, "ERP_MAX_BODY_BYTES", 1024, 64 << 20, cfg->max_body_bytes);
	LOAD_UINT(&l, "ERP_MAX_JSON_DEPTH", 2, 256, cfg->max_json_depth);
	LOAD_UINT(&l, "ERP_CONNECTION_TIMEOUT_S", 1, 3600, cfg->connection_timeout_s);
	LOAD_UINT(&l, "ERP_MAX_CONNECTIONS", 1, 65536, cfg->max_connections);
	LOAD_UINT(&l, "ERP_MAX_CONNECTIONS_PER_IP", 1, 65536, cfg->max_connections_per_ip);
	LOAD_UINT(&l, "ERP_MAX_HEADER_BYTES", 4096, 1 << 20, cfg->connection_memory_bytes);
	LOAD_UINT(&l, "ERP_SHUTDOWN_GRACE_S", 0, 300, cfg->shutdown_grace_s);
	LOAD_UINT(&l, "ERP_DB_STATEMENT_TIMEOUT_MS", 0, 600000, cfg->db_statement_timeout_ms);
	LOAD_UINT(&l, "ERP_DB_CONNECT_TIMEOUT_S", 1, 60, cfg->db_connect_timeout_s);
	LOAD_UINT(&l, "ERP_REPLICA_WAIT_MS", 0, 1000, cfg->replica_wait_ms);
	LOAD_UINT(&l, "ERP_RATE_LIMIT_PER_USER", 0, 100000, cfg->rate_limit_per_user);
	LOAD_UINT(&l, "ERP_RATE_LIMIT_BURST", 1, 1000000, cfg->rate_limit_burst);
	LOAD_UINT(&l, "ERP_SESSION_TTL_S", 60, 2592000, cfg->session_ttl_s);
	LOAD_UINT(&l, "ERP_SESSION_IDLE_S", 60, 86400, cfg->session_idle_s);
	LOAD_UINT(&l, "ERP_SESSIONS_MAX_PER_USER", 1, 1000, cfg->sessions_max_per_user);
	LOAD_UINT(&l, "ERP_LOGIN_MAX_FAILURES", 1, 100, cfg->login_max_failures);
	LOAD_UINT(&l, "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS", 1, 10000, cfg->login_max_failures_per_address);
	LOAD_UINT(&l, "ERP_LOGIN_MAX_SUCCESSES", 1, 10000, cfg->login_max_successes);
	LOAD_UINT(&l, "ERP_LOGIN_WINDOW_S", 10, 86400, cfg->login_window_s);
	LOAD_UINT(&l, "ERP_IDEMPOTENCY_RETENTION_HOURS", 24, 8760, cfg->idempotency_retention_hours);

	if (load_list(&l, cfg, "ERP_CORS_ORIGINS", take_origin) ||
	    load_list(&l, cfg, "ERP_METRICS_ALLOW", take_metrics_client) ||
	    load_list(&l, cfg, "ERP_TRUSTED_PROXIES", take_trusted_proxy))
		goto fail;
	cfg->database_url = erp_xstrdup(value_of(&l, "ERP_DATABASE_URL"));
	text = value_of(&l, "ERP_DATABASE_LISTEN_URL");
	cfg->database_listen_url = erp_xstrdup(*text ? text : cfg->database_url);
	cfg->database_replica_url = erp_xstrdup(value_of(&l, "ERP_DATABASE_REPLICA_URL"));
	cfg->http_addr = erp_xstrdup(value_of(&l, "ERP_HTTP_ADDR"));
	cfg->migrations_dir = erp_xstrdup(value_of(&l, "ERP_MIGRATIONS_DIR"));
	cfg->audit_key_file = erp_xstrdup(value_of(&l, "ERP_AUDIT_KEY_FILE"));
	cfg->console_dir = erp_xstrdup(value_of(&l, "ERP_CONSOLE_DIR"));
	return 0;
fail:
	config_release(cfg);
	return -1;
}

static const char *lookup_env(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

int config_load_env(struct erp_config *cfg, char *err, size_t err_size)
{
	return config_load(cfg, lookup_env, NULL, err, err_size);
}

void config_release(struct erp_config *cfg)
{
	erp_free(cfg->database_url);
	erp_free(cfg->database_listen_url);
	erp_free(cfg->database_replica_url);
	erp_free(cfg->http_addr);
	erp_free(cfg->migrations_dir);
	erp_free(cfg->audit_key_file);
	erp_free(cfg->console_dir);
	for (size_t i = 0; i < cfg->cors_origin_count; i++)
		erp_free(cfg->cors_origins[i]);
	memset(cfg, 0, sizeof(*cfg));
}

bool config_metrics_allows(const struct erp_config *cfg, const char *client_address)
{
	struct ip_prefix client;

	if (ip_prefix_parse(client_address, strlen(client_address), &client))
		return false;
	for (size_t i = 0; i < cfg->metrics_allow_count; i++)
		if (ip_prefix_contains(&cfg->metrics_allow[i], &client))
			return true;
	return false;
}

bool config_cors_allows(const struct erp_config *cfg, const char *origin, size_t len)
{
	for (size_t i = 0; i < cfg->cors_origin_count; i++) {
		if (strlen(cfg->cors_origins[i]) == len &&
		    memcmp(cfg->cors_origins[i], origin, len) == 0)
			return true;
	}
	return false;
}
