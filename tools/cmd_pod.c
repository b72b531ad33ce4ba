// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl pod: set a pod's network up on a bridge as kubelet and a CNI
 * plugin do, take it down again, list what is set up.
 *
 *   pod add  namespace (netns.c) + veth pair (rtnl.c) + address from the
 *            host-local IPAM (ipam.c) + route, recorded in pods.c
 *   pod del  all of that undone, whatever part of it exists
 *   pod list the records
 *
 * Everything here is rtnetlink and files: the kn module is not involved,
 * so the same commands build the same topology on a Linux bridge.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "ipam.h"
#include "json.h"
#include "kn-ctl.h"
#include "netns.h"
#include "pods.h"
#include "rtnl.h"

/* The pod's end of the veth pair, as every CNI plugin names it. */
#define POD_IFNAME		"eth0"
/* Host-side names tried before giving up on hash collisions. */
#define HOST_DEV_ATTEMPTS	4

/* --- arguments --- */

static const char *const pod_name_rule =
	"1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";

static int parse_pod_name(struct kn_invocation *inv, const char *command,
			  const char *name)
{
	if (!kn_pod_name_valid(name))
		return kn_ctl_usage_error(inv, "pod %s: invalid pod name '%s' (%s)",
					  command, name, pod_name_rule);
	return 0;
}

static bool is_add_keyword(const char *word)
{
	return !strcmp(word, "dev") || !strcmp(word, "ip") || !strcmp(word, "mtu");
}

/* pod add NAME dev BRIDGE [ip A.B.C.D] [mtu N], keywords in any order. */
static int pod_add_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_pod_add_args *args = &inv->args.pod_add;
	bool has_mtu = false;
	const char *key, *value;
	int i, err;

	/* "pod add dev kn0": the name was forgotten, not called "dev". */
	if (!argc || (argc % 2 == 0 && is_add_keyword(argv[0])))
		return kn_ctl_usage_error(inv, "pod add: missing NAME");
	args->name = argv[0];
	err = parse_pod_name(inv, "add", args->name);
	if (err)
		return err;
	args->mtu = KN_POD_MTU_DEFAULT;

	for (i = 1; i < argc; i += 2) {
		key = argv[i];
		if (!is_add_keyword(key))
			return kn_ctl_usage_error(inv, "pod add: unknown argument '%s'", key);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "pod add: %s needs a value", key);
		value = argv[i + 1];

		if (!strcmp(key, "dev")) {
			if (args->bridge)
				return kn_ctl_usage_error(inv, "pod add: dev is given twice");
			if (!kn_ifname_valid(value))
				return kn_ctl_usage_error(inv, "pod add: dev '%s' is not a device name", value);
			args->bridge = value;
		} else if (!strcmp(key, "ip")) {
			if (args->has_addr)
				return kn_ctl_usage_error(inv, "pod add: ip is given twice");
			if (kn_parse_ipv4(value, &args->addr))
				return kn_ctl_usage_error(inv, "pod add: ip '%s' is not an IPv4 address A.B.C.D",
							  value);
			args->has_addr = true;
		} else {
			if (has_mtu)
				return kn_ctl_usage_error(inv, "pod add: mtu is given twice");
			switch (kn_parse_u32(value, KN_POD_MTU_MIN, KN_POD_MTU_MAX, &args->mtu)) {
			case 0:
				break;
			case -ERANGE:
				return kn_ctl_usage_error(inv, "pod add: mtu '%s' is outside %u to %u",
							  value, KN_POD_MTU_MIN, KN_POD_MTU_MAX);
			default:
				return kn_ctl_usage_error(inv, "pod add: mtu '%s' is not a number", value);
			}
			has_mtu = true;
		}
	}
	if (!args->bridge)
		return kn_ctl_usage_error(inv, "pod add: dev BRIDGE is required");
	return 0;
}

static int pod_del_parse(struct kn_invocation *inv, int argc, char **argv)
{
	if (!argc)
		return kn_ctl_usage_error(inv, "pod del: missing NAME");
	if (argc > 1)
		return kn_ctl_usage_error(inv, "pod del: unexpected argument '%s'", argv[1]);
	inv->args.pod_del.name = argv[0];
	return parse_pod_name(inv, "del", argv[0]);
}

/* --- output --- */

