/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest test harness that does the job: one line per case, then
 * "N passed, N failed" on a line of its own, and a non-zero exit status when
 * anything failed, so both a person and "make test" can read the result.
 */
#ifndef KN_CTL_TEST_HARNESS_H
#define KN_CTL_TEST_HARNESS_H

#include <stdbool.h>

/* Records one case; name is a printf format saying what the case proves. */
bool test_case(bool ok, const char *name, ...) __attribute__((format(printf, 2, 3)));
/* Prints the summary line; returns the process exit status. */
int test_summary(void);

/* The suites kept in files of their own. */
void json_tests(void);
void ipam_tests(void);
void pod_tests(void);
void link_tests(void);
void fdb_tests(void);
void overlay_tests(void);
void node_tests(void);

#endif /* KN_CTL_TEST_HARNESS_H */
