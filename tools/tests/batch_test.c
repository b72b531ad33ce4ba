// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl -b FILE": the option, reading a file into
 * requests (the same bytes a single command sends), the usage errors with
 * their FILE:LINE, chunking, sequence numbers and reading acks.  The last
 * case sends 10,000 requests through a real generic netlink socket, to
 * the kernel's own controller family, which needs no kn module: half are
 * acked, half refused, and every refusal must come back to its line.
 * Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "batch.h"
#include "kn-ctl.h"
#include "harness.h"

static struct nlmsghdr *request_at(const struct kn_batch *batch, size_t i)
{
	return (struct nlmsghdr *)(batch->msgs + batch->lines[i].offset);
}

/* kn_batch_read() of text, its diagnostics into *diag (to free). */
static int read_text(struct kn_batch *batch, const char *text, char **diag)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *out = test_capture_start();
	int status;

	status = kn_batch_read(batch, "svc.batch", in, out);
	fclose(in);
	*diag = test_capture_end(out);
	return status;
}

static void test_option(void)
{
	static const char *const batch[TEST_MAX_ARGS] = { "-b", "svc.batch" };
	static const char *const batch_stdin[TEST_MAX_ARGS] = { "--batch", "-" };
	static const char *const batch_eq[TEST_MAX_ARGS] = { "--batch=x.txt" };
	static const char *const no_file[TEST_MAX_ARGS] = { "-b" };
	static const char *const with_command[TEST_MAX_ARGS] = { "-b", "f", "service", "list" };
	static const char *const help[TEST_MAX_ARGS] = { "-b", "f", "--help" };
	struct kn_invocation inv;

	test_case(test_parse(batch, &inv) == KN_CTL_BATCH && !strcmp(inv.batch, "svc.batch"),
		  "\"kn-ctl -b svc.batch\": a batch");
	test_case(test_parse(batch_stdin, &inv) == KN_CTL_BATCH && !strcmp(inv.batch, "-"),
		  "\"kn-ctl --batch -\": a batch from standard input");
	test_case(test_parse(batch_eq, &inv) == KN_CTL_BATCH && !strcmp(inv.batch, "x.txt"),
		  "\"kn-ctl --batch=x.txt\"");
	test_case(test_parse(no_file, &inv) == KN_CTL_USAGE_ERROR &&
		  !strcmp(inv.error, "-b needs a FILE of commands (- for standard input)"),
		  "\"kn-ctl -b\" refused: no FILE");
	test_case(test_parse(with_command, &inv) == KN_CTL_USAGE_ERROR &&
		  strstr(inv.error, "-b FILE takes no OBJECT COMMAND"),
		  "\"kn-ctl -b f service list\" refused: the commands are in the file");
	test_case(test_parse(help, &inv) == KN_CTL_HELP, "\"kn-ctl -b f --help\" is help");
}