static void pod_json(struct kn_json *json, const struct kn_pod *pod)
{
	char addr[INET_ADDRSTRLEN], gateway[INET_ADDRSTRLEN];

	kn_json_object_start(json);
	kn_json_kv_string(json, "name", pod->name);
	if (!pod->complete) {
		/* Being made, or left half-made by a killed "pod add". */
		kn_json_key(json, "incomplete");
		kn_json_bool(json, true);
		kn_json_object_end(json);
		return;
	}
	inet_ntop(AF_INET, &pod->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &pod->gateway, gateway, sizeof(gateway));
	kn_json_kv_string(json, "address", addr);
	kn_json_kv_uint(json, "prefix_len", pod->prefix_len);
	kn_json_kv_string(json, "gateway", gateway);
	kn_json_kv_string(json, "mac", pod->mac);
	kn_json_kv_string(json, "host_dev", pod->host_dev);
	kn_json_kv_string(json, "bridge", pod->bridge);
	kn_json_kv_string(json, "netns", pod->netns);
	kn_json_kv_uint(json, "mtu", pod->mtu);
	kn_json_object_end(json);
}

/* --- pod add --- */

/* The subnet as "10.244.1.0/24", for messages. */
static void format_subnet(const struct kn_ipam *ipam, char *buf, size_t size)
{
	char network[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ipam->subnet.addr, network, sizeof(network));
	snprintf(buf, size, "%s/%u", network, ipam->subnet.prefix_len);
}

/* Refuses "ip A.B.C.D" when A.B.C.D may not be given to a pod. */
static int check_requested_addr(const struct kn_pod_add_args *args,
				const struct kn_ipam *ipam)
{
	char addr[INET_ADDRSTRLEN], subnet[INET_ADDRSTRLEN + 4];
	const char *why;

	inet_ntop(AF_INET, &args->addr, addr, sizeof(addr));
	format_subnet(ipam, subnet, sizeof(subnet));
	switch (kn_ipam_check(ipam, args->addr)) {
	case KN_IPAM_USABLE:
		return 0;
	case KN_IPAM_OUTSIDE:
		why = "is not in the subnet";
		break;
	case KN_IPAM_NETWORK:
		why = "is the network address of the subnet";
		break;
	case KN_IPAM_BROADCAST:
		why = "is the broadcast address of the subnet";
		break;
	case KN_IPAM_GATEWAY:
	default:
		why = "is the bridge's own address, the gateway of the subnet";
		break;
	}
	return kn_ctl_fail_msg("pod add %s: ip %s %s %s of %s", args->name, addr, why,
			       subnet, args->bridge);
}

/* Takes the requested or the next free address; prints why not. */
static int take_address(const struct kn_pod_add_args *args, const struct kn_ipam *ipam,
			struct in_addr *addr)
{
	char text[INET_ADDRSTRLEN], subnet[INET_ADDRSTRLEN + 4];
	char owner[KN_IPAM_OWNER_MAX + 1];
	int err;

	format_subnet(ipam, subnet, sizeof(subnet));
	if (args->has_addr) {
		*addr = args->addr;
		inet_ntop(AF_INET, addr, text, sizeof(text));
		err = kn_ipam_reserve(ipam, *addr, args->name);
		if (err == -EEXIST && !kn_ipam_owner(ipam, *addr, owner, sizeof(owner)))
			return kn_ctl_fail_msg("pod add %s: address %s is taken by pod %s",
					       args->name, text, owner);
		if (err)
			return kn_ctl_fail(NULL, err, "pod add %s: reserving %s in %s",
					   args->name, text, ipam->dir);
		return 0;
	}
	err = kn_ipam_allocate(ipam, args->name, addr);
	if (err == -ENOSPC)
		return kn_ctl_fail_msg("pod add %s: no free address in %s, the subnet of %s: all %u are taken",
				       args->name, subnet, args->bridge, kn_ipam_capacity(ipam));
	if (err)
		return kn_ctl_fail(NULL, err, "pod add %s: allocating an address in %s",
				   args->name, ipam->dir);
	return 0;
}

