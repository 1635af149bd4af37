#ifndef ERP_KERNEL_USECASE_H
#define ERP_KERNEL_USECASE_H

#include <stdbool.h>
#include <stddef.h>

#include "shared-kernel/company_scope.h"
#include "shared-kernel/errors.h"

/*
 * What every use case takes and how it says no, for every module alike
 * (docs/modules.md). A use case gets a struct erp_ctx: the connection it
 * opens its transaction on, an arena for what it returns, who acts, in
 * which company, under which request id. When a rule refuses, it fills
 * ctx->refusal with a domain code (ERP_ERR_*), a sentence and the fields
 * concerned, and returns the code. It never chooses an HTTP status: the
 * HTTP edge maps the code, in one place (platform/http/http.h,
 * http_respond_refusal), and another module calling the same use case from
 * C reads the same refusal.
 */

struct arena;
struct db_conn;

enum { ERP_REFUSAL_FIELDS_MAX = 16 };

/*
 * One field a refusal is about: its JSON pointer in the input
 * ("/lines/2/account"), why, and a short code naming the kind of error for
 * programs ("unknown", "format", "mismatch"; NULL: "invalid").
 */
struct erp_field_refusal {
	const char *pointer;
	const char *detail;
	const char *code;
};

struct erp_refusal {
	int code;            /* ERP_ERR_INVALID, _FORBIDDEN, _CONFLICT, _NOT_FOUND, _STALE; ERP_OK: none */
	const char *detail;  /* a sentence naming the rule (static or arena memory); NULL: by code */
	size_t field_count;  /* the fields kept: fields[], then more[] (erp_refusal_field()) */
	struct erp_field_refusal fields[ERP_REFUSAL_FIELDS_MAX];
	struct erp_field_refusal *more; /* kept past fields[] by erp_refuse_field_kept() (arena) */
	size_t more_capacity;
	size_t fields_dropped; /* field refusals beyond ERP_REFUSAL_FIELDS_MAX, counted, not kept */
};

struct erp_ctx {
	struct db_conn *db;
	struct arena *arena;                     /* results live here */
	const char *actor_id;                    /* the acting user (UUID); NULL: the system */
	const struct erp_company_scope *company; /* NULL for company-less use cases */
	const char *request_id;                  /* joins audit, events and logs; may be NULL */
	struct erp_refusal refusal;              /* filled when a use case refuses */
};

/* Refuses with code and a sentence (kept by pointer); returns code. */
int erp_refuse(struct erp_refusal *refusal, int code, const char *detail);

/*
 * Refuses ERP_ERR_INVALID over one field (pointer and detail kept by
 * pointer); a use case that checks every field calls it once per field, so
 * the caller hears every error at once. The first detail becomes the
 * refusal's sentence unless one is set. Returns ERP_ERR_INVALID.
 */
int erp_refuse_field(struct erp_refusal *refusal, const char *pointer, const char *detail);

/* erp_refuse_field() with the field error's code (kept by pointer; NULL: "invalid"). */
int erp_refuse_field_code(struct erp_refusal *refusal, const char *pointer, const char *code,
			  const char *detail);

/*
 * erp_refuse_field_code() that keeps every field, however many: past
 * ERP_REFUSAL_FIELDS_MAX they go to an array in arena, so a rule over a
 * document's lines answers each of its hundreds of lines. ERP_ERR_INVALID,
 * or ERP_ERR_NO_MEMORY when the arena has no room left (the field is then
 * counted in fields_dropped).
 */
int erp_refuse_field_kept(struct erp_refusal *refusal, struct arena *arena, const char *pointer,
			  const char *code, const char *detail);

/* The i-th field kept (i < field_count), wherever it is kept. */
const struct erp_field_refusal *erp_refusal_field(const struct erp_refusal *refusal, size_t i);

/*
 * erp_refuse() with a sentence the caller made in an arena: when making it
 * failed (detail NULL), ERP_ERR_NO_MEMORY and nothing is refused, so a
 * refusal never goes out without its reason.
 */
int erp_refuse_made(struct erp_refusal *refusal, int code, const char *detail);

/* Whether a use case refused (as opposed to failing: database, memory). */
bool erp_refused(const struct erp_refusal *refusal);

#endif
