// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the host-local IPAM (ipam.c): the usable range of a
 * subnet, allocation order, a full subnet, specific addresses, release,
 * and several processes allocating at once.  Each case works in a fresh
 * temporary state directory.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipam.h"
#include "state.h"
#include "harness.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct in_addr ip(const char *text)
{
	struct in_addr addr = { 0 };

	inet_pton(AF_INET, text, &addr);
	return addr;
}

static const char *ip_text(struct in_addr addr)
{
	static char text[4][INET_ADDRSTRLEN];
	static unsigned int next;
	char *buf = text[next++ % ARRAY_SIZE(text)];

	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

/*
 * On the stack, not the heap: the forked workers of test_concurrent() end
 * with _exit(), and valgrind would count a heap copy as their leak.
 */
#define STATE_DIR_TEMPLATE	"/tmp/kn-ipam-test.XXXXXX"

static void make_state_dir(char *dir)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
}

static void remove_tree(const char *dir)
{
	char *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", dir) > 0) {
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	}
}

/* Files in one subnet's directory, the last-reserved hint included. */
static int count_files(const struct kn_ipam *ipam)
{
	struct dirent *entry;
	int n = 0;
	DIR *dir = opendir(ipam->dir);

	if (!dir)
		return 0;
	while ((entry = readdir(dir)))
		if (entry->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* What pod add does: take an address, and once the pod is up, remember it. */
static int allocate(const struct kn_ipam *ipam, const char *owner, struct in_addr *addr)
{
	int err = kn_ipam_allocate(ipam, owner, addr);

	if (!err)
		kn_ipam_remember(ipam, *addr);
	return err;
}

/* --- the usable range of a subnet --- */

static const struct {
	const char *gateway;
	uint8_t prefix_len;
	int err;
	uint32_t capacity;
	const char *network;
} range_cases[] = {
	{ "10.244.1.1", 24, 0, 253, "10.244.1.0" },
	{ "10.244.1.1", 29, 0, 5, "10.244.1.0" },
	{ "10.244.1.5", 29, 0, 5, "10.244.1.0" },	/* gateway mid-range */
	{ "10.244.1.0", 29, 0, 6, "10.244.1.0" },	/* bridge on the network address */
	{ "10.244.1.9", 30, 0, 1, "10.244.1.8" },
	{ "10.244.7.1", 16, 0, 65533, "10.244.0.0" },
	{ "10.244.1.1", 31, -ERANGE, 0, NULL },
	{ "10.244.1.1", 32, -ERANGE, 0, NULL },
};

static void test_range(void)
{
	struct kn_ipam ipam;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(range_cases); i++) {
		int err = kn_ipam_init(&ipam, "/state", ip(range_cases[i].gateway),
				       range_cases[i].prefix_len);
		bool ok = err == range_cases[i].err;

		if (ok && !err)
			ok = kn_ipam_capacity(&ipam) == range_cases[i].capacity &&
			     ipam.subnet.addr.s_addr == ip(range_cases[i].network).s_addr;
		test_case(ok, "ipam range of %s/%u: %s", range_cases[i].gateway,
			  range_cases[i].prefix_len,
			  range_cases[i].err ? "-ERANGE (no room for pods)" : "capacity as expected");
	}

	kn_ipam_init(&ipam, "/var/lib/kn", ip("10.244.1.1"), 24);
	test_case(!strcmp(ipam.dir, "/var/lib/kn/ipam/10.244.1.0_24"),
		  "ipam directory of 10.244.1.1/24 is STATE/ipam/10.244.1.0_24 (got %s)", ipam.dir);

	test_case(kn_ipam_check(&ipam, ip("10.244.1.0")) == KN_IPAM_NETWORK &&
		  kn_ipam_check(&ipam, ip("10.244.1.255")) == KN_IPAM_BROADCAST &&
		  kn_ipam_check(&ipam, ip("10.244.1.1")) == KN_IPAM_GATEWAY &&
		  kn_ipam_check(&ipam, ip("10.244.1.2")) == KN_IPAM_USABLE &&
		  kn_ipam_check(&ipam, ip("10.244.1.254")) == KN_IPAM_USABLE &&
		  kn_ipam_check(&ipam, ip("10.244.2.2")) == KN_IPAM_OUTSIDE &&
		  kn_ipam_check(&ipam, ip("10.245.1.2")) == KN_IPAM_OUTSIDE,
		  "ipam check /24: network, broadcast, gateway, usable, outside");
}

/* --- allocation --- */

static void test_allocate_order_and_full(void)
{
	static const char *const expected[] = {
		"10.244.9.2", "10.244.9.3", "10.244.9.4", "10.244.9.5", "10.244.9.6",
	};
	char state[] = STATE_DIR_TEMPLATE;
	char owner[KN_IPAM_OWNER_MAX + 1], name[16];
	struct in_addr addr;
	struct kn_ipam ipam;
	bool in_order = true;
	int files, err;
	size_t i;

	make_state_dir(state);
	kn_ipam_init(&ipam, state, ip("10.244.9.1"), 29);
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		err = kn_ipam_allocate(&ipam, name, &addr);
		if (err || addr.s_addr != ip(expected[i]).s_addr) {
			in_order = false;
			printf("     allocation %zu: err %d, got %s, want %s\n", i, err,
			       ip_text(addr), expected[i]);
		}
	}
	test_case(in_order, "ipam /29 with gateway .1: .2 to .6 in order, never .0, .1 or .7");
	test_case(!kn_ipam_owner(&ipam, ip("10.244.9.4"), owner, sizeof(owner)) &&
		  !strcmp(owner, "p2"),
		  "ipam address file holds its pod's name (10.244.9.4 -> p2)");

	files = count_files(&ipam);
	err = kn_ipam_allocate(&ipam, "p5", &addr);
	test_case(err == -ENOSPC, "ipam full /29 -> -ENOSPC (got %d)", err);
	test_case(count_files(&ipam) == files && kn_ipam_release_owner(state, "p5") == 0,
		  "ipam full /29: a failed allocation leaves no file behind");
	remove_tree(state);
}

