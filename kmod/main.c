// SPDX-License-Identifier: GPL-2.0
/* kn: the Kubernetes node datapath.  Module init/exit only. */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "uapi/kn.h"
#include "bridge.h"
#include "compat.h"
#include "conntrack.h"
#include "netns.h"
#include "netlink.h"
#include "port.h"
#include "version.h"

static int __init kn_mod_init(void)
{
	int err;

	err = kn_ct_cache_init();
	if (err)
		goto err_cache;
	err = kn_netns_init();
	if (err)
		goto err_netns;
	/* Before any port can exist, so none is ever missed. */
	err = kn_port_init();
	if (err)
		goto err_port;
	err = kn_bridge_init();
	if (err)
		goto err_bridge;
	/* Last: once the family is visible, requests may arrive. */
	err = kn_genl_init();
	if (err)
		goto err_genl;

	pr_info("kn " KN_VERSION " loaded\n");
	return 0;

err_genl:
	kn_bridge_uninit();
err_bridge:
	kn_port_uninit();
err_port:
	kn_netns_uninit();
err_netns:
	kn_ct_cache_uninit();
err_cache:
	return err;
}

static void __exit kn_mod_exit(void)
{
	kn_genl_uninit();
	kn_bridge_uninit(); /* deletes every kn device, detaching its ports */
	kn_port_uninit();
	kn_netns_uninit();
	rcu_barrier(); /* call_rcu()/kfree_rcu() callbacks must not outlive the module */
	kn_ct_cache_uninit();
	pr_info("kn unloaded\n");
}

module_init(kn_mod_init);
module_exit(kn_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kubernetes node datapath: pod bridge, VXLAN overlay, Services");
MODULE_AUTHOR("kn developers");
MODULE_VERSION(KN_VERSION);
MODULE_ALIAS_GENL_FAMILY(KN_GENL_NAME);
MODULE_ALIAS_RTNL_LINK(KN_LINK_KIND);
