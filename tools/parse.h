/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure parsers for kn-ctl's command-line arguments.
 *
 * Every parser takes one NUL-terminated word, fills its output only when it
 * returns 0, and otherwise returns a negative errno that tells the caller
 * which message to print.  None of them prints, exits or allocates, so the
 * unit tests can drive them with tables.
 *
 *   -EINVAL  the word does not have the expected form ("10.0.0", "x-1")
 *   -ERANGE  a number is well-formed but outside its bounds (port 0,
 *            prefix /33, a value that overflows)
 *   -EDOM    the word is well-formed but contradicts itself: a CIDR with
 *            host bits set, a range whose MIN is greater than its MAX
 */
#ifndef KN_CTL_PARSE_H
#define KN_CTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

/* An IPv4 prefix; addr is in network byte order, as kn.h carries it. */
struct kn_cidr {
	struct in_addr addr;
	uint8_t prefix_len;
};

struct kn_port_range {
	uint16_t min;
	uint16_t max;
};

int kn_parse_uint(const char *word, uint64_t min, uint64_t max, uint64_t *value);
int kn_parse_u32(const char *word, uint32_t min, uint32_t max, uint32_t *value);
int kn_parse_ipv4(const char *word, struct in_addr *addr);
int kn_parse_cidr(const char *word, struct kn_cidr *cidr);
int kn_parse_port(const char *word, uint16_t *port);
int kn_parse_port_range(const char *word, struct kn_port_range *range);
/*
 * Seconds, whole or with up to three decimals ("300", "1.5", "0.250"), as
 * milliseconds; -ERANGE when that does not fit ms_max.
 */
int kn_parse_seconds_ms(const char *word, uint32_t ms_max, uint32_t *ms);
/*
 * An Ethernet address "0a:58:0a:f4:02:01": six groups of exactly two hex
 * digits, either case, separated by ':'.  Form only: the caller decides
 * whether a multicast or all-zero address will do (kn_mac_unicast()).
 */
int kn_parse_mac(const char *word, uint8_t mac[6]);

/* Not multicast and not all zeros: an address a frame can be sent to. */
bool kn_mac_unicast(const uint8_t mac[6]);

/*
 * An address another host can reach: not in 0.0.0.0/8 ("this network"),
 * not loopback (127.0.0.0/8), not multicast (224.0.0.0/4), not the limited
 * broadcast 255.255.255.255; what the module asks of a VTEP address.
 */
bool kn_ipv4_unicast(struct in_addr addr);

/* A name the kernel's dev_valid_name() accepts: 1..15 bytes, no '/', ':' or blanks. */
bool kn_ifname_valid(const char *name);

/* Network byte order mask of a prefix length in 0..32. */
uint32_t kn_prefix_mask(uint8_t prefix_len);

/* The network a CIDR names, host bits cleared: what -EDOM suggests. */
struct kn_cidr kn_cidr_network(const struct kn_cidr *cidr);

#endif /* KN_CTL_PARSE_H */