/* Creates the veth pair, trying another host-side name on a collision. */
static int add_veth(struct kn_nl *host, const struct kn_pod_add_args *args,
		    int bridge_ifindex, int ns_fd, char host_dev[IF_NAMESIZE])
{
	struct kn_veth_request req = {
		.name = host_dev,
		.peer_name = POD_IFNAME,
		.peer_netns_fd = ns_fd,
		.master = bridge_ifindex,
		.mtu = args->mtu,
		.up = true,
	};
	unsigned int salt;
	int err = -EEXIST;

	for (salt = 0; salt < HOST_DEV_ATTEMPTS && err == -EEXIST; salt++) {
		kn_pod_host_dev_name(args->name, salt, host_dev);
		err = kn_rtnl_add_veth(host, &req);
	}
	/* A device that takes no ports says only EOPNOTSUPP. */
	if (err == -EOPNOTSUPP && !*kn_nl_error_message(host))
		return kn_ctl_fail(host, err, "pod add %s: attaching veth %s to %s (is %s a bridge?)",
				   args->name, host_dev, args->bridge, args->bridge);
	if (err)
		return kn_ctl_fail(host, err, "pod add %s: creating veth %s on %s with peer %s in %s",
				   args->name, host_dev, args->bridge, POD_IFNAME, args->name);
	return 0;
}

/* Inside the pod: lo and eth0 up, the address, the default route. */
static int configure_pod(struct kn_nl *pod_nl, const struct kn_pod_add_args *args,
			 struct kn_pod *pod)
{
	char gateway[INET_ADDRSTRLEN];
	struct kn_link eth0;
	int err;

	err = kn_rtnl_set_up(pod_nl, "lo");
	if (err)
		return kn_ctl_fail(pod_nl, err, "pod add %s: bringing lo up", args->name);
	/* Up before the address, so that its subnet route is added with it. */
	err = kn_rtnl_set_up(pod_nl, POD_IFNAME);
	if (err)
		return kn_ctl_fail(pod_nl, err, "pod add %s: bringing " POD_IFNAME " up",
				   args->name);
	err = kn_rtnl_get_link(pod_nl, POD_IFNAME, &eth0);
	if (err)
		return kn_ctl_fail(pod_nl, err, "pod add %s: reading " POD_IFNAME, args->name);
	err = kn_rtnl_add_ipv4(pod_nl, eth0.ifindex, pod->addr, pod->prefix_len);
	if (err)
		return kn_ctl_fail(pod_nl, err, "pod add %s: adding its address to " POD_IFNAME,
				   args->name);
	err = kn_rtnl_add_default_route(pod_nl, eth0.ifindex, pod->gateway);
	if (err) {
		inet_ntop(AF_INET, &pod->gateway, gateway, sizeof(gateway));
		return kn_ctl_fail(pod_nl, err, "pod add %s: adding the default route via %s",
				   args->name, gateway);
	}
	if (eth0.has_mac)
		kn_mac_format(eth0.mac, pod->mac);
	else
		snprintf(pod->mac, sizeof(pod->mac), "-");
	return 0;
}

/*
 * The order is the one that lets a failure change nothing: everything that
 * can be checked is checked first, then the name and the address are taken
 * (files only), and only then do namespaces and links appear; each step
 * undoes the ones before it when a later one fails.
 */
