// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl -b FILE; see batch.h for what it promises.
 */

#define _GNU_SOURCE		/* getline() is POSIX 2008 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "batch.h"
#include "kn-ctl.h"

#define BLANKS	" \t\r\n\v\f"

/* Room for one more request at the end of msgs; what is new is zeroed. */
static int reserve_request(struct kn_batch *batch)
{
	size_t capacity = batch->capacity ? batch->capacity : KN_BATCH_CHUNK_BYTES;
	struct kn_batch_line *lines;
	char *msgs;

	lines = kn_array_reserve(batch->lines, &batch->lines_capacity, batch->count,
				 sizeof(*lines), 1024);
	if (!lines)
		return -ENOMEM;
	batch->lines = lines;
	if (batch->capacity - batch->len >= KN_GENL_SEND_BUF_SIZE)
		return 0;
	while (capacity - batch->len < KN_GENL_SEND_BUF_SIZE)
		capacity *= 2;
	/* libmnl before 1.0.5 leaves padding as it finds it: zeroes. */
	msgs = realloc(batch->msgs, capacity);
	if (!msgs)
		return -ENOMEM;
	memset(msgs + batch->capacity, 0, capacity - batch->capacity);
	batch->msgs = msgs;
	batch->capacity = capacity;
	return 0;
}

static int refuse(char *error, size_t size, const char *fmt, const char *word)
{
	snprintf(error, size, fmt, word);
	return -EINVAL;
}

int kn_batch_add_line(struct kn_batch *batch, unsigned int number, char *text,
		      char *error, size_t size)
{
	char *argv[KN_BATCH_MAX_WORDS + 2], *word, *save;
	const struct kn_command *command;
	struct kn_batch_line *line;
	struct kn_invocation inv;
	struct nlmsghdr *nlh;
	char name[64];
	int argc = 0, err;

	argv[argc++] = KN_CTL_NAME;
	for (word = strtok_r(text, BLANKS, &save); word; word = strtok_r(NULL, BLANKS, &save)) {
		if (argc == 1 && *word == '#')
			return 0;
		/* No argument value starts with '-' and a letter (kn-ctl.c). */
		if (word[0] == '-' && (isalpha((unsigned char)word[1]) || word[1] == '-'))
			return refuse(error, size,
				      "a batch line takes no options ('%s')", word);
		if (argc > KN_BATCH_MAX_WORDS)
			return refuse(error, size, "more than %s words",
				      KN_XSTR(KN_BATCH_MAX_WORDS));
		argv[argc++] = word;
	}
	if (argc == 1)
		return 0;
	argv[argc] = NULL;

	if (kn_ctl_parse_command_line(argc, argv, &inv) != KN_CTL_RUN)
		return refuse(error, size, "%s", inv.error[0] ? inv.error : "help cannot be batched");
	command = inv.command;
	if (!command->request_cmd) {
		snprintf(name, sizeof(name), "%s%s%s", inv.object->name, command->name ? " " : "",
			 command->name ? command->name : "");
		return refuse(error, size,
			      "'%s' cannot be batched: a batch line is a change made by one request",
			      name);
	}

	err = reserve_request(batch);
	if (err)
		return err;
	nlh = kn_genl_msg_put(batch->msgs + batch->len, 0, KN_GENL_VERSION, command->request_cmd,
			      0, 0);
	command->put_request(nlh, &inv);
	line = &batch->lines[batch->count++];
	line->number = number;
	line->offset = batch->len;
	line->acked = false;
	batch->len += MNL_ALIGN(nlh->nlmsg_len);
	return 0;
}

int kn_batch_read(struct kn_batch *batch, const char *name, FILE *in, FILE *diag)
{
	char error[KN_CTL_ERROR_SIZE], *text = NULL;
	unsigned int number = 0, refused = 0;
	size_t size = 0;
	int err = 0;

	memset(batch, 0, sizeof(*batch));
	batch->name = name;
	while (getline(&text, &size, in) >= 0) {
		err = kn_batch_add_line(batch, ++number, text, error, sizeof(error));
		if (err == -ENOMEM)
			break;
		if (err) {
			fprintf(diag, KN_CTL_NAME ": %s:%u: %s\n", name, number, error);
			refused++;
		}
	}
	free(text);
	if (err == -ENOMEM || ferror(in)) {
		fprintf(diag, KN_CTL_NAME ": %s: %s\n", name,
			strerror(err == -ENOMEM ? ENOMEM : errno));
		return KN_EXIT_FAILURE;
	}
	if (refused) {
		fprintf(diag, KN_CTL_NAME ": %s: %u line%s refused; nothing was sent\n", name,
			refused, refused == 1 ? "" : "s");
		return KN_EXIT_USAGE;
	}
	return KN_EXIT_OK;
}

void kn_batch_free(struct kn_batch *batch)
{
	free(batch->msgs);
	free(batch->lines);
	memset(batch, 0, sizeof(*batch));
}

static struct nlmsghdr *request_of(const struct kn_batch *batch, size_t i)
{
	return (struct nlmsghdr *)(batch->msgs + batch->lines[i].offset);
}

/* Where request i ends. */
static size_t end_of(const struct kn_batch *batch, size_t i)
{
	return i + 1 < batch->count ? batch->lines[i + 1].offset : batch->len;
}

void kn_batch_set_family(struct kn_batch *batch, uint16_t family_id)
{
	size_t i;

	for (i = 0; i < batch->count; i++)
		request_of(batch, i)->nlmsg_type = family_id;
}

