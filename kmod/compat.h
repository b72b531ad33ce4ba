/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels kn builds against lives here, so the
 * rest of the module is written against one API.  The baseline is 6.1 LTS
 * (Debian 12); newer kernels are mapped back to it.
 */
#ifndef _KN_COMPAT_H
#define _KN_COMPAT_H

#include <linux/version.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "kn needs Linux 6.1 or newer"
#endif

#endif /* _KN_COMPAT_H */
