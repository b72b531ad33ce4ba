// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl: configure and inspect the kn Kubernetes node datapath.
 *
 * This file is the front door: global options, the table of objects and
 * their commands, and dispatch.  The commands live one object per cmd_*.c;
 * kn-ctl.h says how to add one.
 *
 * Dispatch is split in two so the unit tests can drive it without a socket:
 * kn_ctl_parse_command_line() turns argv into a struct kn_invocation (or a
 * help request, or a usage error with its reason), and only main() prints
 * and runs.  The tests build this file with KN_CTL_NO_MAIN.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "batch.h"
#include "state.h"

/* In the order the help lists them: read-only first, then by object. */
static const struct kn_object *const kn_objects[] = {
	&kn_object_version,
	&kn_object_status,
	&kn_object_config,
	&kn_object_link,
	&kn_object_fdb,
	&kn_object_overlay,
	&kn_object_node,
	&kn_object_service,
	&kn_object_backend,
	&kn_object_conntrack,
	&kn_object_pod,
};

int kn_ctl_usage_error(struct kn_invocation *inv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(inv->error, sizeof(inv->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int kn_ctl_report_error(const struct kn_genl *genl, int err)
{
	const char *why = genl ? kn_genl_error_message(genl) : "";

	if (*why)
		fprintf(stderr, KN_CTL_NAME ": %s: %s\n", strerror(-err), why);
	else
		fprintf(stderr, KN_CTL_NAME ": %s\n", strerror(-err));
	return KN_EXIT_FAILURE;
}

static void print_failure(const struct kn_nl *nl, int err, const char *fmt, va_list ap)
{
	const char *why = nl ? kn_nl_error_message(nl) : "";

	fputs(KN_CTL_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(-err));
	if (*why)
		fprintf(stderr, ": %s", why);
	fputc('\n', stderr);
}

int kn_ctl_fail(const struct kn_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_failure(nl, err, fmt, ap);
	va_end(ap);
	return KN_EXIT_FAILURE;
}

int kn_ctl_run_request(const struct kn_invocation *inv, const char *fmt, ...)
{
	struct kn_genl genl;
	struct nlmsghdr *nlh;
	va_list ap;
	int err;

	err = kn_ctl_connect(&genl);
	if (err)
		return err;
	nlh = kn_genl_msg_start(&genl, inv->command->request_cmd, 0);
	inv->command->put_request(nlh, inv);
	err = kn_genl_talk(&genl, nlh, NULL, NULL);
	if (err) {
		va_start(ap, fmt);
		print_failure(&genl.nl, err, fmt, ap);
		va_end(ap);
	}
	kn_genl_close(&genl);
	return err ? KN_EXIT_FAILURE : KN_EXIT_OK;
}

int kn_ctl_parse_number(struct kn_invocation *inv, const char *what, const char *key,
			const char *value, uint32_t min, uint32_t max, uint32_t *number,
			bool *given)
{
	if (*given)
		return kn_ctl_usage_error(inv, "%s: %s is given twice", what, key);
	switch (kn_parse_u32(value, min, max, number)) {
	case 0:
		*given = true;
		return 0;
	case -ERANGE:
		return kn_ctl_usage_error(inv, "%s: %s '%s' is outside %" PRIu32 " to %" PRIu32,
					  what, key, value, min, max);
	default:
		return kn_ctl_usage_error(inv, "%s: %s '%s' is not a number", what, key, value);
	}
}

int kn_ctl_fail_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_failure(NULL, 0, fmt, ap);
	va_end(ap);
	return KN_EXIT_FAILURE;
}

void *kn_array_reserve(void *array, size_t *capacity, size_t count, size_t size,
		       size_t initial)
{
	size_t new_capacity;
	void *grown;

	if (count < *capacity)
		return array;
	new_capacity = *capacity ? 2 * *capacity : initial;
	grown = realloc(array, new_capacity * size);
	if (grown)
		*capacity = new_capacity;
	return grown;
}

void *kn_table_append(void *entries, size_t *count, size_t *capacity, size_t size,
		      size_t initial)
{
	void *array, *grown;
	char *entry;

	/* The array pointer is read and written as bytes: its type is the caller's. */
	memcpy(&array, entries, sizeof(array));
	grown = kn_array_reserve(array, capacity, *count, size, initial);
	if (!grown)
		return NULL;
	memcpy(entries, &grown, sizeof(grown));
	entry = (char *)grown + (*count)++ * size;
	memset(entry, 0, size);
	return entry;
}

void kn_ctl_what(char *buf, size_t size, const char *object, const char *command)
{
	size_t a = strlen(object), b = strlen(command);

	if (!size)
		return;
	a = a < size - 1 ? a : size - 1;
	memcpy(buf, object, a);
	if (a + 1 < size) {
		buf[a++] = ' ';
		b = b < size - 1 - a ? b : size - 1 - a;
		memcpy(buf + a, command, b);
		a += b;
	}
	buf[a] = '\0';
}

const char *kn_name_or_number(const char *name, uint32_t value, char buf[KN_NUMBER_STRLEN])
{
	if (name)
		return name;
	snprintf(buf, KN_NUMBER_STRLEN, "%" PRIu32, value);
	return buf;
}

const char *kn_ctl_state_dir(const struct kn_invocation *inv)
{
	const char *dir = getenv(KN_STATE_DIR_ENV);

	if (inv->state_dir)
		return inv->state_dir;
	return dir && *dir ? dir : KN_STATE_DIR_DEFAULT;
}

int kn_ctl_dump(struct kn_genl *genl, uint8_t cmd, kn_ctl_put_cb put, const void *put_data,
		kn_genl_reply_cb reply_cb, void *table, size_t *count)
{
	size_t base = *count;
	struct nlmsghdr *nlh;
	int attempt, err = 0;

	for (attempt = 0; attempt < KN_CTL_DUMP_ATTEMPTS; attempt++) {
		if (attempt) {
			kn_genl_close(genl);
			err = kn_genl_open(genl, KN_GENL_NAME, KN_GENL_VERSION);
			if (err)
				break;
		}
		*count = base;
		nlh = kn_genl_msg_start(genl, cmd, NLM_F_DUMP);
		if (put)
			put(nlh, put_data);
		err = kn_genl_talk(genl, nlh, reply_cb, table);
		if (err != -EINTR)
			break;
	}
	if (err)
		*count = base;
	return err;
}

int kn_ctl_fail_dump(const struct kn_genl *genl, int err, const char *fmt, ...)
{
	char what[KN_CTL_ERROR_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err == -EINTR)
		return kn_ctl_fail_msg("%s: the table kept changing during %d dumps; try again",
				       what, KN_CTL_DUMP_ATTEMPTS);
	return kn_ctl_fail(&genl->nl, err, "%s", what);
}

int kn_ctl_get(struct kn_genl *genl, uint8_t cmd, kn_ctl_put_cb put, const void *put_data,
	       kn_genl_reply_cb reply_cb, void *data, const bool *complete)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = kn_genl_msg_start(genl, cmd, 0);
	if (put)
		put(nlh, put_data);
	err = kn_genl_talk(genl, nlh, reply_cb, data);
	if (!err && !*complete)
		err = -EBADMSG;		/* acked, but nothing came */
	return err;
}

/* The kn device of a request: by name, or by index when there is none. */
struct dev_ref {
	const char *dev;
	uint32_t ifindex;
};

static void put_dev_ref(struct nlmsghdr *nlh, const void *data)
{
	const struct dev_ref *ref = data;

	kn_dev_put_name_or_index(nlh, ref->dev, ref->ifindex);
}

int kn_ctl_dump_dev(struct kn_genl *genl, uint8_t cmd, const char *dev, uint32_t ifindex,
		    kn_genl_reply_cb reply_cb, void *table, size_t *count)
{
	struct dev_ref ref = { dev, ifindex };

	return kn_ctl_dump(genl, cmd, put_dev_ref, &ref, reply_cb, table, count);
}

int kn_ctl_get_dev(struct kn_genl *genl, uint8_t cmd, const char *dev, uint32_t ifindex,
		   kn_genl_reply_cb reply_cb, void *data, const bool *complete)
{
	struct dev_ref ref = { dev, ifindex };

	return kn_ctl_get(genl, cmd, put_dev_ref, &ref, reply_cb, data, complete);
}

struct kn_nl *kn_ctl_open_rtnl(const char *what)
{
	struct kn_nl *rtnl;
	int err;

	rtnl = calloc(1, sizeof(*rtnl));	/* 40 KiB: not on the stack */
	if (!rtnl) {
		kn_ctl_fail(NULL, -ENOMEM, "%s", what);
		return NULL;
	}
	err = kn_nl_open(rtnl, NETLINK_ROUTE);
	if (err) {
		kn_ctl_fail(NULL, err, "%s: opening an rtnetlink socket", what);
		free(rtnl);
		return NULL;
	}
	return rtnl;
}

void kn_ctl_close_rtnl(struct kn_nl *rtnl)
{
	if (!rtnl)
		return;
	kn_nl_close(rtnl);
	free(rtnl);
}

int kn_ctl_connect(struct kn_genl *genl)
{
	int err;

	err = kn_genl_open(genl, KN_GENL_NAME, KN_GENL_VERSION);
	if (err == -ENOENT) {
		fprintf(stderr, KN_CTL_NAME ": the kn module is not loaded (load it with: modprobe kn)\n");
		return KN_EXIT_FAILURE;
	}
	if (err)
		return kn_ctl_report_error(genl, err);
	return KN_EXIT_OK;
}

static const struct kn_object *find_object(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kn_objects); i++)
		if (!strcmp(kn_objects[i]->name, name))
			return kn_objects[i];
	return NULL;
}

