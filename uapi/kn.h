/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kn: the Kubernetes node datapath -- generic netlink interface.
 *
 * This header is the contract between the kn module and kn-ctl.  Numbers are
 * append-only: a value, once released, never changes meaning.
 *
 * Family: KN_GENL_NAME ("kn"), version KN_GENL_VERSION.  The family is
 * netns-aware: every request acts on the network namespace of the socket that
 * sends it, and no state is shared between namespaces.
 *
 * Permissions: commands that change state need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM); others
 * fail with EPERM.  Read-only commands are open to everyone.
 *
 * Errors: every rejection carries an errno and an extended-ack message naming
 * the attribute at fault.  Requests are validated whole before anything is
 * applied: a rejected request changes nothing.  Unknown attributes are
 * rejected (strict validation).
 *
 * KN_CMD_GET_STATUS
 *   Request:  no attributes.
 *   Reply:    KN_A_VERSION   string, the module version
 *             KN_A_STATUS    nest of KN_STATUS_A_*:
 *                 KN_STATUS_A_NETNS_COOKIE  u64, identifies the namespace
 *                 KN_STATUS_A_LINKS         u32, kn devices in the namespace
 *
 * KN_CMD_GET_SETTINGS
 *   Request:  no attributes.
 *   Reply:    KN_A_SETTINGS  nest of KN_SETTING_A_*, every setting present.
 *
 * KN_CMD_SET_SETTINGS (admin)
 *   Request:  KN_A_SETTINGS  nest of KN_SETTING_A_*; only the settings
 *             present change, the others keep their value.
 *       KN_SETTING_A_CLUSTER_CIDR_ADDR    be32 network address of the
 *       KN_SETTING_A_CLUSTER_CIDR_PREFIX  u8 (0..32)  cluster's Pod CIDR;
 *             both or neither; no host bits may be set.  Default 10.244.0.0/16.
 *       KN_SETTING_A_NODEPORT_MIN         u16 (1..65535) first and last port
 *       KN_SETTING_A_NODEPORT_MAX         u16 (1..65535) of the NodePort range,
 *             both or neither, MIN <= MAX.  Default 30000-32767.
 *       KN_SETTING_A_CONNTRACK_MAX        u32 (KN_CONNTRACK_MAX_MIN ..
 *             KN_CONNTRACK_MAX_MAX) most entries in the connection table.
 *             Default KN_CONNTRACK_MAX_DEFAULT.
 *   Reply:    none (an ack).
 */
#ifndef _UAPI_KN_H
#define _UAPI_KN_H

#include <linux/types.h>

#define KN_GENL_NAME		"kn"
#define KN_GENL_VERSION		1

#define KN_CONNTRACK_MAX_MIN		16
#define KN_CONNTRACK_MAX_MAX		0x01000000 /* 16M */
#define KN_CONNTRACK_MAX_DEFAULT	262144

enum kn_cmd {
	KN_CMD_UNSPEC,
	KN_CMD_GET_STATUS,
	KN_CMD_GET_SETTINGS,
	KN_CMD_SET_SETTINGS,
	__KN_CMD_MAX
};

#define KN_CMD_MAX (__KN_CMD_MAX - 1)

enum kn_attr {
	KN_A_UNSPEC,
	KN_A_VERSION,
	KN_A_STATUS,
	KN_A_SETTINGS,
	__KN_A_LAST
};

#define KN_A_MAX (__KN_A_LAST - 1)

enum kn_status_attr {
	KN_STATUS_A_UNSPEC,
	KN_STATUS_A_NETNS_COOKIE,
	KN_STATUS_A_LINKS,
	KN_STATUS_A_PAD,
	__KN_STATUS_A_LAST
};

#define KN_STATUS_A_MAX (__KN_STATUS_A_LAST - 1)

enum kn_setting_attr {
	KN_SETTING_A_UNSPEC,
	KN_SETTING_A_CLUSTER_CIDR_ADDR,
	KN_SETTING_A_CLUSTER_CIDR_PREFIX,
	KN_SETTING_A_NODEPORT_MIN,
	KN_SETTING_A_NODEPORT_MAX,
	KN_SETTING_A_CONNTRACK_MAX,
	__KN_SETTING_A_LAST
};

#define KN_SETTING_A_MAX (__KN_SETTING_A_LAST - 1)

#endif /* _UAPI_KN_H */
