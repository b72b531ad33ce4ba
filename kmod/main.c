// SPDX-License-Identifier: GPL-2.0
/* kn: the Kubernetes node datapath.  Module init/exit only. */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

#include "uapi/kn.h"
#include "compat.h"
#include "netns.h"
#include "netlink.h"
#include "version.h"

static int __init kn_mod_init(void)
{
	int err;

	err = kn_netns_init();
	if (err)
		goto err_netns;
	/* Last: once the family is visible, requests may arrive. */
	err = kn_genl_init();
	if (err)
		goto err_genl;

	pr_info("kn " KN_VERSION " loaded\n");
	return 0;

err_genl:
	kn_netns_uninit();
err_netns:
	return err;
}

static void __exit kn_mod_exit(void)
{
	kn_genl_uninit();
	kn_netns_uninit();
	rcu_barrier(); /* kfree_rcu() callbacks must not outlive the module */
	pr_info("kn unloaded\n");
}

module_init(kn_mod_init);
module_exit(kn_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kubernetes node datapath: pod bridge, VXLAN overlay, Services");
MODULE_AUTHOR("kn developers");
MODULE_VERSION(KN_VERSION);
MODULE_ALIAS_GENL_FAMILY(KN_GENL_NAME);
