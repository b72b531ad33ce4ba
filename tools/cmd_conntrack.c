// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl conntrack: kn's connection table, the connections to services it
 * translates (KN_CMD_GET_CONNTRACK, a dump; KN_CMD_FLUSH_CONNTRACK;
 * KN_CMD_GET_CONNTRACK_STATS).
 *
 * The table changes with every connection and its dump is a sample, never
 * flagged NLM_F_DUMP_INTR; "conntrack list" sorts what it got so that two
 * runs compare line by line.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

static const char *const state_names[] = {
	[KN_CT_STATE_NONE]		= "none",
	[KN_CT_STATE_SYN_SENT]		= "syn-sent",
	[KN_CT_STATE_SYN_RECV]		= "syn-recv",
	[KN_CT_STATE_ESTABLISHED]	= "established",
	[KN_CT_STATE_FIN_WAIT]		= "fin-wait",
	[KN_CT_STATE_TIME_WAIT]		= "time-wait",
	[KN_CT_STATE_CLOSE]		= "close",
	[KN_CT_STATE_UDP]		= "udp",
	[KN_CT_STATE_UDP_REPLIED]	= "udp-replied",
	[KN_CT_STATE_AFFINITY]		= "affinity",
};

_Static_assert(ARRAY_SIZE(state_names) == KN_CT_STATE_MAX + 1, "name every KN_CT_STATE_*");

const char *kn_ct_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

static const struct {
	uint32_t flag;
	const char *name;
} flag_names[] = {
	{ KN_CT_F_REPLIED, "replied" },
	{ KN_CT_F_SNAT, "snat" },
	{ KN_CT_F_AFFINITY, "affinity" },
	{ KN_CT_F_NODEPORT, "nodeport" },
	{ KN_CT_F_MASQUERADE, "masquerade" },
};

/* --- arguments --- */

/* conntrack list|flush [service VIP:PORT/PROTO] */
static int conntrack_filter_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_conntrack_args *args = &inv->args.conntrack;
	char what[32];

	kn_ctl_what(what, sizeof(what), "conntrack", inv->command->name);
	if (!argc)
		return 0;
	if (strcmp(argv[0], "service"))
		return kn_ctl_usage_error(inv, "%s: unknown argument '%s'", what, argv[0]);
	if (argc < 2)
		return kn_ctl_usage_error(inv, "%s: service needs a value", what);
	if (argc > 2)
		return kn_ctl_usage_error(inv, "%s: unexpected argument '%s'", what, argv[2]);
	args->has_service = true;
	return kn_ctl_parse_service_key(inv, what, argv[1], &args->service);
}

static const struct kn_service_key *filter_of(const struct kn_invocation *inv)
{
	const struct kn_conntrack_args *args = &inv->args.conntrack;

	return args->has_service ? &args->service : NULL;
}

static void conntrack_flush_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_service_put_filter(nlh, filter_of(inv));
}

/* --- replies --- */

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_CONNTRACK]	= MNL_TYPE_NESTED,
	[KN_A_CONNTRACK_STATS]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type ct_policy[KN_CT_A_MAX + 1] = {
	[KN_CT_A_PROTO]		= MNL_TYPE_U8,
	[KN_CT_A_ORIG_SRC]	= MNL_TYPE_U32,
	[KN_CT_A_ORIG_DST]	= MNL_TYPE_U32,
	[KN_CT_A_ORIG_SPORT]	= MNL_TYPE_U16,
	[KN_CT_A_ORIG_DPORT]	= MNL_TYPE_U16,
	[KN_CT_A_REPLY_SRC]	= MNL_TYPE_U32,
	[KN_CT_A_REPLY_DST]	= MNL_TYPE_U32,
	[KN_CT_A_REPLY_SPORT]	= MNL_TYPE_U16,
	[KN_CT_A_REPLY_DPORT]	= MNL_TYPE_U16,
	[KN_CT_A_STATE]		= MNL_TYPE_U8,
	[KN_CT_A_TIMEOUT_MS]	= MNL_TYPE_U32,
	[KN_CT_A_FLAGS]		= MNL_TYPE_U32,
};

/* Each tuple is four attributes in the same order: SRC, DST, SPORT, DPORT. */
_Static_assert(KN_CT_A_ORIG_DPORT - KN_CT_A_ORIG_SRC == 3 &&
	       KN_CT_A_REPLY_SRC - KN_CT_A_ORIG_SRC == 4 &&
	       KN_CT_A_REPLY_DPORT - KN_CT_A_REPLY_SRC == 3, "tuple attributes moved");

