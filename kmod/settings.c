// SPDX-License-Identifier: GPL-2.0
/*
 * Validation and defaults of the per-netns settings.  Pure functions: the
 * caller owns the copy being changed, so they are tested directly by KUnit.
 */
#include <linux/inet.h>
#include <kunit/visibility.h>

#include "uapi/kn.h"
#include "settings.h"

void kn_settings_init_defaults(struct kn_settings *settings)
{
	/* flannel's default Pod CIDR and Kubernetes' default NodePort range */
	settings->cluster_cidr_addr = htonl(0x0af40000); /* 10.244.0.0 */
	settings->cluster_cidr_prefix = 16;
	settings->nodeport_min = KN_NODEPORT_MIN_DEFAULT;
	settings->nodeport_max = KN_NODEPORT_MAX_DEFAULT;
	settings->conntrack_max = KN_CONNTRACK_MAX_DEFAULT;
	settings->snat_port_min = KN_SNAT_PORT_MIN_DEFAULT;
	settings->snat_port_max = KN_SNAT_PORT_MAX_DEFAULT;
	settings->masquerade = false;
}
EXPORT_SYMBOL_IF_KUNIT(kn_settings_init_defaults);

static int kn_check_cidr(__be32 addr, u8 prefix, struct netlink_ext_ack *extack)
{
	if (prefix > 32) {
		NL_SET_ERR_MSG(extack, "cluster CIDR prefix length must be 0..32");
		return -EINVAL;
	}
	if (ntohl(addr) & ~(u32)(prefix ? ~0U << (32 - prefix) : 0)) {
		NL_SET_ERR_MSG(extack, "cluster CIDR has host bits set");
		return -EINVAL;
	}
	return 0;
}

/*
 * Applies @change to @settings after checking all of it; on error @settings
 * is left untouched, so a rejected request changes nothing.
 */
int kn_settings_apply(struct kn_settings *settings,
		      const struct kn_settings_change *change,
		      struct netlink_ext_ack *extack)
{
	int err;

	if (change->has_cluster_cidr) {
		err = kn_check_cidr(change->cluster_cidr_addr,
				    change->cluster_cidr_prefix, extack);
		if (err)
			return err;
	}
	if (change->has_nodeport_range) {
		if (!change->nodeport_min || change->nodeport_min > change->nodeport_max) {
			NL_SET_ERR_MSG(extack, "NodePort range must satisfy 1 <= min <= max");
			return -EINVAL;
		}
	}
	if (change->has_conntrack_max) {
		if (change->conntrack_max < KN_CONNTRACK_MAX_MIN ||
		    change->conntrack_max > KN_CONNTRACK_MAX_MAX) {
			NL_SET_ERR_MSG(extack, "connection table limit out of range");
			return -ERANGE;
		}
	}
	if (change->has_snat_port_range) {
		if (!change->snat_port_min || change->snat_port_min > change->snat_port_max) {
			NL_SET_ERR_MSG(extack, "SNAT port range must satisfy 1 <= min <= max");
			return -EINVAL;
		}
	}

	if (change->has_cluster_cidr) {
		settings->cluster_cidr_addr = change->cluster_cidr_addr;
		settings->cluster_cidr_prefix = change->cluster_cidr_prefix;
	}
	if (change->has_nodeport_range) {
		settings->nodeport_min = change->nodeport_min;
		settings->nodeport_max = change->nodeport_max;
	}
	if (change->has_conntrack_max)
		settings->conntrack_max = change->conntrack_max;
	if (change->has_snat_port_range) {
		settings->snat_port_min = change->snat_port_min;
		settings->snat_port_max = change->snat_port_max;
	}
	if (change->has_masquerade)
		settings->masquerade = change->masquerade;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_settings_apply);