static void test_read(void)
{
	static const char text[] =
		"# the DNS service\n"
		"service add 10.96.0.10:53/udp affinity client-ip timeout 600\n"
		"\n"
		"   backend add 10.96.0.10:53/udp 10.244.2.5:53 weight 3 terminating\t\n"
		"\t# indented comment\n"
		"backend del 10.96.0.10:53/udp 10.244.2.5:53\n"
		"conntrack flush service 10.96.0.10:53/udp\n"
		"service replace 10.96.0.10:53/udp nodeport 30053 policy local\n"
		"config set conntrack-max 100000 masquerade on snat-port-range 61000-62000\n"
		"service del 10.96.0.10:53/udp";	/* no newline at the end */
	static const char *const lines[][TEST_MAX_ARGS] = {
		{ "service", "add", "10.96.0.10:53/udp", "affinity", "client-ip", "timeout", "600" },
		{ "backend", "add", "10.96.0.10:53/udp", "10.244.2.5:53", "weight", "3", "terminating" },
		{ "backend", "del", "10.96.0.10:53/udp", "10.244.2.5:53" },
		{ "conntrack", "flush", "service", "10.96.0.10:53/udp" },
		{ "service", "replace", "10.96.0.10:53/udp", "nodeport", "30053", "policy", "local" },
		{ "config", "set", "conntrack-max", "100000", "masquerade", "on", "snat-port-range",
		  "61000-62000" },
		{ "service", "del", "10.96.0.10:53/udp" },
	};
	static const unsigned int numbers[] = { 2, 4, 6, 7, 8, 9, 10 };
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_batch batch;
	struct kn_invocation inv;
	struct nlmsghdr *want, *got;
	char *diag = NULL;
	bool same = true;
	size_t i;
	int status;

	status = read_text(&batch, text, &diag);
	test_case(status == KN_EXIT_OK && !strcmp(diag, "") && batch.count == ARRAY_SIZE(lines),
		  "batch of 7 changes, comments and blank lines: read, nothing printed");
	for (i = 0; i < batch.count && i < ARRAY_SIZE(lines); i++) {
		want = test_request(lines[i], buf, &inv);
		got = request_at(&batch, i);
		/* The same request but for the family and sequence number, set when sent. */
		same = same && want && got->nlmsg_len == want->nlmsg_len &&
		       got->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		       !memcmp(mnl_nlmsg_get_payload(got), mnl_nlmsg_get_payload(want),
			       want->nlmsg_len - NLMSG_HDRLEN) &&
		       batch.lines[i].number == numbers[i] && !batch.lines[i].acked;
	}
	test_case(same && batch.len == batch.lines[batch.count - 1].offset +
		  request_at(&batch, batch.count - 1)->nlmsg_len,
		  "each line's request is the one the command alone sends, back to back, with its line number");
	kn_batch_set_family(&batch, 0x1234);
	test_case(request_at(&batch, 0)->nlmsg_type == 0x1234 &&
		  request_at(&batch, 6)->nlmsg_type == 0x1234,
		  "the family is set on every request once resolved");
	kn_batch_free(&batch);
	free(diag);
}

static void test_refused_file(void)
{
	static const char text[] =
		"service add 10.96.0.10:80/tcp\n"
		"service add 10.96.0.10:80/sctp\n"
		"service list\n"
		"backend add 10.96.0.10:80/tcp 10.244.2.5:8080 weight 0\n"
		"service add 10.96.0.11:80/tcp -j\n"
		"help\n"
		"status\n"
		"node add 10.244.2.0/24 via 192.168.0.2 dev kn0\n"
		"frobnicate\n"
		"service del 10.96.0.10:80/tcp\n";
	static const char want[] =
		"kn-ctl: svc.batch:2: service add: protocol 'sctp' is not tcp or udp\n"
		"kn-ctl: svc.batch:3: 'service list' cannot be batched: a batch line is a change made by one request\n"
		"kn-ctl: svc.batch:4: backend add: weight '0' is outside 1 to 65535\n"
		"kn-ctl: svc.batch:5: a batch line takes no options ('-j')\n"
		"kn-ctl: svc.batch:6: help cannot be batched\n"
		"kn-ctl: svc.batch:7: 'status' cannot be batched: a batch line is a change made by one request\n"
		"kn-ctl: svc.batch:8: 'node add' cannot be batched: a batch line is a change made by one request\n"
		"kn-ctl: svc.batch:9: unknown object 'frobnicate'\n"
		"kn-ctl: svc.batch: 8 lines refused; nothing was sent\n";
	struct kn_batch batch;
	char *diag = NULL;
	int status;

	status = read_text(&batch, text, &diag);
	if (!test_case(status == KN_EXIT_USAGE && diag && !strcmp(diag, want),
		       "a file with 8 wrong lines: each reported as FILE:LINE: why, exit status 2"))
		printf("     got: %s", diag ? diag : "(null)\n");
	kn_batch_free(&batch);
	free(diag);
}