static void test_allocate_around_gateway(void)
{
	static const char *const expected[] = {
		"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.6",
	};
	char state[] = STATE_DIR_TEMPLATE;
	struct in_addr addr;
	struct kn_ipam ipam;
	bool in_order = true;
	size_t i;

	make_state_dir(state);
	kn_ipam_init(&ipam, state, ip("10.0.0.5"), 29);
	for (i = 0; i < ARRAY_SIZE(expected); i++)
		if (kn_ipam_allocate(&ipam, "p", &addr) ||
		    addr.s_addr != ip(expected[i]).s_addr)
			in_order = false;
	test_case(in_order && kn_ipam_allocate(&ipam, "p", &addr) == -ENOSPC,
		  "ipam /29 with gateway .5: .1 to .4 and .6, .5 skipped, then full");
	remove_tree(state);
}

static void test_round_robin(void)
{
	char state[] = STATE_DIR_TEMPLATE;
	struct in_addr a, b, c;
	struct kn_ipam ipam;
	char path[sizeof(ipam.dir) + sizeof(KN_IPAM_LAST_RESERVED) + 1];
	int i;

	make_state_dir(state);
	kn_ipam_init(&ipam, state, ip("10.244.1.1"), 24);
	allocate(&ipam, "a", &a);
	allocate(&ipam, "b", &b);
	kn_ipam_release_owner(state, "a");
	allocate(&ipam, "c", &c);
	test_case(a.s_addr == ip("10.244.1.2").s_addr && c.s_addr == ip("10.244.1.4").s_addr,
		  "ipam round-robin: a released address (%s) is not the next one handed out (%s)",
		  ip_text(a), ip_text(c));

	/* Fill the rest; the search wraps around to what a left free. */
	for (i = 0; i < 250; i++)
		allocate(&ipam, "filler", &b);
	test_case(!allocate(&ipam, "d", &a) && a.s_addr == ip("10.244.1.2").s_addr &&
		  allocate(&ipam, "e", &a) == -ENOSPC,
		  "ipam round-robin wraps to the one free address, then the subnet is full");

	/* A damaged hint is ignored, not trusted. */
	snprintf(path, sizeof(path), "%s/" KN_IPAM_LAST_RESERVED, ipam.dir);
	kn_state_replace(path, "garbage\n");
	kn_ipam_release_owner(state, "filler");
	kn_ipam_release_owner(state, "d");
	test_case(!allocate(&ipam, "f", &a) && a.s_addr == ip("10.244.1.2").s_addr,
		  "ipam with a garbage last-reserved starts from the first address (got %s)",
		  ip_text(a));

	/* A pod add that failed after taking its address never remembered it. */
	kn_ipam_allocate(&ipam, "failed", &a);
	kn_ipam_release_owner(state, "failed");
	kn_ipam_allocate(&ipam, "g", &b);
	test_case(a.s_addr == b.s_addr,
		  "ipam: an address given back by a failed pod add is the next one again (%s)",
		  ip_text(b));
	remove_tree(state);
}

static void test_reserve(void)
{
	char state[] = STATE_DIR_TEMPLATE;
	char owner[KN_IPAM_OWNER_MAX + 1] = "";
	struct in_addr addr;
	struct kn_ipam ipam;

	make_state_dir(state);
	kn_ipam_init(&ipam, state, ip("10.244.1.1"), 24);
	test_case(!kn_ipam_reserve(&ipam, ip("10.244.1.77"), "p1"),
		  "ipam reserve a free address -> 0");
	test_case(kn_ipam_reserve(&ipam, ip("10.244.1.77"), "p2") == -EEXIST &&
		  !kn_ipam_owner(&ipam, ip("10.244.1.77"), owner, sizeof(owner)) &&
		  !strcmp(owner, "p1"),
		  "ipam reserve a taken address -> -EEXIST, and the owner is still p1");
	test_case(kn_ipam_reserve(&ipam, ip("10.244.1.1"), "p2") == -EDOM &&
		  kn_ipam_reserve(&ipam, ip("10.244.1.0"), "p2") == -EDOM &&
		  kn_ipam_reserve(&ipam, ip("10.244.1.255"), "p2") == -EDOM &&
		  kn_ipam_reserve(&ipam, ip("10.244.2.7"), "p2") == -EDOM,
		  "ipam reserve gateway, network, broadcast or outside -> -EDOM");
	test_case(kn_ipam_owner(&ipam, ip("10.244.1.78"), owner, sizeof(owner)) == -ENOENT,
		  "ipam owner of a free address -> -ENOENT");
	/* Allocation walks past a reserved address. */
	kn_ipam_allocate(&ipam, "p3", &addr);
	test_case(addr.s_addr == ip("10.244.1.2").s_addr,
		  "ipam allocation after a reservation still starts at the first address");
	remove_tree(state);
}

