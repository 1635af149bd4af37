#include "platform/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/strbuf.h"

static enum erp_log_level min_level = ERP_LOG_INFO;
static enum erp_log_format format = ERP_LOG_FORMAT_JSON;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_init(enum erp_log_level level, enum erp_log_format fmt)
{
	min_level = level;
	format = fmt;
}

int log_enabled(enum erp_log_level level)
{
	return level >= min_level;
}

/* "2026-11-23T21:40:01.123Z"; the seconds part is cached per thread. */
static void format_time(char out[40])
{
	static _Thread_local time_t cached_second = -1;
	static _Thread_local char cached[24];
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec != cached_second) {
		gmtime_r(&now.tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_second = now.tv_sec;
	}
	snprintf(out, 40, "%.23s.%03dZ", cached, (int)(now.tv_nsec / 1000000));
}

/* A text value goes bare only when it cannot be mistaken for more fields. */
static bool is_bare_value(const char *value)
{
	if (!*value)
		return false;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '=' || *p == '\\')
			return false;
	return true;
}

static void add_text_value(struct strbuf *sb, const char *value)
{
	if (is_bare_value(value))
		strbuf_addstr(sb, value);
	else
		strbuf_add_json_string(sb, value);
}

static void add_field(struct strbuf *sb, const char *key, const char *value)
{
	if (format == ERP_LOG_FORMAT_JSON) {
		strbuf_addch(sb, ',');
		strbuf_add_json_string(sb, key);
		strbuf_addch(sb, ':');
		strbuf_add_json_string(sb, value);
	} else {
		strbuf_addch(sb, ' ');
		strbuf_addstr(sb, key);
		strbuf_addch(sb, '=');
		add_text_value(sb, value ? value : "-");
	}
}

static void add_number_field(struct strbuf *sb, const char *key, const char *number)
{
	if (format == ERP_LOG_FORMAT_JSON)
		strbuf_addf(sb, ",\"%s\":%s", key, number);
	else
		strbuf_addf(sb, " %s=%s", key, number);
}

static void begin_record(struct strbuf *sb, enum erp_log_level level)
{
	char when[40];

	format_time(when);
	if (format == ERP_LOG_FORMAT_JSON)
		strbuf_addf(sb, "{\"time\":\"%s\",\"level\":\"%s\"", when, level_names[level]);
	else
		strbuf_addf(sb, "time=%s level=%s", when, level_names[level]);
}

static void end_record(struct strbuf *sb)
{
	if (format == ERP_LOG_FORMAT_JSON)
		strbuf_addch(sb, '}');
	strbuf_addch(sb, '\n');
	if (sb->failed)
		return;
	/* One write per record: concurrent threads never interleave within a line. */
	for (size_t off = 0; off < sb->len;) {
		ssize_t n = write(STDERR_FILENO, sb->buf + off, sb->len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

void log_event(enum erp_log_level level, const char *event, const char *const *fields,
	       const char *fmt, ...)
{
	char stack[1024];
	struct strbuf sb;
	char message[511 + 4]; /* 511 bytes kept, 3 more to see a character cut there */
	size_t len;
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Cut long messages at 511 bytes, never inside a UTF-8 character: JSON must stay valid. */
	len = strlen(message);
	if (len > 511) {
		len = 511;
		while (len > 0 && ((unsigned char)message[len] & 0xC0) == 0x80)
			len--;
		message[len] = '\0';
	}

	strbuf_init_fixed(&sb, stack, sizeof(stack));
	begin_record(&sb, level);
	add_field(&sb, "event", event);
	add_field(&sb, "msg", message);
	for (const char *const *f = fields; f && f[0]; f += 2)
		add_field(&sb, f[0], f[1] ? f[1] : "");
	end_record(&sb);
	strbuf_release(&sb);
}

void log_request(const struct log_request_record *r)
{
	char stack[768];
	struct strbuf sb;
	char number[32];

	if (ERP_LOG_INFO < min_level)
		return;
	strbuf_init_fixed(&sb, stack, sizeof(stack));
	begin_record(&sb, ERP_LOG_INFO);
	add_field(&sb, "event", "http.request");
	add_field(&sb, "request_id", r->request_id);
	add_field(&sb, "method", r->method);
	add_field(&sb, "route", r->route);
	snprintf(number, sizeof(number), "%d", r->status);
	add_number_field(&sb, "status", number);
	snprintf(number, sizeof(number), "%.3f", r->duration_ms);
	add_number_field(&sb, "duration_ms", number);
	if (r->user_id)
		add_field(&sb, "user", r->user_id);
	if (r->client)
		add_field(&sb, "client", r->client);
	end_record(&sb);
	strbuf_release(&sb);
}
