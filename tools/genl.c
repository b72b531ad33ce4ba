// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink on top of nl.c; see genl.h.
 */

#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "genl.h"

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
	memset(genl->nl.send_buf, 0, sizeof(genl->nl.send_buf));
	return kn_genl_msg_put(genl->nl.send_buf, genl->family_id,
			       genl->family_version, cmd, flags, ++genl->nl.seq);
}

int kn_genl_talk(struct kn_genl *genl, struct nlmsghdr *nlh,
		 kn_genl_reply_cb reply_cb, void *data)
{
	return kn_nl_talk(&genl->nl, nlh, reply_cb, data);
}

const char *kn_genl_error_message(const struct kn_genl *genl)
{
	return kn_nl_error_message(&genl->nl);
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

	memset(genl->nl.send_buf, 0, sizeof(genl->nl.send_buf));
	nlh = kn_genl_msg_put(genl->nl.send_buf, GENL_ID_CTRL, 1,
			      CTRL_CMD_GETFAMILY, 0, ++genl->nl.seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family_name);
	err = kn_genl_talk(genl, nlh, family_reply_cb, &family_id);
	if (err)
		return err;
	if (!family_id)
		return -ENOENT;
	genl->family_id = family_id;
	return 0;
}

int kn_genl_open(struct kn_genl *genl, const char *family_name, uint8_t version)
{
	int err;

	genl->nl.sock = NULL;
	genl->family_version = version;
	err = kn_nl_open(&genl->nl, NETLINK_GENERIC);
	if (err)
		return err;
	err = resolve_family(genl, family_name);
	if (err)
		kn_genl_close(genl);
	return err;
}

void kn_genl_close(struct kn_genl *genl)
{
	kn_nl_close(&genl->nl);
}

int kn_genl_parse_attrs(const struct nlmsghdr *nlh,
			const enum mnl_attr_data_type *policy,
			unsigned int max_type, const struct nlattr **tb)
{
	return kn_nl_parse_attrs(nlh, GENL_HDRLEN, policy, max_type, tb);
}

int kn_genl_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy,
			 unsigned int max_type, const struct nlattr **tb)
{
	return kn_nl_parse_nested(nest, policy, max_type, tb);
}

int kn_genl_parse_nested_all(const struct nlattr *nest,
			     const enum mnl_attr_data_type *policy,
			     unsigned int max_type, const struct nlattr **tb)
{
	unsigned int type;
	int err;

	if (!nest)
		return -EBADMSG;
	err = kn_nl_parse_nested(nest, policy, max_type, tb);
	if (err)
		return err;
	for (type = 1; type <= max_type; type++)
		if (policy[type] != MNL_TYPE_UNSPEC && !tb[type])
			return -EBADMSG;
	return 0;
}
