#ifndef ERP_PLATFORM_CONFIG_H
#define ERP_PLATFORM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ip_prefix.h"

/*
 * Configuration comes only from environment variables (ERP_*). Every variable,
 * its default and its accepted values are in one table in config.c, which
 * `erp-server --help` prints and the README mirrors (a test checks that).
 */
enum erp_env {
	ERP_ENV_DEVELOPMENT,
	ERP_ENV_TEST,
	ERP_ENV_STAGING,
	ERP_ENV_PRODUCTION,
};

enum erp_log_level { ERP_LOG_DEBUG, ERP_LOG_INFO, ERP_LOG_WARN, ERP_LOG_ERROR };
enum erp_log_format { ERP_LOG_FORMAT_JSON, ERP_LOG_FORMAT_TEXT };

enum {
	ERP_CONFIG_MAX_CORS_ORIGINS = 16,
	ERP_CONFIG_MAX_METRICS_ALLOW = 32,
	ERP_CONFIG_MAX_TRUSTED_PROXIES = 32,
};

struct erp_config {
	char *database_url;          /* libpq connection string or URL; may hold a password */
	char *database_listen_url;   /* for LISTEN: the primary directly (database_url when unset) */
	char *database_replica_url;  /* a streaming replica for report reads; "" when none */
	unsigned replica_wait_ms;    /* longest a replica read waits for it to catch up */
	bool db_unnamed_statements;  /* PQexecParams for every statement (transaction poolers) */
	char *http_addr;             /* IPv4 or IPv6 literal to bind */
	uint16_t http_port;          /* 0 lets the kernel choose */
	enum erp_env env;
	unsigned threads;            /* HTTP worker threads; each owns one db connection */
	unsigned password_hash_concurrency; /* argon2id computations at once (auto resolved) */
	enum erp_log_level log_level;
	enum erp_log_format log_format;
	unsigned log_flush_ms;        /* access-log buffering; 0: one write per line */
	size_t cors_origin_count;
	char *cors_origins[ERP_CONFIG_MAX_CORS_ORIGINS];
	size_t metrics_allow_count;   /* clients that may read /metrics; none: nobody */
	struct ip_prefix metrics_allow[ERP_CONFIG_MAX_METRICS_ALLOW];
	size_t trusted_proxy_count;   /* peers whose X-Forwarded-For is believed; none: nobody's */
	struct ip_prefix trusted_proxies[ERP_CONFIG_MAX_TRUSTED_PROXIES];
	size_t max_body_bytes;
	unsigned max_json_depth;
	unsigned connection_timeout_s;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	size_t connection_memory_bytes; /* bounds request line + headers per connection */
	unsigned shutdown_grace_s;
	unsigned db_statement_timeout_ms;
	unsigned db_connect_timeout_s;
	char *migrations_dir;
	char *console_dir;            /* the web console's files; "" when not served */
	char *audit_key_file;         /* path of the audit MAC key ("" when unset); never its contents */
	unsigned rate_limit_per_user;   /* requests per second per authenticated user; 0: off */
	unsigned rate_limit_burst;      /* requests at once before the rate applies */
	unsigned session_ttl_s;         /* absolute session lifetime */
	unsigned session_idle_s;        /* session ends after this long unused */
	bool auth_cache;                /* sessions, grants, company scopes cached (ERP_AUTH_CACHE) */
	unsigned sessions_max_per_user; /* live sessions; a login ends the oldest beyond it */
	unsigned login_max_failures;    /* per (account, client address), within login_window_s */
	unsigned login_max_failures_per_address;
	unsigned login_max_successes;   /* per account, within login_window_s */
	unsigned login_window_s;
	unsigned idempotency_retention_hours; /* an Idempotency-Key is forgotten after this */
};

/* One row of the variable table. */
struct erp_config_var {
	const char *name;
	const char *default_value; /* NULL: required */
	const char *accepted;      /* human description of accepted values */
	const char *description;
};

/* Looks a variable up; returns NULL when unset. getenv() for the real thing. */
typedef const char *(*erp_config_lookup_fn)(const char *name, void *ctx);

/*
 * Fills cfg from the variables (unset ones take their default). On a bad
 * value returns -1 and writes one sentence naming the variable and the
 * accepted values into err; cfg then holds nothing that needs releasing.
 */
int config_load(struct erp_config *cfg, erp_config_lookup_fn lookup, void *ctx, char *err,
		size_t err_size);

/* config_load() with getenv(). */
int config_load_env(struct erp_config *cfg, char *err, size_t err_size);

/* Frees what config_load() allocated. */
void config_release(struct erp_config *cfg);

/* The variable table (count in *count). */
const struct erp_config_var *config_variables(size_t *count);

/* "development", "test", "staging", "production". */
const char *config_env_name(enum erp_env env);

/* Parses an environment name; -1 when unknown. */
int config_env_parse(const char *text, enum erp_env *out);

/* True when origin (exact, case-sensitive) is allowed for CORS. */
bool config_cors_allows(const struct erp_config *cfg, const char *origin, size_t len);

/* True when client_address (an IPv4 or IPv6 literal) lies within ERP_METRICS_ALLOW. */
bool config_metrics_allows(const struct erp_config *cfg, const char *client_address);

#endif
