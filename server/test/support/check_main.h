#ifndef ERP_TEST_CHECK_MAIN_H
#define ERP_TEST_CHECK_MAIN_H

#include <check.h>

/* Every test file defines this: the Check suite it contributes. */
Suite *test_suite(void);

#endif
