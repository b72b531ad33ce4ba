/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pod records: what "kn-ctl pod add" made, so that "pod list" can show it
 * and "pod del" can undo it.  One file per pod, STATE/pods/NAME, of
 * "KEY VALUE" lines:
 *
 *   address 10.244.1.2/24
 *   gateway 10.244.1.1
 *   mac 5a:0c:7e:21:9b:40
 *   host-dev vetha04ed67a
 *   bridge kn0
 *   netns /run/netns/p1
 *   mtu 1450
 *
 * "pod add" first creates the file empty with O_EXCL, which makes the name
 * its own against a concurrent "pod add" of the same name, and replaces it
 * with the full record (kn_state_replace()) once the pod is up.  An empty
 * record is a pod being made, or one whose "pod add" was killed half-way;
 * "pod del" removes either.  Unknown keys are skipped, so a newer kn-ctl may
 * add some.
 */
#ifndef KN_CTL_PODS_H
#define KN_CTL_PODS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>

#include "rtnl.h"

#define KN_PODS_DIR		"pods"
/* A DNS label's length, as Kubernetes names are. */
#define KN_POD_NAME_MAX		63
#define KN_POD_NETNS_MAX	(sizeof("/run/netns/") + KN_POD_NAME_MAX)
/* Big enough for any record this kn-ctl writes, with room to spare. */
#define KN_POD_RECORD_MAX	1024

struct kn_pod {
	char name[KN_POD_NAME_MAX + 1];
	/* Set only when the record had every field below. */
	bool complete;
	struct in_addr addr;
	uint8_t prefix_len;
	struct in_addr gateway;
	char mac[KN_MAC_STRLEN];
	char host_dev[IF_NAMESIZE];
	char bridge[IF_NAMESIZE];
	char netns[KN_POD_NETNS_MAX];
	uint32_t mtu;
};

/*
 * 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or a
 * digit: safe as a file name, a netns name and a record key.
 */
bool kn_pod_name_valid(const char *name);
/*
 * The host-side veth's name: "veth" and 8 hex digits of a hash of the pod
 * name, as CNI plugins name theirs.  salt 0 is the usual name; a collision
 * with another device retries with 1, 2, ...
 */
void kn_pod_host_dev_name(const char *name, unsigned int salt, char buf[IF_NAMESIZE]);

/* The record's text; -ENOSPC if it does not fit in size. */
int kn_pod_format(const struct kn_pod *pod, char *buf, size_t size);
/* Reads a record's text into pod (name untouched); -EBADMSG on a bad value. */
int kn_pod_parse(const char *text, struct kn_pod *pod);

/* Creates the empty record of a new pod: -EEXIST when the name is taken. */
int kn_pod_claim(const char *state_dir, const char *name);
/* Writes the full record over the claim. */
int kn_pod_save(const char *state_dir, const struct kn_pod *pod);
/* Reads the record of name: -ENOENT when there is none. */
int kn_pod_load(const char *state_dir, const char *name, struct kn_pod *pod);
/* Removes the record; 0 also when there was none. */
int kn_pod_remove(const char *state_dir, const char *name);
/*
 * Every record, sorted by name, in a malloc'ed array the caller frees.
 * Unreadable records come back incomplete.  No pods directory: none.
 */
int kn_pod_list(const char *state_dir, struct kn_pod **pods, size_t *count);

#endif /* KN_CTL_PODS_H */