static int pod_add_run(const struct kn_invocation *inv)
{
	const struct kn_pod_add_args *args = &inv->args.pod_add;
	const char *state_dir = kn_ctl_state_dir(inv);
	struct kn_pod pod = { .complete = true };
	struct kn_nl *host, *pod_nl;
	char subnet[INET_ADDRSTRLEN + 4];
	struct kn_link bridge;
	struct kn_ipam ipam;
	int ns_fd = -1, err, status = KN_EXIT_FAILURE;

	/* Two 40 KiB handles: on the heap rather than the stack. */
	host = calloc(1, sizeof(*host));
	pod_nl = calloc(1, sizeof(*pod_nl));
	if (!host || !pod_nl) {
		kn_ctl_fail(NULL, -ENOMEM, "pod add %s", args->name);
		goto out_free;
	}

	snprintf(pod.name, sizeof(pod.name), "%s", args->name);
	snprintf(pod.bridge, sizeof(pod.bridge), "%s", args->bridge);
	snprintf(pod.netns, sizeof(pod.netns), KN_NETNS_RUN_DIR "/%s", args->name);
	pod.mtu = args->mtu;

	err = kn_nl_open(host, NETLINK_ROUTE);
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: opening an rtnetlink socket", args->name);
		goto out_free;
	}
	err = kn_rtnl_get_link(host, args->bridge, &bridge);
	if (err == -ENODEV) {
		kn_ctl_fail_msg("pod add %s: there is no device %s in this network namespace",
				args->name, args->bridge);
		goto out_close;
	}
	if (err) {
		kn_ctl_fail(host, err, "pod add %s: reading device %s", args->name, args->bridge);
		goto out_close;
	}
	err = kn_rtnl_get_ipv4(host, bridge.ifindex, &pod.gateway, &pod.prefix_len);
	if (err == -EADDRNOTAVAIL) {
		kn_ctl_fail_msg("pod add %s: %s has no IPv4 address; pods get theirs from its subnet "
				"(e.g. ip address add 10.244.1.1/24 dev %s)",
				args->name, args->bridge, args->bridge);
		goto out_close;
	}
	if (err) {
		kn_ctl_fail(host, err, "pod add %s: reading the addresses of %s",
			    args->name, args->bridge);
		goto out_close;
	}
	err = kn_ipam_init(&ipam, state_dir, pod.gateway, pod.prefix_len);
	if (err == -ERANGE) {
		inet_ntop(AF_INET, &pod.gateway, subnet, INET_ADDRSTRLEN);
		kn_ctl_fail_msg("pod add %s: %s/%u on %s leaves no address for pods",
				args->name, subnet, pod.prefix_len, args->bridge);
		goto out_close;
	}
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: state directory %s", args->name, state_dir);
		goto out_close;
	}
	if (args->has_addr && check_requested_addr(args, &ipam))
		goto out_close;

	err = kn_netns_prepare();
	if (err == -EXDEV) {
		kn_ctl_fail_msg("pod add %s: " KN_NETNS_RUN_DIR " is a slave mount here (is kn-ctl "
				"running under ip netns exec?): the pod's namespace would be seen by "
				"kn-ctl only; run it with nsenter --net=" KN_NETNS_RUN_DIR "/NODE instead",
				args->name);
		goto out_close;
	}
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: preparing " KN_NETNS_RUN_DIR, args->name);
		goto out_close;
	}

	err = kn_pod_claim(state_dir, args->name);
	if (err == -EEXIST) {
		kn_ctl_fail_msg("pod add %s: pod %s exists already ('" KN_CTL_NAME
				" pod del %s' removes it)", args->name, args->name, args->name);
		goto out_close;
	}
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: creating its record in %s/" KN_PODS_DIR,
			    args->name, state_dir);
		goto out_close;
	}
	/* Not a pod of ours (that would have a record): ip netns add's, say. */
	if (!access(pod.netns, F_OK)) {
		kn_ctl_fail_msg("pod add %s: network namespace %s exists already",
				args->name, pod.netns);
		goto err_record;
	}
	if (take_address(args, &ipam, &pod.addr))
		goto err_record;

	err = kn_netns_add(args->name);
	if (err == -EEXIST) {
		kn_ctl_fail_msg("pod add %s: network namespace %s exists already",
				args->name, pod.netns);
		goto err_address;
	}
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: creating network namespace %s",
			    args->name, pod.netns);
		goto err_address;
	}
	ns_fd = kn_netns_open(args->name);
	if (ns_fd < 0) {
		kn_ctl_fail(NULL, ns_fd, "pod add %s: opening %s", args->name, pod.netns);
		goto err_netns;
	}
	if (add_veth(host, args, bridge.ifindex, ns_fd, pod.host_dev))
		goto err_netns;

	err = kn_netns_nl_open(ns_fd, pod_nl, NETLINK_ROUTE);
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: opening an rtnetlink socket in %s",
			    args->name, pod.netns);
		goto err_veth;
	}
	if (configure_pod(pod_nl, args, &pod))
		goto err_veth;
	err = kn_pod_save(state_dir, &pod);
	if (err) {
		kn_ctl_fail(NULL, err, "pod add %s: writing its record in %s/" KN_PODS_DIR,
			    args->name, state_dir);
		goto err_veth;
	}
	kn_ipam_remember(&ipam, pod.addr);

	if (inv->json) {
		struct kn_json json;

		kn_json_init(&json, stdout);
		pod_json(&json, &pod);
		kn_json_finish(&json);
	}
	status = KN_EXIT_OK;
	goto out_close;

err_veth:
	/* Either end takes the other with it. */
	kn_rtnl_del_link(host, pod.host_dev);
err_netns:
	kn_netns_del(args->name);