size_t kn_batch_chunk_end(const struct kn_batch *batch, size_t start, size_t max_requests,
			  size_t max_bytes)
{
	size_t first = batch->lines[start].offset, end = start + 1;

	while (end < batch->count && end - start < max_requests &&
	       end_of(batch, end) - first <= max_bytes)
		end++;
	return end;
}

size_t kn_batch_stamp(struct kn_batch *batch, size_t start, size_t end, uint32_t first_seq)
{
	struct nlmsghdr *nlh;
	size_t i;

	for (i = start; i < end; i++) {
		nlh = request_of(batch, i);
		nlh->nlmsg_seq = first_seq + (uint32_t)(i - start);
		if (i == end - 1)
			nlh->nlmsg_flags |= NLM_F_ACK;
		else
			nlh->nlmsg_flags &= ~NLM_F_ACK;
	}
	return end_of(batch, end - 1) - batch->lines[start].offset;
}

int kn_batch_ack(struct kn_batch *batch, struct kn_nl *nl, const struct nlmsghdr *nlh,
		 size_t start, size_t end, uint32_t first_seq, FILE *diag)
{
	uint32_t index = nlh->nlmsg_seq - first_seq;
	struct kn_batch_line *line;
	const char *why;
	int err;

	if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != nl->portid ||
	    index >= end - start)
		return 0;
	line = &batch->lines[start + index];
	if (line->acked)
		return 0;
	line->acked = true;
	err = kn_nl_ack_error(nl, nlh);
	if (err) {
		why = kn_nl_error_message(nl);
		fprintf(diag, KN_CTL_NAME ": %s:%u: %s%s%s\n", batch->name, line->number,
			strerror(-err), *why ? ": " : "", why);
		batch->failed++;
	}
	return 1;
}

size_t kn_batch_ack_room(struct kn_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), want = KN_BATCH_RCVBUF, have = 0;
	socklen_t len = sizeof(have);

	/*
	 * Past net.core.rmem_max only with CAP_NET_ADMIN, which the changes
	 * need anyway; without it, as much as rmem_max allows.  The kernel
	 * reports the doubled size it accounts truesize against.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &len) || have < 2 * KN_BATCH_ACK_TRUESIZE)
		return 1;
	/* One ack's worth of slack: the kernel checks before it adds. */
	return have / KN_BATCH_ACK_TRUESIZE - 1;
}

/*
 * Reads the answers to the chunk start..end-1 until its last request's
 * ack; the kernel acts on the requests in order and answers the others
 * only to refuse them, so those it did not refuse by then were applied.
 * 0, or -errno when the socket failed (ENOBUFS: refusals were lost).
 */
static int read_acks(struct kn_batch *batch, struct kn_nl *nl, size_t start, size_t end,
		     uint32_t first_seq, FILE *diag)
{
	const struct nlmsghdr *nlh;
	ssize_t received;
	size_t i;
	int len;

	while (!batch->lines[end - 1].acked) {
		received = mnl_socket_recvfrom(nl->sock, nl->recv_buf, sizeof(nl->recv_buf));
		if (received < 0)
			return -errno;
		len = received;
		for (nlh = (const struct nlmsghdr *)nl->recv_buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			kn_batch_ack(batch, nl, nlh, start, end, first_seq, diag);
	}
	for (i = start; i < end; i++)
		batch->lines[i].acked = true;
	return 0;
}

int kn_batch_send(struct kn_batch *batch, struct kn_genl *genl, FILE *diag)
{
	struct kn_nl *nl = &genl->nl;
	size_t room = kn_batch_ack_room(nl), start, end, bytes;
	uint32_t first_seq;
	int err;

	for (start = 0; start < batch->count; start = end) {
		end = kn_batch_chunk_end(batch, start, room, KN_BATCH_CHUNK_BYTES);
		first_seq = nl->seq + 1;
		nl->seq += end - start;
		bytes = kn_batch_stamp(batch, start, end, first_seq);
		if (mnl_socket_sendto(nl->sock, request_of(batch, start), bytes) < 0) {
			fprintf(diag, KN_CTL_NAME ": %s:%u: %s; neither this line nor any after it was sent\n",
				batch->name, batch->lines[start].number, strerror(errno));
			return KN_EXIT_FAILURE;
		}
		err = read_acks(batch, nl, start, end, first_seq, diag);
		if (err) {
			fprintf(diag, KN_CTL_NAME ": %s: reading the acks of lines %u to %u: %s; whether "
				"those not reported were applied is unknown, and no line after %u was sent\n",
				batch->name, batch->lines[start].number,
				batch->lines[end - 1].number, strerror(-err),
				batch->lines[end - 1].number);
			return KN_EXIT_FAILURE;
		}
	}
	if (batch->failed)
		fprintf(diag, KN_CTL_NAME ": %s: %u of %zu changes refused\n", batch->name,
			batch->failed, batch->count);
	return batch->failed ? KN_EXIT_FAILURE : KN_EXIT_OK;
}

int kn_ctl_run_batch(const char *file)
{
	bool from_stdin = !strcmp(file, "-");
	struct kn_batch batch;
	struct kn_genl genl;
	int status;
	FILE *in;

	in = from_stdin ? stdin : fopen(file, "r");
	if (!in)
		return kn_ctl_fail(NULL, -errno, "%s", file);
	status = kn_batch_read(&batch, from_stdin ? "<stdin>" : file, in, stderr);
	if (!from_stdin)
		fclose(in);
	if (status == KN_EXIT_OK && batch.count) {
		status = kn_ctl_connect(&genl);
		if (status == KN_EXIT_OK) {
			kn_batch_set_family(&batch, genl.family_id);
			status = kn_batch_send(&batch, &genl, stderr);
			kn_genl_close(&genl);
		}
	}
	kn_batch_free(&batch);
	return status;
}