static void test_add_line(void)
{
	struct kn_batch batch = { .name = "f" };
	char error[KN_CTL_ERROR_SIZE], text[1024];
	size_t used = 0;
	int i;

	snprintf(text, sizeof(text), "   \t \r\n");
	test_case(!kn_batch_add_line(&batch, 1, text, error, sizeof(error)) && !batch.count,
		  "a blank line adds nothing");
	snprintf(text, sizeof(text), "#service add 10.96.0.10:80/tcp");
	test_case(!kn_batch_add_line(&batch, 2, text, error, sizeof(error)) && !batch.count,
		  "a comment adds nothing");
	used = snprintf(text, sizeof(text), "service add 10.96.0.10:80/tcp");
	for (i = 0; i < KN_BATCH_MAX_WORDS; i++)
		used += snprintf(text + used, sizeof(text) - used, " x");
	test_case(kn_batch_add_line(&batch, 3, text, error, sizeof(error)) == -EINVAL &&
		  !strcmp(error, "more than 64 words") && !batch.count,
		  "a line of more than 64 words is refused");
	snprintf(text, sizeof(text), "service add 10.96.0.10:80/tcp --state-dir /tmp");
	test_case(kn_batch_add_line(&batch, 4, text, error, sizeof(error)) == -EINVAL &&
		  strstr(error, "'--state-dir'"), "--state-dir in a line is refused");
	snprintf(text, sizeof(text), "-b other service add 10.96.0.10:80/tcp");
	test_case(kn_batch_add_line(&batch, 5, text, error, sizeof(error)) == -EINVAL &&
		  strstr(error, "'-b'"), "-b in a line is refused: batches do not nest");
	kn_batch_free(&batch);
}

/* A batch of n "service add" lines. */
static int read_services(struct kn_batch *batch, unsigned int n, char **diag)
{
	size_t size = (size_t)n * 40 + 1, used = 0;
	char *text = malloc(size);
	unsigned int i;
	int status;

	if (!text)
		return -ENOMEM;
	text[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(text + used, size - used, "service add 10.%u.%u.%u:80/tcp\n",
				 96 + i / 65536, i / 256 % 256, i % 256);
	status = read_text(batch, text, diag);
	free(text);
	return status;
}

static void test_chunks(void)
{
	struct kn_batch batch;
	char *diag = NULL;
	size_t size;
	bool ok;

	ok = read_services(&batch, 10, &diag) == KN_EXIT_OK && batch.count == 10;
	size = request_at(&batch, 0)->nlmsg_len;
	test_case(ok && kn_batch_chunk_end(&batch, 0, 4, KN_BATCH_CHUNK_BYTES) == 4 &&
		  kn_batch_chunk_end(&batch, 8, 4, KN_BATCH_CHUNK_BYTES) == 10,
		  "chunks: at most max_requests, the last one shorter");
	test_case(kn_batch_chunk_end(&batch, 2, 100, 3 * size) == 5 &&
		  kn_batch_chunk_end(&batch, 2, 100, 3 * size - 1) == 4,
		  "chunks: at most max_bytes of requests");
	test_case(kn_batch_chunk_end(&batch, 3, 100, 1) == 4 &&
		  kn_batch_chunk_end(&batch, 3, 0, KN_BATCH_CHUNK_BYTES) == 4,
		  "chunks: at least one request, whatever the limits");
	test_case(kn_batch_stamp(&batch, 3, 6, 0xfffffffe) == 3 * size &&
		  request_at(&batch, 3)->nlmsg_seq == 0xfffffffe &&
		  request_at(&batch, 4)->nlmsg_seq == 0xffffffff &&
		  request_at(&batch, 5)->nlmsg_seq == 0 && request_at(&batch, 6)->nlmsg_seq == 0,
		  "stamp: consecutive sequence numbers (wrapping), the chunk's bytes");
	test_case(!(request_at(&batch, 3)->nlmsg_flags & NLM_F_ACK) &&
		  !(request_at(&batch, 4)->nlmsg_flags & NLM_F_ACK) &&
		  (request_at(&batch, 5)->nlmsg_flags & NLM_F_ACK) &&
		  (request_at(&batch, 6)->nlmsg_flags & NLM_F_ACK) &&
		  request_at(&batch, 5)->nlmsg_flags & NLM_F_REQUEST &&
		  request_at(&batch, 3)->nlmsg_flags & NLM_F_REQUEST,
		  "stamp: only the chunk's last request asks for an ack; the one after it untouched");
	kn_batch_free(&batch);
	free(diag);
}

/* An ack as the kernel sends it to portid, NETLINK_CAP_ACK and EXT_ACK on. */
static struct nlmsghdr *put_ack(char *buf, uint32_t portid, uint32_t seq, int error,
				const char *why)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;

	memset(buf, 0, 512);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (why ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg.nlmsg_len = 48;
	err->msg.nlmsg_seq = seq;
	if (why)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	return nlh;
}

static void test_acks(void)
{
	static char buf[512] __attribute__((aligned(8)));
	static struct kn_nl nl = { .portid = 4242 };
	char *diag = NULL, *text;
	struct kn_batch batch;
	FILE *out;
	int acked;

	read_services(&batch, 6, &diag);
	out = test_capture_start();
	kn_batch_stamp(&batch, 2, 5, 100);
	acked = kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 100, 0, NULL), 2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 101, -EEXIST, "service exists"),
			      2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 102, -EPERM, NULL), 2, 5, 100, out);
	test_case(acked == 3 && batch.lines[2].acked && batch.lines[3].acked &&
		  batch.lines[4].acked && !batch.lines[5].acked && batch.failed == 2,
		  "acks: each marks its line; the two refusals are counted");
	acked = kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 101, -EEXIST, "again"), 2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 103, 0, NULL), 2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, put_ack(buf, 4242, 99, 0, NULL), 2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, put_ack(buf, 4243, 100, 0, NULL), 2, 5, 100, out);
	acked += kn_batch_ack(&batch, &nl, test_genl_reply_start(buf, KN_CMD_GET_SERVICE, 0),
			      2, 5, 100, out);
	text = test_capture_end(out);
	test_case(acked == 0 && batch.failed == 2,
		  "not counted: a second ack for a line, a sequence number outside the chunk, another port's, a message that is no ack");
	if (!test_case(text && !strcmp(text, "kn-ctl: svc.batch:4: File exists: service exists\n"
					      "kn-ctl: svc.batch:5: Operation not permitted\n"),
		       "a refusal is reported as FILE:LINE: <strerror>: <extack>, or without extack when there is none"))
		printf("     got: %s", text ? text : "(null)\n");
	kn_batch_free(&batch);
	free(diag);
	free(text);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * 10,000 "service add" requests, as kn-ctl reads them, sent to the generic
 * netlink controller instead of kn: it refuses a command it does not know,
 * which every kn command is to it, with EOPNOTSUPP; the even ones are made
 * NLMSG_NOOP, which netlink itself acks with 0.  So every request gets an
 * ack and half of them are refusals, each of which must name its own line.
 */
