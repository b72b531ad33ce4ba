// SPDX-License-Identifier: GPL-2.0
/*
 * Host-local IPAM on disk; see ipam.h for the layout and why no lock is
 * needed.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipam.h"
#include "state.h"

/* Room for "255.255.255.255\n" or an owner name and its newline. */
#define FILE_BUF_SIZE	(KN_IPAM_OWNER_MAX + 2)

int kn_ipam_init(struct kn_ipam *ipam, const char *state_dir,
		 struct in_addr gateway, uint8_t prefix_len)
{
	char network[INET_ADDRSTRLEN];
	uint32_t mask, base;
	int len;

	if (prefix_len > 30)
		return -ERANGE;
	memset(ipam, 0, sizeof(*ipam));
	ipam->gateway = gateway;
	ipam->subnet.addr = gateway;
	ipam->subnet.prefix_len = prefix_len;
	ipam->subnet = kn_cidr_network(&ipam->subnet);

	mask = ntohl(kn_prefix_mask(prefix_len));
	base = ntohl(ipam->subnet.addr.s_addr);
	ipam->first = base + 1;
	ipam->last = (base | ~mask) - 1;

	inet_ntop(AF_INET, &ipam->subnet.addr, network, sizeof(network));
	len = snprintf(ipam->dir, sizeof(ipam->dir), "%s/" KN_IPAM_DIR "/%s_%u",
		       state_dir, network, prefix_len);
	if (len < 0 || (size_t)len >= sizeof(ipam->dir))
		return -ENAMETOOLONG;
	return 0;
}

static bool is_gateway(const struct kn_ipam *ipam, uint32_t host_order)
{
	return host_order == ntohl(ipam->gateway.s_addr);
}

uint32_t kn_ipam_capacity(const struct kn_ipam *ipam)
{
	uint32_t gateway = ntohl(ipam->gateway.s_addr);
	uint32_t count = ipam->last - ipam->first + 1;

	/* The bridge may sit on the network or broadcast address itself. */
	if (gateway >= ipam->first && gateway <= ipam->last)
		count--;
	return count;
}

enum kn_ipam_verdict kn_ipam_check(const struct kn_ipam *ipam, struct in_addr addr)
{
	uint32_t host_order = ntohl(addr.s_addr);

	if ((addr.s_addr & kn_prefix_mask(ipam->subnet.prefix_len)) !=
	    ipam->subnet.addr.s_addr)
		return KN_IPAM_OUTSIDE;
	if (is_gateway(ipam, host_order))
		return KN_IPAM_GATEWAY;
	if (host_order < ipam->first)
		return KN_IPAM_NETWORK;
	if (host_order > ipam->last)
		return KN_IPAM_BROADCAST;
	return KN_IPAM_USABLE;
}