static void read_tuple(const struct nlattr **tb, unsigned int first, struct kn_ct_tuple *tuple)
{
	tuple->src.s_addr = mnl_attr_get_u32(tb[first]);
	tuple->dst.s_addr = mnl_attr_get_u32(tb[first + 1]);
	tuple->sport = mnl_attr_get_u16(tb[first + 2]);
	tuple->dport = mnl_attr_get_u16(tb[first + 3]);
}

int kn_ct_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *ct_tb[KN_CT_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_ct_table *table = data;
	struct kn_ct_entry *entry;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (!err)
		err = kn_genl_parse_nested_all(tb[KN_A_CONNTRACK], ct_policy, KN_CT_A_MAX, ct_tb);
	if (err)
		return err;

	entry = KN_TABLE_APPEND(table, 256);
	if (!entry)
		return -ENOMEM;
	entry->proto = mnl_attr_get_u8(ct_tb[KN_CT_A_PROTO]);
	read_tuple(ct_tb, KN_CT_A_ORIG_SRC, &entry->orig);
	read_tuple(ct_tb, KN_CT_A_REPLY_SRC, &entry->reply);
	entry->state = mnl_attr_get_u8(ct_tb[KN_CT_A_STATE]);
	entry->timeout_ms = mnl_attr_get_u32(ct_tb[KN_CT_A_TIMEOUT_MS]);
	entry->flags = mnl_attr_get_u32(ct_tb[KN_CT_A_FLAGS]);
	return 0;
}

void kn_ct_table_free(struct kn_ct_table *table)
{
	KN_TABLE_FREE(table);
}

/* The fields of an entry in sort order, each widened to 64 bits. */
static void sort_fields(const struct kn_ct_entry *entry, uint64_t fields[3])
{
	fields[0] = entry->proto;
	fields[1] = (uint64_t)ntohl(entry->orig.dst.s_addr) << 16 | entry->orig.dport;
	fields[2] = (uint64_t)ntohl(entry->orig.src.s_addr) << 16 | entry->orig.sport;
}

static int compare_entries(const void *a, const void *b)
{
	uint64_t x[3], y[3];
	size_t i;

	sort_fields(a, x);
	sort_fields(b, y);
	for (i = 0; i < ARRAY_SIZE(x); i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

void kn_ct_table_sort(struct kn_ct_table *table)
{
	KN_TABLE_SORT(table, compare_entries);
}

/* --- output --- */

/* "10.244.1.3:40000 -> 10.96.0.10:80" */
static void print_tuple_text(FILE *out, const struct kn_ct_tuple *tuple)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &tuple->src, src, sizeof(src));
	inet_ntop(AF_INET, &tuple->dst, dst, sizeof(dst));
	fprintf(out, "%s:%u -> %s:%u", src, tuple->sport, dst, tuple->dport);
}

static void print_tuple_json(struct kn_json *json, const char *key, const struct kn_ct_tuple *tuple)
{
	char addr[INET_ADDRSTRLEN];

	kn_json_key(json, key);
	kn_json_object_start(json);
	inet_ntop(AF_INET, &tuple->src, addr, sizeof(addr));
	kn_json_kv_string(json, "src", addr);
	kn_json_kv_uint(json, "sport", tuple->sport);
	inet_ntop(AF_INET, &tuple->dst, addr, sizeof(addr));
	kn_json_kv_string(json, "dst", addr);
	kn_json_kv_uint(json, "dport", tuple->dport);
	kn_json_object_end(json);
}

/* "replied,snat", bits without a name as "0x..."; "" for none. */
static void format_flags(uint32_t flags, char *buf, size_t size)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (!(flags & flag_names[i].flag))
			continue;
		used += snprintf(buf + used, size - used, "%s%s", used ? "," : "",
				 flag_names[i].name);
		flags &= ~flag_names[i].flag;
	}
	if (flags && used < size)
		snprintf(buf + used, size - used, "%s%#" PRIx32, used ? "," : "", flags);
}

static void print_entry_json(struct kn_json *json, const struct kn_ct_entry *entry)
{
	char number[KN_NUMBER_STRLEN];
	size_t i;

	/* A protocol, state or flag kn-ctl has no name for is printed as a number. */
	kn_json_object_start(json);
	kn_json_kv_string(json, "protocol",
			  kn_name_or_number(kn_proto_name(entry->proto), entry->proto, number));
	print_tuple_json(json, "orig", &entry->orig);
	print_tuple_json(json, "reply", &entry->reply);
	kn_json_kv_string(json, "state",
			  kn_name_or_number(kn_ct_state_name(entry->state), entry->state, number));
	kn_json_kv_uint(json, "timeout_ms", entry->timeout_ms);
	kn_json_key(json, "flags");
	kn_json_array_start(json);
	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (entry->flags & flag_names[i].flag)
			kn_json_string(json, flag_names[i].name);
	kn_json_array_end(json);
	kn_json_object_end(json);
}

