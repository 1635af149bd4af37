#include "shared-kernel/errors.h"

const char *erp_error_name(int code)
{
	switch ((enum erp_error_code)code) {
	case ERP_OK: return "ok";
	case ERP_ERR_INVALID: return "invalid";
	case ERP_ERR_NOT_FOUND: return "not_found";
	case ERP_ERR_CONFLICT: return "conflict";
	case ERP_ERR_STALE: return "stale";
	case ERP_ERR_FORBIDDEN: return "forbidden";
	case ERP_ERR_UNAUTHORIZED: return "unauthorized";
	case ERP_ERR_UNAVAILABLE: return "unavailable";
	case ERP_ERR_NO_MEMORY: return "no_memory";
	case ERP_ERR_OVERFLOW: return "overflow";
	case ERP_ERR_THROTTLED: return "throttled";
	case ERP_ERR_INTERNAL: return "internal";
	}
	return "unknown";
}
