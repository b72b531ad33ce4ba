// SPDX-License-Identifier: GPL-2.0
/*
 * Named network namespaces as iproute2 keeps them; see netns.h.  The steps
 * follow ip/ipnetns.c (netns_add, netns_delete).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

#define SELF_NETNS	"/proc/self/ns/net"

static void netns_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", KN_NETNS_RUN_DIR, name);
}

/*
 * Makes /run/netns a shared mount, so that each namespace's bind mount
 * propagates to every mount namespace and unmounting it anywhere unmounts it
 * everywhere (which lets the namespace be freed).  If /run/netns is not a
 * mount point yet, mount --make-shared fails with EINVAL: bind it on itself
 * first.  Under an flock, because several processes doing this at once
 * stack up bind mounts (iproute2, Launchpad bug 1811248).
 */
static int make_run_dir_shared(void)
{
	bool made_mount_point = false;
	int lock, err = 0;

	if (mkdir(KN_NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	lock = open(KN_NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return -errno;
	if (flock(lock, LOCK_EX)) {
		err = -errno;
		goto out;
	}
	while (mount("", KN_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount_point) {
			err = -errno;
			break;
		}
		if (mount(KN_NETNS_RUN_DIR, KN_NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL)) {
			err = -errno;
			break;
		}
		made_mount_point = true;
	}
out:
	/* Closing the descriptor drops the lock. */
	close(lock);
	return err;
}

/*
 * Does a mount under /run/netns reach the other mount namespaces?  Not when
 * /run/netns is a slave ("master:N" in /proc/self/mountinfo): mounts
 * propagate from a master to its slaves, never back.  That is the case in
 * the private mount namespace "ip netns exec" makes (its root is remounted
 * rslave), and in a container given /run/netns with HostToContainer
 * propagation.  The topmost mount on /run/netns is the one that counts.
 */
static int check_run_dir_propagates(void)
{
	char *line = NULL, point[PATH_MAX], fields[512];
	bool slave = false, found = false;
	size_t size = 0;
	FILE *mounts;

	mounts = fopen("/proc/self/mountinfo", "re");
	if (!mounts)
		return -errno;
	/* ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL FIELDS...] - TYPE ... */
	while (getline(&line, &size, mounts) > 0) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s %*s %511[^-]", point, fields) != 2 ||
		    strcmp(point, KN_NETNS_RUN_DIR))
			continue;
		found = true;
		slave = strstr(fields, "master:") != NULL;
	}
	free(line);
	fclose(mounts);
	if (!found)
		return -ENOENT;
	return slave ? -EXDEV : 0;
}

int kn_netns_prepare(void)
{
	int err = make_run_dir_shared();

	return err ? err : check_run_dir_propagates();
}

/* Switches this thread into the namespace of fd; the caller comes back. */
static int enter_netns(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

int kn_netns_add(const char *name)
{
	char path[PATH_MAX];
	int fd, home, err;

	netns_path(name, path, sizeof(path));
	err = kn_netns_prepare();
	if (err)
		return err;

	/* The file the namespace is mounted on; O_EXCL makes the name ours. */
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);

	home = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		err = -errno;
		goto err_unlink;
	}
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		close(home);
		goto err_unlink;
	}
	if (mount(SELF_NETNS, path, "none", MS_BIND, NULL))
		err = -errno;
	/* Back home whatever happened; without it, nothing after is right. */
	if (enter_netns(home) && !err)
		err = -EIO;
	close(home);
	if (err)
		goto err_unlink;
	return 0;

err_unlink:
	umount2(path, MNT_DETACH);
	unlink(path);
	return err;
}

int kn_netns_del(const char *name)
{
	char path[PATH_MAX];

	netns_path(name, path, sizeof(path));
	/* EINVAL: not a mount point (a half-made namespace); unlink anyway. */
	umount2(path, MNT_DETACH);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int kn_netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd;

	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int kn_netns_nl_open(int ns_fd, struct kn_nl *nl, int bus)
{
	int home, err;

	nl->sock = NULL;
	home = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	err = enter_netns(ns_fd);
	if (!err) {
		err = kn_nl_open(nl, bus);
		if (enter_netns(home)) {
			kn_nl_close(nl);
			err = -EIO;
		}
	}
	close(home);
	return err;
}
