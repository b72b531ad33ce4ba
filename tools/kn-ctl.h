/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kn-ctl.c (the dispatcher) and the cmd_*.c files (one per object)
 * share: the object and command tables, the parsed invocation, and the
 * helpers every command uses to talk to the module and report failures.
 *
 * Adding an object "foo":
 *   1. cmd_foo.c defines "const struct kn_object kn_object_foo" with its
 *      commands, each a parse function (argv -> invocation, no I/O) and a
 *      run function (invocation -> netlink -> output);
 *   2. its argument struct goes into union kn_args below and its object
 *      into the extern list;
 *   3. one line in kn_objects[] in kn-ctl.c, one object file in the Makefile.
 *
 * A change that is one request answered by an ack also sets request_cmd
 * and put_request, which is all a batch (kn-ctl -b FILE, batch.c) needs to
 * carry it; its run function is then usually kn_ctl_run_request().
 */
#ifndef KN_CTL_H
#define KN_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "genl.h"
#include "parse.h"
#include "rtnl.h"

#define KN_CTL_NAME		"kn-ctl"
/* The Makefile sets this; a bare compiler run still builds. */
#ifndef KN_CTL_VERSION
#define KN_CTL_VERSION		"unknown"
#endif
#define KN_CTL_ERROR_SIZE	256

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* A macro's value as a string literal, for help texts: KN_XSTR(KN_RTPROT) is "107". */
#define KN_STR(x)	#x
#define KN_XSTR(x)	KN_STR(x)

/* kn-ctl's exit statuses, a public interface for scripts. */
enum kn_exit {
	KN_EXIT_OK = 0,
	KN_EXIT_FAILURE = 1,	/* the kernel said no, or could not be asked */
	KN_EXIT_USAGE = 2,	/* the command line is wrong; nothing was sent */
};

/* What the command line asks for, before anything talks to the kernel. */
enum kn_ctl_action {
	KN_CTL_RUN,		/* run inv->command */
	KN_CTL_HELP,		/* print help for inv->object (NULL: all), exit 0 */
	KN_CTL_USAGE_ERROR,	/* print inv->error and a hint, exit 2 */
	KN_CTL_BATCH,		/* run the commands of the file inv->batch */
};

struct kn_invocation;

struct kn_command {
	/* NULL when the object is itself the command, as for "status". */
	const char *name;
	/* The arguments, for usage text; NULL when there are none. */
	const char *synopsis;
	const char *description;
	/*
	 * Reads the arguments after OBJECT COMMAND (global options already
	 * removed) into inv->args.  Returns 0, or -EINVAL after
	 * kn_ctl_usage_error().  Pure: no output, no netlink, so the unit
	 * tests call it.  NULL means the command takes no arguments.
	 */
	int (*parse)(struct kn_invocation *inv, int argc, char **argv);
	/* Does the work; returns an enum kn_exit. */
	int (*run)(const struct kn_invocation *inv);
	/*
	 * For a change that is one request answered by an ack: its command
	 * (KN_CMD_*), and what adds the request's attributes for inv->args
	 * to nlh, which has room for KN_GENL_SEND_BUF_SIZE bytes.  0 and NULL
	 * for every other command; only these can be batched.
	 */
	uint8_t request_cmd;
	void (*put_request)(struct nlmsghdr *nlh, const struct kn_invocation *inv);
};

struct kn_object {
	const char *name;
	const char *description;
	/* Extra text for "kn-ctl OBJECT --help", or NULL. */
	const char *help;
	const struct kn_command *commands;
	unsigned int n_commands;
};

/* kn-ctl config set: only the settings given are sent. */
struct kn_config_set_args {
	bool has_cluster_cidr;
	bool has_nodeport_range;
	bool has_conntrack_max;
	bool has_snat_port_range;
	bool has_masquerade;
	struct kn_cidr cluster_cidr;
	struct kn_port_range nodeport_range;
	uint32_t conntrack_max;
	struct kn_port_range snat_port_range;
	bool masquerade;
};

/* Default MTU of a pod's veth: 1500 less VXLAN's 50 bytes of headers. */
#define KN_POD_MTU_DEFAULT	1450
#define KN_POD_MTU_MIN		68	/* IPv4's minimum */
#define KN_POD_MTU_MAX		65535

