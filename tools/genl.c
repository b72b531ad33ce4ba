// SPDX-License-Identifier: GPL-2.0
/*
 * A small generic netlink helper over libmnl; see genl.h.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "genl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* State shared by the reply and control callbacks of one kn_genl_talk(). */
struct talk_ctx {
	struct kn_genl *genl;
	kn_genl_reply_cb reply_cb;
	void *data;
	int err;
};

struct nlmsghdr *kn_genl_msg_put(void *buf, uint16_t family_id, uint8_t version,
				 uint8_t cmd, uint16_t flags, uint32_t seq)
{
	struct genlmsghdr *genlh;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	genlh = mnl_nlmsg_put_extra_header(nlh, sizeof(*genlh));
	genlh->cmd = cmd;
	genlh->version = version;
	return nlh;
}

struct nlmsghdr *kn_genl_msg_start(struct kn_genl *genl, uint8_t cmd, uint16_t flags)
{
	memset(genl->send_buf, 0, sizeof(genl->send_buf));
	return kn_genl_msg_put(genl->send_buf, genl->family_id,
			       genl->family_version, cmd, flags, ++genl->seq);
}

const char *kn_genl_error_message(const struct kn_genl *genl)
{
	return genl->error_msg;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The extended-ack TLVs follow an nlmsgerr (after the echoed request unless
 * the ack was capped) or the int of an NLMSG_DONE; offset says where.
 */
static void copy_extack_message(struct kn_genl *genl, const struct nlmsghdr *nlh,
				size_t offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (mnl_attr_parse(nlh, offset, extack_attr_cb, tb) != MNL_CB_OK)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(genl->error_msg, sizeof(genl->error_msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct talk_ctx *ctx = data;
	size_t offset = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		ctx->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;	/* the ack that ends a request */

	/* Subsystems disagree on the sign; the errno is what matters. */
	ctx->err = err->error < 0 ? err->error : -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&err->msg);
	copy_extack_message(ctx->genl, nlh, offset);
	return MNL_CB_ERROR;
}

/* A dump that fails part way ends with NLMSG_DONE carrying the errno. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	ctx->err = err;
	copy_extack_message(ctx->genl, nlh, sizeof(err));
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int reply_trampoline(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	if (!ctx->reply_cb)
		return MNL_CB_OK;
	err = ctx->reply_cb(nlh, ctx->data);
	if (err < 0) {
		ctx->err = err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * Every control type is listed: libmnl falls back to its own handlers only
 * for types beyond the array, and its error handler would drop the extack.
 * Not const only because mnl_cb_run2() takes a plain pointer.
 */
static mnl_cb_t control_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP]	= noop_cb,
	[NLMSG_ERROR]	= error_cb,
	[NLMSG_DONE]	= done_cb,
	[NLMSG_OVERRUN]	= noop_cb,
};

int kn_genl_talk(struct kn_genl *genl, struct nlmsghdr *nlh,
		 kn_genl_reply_cb reply_cb, void *data)
{
	struct talk_ctx ctx = {
		.genl = genl,
		.reply_cb = reply_cb,
		.data = data,
	};
	ssize_t len;
	int ret;

	genl->error_msg[0] = '\0';
	if (mnl_socket_sendto(genl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	do {
		len = mnl_socket_recvfrom(genl->sock, genl->recv_buf,
					  sizeof(genl->recv_buf));
		if (len < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run2(genl->recv_buf, len, nlh->nlmsg_seq,
				  genl->portid, reply_trampoline, &ctx,
				  control_cbs, ARRAY_SIZE(control_cbs));
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_STOP)
		return 0;
	/*
	 * Our callbacks store their errno; anything else (a sequence
	 * mismatch, an interrupted dump) was reported by libmnl in errno.
	 */
	if (ctx.err)
		return ctx.err;
	return errno ? -errno : -EPROTO;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *family_id = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
		*family_id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

/*
 * CTRL_CMD_GETFAMILY also makes the kernel try request_module() for the
 * family's alias, so a module built with MODULE_ALIAS_GENL_FAMILY loads on
 * first use; ENOENT means it is neither loaded nor loadable.
 */
static int resolve_family(struct kn_genl *genl, const char *family_name)
{
	struct nlmsghdr *nlh;
	uint16_t family_id = 0;
	int err;

	memset(genl->send_buf, 0, sizeof(genl->send_buf));
	nlh = kn_genl_msg_put(genl->send_buf, GENL_ID_CTRL, 1,
			      CTRL_CMD_GETFAMILY, 0, ++genl->seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family_name);
	err = kn_genl_talk(genl, nlh, family_reply_cb, &family_id);
	if (err)
		return err;
	if (!family_id)
		return -ENOENT;
	genl->family_id = family_id;
	return 0;
}

static void set_socket_option(struct kn_genl *genl, int option)
{
	int one = 1;

	/*
	 * Best effort: a kernel older than the option still works, it just
	 * gives terser errors or echoes whole requests in its acks.
	 */
	mnl_socket_setsockopt(genl->sock, option, &one, sizeof(one));
}

int kn_genl_open(struct kn_genl *genl, const char *family_name, uint8_t version)
{
	int err;

	genl->sock = NULL;
	genl->error_msg[0] = '\0';
	genl->family_version = version;
	/* Distinct sequence numbers across runs make stale replies obvious. */
	genl->seq = time(NULL);

	genl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!genl->sock)
		return -errno;
	if (mnl_socket_bind(genl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err_close;
	}
	genl->portid = mnl_socket_get_portid(genl->sock);

	/* Ask for the kernel's reasons, and not for our own request back. */
	set_socket_option(genl, NETLINK_EXT_ACK);
	set_socket_option(genl, NETLINK_CAP_ACK);

	err = resolve_family(genl, family_name);
	if (err)
		goto err_close;
	return 0;

err_close:
	kn_genl_close(genl);
	return err;
}

void kn_genl_close(struct kn_genl *genl)
{
	if (genl->sock)
		mnl_socket_close(genl->sock);
	genl->sock = NULL;
}

struct parse_ctx {
	const enum mnl_attr_data_type *policy;
	unsigned int max_type;
	const struct nlattr **tb;
};

static int policy_attr_cb(const struct nlattr *attr, void *data)
{
	const struct parse_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* Newer modules may add attributes; older kn-ctl ignores them. */
	if (type > ctx->max_type || ctx->policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, ctx->policy[type]) < 0)
		return MNL_CB_ERROR;
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int kn_genl_parse_attrs(const struct nlmsghdr *nlh,
			const enum mnl_attr_data_type *policy,
			unsigned int max_type, const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, max_type, tb };

	memset(tb, 0, (max_type + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, policy_attr_cb, &ctx) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int kn_genl_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy,
			 unsigned int max_type, const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, max_type, tb };

	memset(tb, 0, (max_type + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(nest, policy_attr_cb, &ctx) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}
