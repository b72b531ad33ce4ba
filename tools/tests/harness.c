// SPDX-License-Identifier: GPL-2.0
/*
 * The test harness; see harness.h.
 */

#define _GNU_SOURCE		/* open_memstream() */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static char *capture_text;
static size_t capture_len;

FILE *test_capture_start(void)
{
	capture_text = NULL;
	return open_memstream(&capture_text, &capture_len);
}

char *test_capture_end(FILE *out)
{
	if (!out)
		return NULL;
	fclose(out);
	return capture_text;
}

bool test_text_is(const char *got, const char *want)
{
	if (got && !strcmp(got, want))
		return true;
	printf("     got:  %s     want: %s", got ? got : "(null)\n", want);
	return false;
}

int test_build_argv(const char *const *args, char **argv)
{
	int argc = 0;

	argv[argc++] = "kn-ctl";
	while (argc <= TEST_MAX_ARGS && args[argc - 1]) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	return argc;
}

enum kn_ctl_action test_parse(const char *const *args, struct kn_invocation *inv)
{
	char *argv[TEST_MAX_ARGS + 2];

	return kn_ctl_parse_command_line(test_build_argv(args, argv), argv, inv);
}

void test_describe(const char *const *args, char *buf, size_t size)
{
	size_t used = snprintf(buf, size, "kn-ctl");
	int i;

	for (i = 0; i < TEST_MAX_ARGS && args[i] && used < size; i++)
		used += snprintf(buf + used, size - used, " %s", args[i]);
}

void test_refusals(const struct test_refusal *refusals, size_t count)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < count; i++) {
		enum kn_ctl_action action = test_parse(refusals[i].args, &inv);

		test_describe(refusals[i].args, line, sizeof(line));
		if (!test_case(action == KN_CTL_USAGE_ERROR &&
			       strstr(inv.error, refusals[i].error),
			       "\"%s\" refused: %s", line, refusals[i].error))
			printf("     got action %d, error \"%s\"\n", action, inv.error);
	}
}

int test_collect_attr(const struct nlattr *attr, void *data)
{
	struct test_attrs *attrs = data;
	unsigned int type = mnl_attr_get_type(attr);

	attrs->count++;
	if (type >= ARRAY_SIZE(attrs->tb) || attrs->tb[type])
		attrs->unknown = true;
	else
		attrs->tb[type] = attr;
	return MNL_CB_OK;
}

void test_collect_nest(const struct nlattr *nest, struct test_attrs *attrs)
{
	memset(attrs, 0, sizeof(*attrs));
	if (nest)
		mnl_attr_parse_nested(nest, test_collect_attr, attrs);
}

bool test_attr_bytes(const struct nlattr *attr, const void *bytes, size_t len)
{
	return attr && mnl_attr_get_payload_len(attr) == len &&
	       !memcmp(mnl_attr_get_payload(attr), bytes, len);
}

struct nlmsghdr *test_request(const char *const *args, char *buf, struct kn_invocation *inv)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, KN_GENL_SEND_BUF_SIZE);
	if (test_parse(args, inv) != KN_CTL_RUN || !inv->command->request_cmd)
		return NULL;
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, inv->command->request_cmd, 0, 1);
	inv->command->put_request(nlh, inv);
	return nlh;
}

struct nlmsghdr *test_genl_reply_start(char *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, KN_GENL_SEND_BUF_SIZE);
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, cmd, 0, 1);
	nlh->nlmsg_flags = flags;
	return nlh;
}