/* kn-ctl pod add NAME dev BRIDGE [ip A.B.C.D] [mtu N] */
struct kn_pod_add_args {
	const char *name;
	const char *bridge;
	bool has_addr;
	struct in_addr addr;
	uint32_t mtu;
};

/* kn-ctl pod del NAME */
struct kn_pod_del_args {
	const char *name;
};

/* kn-ctl fdb show dev KN */
struct kn_fdb_show_args {
	const char *dev;
};

/* kn-ctl link show [dev KN]; dev is NULL for every kn device. */
struct kn_link_show_args {
	const char *dev;
};

/* kn-ctl link set dev KN [ageing SECS] [fdb-max N]: only those given are sent. */
struct kn_link_set_args {
	const char *dev;
	bool has_ageing_time;
	bool has_fdb_max;
	uint32_t ageing_time_ms;
	uint32_t fdb_max;
};

/*
 * A command whose only argument is a kn device: "overlay show [dev KN]",
 * "overlay del dev KN", "node list [dev KN]", "node sync [dev KN]"; dev is
 * NULL where it is optional and was not given (every kn device).
 */
struct kn_dev_args {
	const char *dev;
};

/* kn-ctl overlay set dev KN [local A.B.C.D] [port N] [vni N]: only those given are sent. */
struct kn_overlay_set_args {
	const char *dev;
	bool has_local;
	bool has_port;
	bool has_vni;
	struct in_addr local;
	uint16_t port;
	uint32_t vni;
};

/*
 * kn-ctl node add|replace PREFIX via A.B.C.D dev KN [mac M]; replace sends
 * KN_CMD_REPLACE_NODE.
 */
struct kn_node_add_args {
	struct kn_cidr prefix;
	struct in_addr via;
	const char *dev;
	bool has_mac;
	uint8_t mac[KN_MAC_LEN];
	bool replace;
};

/* kn-ctl node del PREFIX dev KN */
struct kn_node_del_args {
	struct kn_cidr prefix;
	const char *dev;
};

/* VIP:PORT/PROTO, the name of a service; addr in network byte order. */
struct kn_service_key {
	struct in_addr addr;
	uint16_t port;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
};

/*
 * kn-ctl service add|replace VIP:PORT/PROTO [affinity none|client-ip
 * [timeout SECS]] [nodeport PORT [policy cluster|local]], service del
 * VIP:PORT/PROTO, service list [VIP:PORT/PROTO].
 */
struct kn_service_args {
	bool has_key;			/* list: only this service */
	struct kn_service_key key;
	uint8_t affinity;		/* KN_AFFINITY_* */
	uint32_t timeout;		/* s; 0 when not given (client-ip only) */
	bool has_nodeport;
	uint16_t nodeport;
	uint8_t policy;			/* KN_TRAFFIC_POLICY_*, with a NodePort */
};

/*
 * kn-ctl backend add|replace SVC ADDR:PORT [weight N] [terminating]
 * [local], backend del SVC ADDR:PORT, backend list [SVC].
 */
struct kn_backend_args {
	bool has_service;		/* list: only this service's */
	struct kn_service_key service;
	struct in_addr addr;
	uint16_t port;
	uint16_t weight;		/* given, or KN_BACKEND_WEIGHT_DEFAULT */
	bool terminating;
	bool local;
};

/* kn-ctl conntrack list|flush [service SVC] */
struct kn_conntrack_args {
	bool has_service;		/* only this service's entries */
	struct kn_service_key service;
};

union kn_args {
	struct kn_config_set_args config_set;
	struct kn_fdb_show_args fdb_show;
	struct kn_link_show_args link_show;
	struct kn_link_set_args link_set;
	struct kn_pod_add_args pod_add;
	struct kn_pod_del_args pod_del;
	struct kn_dev_args overlay_show;
	struct kn_overlay_set_args overlay_set;
	struct kn_dev_args overlay_del;
	struct kn_node_add_args node_add;
	struct kn_node_del_args node_del;
	struct kn_dev_args node_list;
	struct kn_dev_args node_sync;
	struct kn_service_args service;
	struct kn_backend_args backend;
	struct kn_conntrack_args conntrack;
};

