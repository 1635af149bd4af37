/* Refusals of use cases (shared-kernel/usecase.h). */
#include "shared-kernel/usecase.h"

#include <string.h>

#include "common/arena.h"

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

/* Room for one more kept field past fields[]: the array doubles in the arena. */
static bool more_room(struct erp_refusal *refusal, struct arena *arena)
{
	size_t used = refusal->field_count - ERP_REFUSAL_FIELDS_MAX, capacity;
	struct erp_field_refusal *grown;

	if (used < refusal->more_capacity)
		return true;
	capacity = refusal->more_capacity ? refusal->more_capacity * 2 : ERP_REFUSAL_FIELDS_MAX;
	grown = arena ? arena_calloc(arena, capacity, sizeof(*grown)) : NULL;
	if (!grown)
		return false;
	if (used)
		memcpy(grown, refusal->more, used * sizeof(*grown));
	refusal->more = grown;
	refusal->more_capacity = capacity;
	return true;
}

int erp_refuse_field_kept(struct erp_refusal *refusal, struct arena *arena, const char *pointer,
			  const char *code, const char *detail)
{
	struct erp_field_refusal *field;

	if (refusal->field_count < ERP_REFUSAL_FIELDS_MAX)
		return erp_refuse_field_code(refusal, pointer, code, detail);
	refusal->code = ERP_ERR_INVALID;
	if (!refusal->detail)
		refusal->detail = detail;
	if (!more_room(refusal, arena)) {
		refusal->fields_dropped++;
		return ERP_ERR_NO_MEMORY;
	}
	field = &refusal->more[refusal->field_count - ERP_REFUSAL_FIELDS_MAX];
	field->pointer = pointer ? pointer : "";
	field->detail = detail;
	field->code = code;
	refusal->field_count++;
	return ERP_ERR_INVALID;
}

const struct erp_field_refusal *erp_refusal_field(const struct erp_refusal *refusal, size_t i)
{
	if (i >= refusal->field_count)
		return NULL;
	return i < ERP_REFUSAL_FIELDS_MAX ? &refusal->fields[i]
					  : &refusal->more[i - ERP_REFUSAL_FIELDS_MAX];
}

int erp_refuse_made(struct erp_refusal *refusal, int code, const char *detail)
{
	return detail ? erp_refuse(refusal, code, detail) : ERP_ERR_NO_MEMORY;
}

bool erp_refused(const struct erp_refusal *refusal)
{
	return refusal->code != ERP_OK;
}
