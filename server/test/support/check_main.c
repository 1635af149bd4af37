/*
 * The main() of every Check test binary: each *_test.c defines test_suite().
 * Exit status is non-zero when any test failed, so the runner can stop.
 */
#include <check.h>
#include <stdlib.h>

#include "test/support/check_main.h"

int main(void)
{
	SRunner *runner = srunner_create(test_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