struct kn_invocation {
	bool json;
	/* --state-dir DIR, or NULL; kn_ctl_state_dir() gives the one to use. */
	const char *state_dir;
	/* -b FILE: the batch file ("-" for standard input), or NULL. */
	const char *batch;
	const struct kn_object *object;
	const struct kn_command *command;
	union kn_args args;
	/* Why the command line was refused, for KN_CTL_USAGE_ERROR. */
	char error[KN_CTL_ERROR_SIZE];
};

extern const struct kn_object kn_object_version;
extern const struct kn_object kn_object_status;
extern const struct kn_object kn_object_config;
extern const struct kn_object kn_object_link;
extern const struct kn_object kn_object_fdb;
extern const struct kn_object kn_object_pod;
extern const struct kn_object kn_object_overlay;
extern const struct kn_object kn_object_node;
extern const struct kn_object kn_object_service;
extern const struct kn_object kn_object_backend;
extern const struct kn_object kn_object_conntrack;

/* kn-ctl.c: the dispatcher. */
enum kn_ctl_action kn_ctl_parse_command_line(int argc, char **argv,
					     struct kn_invocation *inv);
void kn_ctl_print_help(FILE *out, const struct kn_object *object);

/* kn-ctl.c: helpers for the commands. */
int kn_ctl_usage_error(struct kn_invocation *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens the kn family; on failure prints why and returns KN_EXIT_FAILURE. */
int kn_ctl_connect(struct kn_genl *genl);

/* A dump that keeps meeting changes is given up on after this many tries. */
#define KN_CTL_DUMP_ATTEMPTS	5

/*
 * Adds a request's attributes, described by data, to nlh: the filter of a
 * dump or the subject of a GET.
 */
typedef void (*kn_ctl_put_cb)(struct nlmsghdr *nlh, const void *data);

/*
 * Runs the dump cmd, its request's attributes added by put (NULL: none),
 * feeding every message to reply_cb, which appends to a table whose length
 * is *count.  A dump that met a change part way (NLM_F_DUMP_INTR, which
 * libmnl reports as EINTR) is started again, up to KN_CTL_DUMP_ATTEMPTS
 * times, on a fresh socket: the old one still holds the rest of the stale
 * dump.  What a failed or restarted try appended is dropped (*count goes
 * back).  0, -EINTR after the last try, or -errno with the kernel's reason
 * in genl.
 */
int kn_ctl_dump(struct kn_genl *genl, uint8_t cmd, kn_ctl_put_cb put, const void *put_data,
		kn_genl_reply_cb reply_cb, void *table, size_t *count);
/*
 * Sends the GET request cmd, its attributes added by put (NULL: none), and
 * feeds the reply to reply_cb, which sets *complete once it read a whole
 * one: an ack without it is -EBADMSG.  0 or -errno with the kernel's
 * reason in genl.
 */
int kn_ctl_get(struct kn_genl *genl, uint8_t cmd, kn_ctl_put_cb put, const void *put_data,
	       kn_genl_reply_cb reply_cb, void *data, const bool *complete);
/*
 * Prints why a dump failed as kn_ctl_fail() does, or for -EINTR that the
 * table kept changing; returns KN_EXIT_FAILURE.
 */
int kn_ctl_fail_dump(const struct kn_genl *genl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* kn_ctl_dump() of the kn device named dev, or of ifindex when dev is NULL. */
int kn_ctl_dump_dev(struct kn_genl *genl, uint8_t cmd, const char *dev, uint32_t ifindex,
		    kn_genl_reply_cb reply_cb, void *table, size_t *count);
/* kn_ctl_get() about the kn device named dev, or ifindex when dev is NULL. */
int kn_ctl_get_dev(struct kn_genl *genl, uint8_t cmd, const char *dev, uint32_t ifindex,
		   kn_genl_reply_cb reply_cb, void *data, const bool *complete);
/*
 * An rtnetlink socket, allocated (it is too big for the stack) and open;
 * on failure prints why, after what, and returns NULL.
 */
struct kn_nl *kn_ctl_open_rtnl(const char *what);
/* Closes and frees what kn_ctl_open_rtnl() returned; NULL is fine. */
void kn_ctl_close_rtnl(struct kn_nl *rtnl);
/* Prints "kn-ctl: <strerror>[: <extack>]" and returns KN_EXIT_FAILURE. */
int kn_ctl_report_error(const struct kn_genl *genl, int err);
/*
 * Prints "kn-ctl: <what>: <strerror>[: <extack>]" and returns
 * KN_EXIT_FAILURE; nl may be NULL when the kernel was not asked.
 */
int kn_ctl_fail(const struct kn_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The run function of a command with request_cmd and put_request: connects,
 * sends the request, waits for its ack.  A refusal is printed as
 * kn_ctl_fail() prints it.  Returns an enum kn_exit.
 */
int kn_ctl_run_request(const struct kn_invocation *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A number argument "KEY VALUE" of what, min..max, into *value; a usage
 * error ("<what>: KEY 'VALUE' is outside MIN to MAX", "... is not a
 * number", "<what>: KEY is given twice" when *given) otherwise.  Sets
 * *given.
 */
int kn_ctl_parse_number(struct kn_invocation *inv, const char *what, const char *key,
			const char *value, uint32_t min, uint32_t max, uint32_t *number,
			bool *given);
/* Prints "kn-ctl: <sentence>" and returns KN_EXIT_FAILURE. */
int kn_ctl_fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Room for one more element in a growing array of *capacity elements of
 * size bytes, count of them used: the array itself while there is room,
 * else the array reallocated to twice its capacity (initial at first).
 * NULL when out of memory; the array is then left as it was.
 */
void *kn_array_reserve(void *array, size_t *capacity, size_t count, size_t size,
		       size_t initial);
/*
 * The tables of dump entries are structs of "entries", "count" and
 * "capacity".  KN_TABLE_APPEND() appends a zeroed entry, growing the
 * array with kn_array_reserve(), and is that entry or NULL when out of
 * memory (the table left as it was); KN_TABLE_SORT() sorts the entries
 * with qsort()'s compare; KN_TABLE_FREE() frees and empties the table.
 */
#define KN_TABLE_APPEND(table, initial)						\
	((__typeof__((table)->entries))kn_table_append(&(table)->entries, &(table)->count, \
						     &(table)->capacity,		\
						     sizeof(*(table)->entries), (initial)))
#define KN_TABLE_SORT(table, compare)						\
	do {									\
		if ((table)->count > 1)						\
			qsort((table)->entries, (table)->count,			\
			      sizeof(*(table)->entries), (compare));		\
	} while (0)
#define KN_TABLE_FREE(table)							\
	do {									\
		free((table)->entries);						\
		memset((table), 0, sizeof(*(table)));				\
	} while (0)
/* KN_TABLE_APPEND()'s work; entries points to the table's array pointer. */
void *kn_table_append(void *entries, size_t *count, size_t *capacity, size_t size,
		      size_t initial);
/* A u32 in decimal, with its NUL. */
#define KN_NUMBER_STRLEN	sizeof("4294967295")
/*
 * "OBJECT COMMAND" into buf (size bytes, cut to fit): the start of a
 * command's usage messages, made for every batch line, so without printf.
 */
void kn_ctl_what(char *buf, size_t size, const char *object, const char *command);
/* name, or when it is NULL (a value kn-ctl has no name for) value in decimal, in buf. */
const char *kn_name_or_number(const char *name, uint32_t value, char buf[KN_NUMBER_STRLEN]);
/* --state-dir, else $KN_STATE_DIR, else /var/lib/kn. */
const char *kn_ctl_state_dir(const struct kn_invocation *inv);

/* What KN_CMD_GET_STATUS returns; "status" prints it, "version" uses it. */
struct kn_status {
	char version[64];
	bool has_netns_cookie;
	bool has_links;
	uint64_t netns_cookie;
	uint32_t links;
};

/* cmd_status.c: 0 or -errno; genl must be open on the kn family. */
int kn_status_fetch(struct kn_genl *genl, struct kn_status *status);
/* cmd_status.c: a kn_genl_reply_cb filling a struct kn_status; for tests too. */
int kn_status_parse_reply(const struct nlmsghdr *nlh, void *data);

/* What KN_CMD_GET_SETTINGS returns; complete once every setting was read. */
struct kn_settings {
	struct kn_cidr cluster_cidr;
	struct kn_port_range nodeport_range;
	uint32_t conntrack_max;
	struct kn_port_range snat_port_range;
	bool masquerade;
	bool complete;
};

/*
 * cmd_config.c: a kn_genl_reply_cb filling a struct kn_settings, -EBADMSG
 * if any setting is missing; for tests too.
 */
int kn_settings_parse_reply(const struct nlmsghdr *nlh, void *data);
/* cmd_config.c: "config show", one "NAME VALUE" line per setting or a JSON object. */
void kn_settings_print(FILE *out, const struct kn_settings *settings, bool json);

/* cmd_config.c: the KN_A_SETTINGS nest of a set request, for the tests too. */
void kn_config_set_put_attrs(struct nlmsghdr *nlh,
			     const struct kn_config_set_args *args);

/* cmd_link.c: KN_A_IFNAME naming the kn device of a request, by its name. */
void kn_dev_put_attr(struct nlmsghdr *nlh, const char *dev);

/*
 * cmd_link.c: the value of "dev" into *dev; a usage error ("<what>: dev is
 * given twice", "... is not a device name") otherwise.
 */
int kn_ctl_parse_dev(struct kn_invocation *inv, const char *what, const char **dev,
		     const char *value);
/* cmd_link.c: "[dev KN]" as the only arguments; *dev stays NULL without. */
int kn_ctl_parse_optional_dev(struct kn_invocation *inv, const char *what,
			      int argc, char **argv, const char **dev);
/* cmd_link.c: "dev KN" as the only arguments; "<what>: dev KN is required" without. */
int kn_ctl_parse_required_dev(struct kn_invocation *inv, const char *what,
			      int argc, char **argv, const char **dev);

/* The kn devices of the namespace, in ifindex order. */
struct kn_dev_list {
	struct kn_link *links;
	size_t count;
	size_t capacity;
};

/*
 * cmd_link.c: fills list from an RTM_GETLINK dump (the links of kind "kn"),
 * as the module has no dump of its devices.  KN_EXIT_OK, or prints why
 * not, starting with what, and returns KN_EXIT_FAILURE.
 */
int kn_ctl_list_kn_devices(const char *what, struct kn_dev_list *list);
void kn_dev_list_free(struct kn_dev_list *list);

/*
 * cmd_link.c: KN_A_IFNAME naming the kn device of a request, or KN_A_IFINDEX
 * when dev is NULL (a device found by kn_ctl_list_kn_devices()).
 */
void kn_dev_put_name_or_index(struct nlmsghdr *nlh, const char *dev, uint32_t ifindex);

struct kn_json;

/*
 * A "show [dev KN]" command that reads a view of each kn device, all of
 * them before it prints any: a JSON array of objects, or the text forms one
 * after the other with a blank line between them.
 */
struct kn_dev_show {
	const char *what;		/* "link show", for messages */
	size_t view_size;
	/* Reads the view of dev, or of ifindex when dev is NULL; 0 or -errno. */
	int (*fetch)(struct kn_genl *genl, const char *dev, uint32_t ifindex, void *view);
	/*
	 * Prints why dev's view could not be read, dev being named or (listed)
	 * found by kn_ctl_list_kn_devices(); returns KN_EXIT_FAILURE.
	 */
	int (*fail)(const struct kn_genl *genl, int err, const char *dev, bool listed);
	void (*print_json)(struct kn_json *json, const void *view);
	void (*print_text)(const void *view);
};

/*
 * cmd_link.c: runs show on dev, or on every kn device of the namespace when
 * dev is NULL (one deleted meanwhile is left out); returns an enum kn_exit.
 */
int kn_ctl_show_devices(const struct kn_dev_show *show, const char *dev, bool json_output);

/* What KN_CMD_GET_LINK returns about one kn device. */
struct kn_link_info {
	uint32_t ifindex;
	char name[16];			/* IFNAMSIZ */
	uint32_t ageing_time_ms;
	uint32_t fdb_max;
	uint32_t ports;
	uint32_t fdb_entries;
	uint64_t fdb_full;
	uint64_t forwarded;
	uint64_t flooded;
	/* Overlay packets; absent from a module without the overlay. */
	bool has_encap;
	bool has_decap;
	uint64_t encap;
	uint64_t decap;
	/* Indexed by KN_DROP_A_*; has_drop says which the module sent. */
	uint64_t drops[KN_DROP_A_MAX + 1];
	bool has_drop[KN_DROP_A_MAX + 1];
	bool complete;
};

/* The name of a drop reason as kn-ctl prints it ("bad-src"), or NULL. */
const char *kn_drop_reason_name(unsigned int type);
/* Its JSON key ("bad_src"), or NULL. */
const char *kn_drop_reason_key(unsigned int type);

/*
 * cmd_link.c: a kn_genl_reply_cb filling a struct kn_link_info, -EBADMSG
 * if anything the contract promises is missing; for tests too.
 */
int kn_link_parse_reply(const struct nlmsghdr *nlh, void *data);
/* cmd_link.c: KN_A_IFNAME and the KN_A_LINK nest of a set request. */
void kn_link_set_put_attrs(struct nlmsghdr *nlh, const struct kn_link_set_args *args);
/* cmd_link.c: "300", "1.5", "0.25": milliseconds as seconds, no trailing zeros. */
void kn_format_seconds(uint32_t ms, char *buf, size_t size);

/* One FDB entry, from KN_CMD_GET_FDB. */
struct kn_fdb_entry {
	uint8_t mac[6];
	uint32_t port_ifindex;
	char port_name[16];		/* IFNAMSIZ */
	uint32_t age_ms;
	uint32_t flags;			/* KN_FDB_F_* */
};

/* The entries of one dump, in a growing array; free with kn_fdb_table_free(). */
struct kn_fdb_table {
	struct kn_fdb_entry *entries;
	size_t count;
	size_t capacity;
};

/* cmd_fdb.c: a kn_genl_reply_cb appending one entry to a struct kn_fdb_table. */
int kn_fdb_parse_reply(const struct nlmsghdr *nlh, void *data);
void kn_fdb_table_free(struct kn_fdb_table *table);
/* cmd_fdb.c: local entries first, then by port name, then by MAC. */
void kn_fdb_table_sort(struct kn_fdb_table *table);
/* cmd_fdb.c: "12.3": an age in ms as seconds, rounded to a tenth. */
void kn_format_age(uint32_t age_ms, char *buf, size_t size);

/* cmd_link.c: KN_CMD_GET_LINK for dev (by name) or else ifindex; 0 or -errno. */
int kn_link_fetch(struct kn_genl *genl, const char *dev, uint32_t ifindex,
		  struct kn_link_info *info);

/* What KN_CMD_GET_OVERLAY returns about one kn device. */
struct kn_overlay_info {
	uint32_t ifindex;
	char name[16];			/* IFNAMSIZ */
	bool has_overlay;		/* without it, the rest is zero */
	struct in_addr local;
	uint16_t port;
	uint32_t vni;
	bool complete;
};

/* cmd_overlay.c: IFNAME and the KN_A_OVERLAY nest of a set request. */
void kn_overlay_set_put_attrs(struct nlmsghdr *nlh, const struct kn_overlay_set_args *args);
/*
 * cmd_overlay.c: a kn_genl_reply_cb filling a struct kn_overlay_info,
 * -EBADMSG if anything the contract promises is missing.
 */
int kn_overlay_parse_reply(const struct nlmsghdr *nlh, void *data);
/* cmd_overlay.c: is this drop reason one of the overlay's? */
bool kn_drop_reason_is_overlay(unsigned int type);

/* One entry of a kn device's node table, from KN_CMD_GET_NODE. */
struct kn_node_entry {
	uint32_t ifindex;
	struct kn_cidr prefix;
	struct in_addr remote;
	uint8_t mac[KN_MAC_LEN];	/* the inner destination MAC sent */
	bool mac_set;			/* configured, not derived from remote */
};

/* The entries of one or more dumps; free with kn_node_table_free(). */
struct kn_node_table {
	struct kn_node_entry *entries;
	size_t count;
	size_t capacity;
};

/* cmd_node.c: KN_A_IFINDEX and the KN_A_NODE nest of a NEW_NODE request. */
void kn_node_new_put_attrs(struct nlmsghdr *nlh, uint32_t ifindex,
			   const struct kn_node_add_args *args);
/* cmd_node.c: the nlmsg_flags of a NEW_NODE request for node add or replace. */
uint8_t kn_node_new_cmd(bool replace);
/* cmd_node.c: KN_A_IFINDEX and KN_A_NODE (PREFIX, PREFIX_LEN) of a DEL_NODE. */
void kn_node_del_put_attrs(struct nlmsghdr *nlh, uint32_t ifindex,
			   const struct kn_cidr *prefix);
/* cmd_node.c: a kn_genl_reply_cb appending one entry to a struct kn_node_table. */
int kn_node_parse_reply(const struct nlmsghdr *nlh, void *data);
void kn_node_table_free(struct kn_node_table *table);
/* cmd_node.c: by ifindex, then prefix address, then prefix length. */
void kn_node_table_sort(struct kn_node_table *table);
/* cmd_node.c: the MAC kn sends to a node without one (KN_NODE_MAC_DERIVED_*). */
void kn_node_derived_mac(struct in_addr remote, uint8_t mac[KN_MAC_LEN]);
/*
 * cmd_node.c: would "ip route replace" of kn's route to prefix in the main
 * table overwrite route, a route kn did not make?
 */
bool kn_node_route_conflict(const struct kn_route *route, const struct kn_cidr *prefix);

/* --- services, backends, the connection table --- */

/* "255.255.255.255:65535/255": a service key as kn-ctl prints it. */
#define KN_SERVICE_STRLEN	(INET_ADDRSTRLEN + sizeof(":65535/255") - 1)

/* cmd_service.c: "10.96.0.10:80/tcp"; a protocol kn-ctl has no name for as its number. */
void kn_service_key_format(const struct kn_service_key *key, char buf[KN_SERVICE_STRLEN]);
/* cmd_service.c: "tcp", "udp", or NULL. */
const char *kn_proto_name(uint8_t proto);
/*
 * cmd_service.c: "VIP:PORT/PROTO" into *key; a usage error of what naming
 * the part at fault otherwise.
 */
int kn_ctl_parse_service_key(struct kn_invocation *inv, const char *what, const char *word,
			     struct kn_service_key *key);
/*
 * cmd_service.c: "A.B.C.D:PORT", a unicast address and a port 1..65535,
 * into *addr and *port; a usage error of what ("<what>: <role> address
 * ...") otherwise.
 */
int kn_ctl_parse_endpoint(struct kn_invocation *inv, const char *what, const char *role,
			  const char *word, struct in_addr *addr, uint16_t *port);
/* cmd_service.c: KN_A_SERVICE with the three key attributes. */
void kn_service_put_key(struct nlmsghdr *nlh, const struct kn_service_key *key);
/* cmd_service.c: a kn_ctl_put_cb: kn_service_put_key() of key, if not NULL. */
void kn_service_put_filter(struct nlmsghdr *nlh, const void *key);
/* A dump of a "list [VIP:PORT/PROTO]" command, into a table. */
struct kn_service_dump {
	uint8_t cmd;
	kn_genl_reply_cb reply_cb;	/* appends to table */
	void *table;
	size_t *count;			/* of table */
};

/*
 * cmd_service.c: connects and runs the dumps of inv's command, one after
 * the other, each filtered by filter (NULL: every service's); a failure is
 * printed naming "OBJECT COMMAND [VIP:PORT/PROTO]".  Returns an enum
 * kn_exit; the tables are the caller's to free either way.
 */
int kn_service_run_dumps(const struct kn_invocation *inv, const struct kn_service_key *filter,
			 const struct kn_service_dump *dumps, size_t n_dumps);
/* cmd_service.c: by address (numerically), port, protocol. */
int kn_service_key_compare(const struct kn_service_key *a, const struct kn_service_key *b);

/* One service, from KN_CMD_GET_SERVICE. */
struct kn_service_entry {
	struct kn_service_key key;
	uint8_t affinity;		/* KN_AFFINITY_* */
	uint32_t affinity_timeout;	/* s */
	bool has_nodeport;		/* without, nodeport and policy are 0 */
	uint16_t nodeport;
	uint8_t policy;			/* KN_TRAFFIC_POLICY_* */
	uint32_t backends;
	uint32_t usable;
	uint64_t connections;
	uint64_t no_backend;
	uint64_t no_local;
};

struct kn_service_table {
	struct kn_service_entry *entries;
	size_t count;
	size_t capacity;
};

/* One backend, from KN_CMD_GET_BACKEND. */
struct kn_backend_entry {
	struct kn_service_key service;
	struct in_addr addr;
	uint16_t port;
	uint16_t weight;
	uint32_t flags;			/* KN_BACKEND_F_* */
	uint64_t connections;
};

struct kn_backend_table {
	struct kn_backend_entry *entries;
	size_t count;
	size_t capacity;
};

/* cmd_service.c: a kn_genl_reply_cb appending one service to a struct kn_service_table. */
int kn_service_parse_reply(const struct nlmsghdr *nlh, void *data);
void kn_service_table_free(struct kn_service_table *table);
void kn_service_table_sort(struct kn_service_table *table);
/*
 * cmd_service.c: "service list": each service of the sorted services with
 * its counters and its backends, found in the sorted backends by key.
 */
void kn_service_print(FILE *out, const struct kn_service_table *services,
		      const struct kn_backend_table *backends, bool json);

/* cmd_backend.c: a kn_genl_reply_cb appending one backend to a struct kn_backend_table. */
int kn_backend_parse_reply(const struct nlmsghdr *nlh, void *data);
void kn_backend_table_free(struct kn_backend_table *table);
/* cmd_backend.c: by service, then address (numerically), then port. */
void kn_backend_table_sort(struct kn_backend_table *table);
/* cmd_backend.c: "backend list". */
void kn_backend_print(FILE *out, const struct kn_backend_table *table, bool json);
/*
 * cmd_backend.c: "ADDR:PORT weight N [terminating] [local] connections N",
 * what both lists print.
 */
void kn_backend_print_words(FILE *out, const struct kn_backend_entry *backend);
/* cmd_backend.c: a backend as a JSON object, with its service's key when with_service. */
void kn_backend_print_json(struct kn_json *json, const struct kn_backend_entry *backend,
			   bool with_service);

/* One direction of a connection. */
struct kn_ct_tuple {
	struct in_addr src;
	struct in_addr dst;
	uint16_t sport;
	uint16_t dport;
};

/* One entry of the connection table, from KN_CMD_GET_CONNTRACK. */
struct kn_ct_entry {
	uint8_t proto;
	struct kn_ct_tuple orig;
	struct kn_ct_tuple reply;
	uint8_t state;			/* KN_CT_STATE_* */
	uint32_t timeout_ms;
	uint32_t flags;			/* KN_CT_F_* */
};

struct kn_ct_table {
	struct kn_ct_entry *entries;
	size_t count;
	size_t capacity;
};

/* What KN_CMD_GET_CONNTRACK_STATS returns, by KN_CT_STATS_A_*. */
struct kn_ct_stats {
	uint64_t values[KN_CT_STATS_A_MAX + 1];
	bool has[KN_CT_STATS_A_MAX + 1];	/* which the module sent */
	bool complete;
};

/* cmd_conntrack.c: "established", ...; NULL for a state kn-ctl does not know. */
const char *kn_ct_state_name(unsigned int state);
/* cmd_conntrack.c: a kn_genl_reply_cb appending one entry to a struct kn_ct_table. */
int kn_ct_parse_reply(const struct nlmsghdr *nlh, void *data);
void kn_ct_table_free(struct kn_ct_table *table);
/* cmd_conntrack.c: by protocol, then the ORIG destination, then the ORIG source. */
void kn_ct_table_sort(struct kn_ct_table *table);
/* cmd_conntrack.c: "conntrack list". */
void kn_ct_print(FILE *out, const struct kn_ct_table *table, bool json);
/*
 * cmd_conntrack.c: a kn_genl_reply_cb filling a struct kn_ct_stats;
 * -EBADMSG without ENTRIES and MAX_ENTRIES.
 */
int kn_ct_stats_parse_reply(const struct nlmsghdr *nlh, void *data);
/* cmd_conntrack.c: "conntrack stats". */
void kn_ct_stats_print(FILE *out, const struct kn_ct_stats *stats, bool json);

#endif /* KN_CTL_H */