err_address:
	kn_ipam_release_owner(state_dir, args->name);
err_record:
	kn_pod_remove(state_dir, args->name);
out_close:
	if (ns_fd >= 0)
		close(ns_fd);
	kn_nl_close(pod_nl);
	kn_nl_close(host);
out_free:
	free(pod_nl);
	free(host);
	return status;
}

/* --- pod del --- */

/*
 * Deletes eth0 from inside the pod, which deletes its peer on the bridge
 * with it, at once; removing the namespace alone would too, but only when
 * the last process in it has gone.  Best effort: a namespace that cannot
 * be entered is removed below all the same.
 */
static void delete_pod_link(const char *name)
{
	struct kn_nl *pod_nl;
	int ns_fd;

	ns_fd = kn_netns_open(name);
	if (ns_fd < 0)
		return;
	pod_nl = calloc(1, sizeof(*pod_nl));
	if (pod_nl && !kn_netns_nl_open(ns_fd, pod_nl, NETLINK_ROUTE)) {
		kn_rtnl_del_link(pod_nl, POD_IFNAME);
		kn_nl_close(pod_nl);
	}
	free(pod_nl);
	close(ns_fd);
}

/*
 * Undoes what pod add did, in reverse, whatever part of it exists: a pod
 * whose add was killed half-way is removed like any other.  Without a
 * record there is no pod, only possibly an address left by such an add.
 * The address is released last, once nothing uses it.
 */
static int pod_del_run(const struct kn_invocation *inv)
{
	const char *name = inv->args.pod_del.name;
	const char *state_dir = kn_ctl_state_dir(inv);
	struct kn_pod pod;
	int err;

	err = kn_pod_load(state_dir, name, &pod);
	if (err && err != -ENOENT && err != -EBADMSG)
		return kn_ctl_fail(NULL, err, "pod del %s: reading its record in %s/" KN_PODS_DIR,
				   name, state_dir);
	if (err != -ENOENT) {
		delete_pod_link(name);
		err = kn_netns_del(name);
		if (err)
			return kn_ctl_fail(NULL, err, "pod del %s: removing network namespace "
					   KN_NETNS_RUN_DIR "/%s", name, name);
	}
	err = kn_ipam_release_owner(state_dir, name);
	if (err < 0)
		return kn_ctl_fail(NULL, err, "pod del %s: releasing its address in %s/" KN_IPAM_DIR,
				   name, state_dir);
	err = kn_pod_remove(state_dir, name);
	if (err)
		return kn_ctl_fail(NULL, err, "pod del %s: removing its record in %s/" KN_PODS_DIR,
				   name, state_dir);
	return KN_EXIT_OK;
}

/* --- pod list --- */

static void print_pods_text(const struct kn_pod *pods, size_t count)
{
	char addr[INET_ADDRSTRLEN];
	int width = sizeof("NAME") - 1;
	size_t i;

	for (i = 0; i < count; i++)
		if ((int)strlen(pods[i].name) > width)
			width = strlen(pods[i].name);
	printf("%-*s  %-15s  %-17s  %s\n", width, "NAME", "ADDRESS", "MAC", "HOST-DEV");
	for (i = 0; i < count; i++) {
		if (!pods[i].complete) {
			printf("%-*s  %-15s  %-17s  %s\n", width, pods[i].name, "-", "-", "-");
			continue;
		}
		inet_ntop(AF_INET, &pods[i].addr, addr, sizeof(addr));
		printf("%-*s  %-15s  %-17s  %s\n", width, pods[i].name, addr,
		       pods[i].mac, pods[i].host_dev);
	}
}

static int pod_list_run(const struct kn_invocation *inv)
{
	const char *state_dir = kn_ctl_state_dir(inv);
	struct kn_pod *pods;
	struct kn_json json;
	size_t count, i;
	int err;

	err = kn_pod_list(state_dir, &pods, &count);
	if (err)
		return kn_ctl_fail(NULL, err, "pod list: reading %s/" KN_PODS_DIR, state_dir);
	if (inv->json) {
		kn_json_init(&json, stdout);
		kn_json_array_start(&json);
		for (i = 0; i < count; i++)
			pod_json(&json, &pods[i]);
		kn_json_array_end(&json);
		kn_json_finish(&json);
	} else {
		print_pods_text(pods, count);
	}
	free(pods);
	return KN_EXIT_OK;
}