static int address_path(const struct kn_ipam *ipam, uint32_t host_order,
			char *path, size_t size)
{
	struct in_addr addr = { .s_addr = htonl(host_order) };
	char text[INET_ADDRSTRLEN];
	int len;

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	len = snprintf(path, size, "%s/%s", ipam->dir, text);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The O_EXCL create that makes host_order owner's; -EEXIST when taken. */
static int claim(const struct kn_ipam *ipam, uint32_t host_order, const char *owner)
{
	char path[PATH_MAX], content[FILE_BUF_SIZE];
	int err;

	err = address_path(ipam, host_order, path, sizeof(path));
	if (err)
		return err;
	snprintf(content, sizeof(content), "%s\n", owner);
	return kn_state_create_excl(path, content);
}

/* Where the round-robin search starts: after the last address handed out. */
static uint32_t search_start(const struct kn_ipam *ipam)
{
	char path[PATH_MAX], text[FILE_BUF_SIZE];
	struct in_addr last;
	uint32_t host_order;

	if (snprintf(path, sizeof(path), "%s/" KN_IPAM_LAST_RESERVED, ipam->dir) >=
	    (int)sizeof(path))
		return ipam->first;
	if (kn_state_read(path, text, sizeof(text)) < 0)
		return ipam->first;
	text[strcspn(text, "\n")] = '\0';
	if (kn_parse_ipv4(text, &last))
		return ipam->first;
	host_order = ntohl(last.s_addr);
	if (host_order < ipam->first || host_order >= ipam->last)
		return ipam->first;
	return host_order + 1;
}

/* Best effort: a lost hint only makes the next search start earlier. */
void kn_ipam_remember(const struct kn_ipam *ipam, struct in_addr addr)
{
	char path[PATH_MAX], text[INET_ADDRSTRLEN + 1];

	if (snprintf(path, sizeof(path), "%s/" KN_IPAM_LAST_RESERVED, ipam->dir) >=
	    (int)sizeof(path))
		return;
	inet_ntop(AF_INET, &addr, text, INET_ADDRSTRLEN);
	strcat(text, "\n");
	kn_state_replace(path, text);
}

int kn_ipam_allocate(const struct kn_ipam *ipam, const char *owner,
		     struct in_addr *addr)
{
	uint32_t count = ipam->last - ipam->first + 1;
	uint32_t start, i, candidate;
	int err;

	err = kn_state_mkdir_p(ipam->dir);
	if (err)
		return err;
	start = search_start(ipam);
	for (i = 0; i < count; i++) {
		candidate = ipam->first + (start - ipam->first + i) % count;
		if (is_gateway(ipam, candidate))
			continue;
		err = claim(ipam, candidate, owner);
		if (err == -EEXIST)
			continue;
		if (err)
			return err;
		addr->s_addr = htonl(candidate);
		return 0;
	}
	return -ENOSPC;
}

int kn_ipam_reserve(const struct kn_ipam *ipam, struct in_addr addr,
		    const char *owner)
{
	int err;

	if (kn_ipam_check(ipam, addr) != KN_IPAM_USABLE)
		return -EDOM;
	err = kn_state_mkdir_p(ipam->dir);
	if (err)
		return err;
	return claim(ipam, ntohl(addr.s_addr), owner);
}

/* An address file's owner, newline stripped; -errno if unreadable. */
static int read_owner(int dir_fd, const char *name, char *owner, size_t size)
{
	char text[FILE_BUF_SIZE];
	ssize_t len;
	int fd;

	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	if (len < 0)
		len = -errno;
	close(fd);
	if (len < 0)
		return len;
	text[len] = '\0';
	text[strcspn(text, "\n")] = '\0';
	snprintf(owner, size, "%s", text);
	return 0;
}

int kn_ipam_owner(const struct kn_ipam *ipam, struct in_addr addr,
		  char *owner, size_t size)
{
	char path[PATH_MAX];
	int err;

	err = address_path(ipam, ntohl(addr.s_addr), path, sizeof(path));
	if (err)
		return err;
	return read_owner(AT_FDCWD, path, owner, size);
}

/* Releases owner's addresses in one subnet's directory; a count or -errno. */
static int release_in_subnet(int ipam_fd, const char *subnet, const char *owner)
{
	char holder[FILE_BUF_SIZE];
	struct in_addr ignored;
	struct dirent *entry;
	int fd, released = 0;
	DIR *dir;

	fd = openat(ipam_fd, subnet, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? 0 : -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((entry = readdir(dir))) {
		/* Address files only: not last-reserved, not temporary files. */
		if (kn_parse_ipv4(entry->d_name, &ignored))
			continue;
		/*
		 * No race with a new owner: while the file exists nobody else
		 * can create it, and it is removed only after this check.
		 */
		if (read_owner(fd, entry->d_name, holder, sizeof(holder)) ||
		    strcmp(holder, owner))
			continue;
		if (unlinkat(fd, entry->d_name, 0) && errno != ENOENT) {
			released = -errno;
			break;
		}
		released++;
	}
	closedir(dir);
	return released;
}

int kn_ipam_release_owner(const char *state_dir, const char *owner)
{
	char path[PATH_MAX];
	struct dirent *entry;
	int ipam_fd, n, released = 0;
	DIR *dir;

	if (snprintf(path, sizeof(path), "%s/" KN_IPAM_DIR, state_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	ipam_fd = dirfd(dir);
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		n = release_in_subnet(ipam_fd, entry->d_name, owner);
		if (n < 0) {
			released = n;
			break;
		}
		released += n;
	}
	closedir(dir);
	return released;
}