static const struct kn_command *find_command(const struct kn_object *object,
					     const char *name)
{
	unsigned int i;

	for (i = 0; i < object->n_commands; i++)
		if (object->commands[i].name && !strcmp(object->commands[i].name, name))
			return &object->commands[i];
	return NULL;
}

/* An object such as "status" whose single command has no name of its own. */
static bool object_is_command(const struct kn_object *object)
{
	return object->n_commands == 1 && !object->commands[0].name;
}

/* "show, set": for "missing COMMAND" messages. */
static void list_command_names(const struct kn_object *object, char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < object->n_commands && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%s",
				 i ? ", " : "", object->commands[i].name);
}

enum option_kind {
	OPTION_NONE,
	OPTION_JSON,
	OPTION_HELP,
	OPTION_STATE_DIR,	/* "--state-dir DIR" or "--state-dir=DIR" */
	OPTION_BATCH,		/* "-b FILE", "--batch FILE" or "--batch=FILE" */
	OPTION_END,
	OPTION_UNKNOWN,
};

#define STATE_DIR_OPTION	"--state-dir"
#define BATCH_OPTION		"--batch"

/* "--name" alone or "--name=VALUE". */
static bool is_long_option(const char *arg, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(arg, name, len) && (!arg[len] || arg[len] == '=');
}