static void print_entry_text(FILE *out, const struct kn_ct_entry *entry)
{
	char number[KN_NUMBER_STRLEN], flags[64];

	fprintf(out, "%s ", kn_name_or_number(kn_proto_name(entry->proto), entry->proto, number));
	print_tuple_text(out, &entry->orig);
	fputs(" reply ", out);
	print_tuple_text(out, &entry->reply);
	fprintf(out, " %s timeout %" PRIu32,
		kn_name_or_number(kn_ct_state_name(entry->state), entry->state, number),
		entry->timeout_ms / 1000);
	format_flags(entry->flags, flags, sizeof(flags));
	if (*flags)
		fprintf(out, " flags %s", flags);
	fputc('\n', out);
}

void kn_ct_print(FILE *out, const struct kn_ct_table *table, bool json_output)
{
	struct kn_json json;
	size_t i;

	if (!json_output) {
		for (i = 0; i < table->count; i++)
			print_entry_text(out, &table->entries[i]);
		return;
	}
	kn_json_init(&json, out);
	kn_json_array_start(&json);
	for (i = 0; i < table->count; i++)
		print_entry_json(&json, &table->entries[i]);
	kn_json_array_end(&json);
	kn_json_finish(&json);
}

/* --- the counters --- */

/*
 * Every KN_CT_STATS_A_*, in the order printed; the gauges (u32) make the
 * first line of the text form, the counters (u64) the second.  The JSON
 * key is the name with '_' for '-'.  What the module did not send (an older
 * one) is left out.
 */
static const struct {
	unsigned int type;
	const char *name;
} ct_stats[] = {
	{ KN_CT_STATS_A_ENTRIES, "entries" },
	{ KN_CT_STATS_A_MAX_ENTRIES, "max-entries" },
	{ KN_CT_STATS_A_BUCKETS, "buckets" },
	{ KN_CT_STATS_A_ENTRY_BYTES, "entry-bytes" },
	{ KN_CT_STATS_A_INSERTS, "inserts" },
	{ KN_CT_STATS_A_CLASHES, "clashes" },
	{ KN_CT_STATS_A_EXPIRED, "expired" },
	{ KN_CT_STATS_A_REMOVED, "removed" },
	{ KN_CT_STATS_A_EARLY_DROPS, "early-drops" },
	{ KN_CT_STATS_A_DROP_FULL, "drop-full" },
	{ KN_CT_STATS_A_DROP_NOMEM, "drop-nomem" },
	{ KN_CT_STATS_A_DROP_INVALID, "drop-invalid" },
	{ KN_CT_STATS_A_NO_BACKEND, "no-backend" },
	{ KN_CT_STATS_A_DROP_CLASH, "drop-clash" },
	{ KN_CT_STATS_A_DROP_REDIRECT, "drop-redirect" },
	{ KN_CT_STATS_A_DROP_SNAT, "drop-snat" },
	{ KN_CT_STATS_A_NO_LOCAL, "no-local" },
	{ KN_CT_STATS_A_MASQUERADED, "masqueraded" },
};

/* Every attribute but UNSPEC and PAD is printed. */
_Static_assert(ARRAY_SIZE(ct_stats) == KN_CT_STATS_A_MAX - 1, "print every KN_CT_STATS_A_*");

static const enum mnl_attr_data_type ct_stats_policy[KN_CT_STATS_A_MAX + 1] = {
	[KN_CT_STATS_A_ENTRIES]		= MNL_TYPE_U32,
	[KN_CT_STATS_A_MAX_ENTRIES]	= MNL_TYPE_U32,
	[KN_CT_STATS_A_BUCKETS]		= MNL_TYPE_U32,
	[KN_CT_STATS_A_ENTRY_BYTES]	= MNL_TYPE_U32,
	[KN_CT_STATS_A_INSERTS]		= MNL_TYPE_U64,
	[KN_CT_STATS_A_CLASHES]		= MNL_TYPE_U64,
	[KN_CT_STATS_A_EXPIRED]		= MNL_TYPE_U64,
	[KN_CT_STATS_A_REMOVED]		= MNL_TYPE_U64,
	[KN_CT_STATS_A_EARLY_DROPS]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_FULL]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_NOMEM]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_INVALID]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_NO_BACKEND]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_CLASH]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_REDIRECT]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_DROP_SNAT]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_NO_LOCAL]	= MNL_TYPE_U64,
	[KN_CT_STATS_A_MASQUERADED]	= MNL_TYPE_U64,
};

