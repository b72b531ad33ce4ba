// SPDX-License-Identifier: GPL-2.0
/*
 * Pod records in the state directory; see pods.h for the format.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "pods.h"
#include "state.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool kn_pod_name_valid(const char *name)
{
	size_t i;

	if (!is_alnum(name[0]))
		return false;
	for (i = 1; name[i]; i++) {
		if (i >= KN_POD_NAME_MAX)
			return false;
		if (!is_alnum(name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
			return false;
	}
	return true;
}

/* FNV-1a, 32 bits: small, stable across builds and machines. */
static uint32_t fnv1a(uint32_t hash, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		hash ^= p[i];
		hash *= 16777619u;
	}
	return hash;
}

void kn_pod_host_dev_name(const char *name, unsigned int salt, char buf[IF_NAMESIZE])
{
	uint32_t hash = fnv1a(2166136261u, name, strlen(name));

	if (salt)
		hash = fnv1a(hash, &salt, sizeof(salt));
	snprintf(buf, IF_NAMESIZE, "veth%08x", hash);
}

int kn_pod_format(const struct kn_pod *pod, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN], gateway[INET_ADDRSTRLEN];
	int len;

	inet_ntop(AF_INET, &pod->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &pod->gateway, gateway, sizeof(gateway));
	len = snprintf(buf, size,
		       "address %s/%u\n"
		       "gateway %s\n"
		       "mac %s\n"
		       "host-dev %s\n"
		       "bridge %s\n"
		       "netns %s\n"
		       "mtu %u\n",
		       addr, pod->prefix_len, gateway, pod->mac, pod->host_dev,
		       pod->bridge, pod->netns, pod->mtu);
	if (len < 0 || (size_t)len >= size)
		return -ENOSPC;
	return len;
}

enum record_field {
	FIELD_ADDRESS,
	FIELD_GATEWAY,
	FIELD_MAC,
	FIELD_HOST_DEV,
	FIELD_BRIDGE,
	FIELD_NETNS,
	FIELD_MTU,
	__FIELD_COUNT
};

static const char *const field_names[__FIELD_COUNT] = {
	[FIELD_ADDRESS]		= "address",
	[FIELD_GATEWAY]		= "gateway",
	[FIELD_MAC]		= "mac",
	[FIELD_HOST_DEV]	= "host-dev",
	[FIELD_BRIDGE]		= "bridge",
	[FIELD_NETNS]		= "netns",
	[FIELD_MTU]		= "mtu",
};

/* Copies a string value; it must fit, with its NUL. */
static int copy_value(char *dst, size_t size, const char *value)
{
	if (!*value || strlen(value) >= size)
		return -EBADMSG;
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

static int parse_field(struct kn_pod *pod, enum record_field field, const char *value)
{
	struct kn_cidr cidr;
	int err;

	switch (field) {
	case FIELD_ADDRESS:
		/* A host address with its prefix: host bits set is the point. */
		err = kn_parse_cidr(value, &cidr);
		if (err && err != -EDOM)
			return -EBADMSG;
		pod->addr = cidr.addr;
		pod->prefix_len = cidr.prefix_len;
		return 0;
	case FIELD_GATEWAY:
		return kn_parse_ipv4(value, &pod->gateway) ? -EBADMSG : 0;
	case FIELD_MAC:
		return copy_value(pod->mac, sizeof(pod->mac), value);
	case FIELD_HOST_DEV:
		return copy_value(pod->host_dev, sizeof(pod->host_dev), value);
	case FIELD_BRIDGE:
		return copy_value(pod->bridge, sizeof(pod->bridge), value);
	case FIELD_NETNS:
		return copy_value(pod->netns, sizeof(pod->netns), value);
	case FIELD_MTU:
		return kn_parse_u32(value, 0, UINT32_MAX, &pod->mtu) ? -EBADMSG : 0;
	case __FIELD_COUNT:
		break;
	}
	return -EBADMSG;
}

int kn_pod_parse(const char *text, struct kn_pod *pod)
{
	char line[KN_POD_RECORD_MAX];
	bool seen[__FIELD_COUNT] = { false };
	const char *p = text, *end;
	unsigned int i, found = 0;
	char *value;
	size_t len;
	int err;

	pod->complete = false;
	while (*p) {
		end = strchrnul(p, '\n');
		len = end - p;
		if (len >= sizeof(line))
			return -EBADMSG;
		memcpy(line, p, len);
		line[len] = '\0';
		p = *end ? end + 1 : end;

		value = strchr(line, ' ');
		if (!value)
			continue;	/* not "KEY VALUE": skipped like unknown keys */
		*value++ = '\0';
		for (i = 0; i < __FIELD_COUNT; i++)
			if (!strcmp(line, field_names[i]))
				break;
		if (i == __FIELD_COUNT)
			continue;
		err = parse_field(pod, i, value);
		if (err)
			return err;
		if (!seen[i]) {
			seen[i] = true;
			found++;
		}
	}
	pod->complete = found == __FIELD_COUNT;
	return 0;
}

static int record_path(const char *state_dir, const char *name, char *path, size_t size)
{
	int len = snprintf(path, size, "%s/" KN_PODS_DIR "/%s", state_dir, name);

	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

int kn_pod_claim(const char *state_dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = record_path(state_dir, name, path, sizeof(path));
	if (err)
		return err;
	/* The directory first: its path is the record's without "/NAME". */
	*strrchr(path, '/') = '\0';
	err = kn_state_mkdir_p(path);
	if (err)
		return err;
	record_path(state_dir, name, path, sizeof(path));
	return kn_state_create_excl(path, "");
}

int kn_pod_save(const char *state_dir, const struct kn_pod *pod)
{
	char path[PATH_MAX], text[KN_POD_RECORD_MAX];
	int err;

	err = record_path(state_dir, pod->name, path, sizeof(path));
	if (err)
		return err;
	err = kn_pod_format(pod, text, sizeof(text));
	if (err < 0)
		return err;
	return kn_state_replace(path, text);
}

int kn_pod_load(const char *state_dir, const char *name, struct kn_pod *pod)
{
	char path[PATH_MAX], text[KN_POD_RECORD_MAX];
	int err;

	memset(pod, 0, sizeof(*pod));
	snprintf(pod->name, sizeof(pod->name), "%s", name);
	err = record_path(state_dir, name, path, sizeof(path));
	if (err)
		return err;
	err = kn_state_read(path, text, sizeof(text));
	if (err < 0)
		return err;
	return kn_pod_parse(text, pod);
}

int kn_pod_remove(const char *state_dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = record_path(state_dir, name, path, sizeof(path));
	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* Records only: not ".", "..", nor the hidden files of kn_state_replace(). */
static int record_filter(const struct dirent *entry)
{
	return kn_pod_name_valid(entry->d_name);
}

int kn_pod_list(const char *state_dir, struct kn_pod **pods, size_t *count)
{
	struct dirent **entries;
	char path[PATH_MAX];
	int n, i, err = 0;

	*pods = NULL;
	*count = 0;
	if (snprintf(path, sizeof(path), "%s/" KN_PODS_DIR, state_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	n = scandir(path, &entries, record_filter, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;

	*pods = calloc(n ? n : 1, sizeof(**pods));
	if (!*pods)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		/* Gone since scandir(): a "pod del" ran meanwhile. */
		if (kn_pod_load(state_dir, entries[i]->d_name, &(*pods)[*count]) == -ENOENT)
			continue;
		(*count)++;
	}
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	return err;
}
