// SPDX-License-Identifier: GPL-2.0
/*
 * The test harness; see harness.h.
 */

#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static unsigned int tests_passed, tests_failed;

bool test_case(bool ok, const char *name, ...)
{
	va_list ap;

	fputs(ok ? "PASS " : "FAIL ", stdout);
	va_start(ap, name);
	vprintf(name, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		tests_passed++;
	else
		tests_failed++;
	return ok;
}

int test_summary(void)
{
	printf("%u passed, %u failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
