/* Refusals of use cases (shared-kernel/usecase.h). */
#include "shared-kernel/usecase.h"

int erp_refuse(struct erp_refusal *refusal, int code, const char *detail)
{
	refusal->code = code;
	refusal->detail = detail;
	return code;
}

int erp_refuse_field(struct erp_refusal *refusal, const char *pointer, const char *detail)
{
	return erp_refuse_field_code(refusal, pointer, NULL, detail);
}

int erp_refuse_field_code(struct erp_refusal *refusal, const char *pointer, const char *code,
			  const char *detail)
{
	refusal->code = ERP_ERR_INVALID;
	if (!refusal->detail)
		refusal->detail = detail;
	if (refusal->field_count < ERP_REFUSAL_FIELDS_MAX) {
		refusal->fields[refusal->field_count].pointer = pointer ? pointer : "";
		refusal->fields[refusal->field_count].detail = detail;
		refusal->fields[refusal->field_count].code = code;
		refusal->field_count++;
	} else {
		refusal->fields_dropped++;
	}
	return ERP_ERR_INVALID;
}

bool erp_refused(const struct erp_refusal *refusal)
{
	return refusal->code != ERP_OK;
}
