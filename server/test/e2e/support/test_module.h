#ifndef ERP_TEST_E2E_TEST_MODULE_H
#define ERP_TEST_E2E_TEST_MODULE_H

#include "platform/http/route.h"

/* Routes that exist only in build/bin/erp-server-test. */
extern const struct erp_module test_module;

#endif
