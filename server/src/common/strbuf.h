#ifndef ERP_COMMON_STRBUF_H
#define ERP_COMMON_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable NUL-terminated byte buffer (after git's strbuf).
 *
 * Lifecycle: STRBUF_INIT or strbuf_init(), appends, then strbuf_release()
 * (frees) or strbuf_detach() (hands the bytes to the caller, who frees them
 * with erp_free()). Appends never fail loudly: when memory runs out the buffer
 * remembers it (sb->failed) and ignores further appends, so a caller checks
 * once at the end instead of after every call.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	bool failed;
	bool on_heap; /* false while buf is the caller's fixed storage (or NULL) */
};

#define STRBUF_INIT { NULL, 0, 0, false, false }

void strbuf_init(struct strbuf *sb, size_t hint);

/*
 * Starts with the caller's storage (say, a stack array); the buffer moves to
 * the heap only if it outgrows it, so short strings cost no allocation.
 * strbuf_release() must still be called.
 */
void strbuf_init_fixed(struct strbuf *sb, char *storage, size_t size);
void strbuf_release(struct strbuf *sb);

/*
 * Hands the contents to the caller (free with erp_free()) and leaves sb empty
 * and reusable. Never NULL for a healthy buffer, even one that never grew
 * (that gives ""); NULL, with *len 0, when an append failed or memory ran out.
 */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *text);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appends text as the inside of a JSON string: quotes, backslashes and every
 * control character escaped (\n, \r, \t, \uXXXX); bytes >= 0x80 pass through,
 * so valid UTF-8 stays readable. len bytes are read; NUL bytes are escaped too.
 */
void strbuf_add_json_escaped(struct strbuf *sb, const char *text, size_t len);

/* Appends "text" (with quotes) JSON-escaped; NULL appends null. */
void strbuf_add_json_string(struct strbuf *sb, const char *text);

/* The contents, or "" for a buffer that never grew. Never NULL. */
const char *strbuf_str(const struct strbuf *sb);

#endif
