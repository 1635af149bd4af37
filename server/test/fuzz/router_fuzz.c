/*
 * Fuzz target: the router, built as server_init() builds it (the routes of
 * every module of fuzz_modules.h, in order). The first byte picks the
 * method, byte % 8: none (the pipeline's probe for Allow), GET, POST, PUT,
 * PATCH, DELETE, HEAD, OPTIONS, so '1' is GET and '2' POST. The rest, up to
 * a NUL, is the path; longer than ROUTER_MAX_PATH is skipped, because the
 * pipeline answers 414 before routing.
 *
 * router_find() is compared with a plain matcher written from router.h's
 * promises: the path splits on '/', an empty segment ("//", a trailing '/')
 * matches nothing, {name} takes exactly one non-empty segment, the
 * matching pattern with the most literal segments wins, HEAD is served by
 * GET, and a path that only other methods' patterns match is 405 with those
 * methods. Two patterns of one method matching a path equally well would
 * make the answer depend on registration order: that is a failure too.
 */
#include <stdbool.h>
#include <string.h>

#include "platform/http/router.h"
#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_modules.h"

static struct router *router;

static const enum erp_method methods[8] = {
	0, ERP_GET, ERP_POST, ERP_PUT, ERP_PATCH, ERP_DELETE, ERP_HEAD, ERP_OPTIONS,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct erp_module *const *modules;
	size_t module_count;
	char err[256];

	(void)argc;
	(void)argv;
	router = router_new();
	modules = fuzz_modules(&module_count);
	for (size_t m = 0; m < module_count; m++) {
		for (size_t r = 0; r < modules[m]->route_count; r++) {
			if (router_add(router, &modules[m]->routes[r], err, sizeof(err))) {
				fprintf(stderr, "router_fuzz: %s\n", err);
				exit(1);
			}
		}
	}
	return 0;
}

struct segments {
	size_t count;
	const char *text[ROUTER_MAX_SEGMENTS];
	size_t length[ROUTER_MAX_SEGMENTS];
};

/* Splits "/a/b" into "a", "b"; "/" has none. False for anything no route can match. */
static bool split(const char *text, struct segments *out)
{
	size_t length = strlen(text), start = 1;

	out->count = 0;
	if (length == 0 || text[0] != '/')
		return false;
	if (length == 1)
		return true;
	for (size_t i = 1; i <= length; i++) {
		if (i < length && text[i] != '/')
			continue;
		if (i == start || out->count == ROUTER_MAX_SEGMENTS)
			return false;
		out->text[out->count] = text + start;
		out->length[out->count] = i - start;
		out->count++;
		start = i + 1;
	}
	return true;
}

static bool is_parameter(const char *segment)
{
	return segment[0] == '{';
}

/* The number of literal segments when pattern matches path, else -1. */
static int literal_matches(const struct segments *pattern, const struct segments *path)
{
	int literals = 0;

	if (pattern->count != path->count)
		return -1;
	for (size_t i = 0; i < path->count; i++) {
		if (is_parameter(pattern->text[i]))
			continue;
		if (pattern->length[i] != path->length[i] ||
		    memcmp(pattern->text[i], path->text[i], path->length[i]) != 0)
			return -1;
		literals++;
	}
	return literals;
}

static void check_allow_header(unsigned allowed, const uint8_t *data, size_t size)
{
	char header[96];
	size_t small_size = 1 + (size > 1 ? data[1] % 48 : 0);
	char *small = malloc(small_size);

	/* The pipeline's buffer holds every method; a small one must stay in bounds. */
	router_format_allow(allowed, header, sizeof(header));
	FUZZ_CHECK(strlen(header) < sizeof(header));
	for (size_t i = 1; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const char *name = erp_method_name(methods[i]);
		const char *found = strstr(header, name);

		/* "PUT" never hides inside another name, nor "GET" etc. */
		FUZZ_CHECK(((allowed & methods[i]) != 0) == (found != NULL));
	}
	FUZZ_CHECK(small != NULL);
	router_format_allow(allowed, small, small_size);
	FUZZ_CHECK(strlen(small) < small_size);
	free(small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum erp_method method, wanted;
	struct router_match match;
	enum router_result result;
	struct segments path_segments;
	const struct erp_route *best = NULL;
	int best_score = -1, best_any_score = -1, ties = 0;
	unsigned allowed = 0;
	size_t best_index = 0, path_length;
	char *path;

	if (size == 0)
		return 0;
	method = methods[data[0] % 8];
	wanted = method == ERP_HEAD ? ERP_GET : method;
	path_length = strnlen((const char *)data + 1, size - 1);
	if (path_length > ROUTER_MAX_PATH)
		return 0;
	path = malloc(path_length + 1);
	FUZZ_CHECK(path != NULL);
	memcpy(path, data + 1, path_length);
	path[path_length] = '\0';

	result = router_find(router, method, path, &match);

	if (split(path, &path_segments)) {
		for (size_t i = 0; i < router_count(router); i++) {
			const struct erp_route *route = router_route(router, i);
			struct segments pattern;
			int score;

			FUZZ_CHECK(split(route->pattern, &pattern));
			score = literal_matches(&pattern, &path_segments);
			if (score < 0)
				continue;
			allowed |= route->method;
			if (score > best_any_score)
				best_any_score = score;
			if (route->method != wanted)
				continue;
			if (score > best_score) {
				best = route;
				best_index = i;
				best_score = score;
				ties = 0;
			} else if (score == best_score) {
				ties++;
			}
		}
	}

	if (best_any_score < 0) {
		FUZZ_CHECK(result == ROUTER_NOT_FOUND);
		FUZZ_CHECK(match.route == NULL && match.param_count == 0);
	} else if (!best) {
		unsigned expected = allowed | ERP_OPTIONS | (allowed & ERP_GET ? ERP_HEAD : 0);

		FUZZ_CHECK(result == ROUTER_METHOD_NOT_ALLOWED);
		FUZZ_CHECK(match.route == NULL);
		FUZZ_CHECK(match.allowed_methods == expected);
		check_allow_header(match.allowed_methods, data, size);
	} else {
		struct segments pattern;
		size_t params = 0;

		FUZZ_CHECK(ties == 0);
		FUZZ_CHECK(result == ROUTER_FOUND);
		FUZZ_CHECK(match.route == best && match.route_index == best_index);
		FUZZ_CHECK(router_route(router, match.route_index) == best);
		FUZZ_CHECK((match.allowed_methods & allowed) == allowed);
		FUZZ_CHECK(split(best->pattern, &pattern));
		for (size_t i = 0; i < pattern.count; i++) {
			if (!is_parameter(pattern.text[i]))
				continue;
			FUZZ_CHECK(params < match.param_count && params < ROUTER_MAX_PARAMS);
			/* "{name}": the name is the segment without its braces. */
			FUZZ_CHECK(strlen(match.param_names[params]) == pattern.length[i] - 2);
			FUZZ_CHECK(memcmp(match.param_names[params], pattern.text[i] + 1,
					  pattern.length[i] - 2) == 0);
			FUZZ_CHECK(match.param_values[params] == path_segments.text[i]);
			FUZZ_CHECK(match.param_lengths[params] == path_segments.length[i]);
			FUZZ_CHECK(match.param_lengths[params] > 0);
			params++;
		}
		FUZZ_CHECK(match.param_count == params);
	}
	free(path);
	return 0;
}
