/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small file helpers for kn-ctl's state directory (ipam.c, pods.c).  Every
 * function returns 0 (or a length) or a negative errno, and prints nothing.
 */
#ifndef KN_CTL_STATE_H
#define KN_CTL_STATE_H

#include <stddef.h>

#define KN_STATE_DIR_DEFAULT	"/var/lib/kn"
#define KN_STATE_DIR_ENV	"KN_STATE_DIR"

/* mkdir -p, mode 0755; 0 when the directory exists already. */
int kn_state_mkdir_p(const char *path);
/*
 * Creates path with O_CREAT | O_EXCL and writes content to it: -EEXIST when
 * it exists, and on a failed write the file is removed again.
 */
int kn_state_create_excl(const char *path, const char *content);
/*
 * Replaces path whole with content: written to a hidden file beside it
 * (".NAME.tmp.PID") and renamed over it, so readers see the old or the new
 * content, never a part.
 */
int kn_state_replace(const char *path, const char *content);
/*
 * Reads at most size - 1 bytes of path into buf and NUL-terminates them;
 * returns the length or -errno (-ENOENT: no such file).
 */
int kn_state_read(const char *path, char *buf, size_t size);

#endif /* KN_CTL_STATE_H */
