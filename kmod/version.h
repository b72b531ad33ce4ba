/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_VERSION_H
#define _KN_VERSION_H

#define KN_VERSION "0.1.0"

#endif /* _KN_VERSION_H */
