#ifndef ERP_KERNEL_COMPANY_SCOPE_H
#define ERP_KERNEL_COMPANY_SCOPE_H

#include "shared-kernel/uuid.h"

/*
 * The company a request or a use case works in: resolved once, by the step
 * that authorises the request (the platform's auth hooks, filled in by IAM),
 * and handed to the use case, so no module looks the company up again.
 */
enum { ERP_COMPANY_CODE_MAX = 20, ERP_CURRENCY_CODE_LEN = 3 };

struct erp_company_scope {
	char id[ERP_UUID_TEXT_LEN + 1];          /* canonical lower-case UUID text */
	char code[ERP_COMPANY_CODE_MAX + 1];     /* as in paths: "ACME" */
	char currency[ERP_CURRENCY_CODE_LEN + 1]; /* functional currency, ISO 4217 */
};

#endif
