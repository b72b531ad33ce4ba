/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest test harness that does the job: one line per case, then
 * "N passed, N failed" on a line of its own, and a non-zero exit status when
 * anything failed, so both a person and "make test" can read the result.
 */
#ifndef KN_CTL_TEST_HARNESS_H
#define KN_CTL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kn-ctl.h"

/* Records one case; name is a printf format saying what the case proves. */
bool test_case(bool ok, const char *name, ...) __attribute__((format(printf, 2, 3)));
/* Prints the summary line; returns the process exit status. */
int test_summary(void);

/*
 * What a printer writes, as a string: print to test_capture_start()'s
 * FILE, then test_capture_end() closes it and returns the text (to free;
 * NULL when out of memory).  One capture at a time.
 */
FILE *test_capture_start(void);
char *test_capture_end(FILE *out);
/* Is got want?  When not, both are printed under the case. */
bool test_text_is(const char *got, const char *want);

/* --- command lines --- */

/* The most words a test's command line has after the program name. */
#define TEST_MAX_ARGS	12

/*
 * argv as main() gets it: "kn-ctl", then args up to the first NULL (at most
 * TEST_MAX_ARGS), then NULL; argv has room for TEST_MAX_ARGS + 2.  Returns
 * argc.
 */
int test_build_argv(const char *const *args, char **argv);
/* kn_ctl_parse_command_line() on "kn-ctl ARGS...". */
enum kn_ctl_action test_parse(const char *const *args, struct kn_invocation *inv);
/* "kn-ctl ARGS...", the command line as a case's name quotes it. */
void test_describe(const char *const *args, char *buf, size_t size);

/* A command line kn-ctl must refuse, and a part of the reason it must give. */
struct test_refusal {
	const char *args[TEST_MAX_ARGS];
	const char *error;
};

/* One case per refusal: a usage error whose reason contains refusal->error. */
void test_refusals(const struct test_refusal *refusals, size_t count);

/* --- netlink messages --- */

/* The attributes of one level of a message, by type. */
struct test_attrs {
	const struct nlattr *tb[64];
	unsigned int count;
	bool unknown;		/* a type beyond tb[], or one seen twice */
};

/* An mnl_attr_cb_t recording each attribute in a struct test_attrs. */
int test_collect_attr(const struct nlattr *attr, void *data);
/* The attributes of nest into a zeroed *attrs; none when nest is NULL. */
void test_collect_nest(const struct nlattr *nest, struct test_attrs *attrs);
/* Is attr there, with exactly these len bytes of payload? */
bool test_attr_bytes(const struct nlattr *attr, const void *bytes, size_t len);

/*
 * The request "kn-ctl ARGS..." sends, for a command that is one request:
 * parsed into *inv and built in buf (KN_GENL_SEND_BUF_SIZE bytes, zeroed
 * here) by the command's put_request, family 0x42.  NULL when the command
 * line is refused or its command is not one request.
 */
struct nlmsghdr *test_request(const char *const *args, char *buf, struct kn_invocation *inv);

/*
 * Zeroes buf, KN_GENL_SEND_BUF_SIZE bytes, and starts a message of cmd the
 * way the module sends one: family 0x42, no request flags but flags
 * (NLM_F_MULTI for a dump's).
 */
struct nlmsghdr *test_genl_reply_start(char *buf, uint8_t cmd, uint16_t flags);

/* The suites kept in files of their own. */
void json_tests(void);
void ipam_tests(void);
void pod_tests(void);
void link_tests(void);
void fdb_tests(void);
void overlay_tests(void);
void node_tests(void);
void service_tests(void);
void conntrack_tests(void);
void batch_tests(void);

#endif /* KN_CTL_TEST_HARNESS_H */