static void test_release(void)
{
	char state[] = STATE_DIR_TEMPLATE;
	struct kn_ipam ipam, other;
	struct in_addr addr;
	int n;

	make_state_dir(state);
	test_case(kn_ipam_release_owner(state, "nobody") == 0,
		  "ipam release in an empty state directory -> 0 released");
	kn_ipam_init(&ipam, state, ip("10.244.1.1"), 24);
	kn_ipam_init(&other, state, ip("192.168.5.1"), 24);
	kn_ipam_allocate(&ipam, "p1", &addr);
	kn_ipam_allocate(&ipam, "p2", &addr);
	kn_ipam_allocate(&other, "p1", &addr);
	kn_ipam_allocate(&ipam, "p10", &addr);

	n = kn_ipam_release_owner(state, "p1");
	test_case(n == 2, "ipam release p1 frees its addresses in both subnets (%d)", n);
	test_case(count_files(&ipam) == 2 && count_files(&other) == 0,
		  "ipam release p1 leaves p2 and p10 (a name it prefixes) alone");
	test_case(kn_ipam_release_owner(state, "p1") == 0,
		  "ipam release p1 again -> 0 released");
	remove_tree(state);
}

/* --- concurrency --- */

#define WORKERS		8
#define ATTEMPTS	40	/* 8 x 40 = 320 attempts on a /24's 253 addresses */

/* A child: allocate ATTEMPTS times, write each address (or 0) to fd. */
static void worker(const struct kn_ipam *ipam, int id, int fd)
{
	struct in_addr addr;
	char owner[16];
	int i, err;

	snprintf(owner, sizeof(owner), "w%d", id);
	for (i = 0; i < ATTEMPTS; i++) {
		err = allocate(ipam, owner, &addr);
		if (err == -ENOSPC)
			addr.s_addr = 0;
		else if (err)
			_exit(2);
		if (write(fd, &addr.s_addr, sizeof(addr.s_addr)) != sizeof(addr.s_addr))
			_exit(3);
	}
	_exit(0);
}

static void test_concurrent(void)
{
	static uint8_t seen[256];
	char state[] = STATE_DIR_TEMPLATE;
	char owner[KN_IPAM_OWNER_MAX + 1], expected_owner[16];
	int fds[WORKERS][2], i, status, allocated = 0, duplicates = 0, wrong_owner = 0;
	bool workers_ok = true;
	struct kn_ipam ipam;
	struct in_addr addr;
	pid_t pids[WORKERS];

	memset(seen, 0, sizeof(seen));
	make_state_dir(state);
	kn_ipam_init(&ipam, state, ip("10.244.1.1"), 24);
	fflush(stdout);
	for (i = 0; i < WORKERS; i++) {
		if (pipe(fds[i]))
			exit(1);
		pids[i] = fork();
		if (pids[i] < 0)
			exit(1);
		if (!pids[i]) {
			close(fds[i][0]);
			worker(&ipam, i, fds[i][1]);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < WORKERS; i++) {
		while (read(fds[i][0], &addr.s_addr, sizeof(addr.s_addr)) == sizeof(addr.s_addr)) {
			if (!addr.s_addr)
				continue;
			allocated++;
			if (seen[ntohl(addr.s_addr) & 0xff]++)
				duplicates++;
			snprintf(expected_owner, sizeof(expected_owner), "w%d", i);
			if (kn_ipam_owner(&ipam, addr, owner, sizeof(owner)) ||
			    strcmp(owner, expected_owner))
				wrong_owner++;
		}
		close(fds[i][0]);
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			workers_ok = false;
	}
	test_case(workers_ok, "ipam concurrent: %d processes x %d allocations ran without error",
		  WORKERS, ATTEMPTS);
	test_case(allocated == 253 && !duplicates,
		  "ipam concurrent: exactly 253 addresses handed out, no duplicate (%d, %d dup)",
		  allocated, duplicates);
	test_case(!wrong_owner && !seen[0] && !seen[1] && !seen[255],
		  "ipam concurrent: each address file names its taker; .0, .1, .255 never given");
	remove_tree(state);
}

void ipam_tests(void)
{
	test_range();
	test_allocate_order_and_full();
	test_allocate_around_gateway();
	test_round_robin();
	test_reserve();
	test_release();
	test_concurrent();
}
