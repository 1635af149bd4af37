/* Partners's items over HTTP: decode the request, call the use case, render. */
#include "modules/partners/internal.h"

int partners_items_list(struct erp_request *req)
{
	struct partners_items_filter filter;
	const char *filters[3];

	/*
	 * The company comes resolved with the request (id, code, currency, from
	 * IAM, which owns companies), so the store names only partners's tables.
	 * None: no company has the path's code.
	 */
	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	if (!partners_items_filter_from(req->query, req->company->id, &filter))
		return resource_field_error(req, "/prefix", "the prefix is empty or too long");
	filters[0] = filter.company_id;
	filters[1] = filter.prefix;
	filters[2] = filter.active;
	return paging_respond_list(req, &partners_sql_items_list, 2, filters, 3);
}
