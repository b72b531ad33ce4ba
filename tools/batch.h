/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kn-ctl -b FILE: many changes in one run, pipelined.
 *
 * Each line of FILE that is not blank and does not start with '#' is a
 * kn-ctl command line without "kn-ctl" and without options, such as
 * "service add 10.96.0.10:80/tcp".  Only a change that is one request
 * answered by an ack can be a line (a command with request_cmd, kn-ctl.h).
 *
 * 1. Every line is parsed, and its request built, before anything is
 *    sent: a line that is not such a command is reported as
 *    "FILE:LINE: why", all of them, and nothing is sent (exit status 2).
 * 2. The requests go in chunks, many genl messages per sendmsg(); the
 *    kernel acts on each in file order.  Only a chunk's last request asks
 *    for an ack (an ack per request was a third of a big batch's time):
 *    the others are answered only when refused, before that ack.  A
 *    chunk's answers are read before the next is sent, so the socket's
 *    receive buffer need only hold one chunk's (the chunk is sized from
 *    it, as if every request were refused).
 * 3. A refused line is reported as "FILE:LINE: <strerror>: <extack>" and
 *    the batch goes on: the lines after it in its chunk were sent with it
 *    and acted on already, so stopping could not be exact, and a batch
 *    that always tries every line once leaves a state that depends on the
 *    file alone.  The exit status is 1 if any line was refused.
 *
 * The parts are separate so that the tests drive them without the kn
 * module: parsing into a struct kn_batch, chunking, reading acks.
 */
#ifndef KN_CTL_BATCH_H
#define KN_CTL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "genl.h"

/* At most this many bytes of requests per sendmsg(). */
#define KN_BATCH_CHUNK_BYTES	65536
/* The receive buffer asked for, so that a chunk's acks fit. */
#define KN_BATCH_RCVBUF		(4 << 20)
/*
 * What one ack costs in the receive buffer at the most (its skb's
 * truesize, an error with its extack sentence included); a chunk holds no
 * more requests than the buffer has room for acks.
 */
#define KN_BATCH_ACK_TRUESIZE	2048
/* The most words a line may have. */
#define KN_BATCH_MAX_WORDS	64

struct kn_batch_line {
	unsigned int number;		/* in FILE, from 1 */
	size_t offset;			/* of its request in msgs */
	bool acked;
};

struct kn_batch {
	const char *name;		/* FILE as messages name it */
	/* The requests, back to back; zeroed beyond len. */
	char *msgs;
	size_t len;
	size_t capacity;
	/* One per request, in file order. */
	struct kn_batch_line *lines;
	size_t count;
	size_t lines_capacity;
	unsigned int failed;		/* lines the kernel refused */
};

/*
 * Parses line number of the file (text, modified) and appends its request
 * to batch.  0 (a blank or comment line adds nothing), -ENOMEM, or -EINVAL
 * with the reason in error.
 */
int kn_batch_add_line(struct kn_batch *batch, unsigned int number, char *text,
		      char *error, size_t size);
/*
 * Every line of in into batch, named name.  Usage errors are printed to
 * diag as "kn-ctl: NAME:LINE: why".  Returns an enum kn_exit: OK, USAGE
 * (a line was wrong), FAILURE (in could not be read, no memory).
 */
int kn_batch_read(struct kn_batch *batch, const char *name, FILE *in, FILE *diag);
void kn_batch_free(struct kn_batch *batch);

/* Sets the generic netlink family of every request. */
void kn_batch_set_family(struct kn_batch *batch, uint16_t family_id);
/*
 * The end of the chunk that starts at request start: as many requests as
 * fit max_bytes and max_requests, at least one.
 */
size_t kn_batch_chunk_end(const struct kn_batch *batch, size_t start, size_t max_requests,
			  size_t max_bytes);
/*
 * Numbers requests start..end-1 first_seq, first_seq + 1, ..., the last
 * alone with NLM_F_ACK; returns their bytes, from batch->msgs +
 * batch->lines[start].offset.
 */
size_t kn_batch_stamp(struct kn_batch *batch, size_t start, size_t end, uint32_t first_seq);
/*
 * Reads one message received after sending the chunk start..end-1 stamped
 * from first_seq: the ack of one of its requests (nl's portid, sequence
 * number in range, not seen before) marks the line acked and, when it is
 * a refusal, prints "kn-ctl: NAME:LINE: <strerror>[: <extack>]" to diag
 * and counts it.  Returns 1 for such an ack, 0 for any other message.
 */
int kn_batch_ack(struct kn_batch *batch, struct kn_nl *nl, const struct nlmsghdr *nlh,
		 size_t start, size_t end, uint32_t first_seq, FILE *diag);
/*
 * The receive buffer of nl made as big as KN_BATCH_RCVBUF if it can be;
 * returns how many acks it holds.
 */
size_t kn_batch_ack_room(struct kn_nl *nl);
/*
 * Sends every request of batch on genl (family set), chunk by chunk, and
 * reads their acks; refusals and failures are printed to diag.  Returns an
 * enum kn_exit.
 */
int kn_batch_send(struct kn_batch *batch, struct kn_genl *genl, FILE *diag);

/* "kn-ctl -b FILE": FILE "-" is standard input.  Returns an enum kn_exit. */
int kn_ctl_run_batch(const char *file);

#endif /* KN_CTL_BATCH_H */
