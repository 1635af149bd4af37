#include "platform/http/console.h"

#include <string.h>

#include "platform/http/http.h"
#include "platform/http/server.h"
#include "platform/http/static_files.h"

#define CONSOLE_PREFIX "/console"

/*
 * Nothing inline, nothing from elsewhere: a script injected into a page
 * cannot run, and the token in memory can only be sent to this origin.
 */
const char CONSOLE_CONTENT_SECURITY_POLICY[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

static void add_security_headers(struct erp_request *req)
{
	http_add_header(req, "Content-Security-Policy", CONSOLE_CONTENT_SECURITY_POLICY);
	http_add_header(req, "Referrer-Policy", "no-referrer");
	http_add_header(req, "X-Frame-Options", "DENY");
	http_add_header(req, "Cross-Origin-Opener-Policy", "same-origin");
}

static void answer_file(struct erp_request *req, const struct static_file *file)
{
	const char *seen = http_header(req, "If-None-Match");

	http_add_header(req, "Cache-Control",
			file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
	http_add_header(req, "ETag", file->etag);
	if (seen && strcmp(seen, file->etag) == 0) {
		http_respond_empty(req, 304);
		return;
	}
	http_respond_bytes(req, 200, file->content_type, file->body, file->length);
}

bool console_answer(struct erp_request *req)
{
	const char *path = req->path;
	const char *name;
	const struct static_file *file;

	if (strncmp(path, CONSOLE_PREFIX, strlen(CONSOLE_PREFIX)) != 0 ||
	    (path[strlen(CONSOLE_PREFIX)] != '\0' && path[strlen(CONSOLE_PREFIX)] != '/'))
		return false;
	add_security_headers(req);
	if (req->method != ERP_GET && req->method != ERP_HEAD) {
		http_add_header(req, "Allow", "GET, HEAD");
		http_respond_problem(req, &PROBLEM_METHOD_NOT_ALLOWED,
				     "the console's files are only read (GET, HEAD)");
		return true;
	}
	if (path[strlen(CONSOLE_PREFIX)] == '\0') {
		http_add_header(req, "Location", CONSOLE_PREFIX "/");
		http_respond_empty(req, 308);
		return true;
	}
	name = path + strlen(CONSOLE_PREFIX "/");
	file = static_files_find(req->server->console, *name ? name : "index.html");
	if (!file) {
		http_respond_problem(req, &PROBLEM_NOT_FOUND,
				     req->server->console ? "no console file at this path"
							  : "this server serves no console");
		return true;
	}
	answer_file(req, file);
	return true;
}