int kn_ct_stats_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *stats_tb[KN_CT_STATS_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_ct_stats *stats = data;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_CONNTRACK_STATS])
		return -EBADMSG;
	err = kn_genl_parse_nested(tb[KN_A_CONNTRACK_STATS], ct_stats_policy, KN_CT_STATS_A_MAX,
				   stats_tb);
	if (err)
		return err;
	memset(stats, 0, sizeof(*stats));
	for (type = 0; type <= KN_CT_STATS_A_MAX; type++) {
		if (!stats_tb[type])
			continue;
		if (ct_stats_policy[type] == MNL_TYPE_U32)
			stats->values[type] = mnl_attr_get_u32(stats_tb[type]);
		else
			stats->values[type] = mnl_attr_get_u64(stats_tb[type]);
		stats->has[type] = true;
	}
	/* The table's size is what every module sends. */
	if (!stats->has[KN_CT_STATS_A_ENTRIES] || !stats->has[KN_CT_STATS_A_MAX_ENTRIES])
		return -EBADMSG;
	stats->complete = true;
	return 0;
}

/* Is ct_stats[i] a gauge, on the first line of the text form? */
static bool is_gauge(size_t i)
{
	return ct_stats_policy[ct_stats[i].type] == MNL_TYPE_U32;
}

void kn_ct_stats_print(FILE *out, const struct kn_ct_stats *stats, bool json_output)
{
	char key[32], *dash;
	struct kn_json json;
	const char *sep;
	size_t i, line;

	if (!json_output) {
		for (line = 0; line < 2; line++) {
			sep = "";
			for (i = 0; i < ARRAY_SIZE(ct_stats); i++) {
				if (!stats->has[ct_stats[i].type] || is_gauge(i) != !line)
					continue;
				fprintf(out, "%s%s %" PRIu64, sep, ct_stats[i].name,
					stats->values[ct_stats[i].type]);
				sep = " ";
			}
			fputc('\n', out);
		}
		return;
	}
	kn_json_init(&json, out);
	kn_json_object_start(&json);
	for (i = 0; i < ARRAY_SIZE(ct_stats); i++) {
		if (!stats->has[ct_stats[i].type])
			continue;
		snprintf(key, sizeof(key), "%s", ct_stats[i].name);
		while ((dash = strchr(key, '-')))
			*dash = '_';
		kn_json_kv_uint(&json, key, stats->values[ct_stats[i].type]);
	}
	kn_json_object_end(&json);
	kn_json_finish(&json);
}

/* --- runs --- */

static int conntrack_list_run(const struct kn_invocation *inv)
{
	const struct kn_service_key *filter = filter_of(inv);
	struct kn_ct_table table = { 0 };
	const struct kn_service_dump dump = {
		KN_CMD_GET_CONNTRACK, kn_ct_parse_reply, &table, &table.count
	};
	int status;

	status = kn_service_run_dumps(inv, filter, &dump, 1);
	if (status == KN_EXIT_OK) {
		kn_ct_table_sort(&table);
		kn_ct_print(stdout, &table, inv->json);
	}
	kn_ct_table_free(&table);
	return status;
}

static int conntrack_flush_run(const struct kn_invocation *inv)
{
	const struct kn_service_key *filter = filter_of(inv);
	char key[KN_SERVICE_STRLEN] = "";

	if (filter)
		kn_service_key_format(filter, key);
	return kn_ctl_run_request(inv, "conntrack flush%s%s", filter ? " service " : "", key);
}

static int conntrack_stats_run(const struct kn_invocation *inv)
{
	struct kn_ct_stats stats = { .complete = false };
	struct kn_genl genl;
	int status, err;

	status = kn_ctl_connect(&genl);
	if (status)
		return status;
	err = kn_ctl_get(&genl, KN_CMD_GET_CONNTRACK_STATS, NULL, NULL, kn_ct_stats_parse_reply,
			 &stats, &stats.complete);
	if (err)
		status = kn_ctl_fail(&genl.nl, err, "conntrack stats");
	else
		kn_ct_stats_print(stdout, &stats, inv->json);
	kn_genl_close(&genl);
	return status;
}

