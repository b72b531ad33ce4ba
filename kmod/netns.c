// SPDX-License-Identifier: GPL-2.0
/* Per-network-namespace state: creation, teardown and settings updates. */
#include <linux/slab.h>

#include "lb.h"
#include "netns.h"

unsigned int kn_net_id __read_mostly;

static int __net_init kn_net_init(struct net *net)
{
	struct kn_net *kn = kn_net(net);
	struct kn_settings *settings;
	int err;

	settings = kzalloc(sizeof(*settings), GFP_KERNEL);
	if (!settings)
		return -ENOMEM;
	kn_settings_init_defaults(settings);

	kn->net = net;
	mutex_init(&kn->config_lock);
	atomic_set(&kn->links, 0);
	RCU_INIT_POINTER(kn->settings, settings);
	err = kn_services_init(&kn->services);
	if (err)
		kfree(settings);
	return err;
}

static void __net_exit kn_net_exit(struct net *net)
{
	struct kn_net *kn = kn_net(net);

	/* No reader can be left: the namespace is dead and, once netns
	 * teardown gets here, its devices and sockets are gone.
	 */
	kn_lb_net_exit(kn);
	kn_services_uninit(&kn->services);
	kfree(rcu_dereference_protected(kn->settings, true));
	RCU_INIT_POINTER(kn->settings, NULL);
}

static struct pernet_operations kn_net_ops = {
	.init = kn_net_init,
	.exit = kn_net_exit,
	.id = &kn_net_id,
	.size = sizeof(struct kn_net),
};

int kn_netns_update_settings(struct kn_net *kn,
			     const struct kn_settings_change *change,
			     struct netlink_ext_ack *extack)
{
	struct kn_settings *old, *new;
	int err;

	new = kmalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	mutex_lock(&kn->config_lock);
	old = rcu_dereference_protected(kn->settings,
					lockdep_is_held(&kn->config_lock));
	*new = *old;
	err = kn_settings_apply(new, change, extack);
	/* masquerade works in the hooks, which exist with the first service */
	if (!err && new->masquerade) {
		err = kn_lb_enable(kn);
		if (err)
			NL_SET_ERR_MSG(extack, "cannot set up the connection table and hooks");
	}
	if (!err)
		rcu_assign_pointer(kn->settings, new);
	mutex_unlock(&kn->config_lock);

	if (err) {
		kfree(new);
		return err;
	}
	kfree_rcu(old, rcu);
	return 0;
}

int __init kn_netns_init(void)
{
	return register_pernet_subsys(&kn_net_ops);
}

void kn_netns_uninit(void)
{
	unregister_pernet_subsys(&kn_net_ops);
}
