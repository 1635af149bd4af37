#include "common/strbuf.h"

#include <stdio.h>
#include <string.h>

#include "common/alloc.h"

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->failed = false;
	sb->on_heap = false;
	if (hint) {
		sb->buf = erp_malloc(hint);
		if (sb->buf) {
			sb->alloc = hint;
			sb->buf[0] = '\0';
			sb->on_heap = true;
		} else {
			sb->failed = true;
		}
	}
}

void strbuf_init_fixed(struct strbuf *sb, char *storage, size_t size)
{
	/* No room even for the NUL: behave as a plain buffer that grows on the heap. */
	if (size == 0) {
		strbuf_init(sb, 0);
		return;
	}
	sb->buf = storage;
	sb->len = 0;
	sb->alloc = size;
	sb->failed = false;
	sb->on_heap = false;
	storage[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->on_heap)
		erp_free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *out = NULL;

	/* A buffer that never grew still detaches as "", so NULL always means failure. */
	if (!sb->buf && !sb->failed)
		strbuf_add(sb, "", 0);
	/* Fixed storage is copied out so the caller always owns a heap string. */
	if (!sb->failed && !sb->on_heap && sb->buf) {
		out = erp_malloc(sb->len + 1);
		if (out)
			memcpy(out, sb->buf, sb->len + 1);
	} else if (!sb->failed) {
		out = sb->buf;
	} else if (sb->on_heap) {
		erp_free(sb->buf);
	}
	if (len)
		*len = out ? sb->len : 0;
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	sb->failed = false;
	sb->on_heap = false;
	return out;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static bool grow(struct strbuf *sb, size_t extra)
{
	size_t need, alloc;
	char *buf;

	if (sb->failed)
		return false;
	if (extra >= (size_t)-1 / 2 - sb->len)
		goto fail;
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return true;
	alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc *= 2;
	if (sb->on_heap || !sb->buf) {
		buf = erp_realloc(sb->buf, alloc);
		if (!buf)
			goto fail;
	} else {
		buf = erp_malloc(alloc);
		if (!buf)
			goto fail;
		memcpy(buf, sb->buf, sb->len + 1);
	}
	sb->on_heap = true;
	sb->buf = buf;
	sb->alloc = alloc;
	return true;
fail:
	sb->failed = true;
	return false;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!grow(sb, len))
		return;
	if (len) /* data may be NULL when len is 0, which memcpy forbids */
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *text)
{
	strbuf_add(sb, text, strlen(text));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || !grow(sb, (size_t)len)) {
		sb->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)len + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)len;
}

void strbuf_add_json_escaped(struct strbuf *sb, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	if (len == 0) /* text may be NULL then, and NULL + 0 is undefined */
		return;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		const char *esc = NULL;
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		strbuf_add(sb, text + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		strbuf_addstr(sb, esc);
	}
	strbuf_add(sb, text + start, len - start);
}

void strbuf_add_json_string(struct strbuf *sb, const char *text)
{
	if (!text) {
		strbuf_addstr(sb, "null");
		return;
	}
	strbuf_addch(sb, '"');
	strbuf_add_json_escaped(sb, text, strlen(text));
	strbuf_addch(sb, '"');
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf && !sb->failed ? sb->buf : "";
}