static void test_socket(void)
{
	const unsigned int n = 10000;
	struct kn_genl *genl = calloc(1, sizeof(*genl));
	char *diag = NULL, *text, want[128];
	unsigned int acked = 0, i;
	struct kn_batch batch;
	struct timespec start;
	double elapsed;
	int status;
	FILE *out;

	clock_gettime(CLOCK_MONOTONIC, &start);
	status = read_services(&batch, n, &diag);
	if (!test_case(genl && status == KN_EXIT_OK && batch.count == n &&
		       !kn_nl_open(&genl->nl, NETLINK_GENERIC),
		       "10,000 service adds read, a generic netlink socket open")) {
		free(genl);
		kn_batch_free(&batch);
		free(diag);
		return;
	}
	kn_batch_set_family(&batch, GENL_ID_CTRL);
	for (i = 0; i < n; i += 2)
		request_at(&batch, i)->nlmsg_type = NLMSG_NOOP;
	out = test_capture_start();
	status = kn_batch_send(&batch, genl, out);
	text = test_capture_end(out);
	elapsed = seconds_since(&start);
	for (i = 0; i < n; i++)
		acked += batch.lines[i].acked;

	test_case(status == KN_EXIT_FAILURE && acked == n && batch.failed == n / 2,
		  "10,000 requests sent in chunks: every one acked, the 5,000 refusals counted");
	snprintf(want, sizeof(want), "kn-ctl: svc.batch:2: %s\nkn-ctl: svc.batch:4: %s\n",
		 strerror(EOPNOTSUPP), strerror(EOPNOTSUPP));
	test_case(text && !strncmp(text, want, strlen(want)) && !strstr(text, ":1: ") &&
		  !strstr(text, ":9999: ") && strstr(text, ":10000: ") &&
		  strstr(text, "kn-ctl: svc.batch: 5000 of 10000 changes refused\n"),
		  "each refusal names its own line (2, 4, ... 10000), and the count ends the report");
	test_case(elapsed < 1.0, "10,000 lines read and sent in well under a second (%.0f ms)",
		  elapsed * 1000);
	kn_genl_close(genl);
	free(genl);
	kn_batch_free(&batch);
	free(diag);
	free(text);
}

void batch_tests(void)
{
	test_option();
	test_read();
	test_refused_file();
	test_add_line();
	test_chunks();
	test_acks();
	test_socket();
}
