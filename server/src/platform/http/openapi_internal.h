#ifndef ERP_PLATFORM_OPENAPI_INTERNAL_H
#define ERP_PLATFORM_OPENAPI_INTERNAL_H

#include <jansson.h>

#include "platform/http/route.h"
#include "platform/http/schema.h"

/*
 * Shared by the OpenAPI generator's files only (openapi.c renders the
 * document and its operations, openapi_schema.c the JSON Schemas of the
 * route tables' schemas, openapi_shared.c the components operations refer
 * to). Components are added the first time an operation refers to one, so
 * the document holds none that nothing uses.
 */
struct erp_config;

struct openapi_components {
	json_t *schemas;     /* components/schemas */
	json_t *responses;   /* components/responses: the problems */
	json_t *parameters;  /* components/parameters: request headers */
	json_t *headers;     /* components/headers: response headers */
	const struct erp_config *config; /* for what the document states of settings */
};

/* The JSON Schema of an object: a $ref to components/schemas when named, else inline. */
json_t *openapi_object_schema(const struct schema_object *schema, struct openapi_components *c);

/* The JSON Schema of one field (its constraints, format, enum, description). */
json_t *openapi_field_schema(const struct schema_field *field, struct openapi_components *c);

/* The Problem schema (RFC 9457), for components/schemas. */
json_t *openapi_problem_schema(void);

/* {"$ref": ref}. */
json_t *openapi_ref(const char *ref);

/* A $ref to the shared response of a 4xx problem status, added on first use. */
json_t *openapi_problem_response(int status, struct openapi_components *c);

/* A $ref to the shared response of any other problem (the operations' default). */
json_t *openapi_other_problem_response(struct openapi_components *c);

/* A $ref to a shared request header parameter ("If-Match", "Idempotency-Key"), added on first use. */
json_t *openapi_header_parameter(const char *name, struct openapi_components *c);

/* A $ref to a shared response header ("ETag", "Location", ...), added on first use. */
json_t *openapi_response_header(const char *name, struct openapi_components *c);

#endif