static const struct kn_command pod_commands[] = {
	{
		.name = "add",
		.synopsis = "NAME dev BRIDGE [ip A.B.C.D] [mtu N]",
		.description = "Create pod NAME's network namespace and attach it to BRIDGE",
		.parse = pod_add_parse,
		.run = pod_add_run,
	},
	{
		.name = "del",
		.synopsis = "NAME",
		.description = "Remove pod NAME and release its address; nothing to do is success",
		.parse = pod_del_parse,
		.run = pod_del_run,
	},
	{
		.name = "list",
		.description = "List the pods: name, address, MAC, host-side device",
		.run = pod_list_run,
	},
};

const struct kn_object kn_object_pod = {
	.name = "pod",
	.description = "pods' network namespaces, veths and addresses on a bridge",
	.help =
	"DESCRIPTION\n"
	"       pod add does for one pod what kubelet and a CNI plugin do: it\n"
	"       creates network namespace NAME (as ip netns add does, mounted on\n"
	"       " KN_NETNS_RUN_DIR "/NAME) and a veth pair whose end in the pod is\n"
	"       " POD_IFNAME " and whose host end, vethXXXXXXXX (a hash of NAME), is a\n"
	"       port of BRIDGE; gives " POD_IFNAME " the next free address of BRIDGE's\n"
	"       subnet; sets both ends' MTU; brings them and the pod's lo up; and\n"
	"       routes the pod's traffic via BRIDGE's address.  BRIDGE is kn0, or\n"
	"       any device that takes ports (a Linux bridge too), in kn-ctl's\n"
	"       network namespace; its first IPv4 address is the gateway and\n"
	"       gives the subnet.\n"
	"\n"
	"       pod del undoes all of it and releases the address.  Deleting a\n"
	"       pod that does not exist succeeds, as CNI DEL does.\n"
	"\n"
	"ARGUMENTS\n"
	"       NAME        1 to 63 letters, digits, '.', '_' or '-', starting\n"
	"                   with a letter or digit.\n"
	"       ip A.B.C.D  this address rather than the next free one; refused\n"
	"                   if another pod holds it, or it is the subnet's\n"
	"                   network or broadcast address or BRIDGE's own.\n"
	"       mtu N       both ends' MTU, " KN_XSTR(KN_POD_MTU_MIN) " to "
	KN_XSTR(KN_POD_MTU_MAX) "; default " KN_XSTR(KN_POD_MTU_DEFAULT) ",\n"
	"                   which leaves room for 50 bytes of VXLAN headers.\n"
	"\n"
	"ADDRESSES\n"
	"       Host-local IPAM, on disk under the state directory STATE\n"
	"       (--state-dir DIR, else $KN_STATE_DIR, else /var/lib/kn): an\n"
	"       address is the file STATE/ipam/SUBNET/A.B.C.D holding the pod's\n"
	"       name, created with O_EXCL, so concurrent pod adds never share\n"
	"       one, and allocations outlive kn-ctl, the module and its devices.\n"
	"       Addresses are handed out round-robin.  When the subnet is full,\n"
	"       pod add fails and changes nothing.  STATE/pods/NAME records each\n"
	"       pod for list and del.\n"
	"\n"
	"OUTPUT\n"
	"       pod list prints NAME ADDRESS MAC HOST-DEV, one pod a line, MAC\n"
	"       being " POD_IFNAME "'s.  -j prints an array of objects with name,\n"
	"       address, prefix_len, gateway, mac, host_dev, bridge, netns and\n"
	"       mtu; a pod still being made (or whose add was killed) has only\n"
	"       name and \"incomplete\": true.  pod add prints nothing, or with -j\n"
	"       the new pod's object.\n"
	"\n"
	"NOTES\n"
	"       Needs CAP_NET_ADMIN and CAP_SYS_ADMIN (namespaces and mounts).\n"
	"       To act in a node's network namespace, run kn-ctl there with\n"
	"       nsenter, not ip netns exec: ip netns exec gives its command a\n"
	"       private mount namespace, where a pod's namespace would be\n"
	"       mounted for that command only; pod add refuses to run there.\n"
	"              nsenter --net=" KN_NETNS_RUN_DIR "/NODE kn-ctl pod add p1 dev kn0\n",
	.commands = pod_commands,
	.n_commands = ARRAY_SIZE(pod_commands),
};