static enum option_kind classify_option(const char *arg)
{
	/*
	 * "-" alone is a word, as in most tools; so is "-1", which then fails
	 * as a value with a better message than "unknown option".
	 */
	if (arg[0] != '-' || !arg[1] || (arg[1] >= '0' && arg[1] <= '9'))
		return OPTION_NONE;
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json"))
		return OPTION_JSON;
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
		return OPTION_HELP;
	if (is_long_option(arg, STATE_DIR_OPTION))
		return OPTION_STATE_DIR;
	if (!strcmp(arg, "-b") || is_long_option(arg, BATCH_OPTION))
		return OPTION_BATCH;
	if (!strcmp(arg, "--"))
		return OPTION_END;
	return OPTION_UNKNOWN;
}

/*
 * The value of the option argv[*i]: what follows its '=', else the next
 * word whatever it is (*i then moves on to it); NULL when there is none.
 */
static const char *option_value(int argc, char **argv, int *i)
{
	const char *value = strchr(argv[*i], '=');

	if (value)
		return value + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/*
 * Global options may come before OBJECT or anywhere after it
 * ("kn-ctl config show -j"), so they are taken out of argv first and the
 * remaining words are compacted in place; "--" ends option processing.
 * No kn-ctl argument value starts with '-' and a letter, so an unknown "-x"
 * is a mistake, not a value.  The options with a value, --state-dir and
 * -b, take the next word whatever it is ("-b -" is standard input); given
 * twice, the last one counts.
 */
static int extract_options(struct kn_invocation *inv, int *argc, char **argv,
			   bool *help)
{
	bool options_ended = false;
	const char *value;
	int i, words = 0;

	for (i = 0; i < *argc; i++) {
		switch (options_ended ? OPTION_NONE : classify_option(argv[i])) {
		case OPTION_JSON:
			inv->json = true;
			break;
		case OPTION_HELP:
			*help = true;
			break;
		case OPTION_STATE_DIR:
			value = option_value(*argc, argv, &i);
			if (!value || !*value)
				return kn_ctl_usage_error(inv, STATE_DIR_OPTION " needs a directory");
			inv->state_dir = value;
			break;
		case OPTION_BATCH:
			value = option_value(*argc, argv, &i);
			if (!value || !*value)
				return kn_ctl_usage_error(inv,
					"-b needs a FILE of commands (- for standard input)");
			inv->batch = value;
			break;
		case OPTION_END:
			options_ended = true;
			break;
		case OPTION_UNKNOWN:
			return kn_ctl_usage_error(inv, "unknown option '%s'", argv[i]);
		case OPTION_NONE:
			argv[words++] = argv[i];
			break;
		}
	}
	*argc = words;
	return 0;
}

/* "kn-ctl help [OBJECT]" */
static enum kn_ctl_action parse_help(struct kn_invocation *inv, int argc, char **argv)
{
	if (argc > 1) {
		kn_ctl_usage_error(inv, "help: unexpected argument '%s'", argv[1]);
		return KN_CTL_USAGE_ERROR;
	}
	if (argc == 1) {
		inv->object = find_object(argv[0]);
		if (!inv->object) {
			kn_ctl_usage_error(inv, "help: unknown object '%s'", argv[0]);
			return KN_CTL_USAGE_ERROR;
		}
	}
	return KN_CTL_HELP;
}

/*
 * argv as main() gets it.  Words are reordered in place (options removed),
 * so argv must be writable, which main()'s is.  On KN_CTL_USAGE_ERROR,
 * inv->error says why and inv->object, if set, names the object whose help
 * the hint should point at.
 */
enum kn_ctl_action kn_ctl_parse_command_line(int argc, char **argv,
					     struct kn_invocation *inv)
{
	const struct kn_command *command;
	bool help = false;
	char names[128];

	memset(inv, 0, sizeof(*inv));
	/* Skip the program name. */
	argc--;
	argv++;

	if (extract_options(inv, &argc, argv, &help))
		return KN_CTL_USAGE_ERROR;

	if (inv->batch && !help) {
		if (argc) {
			kn_ctl_usage_error(inv,
				"-b FILE takes no OBJECT COMMAND: the commands are in FILE ('%s' given)",
				argv[0]);
			return KN_CTL_USAGE_ERROR;
		}
		return KN_CTL_BATCH;
	}
	if (!argc) {
		if (help)
			return KN_CTL_HELP;
		kn_ctl_usage_error(inv, "missing OBJECT");
		return KN_CTL_USAGE_ERROR;
	}
	if (!strcmp(argv[0], "help"))
		return parse_help(inv, argc - 1, argv + 1);

	inv->object = find_object(argv[0]);
	if (!inv->object) {
		kn_ctl_usage_error(inv, "unknown object '%s'", argv[0]);
		return KN_CTL_USAGE_ERROR;
	}
	/* "kn-ctl config set --help" shows the help of config. */
	if (help)
		return KN_CTL_HELP;
	argc--;
	argv++;

	if (object_is_command(inv->object)) {
		command = &inv->object->commands[0];
	} else {
		if (!argc) {
			list_command_names(inv->object, names, sizeof(names));
			kn_ctl_usage_error(inv, "%s: missing COMMAND (one of: %s)",
					   inv->object->name, names);
			return KN_CTL_USAGE_ERROR;
		}
		command = find_command(inv->object, argv[0]);
		if (!command) {
			list_command_names(inv->object, names, sizeof(names));
			kn_ctl_usage_error(inv, "%s: unknown command '%s' (one of: %s)",
					   inv->object->name, argv[0], names);
			return KN_CTL_USAGE_ERROR;
		}
		argc--;
		argv++;
	}
	inv->command = command;

	if (!command->parse) {
		if (argc) {
			kn_ctl_usage_error(inv, "%s: unexpected argument '%s'",
					   inv->object->name, argv[0]);
			return KN_CTL_USAGE_ERROR;
		}
		return KN_CTL_RUN;
	}
	if (command->parse(inv, argc, argv))
		return KN_CTL_USAGE_ERROR;
	return KN_CTL_RUN;
}

/* Help, laid out like a man page: sections flush left, text indented. */
#define INDENT	"       "
#define INDENT2	INDENT "       "

static void print_command_synopsis(FILE *out, const struct kn_object *object,
				   const struct kn_command *command)
{
	fprintf(out, INDENT KN_CTL_NAME " %s", object->name);
	if (command->name)
		fprintf(out, " %s", command->name);
	if (command->synopsis)
		fprintf(out, " %s", command->synopsis);
	fprintf(out, "\n" INDENT2 "%s\n", command->description);
}

static void print_object_commands(FILE *out, const struct kn_object *object)
{
	unsigned int i;

	for (i = 0; i < object->n_commands; i++)
		print_command_synopsis(out, object, &object->commands[i]);
}

/* "service add|replace|del" on a line of its own; nothing when none can be batched. */
static void print_batchable_commands(FILE *out, const struct kn_object *object)
{
	unsigned int i, printed = 0;

	for (i = 0; i < object->n_commands; i++) {
		if (!object->commands[i].request_cmd)
			continue;
		if (!printed++)
			fprintf(out, INDENT2 "%s %s", object->name, object->commands[i].name);
		else
			fprintf(out, "|%s", object->commands[i].name);
	}
	if (printed)
		fputc('\n', out);
}

static void print_object_help(FILE *out, const struct kn_object *object)
{
	fprintf(out,
		"NAME\n"
		INDENT KN_CTL_NAME " %s - %s\n"
		"\n"
		"SYNOPSIS\n",
		object->name, object->description);
	print_object_commands(out, object);
	if (object->help)
		fprintf(out, "\n%s", object->help);
	fprintf(out,
		"\n"
		"Global options (-j, --json; --state-dir DIR; -b FILE; -h, --help) are described in\n"
		"'" KN_CTL_NAME " --help'.\n");
}

void kn_ctl_print_help(FILE *out, const struct kn_object *object)
{
	size_t i;

	if (object) {
		print_object_help(out, object);
		return;
	}

	fprintf(out,
		"NAME\n"
		INDENT KN_CTL_NAME " - configure and inspect the kn Kubernetes node datapath\n"
		"\n"
		"SYNOPSIS\n"
		INDENT KN_CTL_NAME " [-j|--json] [--state-dir DIR] [-h|--help] OBJECT COMMAND [ARGS]\n"
		INDENT KN_CTL_NAME " -b|--batch FILE\n"
		INDENT KN_CTL_NAME " help [OBJECT]\n"
		"\n"
		"DESCRIPTION\n"
		INDENT KN_CTL_NAME " talks to the kn kernel module over the generic netlink\n"
		INDENT "family \"" KN_GENL_NAME "\".  Every request acts on the network namespace\n"
		INDENT KN_CTL_NAME " runs in.  Commands that change state need CAP_NET_ADMIN;\n"
		INDENT "the others are open to every user.\n"
		"\n"
		INDENT "The overlay and node commands connect the kn devices of several\n"
		INDENT "nodes with VXLAN and route the other nodes' pod subnets into them\n"
		INDENT "(generic netlink and rtnetlink).\n"
		"\n"
		INDENT "The service, backend and conntrack commands manage services:\n"
		INDENT "virtual addresses (ClusterIP) and ports of the node's own addresses\n"
		INDENT "(NodePort) whose connections kn sends to pods and translates, with\n"
		INDENT "a connection table of its own; config set masquerade on gives pods'\n"
		INDENT "connections out of the cluster the node's address.\n"
		"\n"
		INDENT "The pod commands set pods up on a bridge the way kubelet and a CNI\n"
		INDENT "plugin do, over rtnetlink; they work on kn0 and on a Linux bridge\n"
		INDENT "alike and keep their state on disk (see '" KN_CTL_NAME " pod --help').\n"
		"\n"
		"COMMANDS\n");
	for (i = 0; i < ARRAY_SIZE(kn_objects); i++)
		print_object_commands(out, kn_objects[i]);
	fprintf(out,
		INDENT KN_CTL_NAME " help [OBJECT]\n"
		INDENT2 "Show this help, or the help of OBJECT\n"
		"\n"
		"OPTIONS\n"
		INDENT "-j, --json\n"
		INDENT2 "Print JSON, one document per line.  May also follow\n"
		INDENT2 "OBJECT COMMAND.\n"
		INDENT "--state-dir DIR\n"
		INDENT2 "Where the pod commands keep their state (address\n"
		INDENT2 "allocations, pod records).  Default $" KN_STATE_DIR_ENV ", or\n"
		INDENT2 KN_STATE_DIR_DEFAULT " when it is unset.\n"
		INDENT "-b, --batch FILE\n"
		INDENT2 "Run the changes listed in FILE (- for standard input), see\n"
		INDENT2 "BATCH.\n"
		INDENT "-h, --help\n"
		INDENT2 "Print help to standard output and exit: the help of OBJECT\n"
		INDENT2 "when one is named, otherwise this page.\n"
		"\n"
		"BATCH\n"
		INDENT "Each line of FILE that is not blank and does not start with #\n"
		INDENT "is a command line without \"" KN_CTL_NAME "\" and without options, one\n"
		INDENT "of the changes made by one request:\n");
	for (i = 0; i < ARRAY_SIZE(kn_objects); i++)
		print_batchable_commands(out, kn_objects[i]);
	fprintf(out,
		INDENT "Every line is read first: if any is wrong, each wrong one is\n"
		INDENT "reported as FILE:LINE: why, and nothing is sent (exit status 2).\n"
		INDENT "The requests then go many per message, in file order.  A refused\n"
		INDENT "line is reported as FILE:LINE: <error>: <kernel's reason> and the\n"
		INDENT "batch goes on: every line is tried once, and the exit status is 1\n"
		INDENT "if any was refused.  (The lines sent with a refused one have been\n"
		INDENT "applied already, so stopping at it could not be exact.)\n"
		"\n"
		"ENVIRONMENT\n"
		INDENT KN_STATE_DIR_ENV "\n"
		INDENT2 "The state directory when --state-dir is not given.\n"
		"\n"
		"EXIT STATUS\n"
		INDENT "0      Success.\n"
		INDENT "1      The kernel rejected the request (the reason is printed),\n"
		INDENT "       the kn module is not loaded or cannot be reached, or an\n"
		INDENT "       operation failed (a sentence says which and why).\n"
		INDENT "2      Usage error; nothing was sent to the kernel.\n"
		"\n"
		"EXAMPLES\n"
		INDENT KN_CTL_NAME " status\n"
		INDENT KN_CTL_NAME " -j config show\n"
		INDENT KN_CTL_NAME " config set cluster-cidr 10.244.0.0/16 nodeport-range 30000-32767\n"
		INDENT KN_CTL_NAME " link set dev kn0 ageing 60\n"
		INDENT KN_CTL_NAME " fdb show dev kn0\n"
		INDENT KN_CTL_NAME " overlay set dev kn0 local 192.168.0.1\n"
		INDENT KN_CTL_NAME " node add 10.244.2.0/24 via 192.168.0.2 dev kn0\n"
		INDENT KN_CTL_NAME " service add 10.96.0.10:80/tcp affinity client-ip timeout 600\n"
		INDENT KN_CTL_NAME " service add 10.96.0.11:80/tcp nodeport 30080 policy local\n"
		INDENT KN_CTL_NAME " backend add 10.96.0.10:80/tcp 10.244.2.5:8080 weight 3 terminating\n"
		INDENT KN_CTL_NAME " config set snat-port-range 61000-65535 masquerade on\n"
		INDENT KN_CTL_NAME " -b services.txt\n"
		INDENT KN_CTL_NAME " pod add p1 dev kn0\n"
		"\n"
		"VERSION\n"
		INDENT KN_CTL_VERSION "\n");
}

#ifndef KN_CTL_NO_MAIN
int main(int argc, char **argv)
{
	struct kn_invocation inv;
	int status;

	switch (kn_ctl_parse_command_line(argc, argv, &inv)) {
	case KN_CTL_HELP:
		kn_ctl_print_help(stdout, inv.object);
		status = KN_EXIT_OK;
		break;
	case KN_CTL_USAGE_ERROR:
		fprintf(stderr, KN_CTL_NAME ": %s\n", inv.error);
		fprintf(stderr, "Try '" KN_CTL_NAME "%s%s --help' for more information.\n",
			inv.object ? " " : "", inv.object ? inv.object->name : "");
		return KN_EXIT_USAGE;
	case KN_CTL_BATCH:
		status = kn_ctl_run_batch(inv.batch);
		break;
	case KN_CTL_RUN:
	default:
		status = inv.command->run(&inv);
		break;
	}

	/* A full disk or a closed pipe must not look like success. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, KN_CTL_NAME ": error writing output: %s\n", strerror(errno));
		return KN_EXIT_FAILURE;
	}
	return status;
}
#endif
