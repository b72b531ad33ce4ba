// SPDX-License-Identifier: GPL-2.0
/*
 * File helpers for the state directory; see state.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

int kn_state_mkdir_p(const char *path)
{
	char buf[PATH_MAX], saved;
	size_t len = strlen(path);
	char *p;

	if (!len || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	/* Every prefix ending before a '/', then the whole path. */
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		saved = *p;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = saved;
		if (!saved)
			break;
	}
	return 0;
}

static int write_all(int fd, const char *content)
{
	size_t len = strlen(content), done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, content + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += n;
	}
	return 0;
}

/* Writes and closes fd; on failure removes path. */
static int write_and_close(int fd, const char *path, const char *content)
{
	int err = write_all(fd, content);

	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

int kn_state_create_excl(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	return write_and_close(fd, path, content);
}

int kn_state_replace(const char *path, const char *content)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX];
	int fd, err, len;

	if (slash)
		len = snprintf(tmp, sizeof(tmp), "%.*s/.%s.tmp.%d",
			       (int)(slash - path), path, slash + 1, (int)getpid());
	else
		len = snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", path, (int)getpid());
	if (len < 0 || (size_t)len >= sizeof(tmp))
		return -ENAMETOOLONG;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_and_close(fd, tmp, content);
	if (err)
		return err;
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

int kn_state_read(const char *path, char *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done + 1 < size) {
		n = read(fd, buf + done, size - 1 - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		done += n;
	}
	close(fd);
	buf[done] = '\0';
	return done;
}
