#ifndef ERP_MODULES_IAM_INTERNAL_H
#define ERP_MODULES_IAM_INTERNAL_H

/* Shared by the IAM module's own files only. */
#include <stddef.h>

#include "modules/iam/iam.h"
#include "platform/route.h"

#endif
