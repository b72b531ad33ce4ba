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
 */
#ifndef KN_CTL_H
#define KN_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "genl.h"
#include "parse.h"

#define KN_CTL_NAME		"kn-ctl"
/* The Makefile sets this; a bare compiler run still builds. */
#ifndef KN_CTL_VERSION
#define KN_CTL_VERSION		"unknown"
#endif
#define KN_CTL_ERROR_SIZE	256

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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
	struct kn_cidr cluster_cidr;
	struct kn_port_range nodeport_range;
	uint32_t conntrack_max;
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

union kn_args {
	struct kn_config_set_args config_set;
	struct kn_pod_add_args pod_add;
	struct kn_pod_del_args pod_del;
};

struct kn_invocation {
	bool json;
	/* --state-dir DIR, or NULL; kn_ctl_state_dir() gives the one to use. */
	const char *state_dir;
	const struct kn_object *object;
	const struct kn_command *command;
	union kn_args args;
	/* Why the command line was refused, for KN_CTL_USAGE_ERROR. */
	char error[KN_CTL_ERROR_SIZE];
};

extern const struct kn_object kn_object_version;
extern const struct kn_object kn_object_status;
extern const struct kn_object kn_object_config;
extern const struct kn_object kn_object_pod;

/* kn-ctl.c: the dispatcher. */
enum kn_ctl_action kn_ctl_parse_command_line(int argc, char **argv,
					     struct kn_invocation *inv);
void kn_ctl_print_help(FILE *out, const struct kn_object *object);

/* kn-ctl.c: helpers for the commands. */
int kn_ctl_usage_error(struct kn_invocation *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens the kn family; on failure prints why and returns KN_EXIT_FAILURE. */
int kn_ctl_connect(struct kn_genl *genl);
/* Prints "kn-ctl: <strerror>[: <extack>]" and returns KN_EXIT_FAILURE. */
int kn_ctl_report_error(const struct kn_genl *genl, int err);
/*
 * Prints "kn-ctl: <what>: <strerror>[: <extack>]" and returns
 * KN_EXIT_FAILURE; nl may be NULL when the kernel was not asked.
 */
int kn_ctl_fail(const struct kn_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "kn-ctl: <sentence>" and returns KN_EXIT_FAILURE. */
int kn_ctl_fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
	bool complete;
};

/*
 * cmd_config.c: a kn_genl_reply_cb filling a struct kn_settings, -EBADMSG
 * if any setting is missing; for tests too.
 */
int kn_settings_parse_reply(const struct nlmsghdr *nlh, void *data);

/* cmd_config.c: the KN_A_SETTINGS nest of a set request, for the tests too. */
void kn_config_set_put_attrs(struct nlmsghdr *nlh,
			     const struct kn_config_set_args *args);

#endif /* KN_CTL_H */
