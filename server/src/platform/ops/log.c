#include "platform/ops/log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "platform/ops/log_sink.h"

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

/*
 * Appends "2026-11-23T21:40:01.123Z". The seconds part is cached per thread
 * and the rest is written by hand: this runs once per request, and printf
 * was the largest cost of the access log.
 */
static void add_time(struct strbuf *sb)
{
	static _Thread_local time_t cached_second = -1;
	static _Thread_local char cached[24];
	struct timespec now;
	struct tm tm;
	char millis[6];
	int ms;

	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec != cached_second) {
		gmtime_r(&now.tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_second = now.tv_sec;
	}
	ms = (int)(now.tv_nsec / 1000000);
	millis[0] = '.';
	millis[1] = (char)('0' + ms / 100);
	millis[2] = (char)('0' + ms / 10 % 10);
	millis[3] = (char)('0' + ms % 10);
	millis[4] = 'Z';
	millis[5] = '\0';
	strbuf_addstr(sb, cached);
	strbuf_addstr(sb, millis);
}

/* Writes value's decimal digits at the end of digits; returns where they start. */
static const char *format_unsigned(char digits[24], unsigned long long value, size_t *length)
{
	size_t n = 0;

	do {
		digits[23 - n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	*length = n;
	return digits + 24 - n;
}

/* Appends a non-negative integer without printf. */
static void add_unsigned(struct strbuf *sb, unsigned long long value)
{
	char digits[24];
	size_t length;
	const char *text = format_unsigned(digits, value, &length);

	strbuf_add(sb, text, length);
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

static void add_key(struct strbuf *sb, const char *key)
{
	if (format == ERP_LOG_FORMAT_JSON) {
		strbuf_addstr(sb, ",\"");
		strbuf_addstr(sb, key);
		strbuf_addstr(sb, "\":");
	} else {
		strbuf_addch(sb, ' ');
		strbuf_addstr(sb, key);
		strbuf_addch(sb, '=');
	}
}

static void begin_record(struct strbuf *sb, enum erp_log_level level)
{
	if (format == ERP_LOG_FORMAT_JSON) {
		strbuf_addstr(sb, "{\"time\":\"");
		add_time(sb);
		strbuf_addstr(sb, "\",\"level\":\"");
		strbuf_addstr(sb, level_names[level]);
		strbuf_addch(sb, '"');
	} else {
		strbuf_addstr(sb, "time=");
		add_time(sb);
		strbuf_addstr(sb, " level=");
		strbuf_addstr(sb, level_names[level]);
	}
}

static void end_record(struct strbuf *sb, bool bufferable)
{
	if (format == ERP_LOG_FORMAT_JSON)
		strbuf_addch(sb, '}');
	strbuf_addch(sb, '\n');
	if (!sb->failed)
		log_sink_write(sb->buf, sb->len, bufferable);
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
	end_record(&sb, false);
	strbuf_release(&sb);
}

/*
 * The access log's JSON line in one pass over a stack buffer: this runs for
 * every request, and the general strbuf path cost more than the rest of the
 * middleware together. Unsafe bytes are still escaped, so the guarantee
 * (one record per line, valid JSON) does not depend on what callers pass.
 */
struct line {
	char *p;
	char *end;
	bool overflow;
};

static void put(struct line *l, const char *text, size_t length)
{
	if ((size_t)(l->end - l->p) < length) {
		l->overflow = true;
		return;
	}
	memcpy(l->p, text, length);
	l->p += length;
}

static bool needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

static void put_json_string(struct line *l, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	size_t length = strlen(value);
	size_t plain = 0;

	while (plain < length && !needs_escape((unsigned char)value[plain]))
		plain++;
	put(l, "\"", 1);
	put(l, value, plain); /* the whole value, in the usual case */
	for (const unsigned char *v = (const unsigned char *)value + plain; *v && !l->overflow; v++) {
		if (l->end - l->p < 7) {
			l->overflow = true;
			return;
		}
		if (!needs_escape(*v)) {
			*l->p++ = (char)*v;
			continue;
		}
		l->p[0] = '\\';
		l->p[1] = 'u';
		l->p[2] = '0';
		l->p[3] = '0';
		l->p[4] = hex[*v >> 4];
		l->p[5] = hex[*v & 15];
		l->p += 6;
	}
	put(l, "\"", 1);
}

static void put_unsigned(struct line *l, unsigned long long value)
{
	char digits[24];
	size_t length;
	const char *text = format_unsigned(digits, value, &length);

	put(l, text, length);
}

#define PUT_LITERAL(l, text) put(l, text, sizeof(text) - 1)

static bool log_request_json(const struct log_request_record *r, unsigned long long micros)
{
	char stack[1024];
	struct line l = { stack, stack + sizeof(stack), false };
	struct strbuf time_text;
	char time_storage[40];
	char fraction[4] = { '.', (char)('0' + micros / 100 % 10), (char)('0' + micros / 10 % 10),
			     (char)('0' + micros % 10) };

	strbuf_init_fixed(&time_text, time_storage, sizeof(time_storage));
	add_time(&time_text);
	PUT_LITERAL(&l, "{\"time\":\"");
	put(&l, time_text.buf, time_text.len);
	strbuf_release(&time_text);
	PUT_LITERAL(&l, "\",\"level\":\"info\",\"event\":\"http.request\",\"request_id\":");
	put_json_string(&l, r->request_id);
	if (r->client_request_id) {
		PUT_LITERAL(&l, ",\"client_request_id\":");
		put_json_string(&l, r->client_request_id);
	}
	PUT_LITERAL(&l, ",\"method\":");
	put_json_string(&l, r->method);
	PUT_LITERAL(&l, ",\"route\":");
	put_json_string(&l, r->route);
	PUT_LITERAL(&l, ",\"status\":");
	put_unsigned(&l, r->status > 0 ? (unsigned)r->status : 0);
	PUT_LITERAL(&l, ",\"duration_ms\":");
	put_unsigned(&l, micros / 1000);
	put(&l, fraction, sizeof(fraction));
	if (r->user_id) {
		PUT_LITERAL(&l, ",\"user\":");
		put_json_string(&l, r->user_id);
	}
	if (r->client) {
		PUT_LITERAL(&l, ",\"client\":");
		put_json_string(&l, r->client);
	}
	PUT_LITERAL(&l, "}\n");
	if (l.overflow)
		return false;
	log_sink_write(stack, (size_t)(l.p - stack), true);
	return true;
}

void log_request(const struct log_request_record *r)
{
	char stack[768];
	struct strbuf sb;
	unsigned long long micros = r->duration_ms > 0 ? (unsigned long long)(r->duration_ms * 1000 + 0.5) : 0;
	char fraction[4];

	if (ERP_LOG_INFO < min_level)
		return;
	/* JSON (the default) has a fast path; text and oversized records take this one. */
	if (format == ERP_LOG_FORMAT_JSON && log_request_json(r, micros))
		return;
	strbuf_init_fixed(&sb, stack, sizeof(stack));
	begin_record(&sb, ERP_LOG_INFO);
	add_field(&sb, "event", "http.request");
	add_field(&sb, "request_id", r->request_id);
	if (r->client_request_id)
		add_field(&sb, "client_request_id", r->client_request_id);
	add_field(&sb, "method", r->method);
	add_field(&sb, "route", r->route);
	add_key(&sb, "status");
	add_unsigned(&sb, r->status > 0 ? (unsigned)r->status : 0);
	add_key(&sb, "duration_ms");
	add_unsigned(&sb, micros / 1000);
	fraction[0] = '.';
	fraction[1] = (char)('0' + micros / 100 % 10);
	fraction[2] = (char)('0' + micros / 10 % 10);
	fraction[3] = (char)('0' + micros % 10);
	strbuf_add(&sb, fraction, 4);
	if (r->user_id)
		add_field(&sb, "user", r->user_id);
	if (r->client)
		add_field(&sb, "client", r->client);
	end_record(&sb, true);
	strbuf_release(&sb);
}
