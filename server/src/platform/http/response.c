/* A route's success answers: the schema of each 2xx status, and the check that it has one. */
#include "platform/http/response.h"

#include <stdio.h>

const struct schema_object erp_no_body = { "(no body)", NULL, 0, "No body.", false };
const struct schema_object erp_text_body = { "(text)", NULL, 0, "A body that is not JSON.", true };

int response_status(const struct erp_route *route)
{
	return route->success_status ? route->success_status : 200;
}

/* The list envelope paging_respond_list() renders, around the route's item schema. */
static const struct schema_object *envelope_of(const struct schema_object *item,
					       struct response_envelope *envelope)
{
	envelope->fields[0] = (struct schema_field){
		.name = "items", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
		.object = item, .description = "this page, in the list's order" };
	envelope->fields[1] = (struct schema_field){
		.name = "next_cursor", .type = SCHEMA_STRING,
		.flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE,
		.description = "send as cursor for the next page; null on the last page" };
	envelope->object = (struct schema_object){ NULL, envelope->fields, 2,
						   "A page of a list (limit, cursor).", false };
	return &envelope->object;
}

const struct schema_object *response_schema(const struct erp_route *route, int status,
					    struct response_envelope *envelope)
{
	if (status == response_status(route))
		return route->list ? envelope_of(route->list, envelope) : route->response;
	if (route->also.status && status == route->also.status)
		return route->also.response;
	return NULL;
}

static int refuse(const struct erp_route *route, char *err, size_t err_size, const char *why)
{
	snprintf(err, err_size, "route %s %s %s", erp_method_name(route->method),
		 route->pattern ? route->pattern : "(null)", why);
	return -1;
}

static int check_answer(const struct erp_route *route, int status,
			const struct schema_object *answer, char *err, size_t err_size)
{
	if (status < 200 || status > 299)
		return refuse(route, err, err_size, "declares a success status outside 200..299");
	if (status == 204 && answer != ERP_NO_BODY)
		return refuse(route, err, err_size, "answers 204: declare .response = ERP_NO_BODY");
	if (answer == ERP_TEXT_BODY && !route->response_content_type)
		return refuse(route, err, err_size,
			      "answers ERP_TEXT_BODY: declare its response_content_type");
	return 0;
}

int response_check_route(const struct erp_route *route, char *err, size_t err_size)
{
	int status = response_status(route);

	if (!route->response && !route->list)
		return refuse(route, err, err_size,
			      "declares no response (a schema, .list = item schema, ERP_NO_BODY or"
			      " ERP_TEXT_BODY)");
	if (route->response && route->list)
		return refuse(route, err, err_size, "declares both a response and a list");
	if (check_answer(route, status, route->list ? route->list : route->response, err, err_size))
		return -1;
	if (!route->also.status)
		return route->also.response
			       ? refuse(route, err, err_size, "declares also.response without a status")
			       : 0;
	if (route->also.status == status || !route->also.response)
		return refuse(route, err, err_size,
			      "declares also: a second success status, other than the first, with its"
			      " response");
	return check_answer(route, route->also.status, route->also.response, err, err_size);
}