static const struct kn_command conntrack_commands[] = {
	{
		.name = "list",
		.synopsis = "[service VIP:PORT/PROTO]",
		.description = "List the connection table's entries, or a service's",
		.parse = conntrack_filter_parse,
		.run = conntrack_list_run,
	},
	{
		.name = "flush",
		.synopsis = "[service VIP:PORT/PROTO]",
		.description = "Remove every entry, or a service's: their next packets are new connections",
		.parse = conntrack_filter_parse,
		.run = conntrack_flush_run,
		.request_cmd = KN_CMD_FLUSH_CONNTRACK,
		.put_request = conntrack_flush_put,
	},
	{
		.name = "stats",
		.synopsis = NULL,
		.description = "Show the connection table's size and counters",
		.run = conntrack_stats_run,
	},
};

const struct kn_object kn_object_conntrack = {
	.name = "conntrack",
	.description = "kn's connection table: the connections it translates",
	.help =
	"DESCRIPTION\n"
	"       kn keeps one entry per connection to a service (by its VIP or\n"
	"       its NodePort) and per masqueraded connection of a pod, found by\n"
	"       the addresses and ports of either direction, and one per client\n"
	"       of a service with client-ip affinity.  ORIG is the connection as\n"
	"       its client sends it (client -> VIP), REPLY as the backend\n"
	"       answers (backend -> client, or backend -> node when the backend\n"
	"       is the client itself, which kn translates with its source\n"
	"       rewritten: snat).  An entry ages out after a timeout set by its\n"
	"       state, refreshed by each packet.  The table holds at most the\n"
	"       setting conntrack-max entries ('" KN_CTL_NAME " config --help').\n"
	"\n"
	"OUTPUT\n"
	"       conntrack list prints one entry a line:\n"
	"           PROTO SRC:SPORT -> DST:DPORT reply SRC:SPORT -> DST:DPORT STATE\n"
	"               timeout SECS [flags FLAG,...]\n"
	"       STATE   syn-sent, syn-recv, established, fin-wait, time-wait,\n"
	"               close (TCP); udp, udp-replied; affinity\n"
	"       SECS    whole seconds left before the entry expires\n"
	"       FLAG    replied (a reply was seen), snat (source rewritten too),\n"
	"               affinity (a client-ip affinity entry: ORIG is the client,\n"
	"               ports 0, and the service; REPLY's source the backend),\n"
	"               nodeport (came to a NodePort: ORIG's destination is the\n"
	"               node's address; with snat, REPLY's destination is the\n"
	"               node's address and a port of snat-port-range),\n"
	"               masquerade (a pod's egress connection, its source\n"
	"               rewritten: no service)\n"
	"       -j prints an array of {\"protocol\":\"tcp\",\"orig\":{\"src\":\"A\",\"sport\":N,\n"
	"       \"dst\":\"A\",\"dport\":N},\"reply\":{...},\"state\":\"S\",\"timeout_ms\":N,\n"
	"       \"flags\":[\"replied\"]}\n"
	"\n"
	"       conntrack stats prints two lines:\n"
	"           entries N max-entries N buckets N entry-bytes N\n"
	"           inserts N clashes N expired N removed N early-drops N\n"
	"               drop-full N drop-nomem N drop-invalid N no-backend N\n"
	"               drop-clash N drop-redirect N drop-snat N no-local N\n"
	"               masqueraded N\n"
	"       entries       entries now, of max-entries at the most, in buckets\n"
	"                     hash buckets; entry-bytes is the memory of one\n"
	"       inserts       entries made\n"
	"       clashes       two packets of one new connection met at insert\n"
	"       expired       entries aged out\n"
	"       removed       by a flush, a backend or service delete, or for a new\n"
	"                     connection that took over a closed one's tuple\n"
	"       early-drops   unanswered entries evicted for a new connection\n"
	"       drop-full     new connections dropped: the table was full\n"
	"       drop-nomem    new connections dropped: no memory\n"
	"       drop-invalid  malformed packets to a VIP or of a connection, and\n"
	"                     rewritten ones the node could not route\n"
	"       no-backend    connections refused for want of a backend\n"
	"       drop-clash    new connections dropped: their reply tuple was taken\n"
	"       drop-redirect ICMP redirects about a translated connection, not\n"
	"                     sent (they would name the backend as the VIP's next hop)\n"
	"       drop-snat     new connections refused: no free port in\n"
	"                     snat-port-range\n"
	"       no-local      NodePort connections refused under policy local: no\n"
	"                     usable backend on this node\n"
	"       masqueraded   pods' egress connections masqueraded\n"
	"       -j prints one object with these keys, '_' for '-'.\n"
	"\n"
	"NOTES\n"
	"       The dump is a sample of a table that changes with every\n"
	"       connection.  Flushing needs CAP_NET_ADMIN.\n",
	.commands = conntrack_commands,
	.n_commands = ARRAY_SIZE(conntrack_commands),
};
