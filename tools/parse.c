// SPDX-License-Identifier: GPL-2.0
/*
 * Pure parsers for kn-ctl's command-line arguments; see parse.h for the
 * errno convention.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <net/if.h>

#include "parse.h"

#define KN_IPV4_STRLEN	sizeof("255.255.255.255")
#define KN_PREFIX_MAX	32

/*
 * Decimal digits only.  strtoull() would also take leading blanks, a sign
 * ("-1" wraps to a huge value) and hex, none of which belong on a kn-ctl
 * command line, so the digits are folded by hand with an overflow check.
 * Works on a span so that "MIN-MAX" and "A.B.C.D/N" need no copies.
 */
static int parse_uint_span(const char *start, size_t len, uint64_t min,
			   uint64_t max, uint64_t *value)
{
	bool overflow = false;
	uint64_t result = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int digit;

		if (start[i] < '0' || start[i] > '9')
			return -EINVAL;
		digit = start[i] - '0';
		/* Keep scanning after an overflow: "99999999999999999999x" is -EINVAL. */
		if (result > (UINT64_MAX - digit) / 10)
			overflow = true;
		else
			result = result * 10 + digit;
	}
	if (overflow || result < min || result > max)
		return -ERANGE;
	*value = result;
	return 0;
}

int kn_parse_uint(const char *word, uint64_t min, uint64_t max, uint64_t *value)
{
	return parse_uint_span(word, strlen(word), min, max, value);
}

static int parse_port_span(const char *start, size_t len, uint16_t *port)
{
	uint64_t value;
	int err;

	/* Port 0 is "any port" to the socket API; no kn object can use it. */
	err = parse_uint_span(start, len, 1, UINT16_MAX, &value);
	if (err)
		return err;
	*port = value;
	return 0;
}

int kn_parse_u32(const char *word, uint32_t min, uint32_t max, uint32_t *value)
{
	uint64_t wide;
	int err;

	err = kn_parse_uint(word, min, max, &wide);
	if (err)
		return err;
	*value = (uint32_t)wide;
	return 0;
}

/*
 * inet_pton(AF_INET) takes exactly the dotted quad with no leading zeros;
 * unlike inet_aton() it refuses "10.1" and "0x0a.0.0.1", which would
 * otherwise be read as some address the user did not mean.
 */
int kn_parse_ipv4(const char *word, struct in_addr *addr)
{
	struct in_addr parsed;

	if (inet_pton(AF_INET, word, &parsed) != 1)
		return -EINVAL;
	*addr = parsed;
	return 0;
}

uint32_t kn_prefix_mask(uint8_t prefix_len)
{
	/* A shift by 32 is undefined, so /0 is its own case. */
	if (!prefix_len)
		return 0;
	return htonl(~0U << (KN_PREFIX_MAX - prefix_len));
}

struct kn_cidr kn_cidr_network(const struct kn_cidr *cidr)
{
	struct kn_cidr network = *cidr;

	network.addr.s_addr &= kn_prefix_mask(cidr->prefix_len);
	return network;
}

/*
 * "A.B.C.D/N".  The prefix length is mandatory: a bare address as a cluster
 * CIDR is almost certainly a mistake, not a /32.
 */
int kn_parse_cidr(const char *word, struct kn_cidr *cidr)
{
	char addr_word[KN_IPV4_STRLEN];
	const char *slash;
	struct kn_cidr parsed;
	uint64_t prefix_len;
	size_t addr_len;
	int err;

	slash = strchr(word, '/');
	if (!slash)
		return -EINVAL;
	addr_len = slash - word;
	if (addr_len >= sizeof(addr_word))
		return -EINVAL;
	memcpy(addr_word, word, addr_len);
	addr_word[addr_len] = '\0';

	err = kn_parse_ipv4(addr_word, &parsed.addr);
	if (err)
		return err;
	err = parse_uint_span(slash + 1, strlen(slash + 1), 0, KN_PREFIX_MAX,
			      &prefix_len);
	if (err)
		return err;
	parsed.prefix_len = prefix_len;

	/*
	 * Fill the output before the host-bit check so the caller can suggest
	 * the network the user probably meant.
	 */
	*cidr = parsed;
	if (parsed.addr.s_addr & ~kn_prefix_mask(parsed.prefix_len))
		return -EDOM;
	return 0;
}

int kn_parse_port(const char *word, uint16_t *port)
{
	return parse_port_span(word, strlen(word), port);
}

/* "MIN-MAX", both ends inclusive; "N-N" is a range of one port. */
int kn_parse_port_range(const char *word, struct kn_port_range *range)
{
	struct kn_port_range parsed;
	const char *dash;
	int err;

	dash = strchr(word, '-');
	if (!dash)
		return -EINVAL;
	err = parse_port_span(word, dash - word, &parsed.min);
	if (err)
		return err;
	err = parse_port_span(dash + 1, strlen(dash + 1), &parsed.max);
	if (err)
		return err;
	if (parsed.min > parsed.max)
		return -EDOM;
	*range = parsed;
	return 0;
}

int kn_parse_seconds_ms(const char *word, uint32_t ms_max, uint32_t *ms)
{
	const char *dot = strchr(word, '.');
	uint64_t whole, frac = 0;
	size_t frac_len = 0, i;
	int err;

	if (dot) {
		frac_len = strlen(dot + 1);
		/* "1." and ".5" are typos more often than numbers. */
		if (!frac_len || frac_len > 3 || dot == word)
			return -EINVAL;
		err = parse_uint_span(dot + 1, frac_len, 0, UINT64_MAX, &frac);
		if (err)
			return -EINVAL;
		for (i = frac_len; i < 3; i++)
			frac *= 10;
	}
	err = parse_uint_span(word, dot ? (size_t)(dot - word) : strlen(word),
			      0, UINT64_MAX, &whole);
	if (err)
		return err;
	if (frac > ms_max || whole > (ms_max - frac) / 1000)
		return -ERANGE;
	*ms = whole * 1000 + frac;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "1:2:3:4:5:6" is refused: a short group is more often a typo than meant. */
int kn_parse_mac(const char *word, uint8_t mac[6])
{
	uint8_t parsed[6];
	int i, hi, lo;

	if (strlen(word) != sizeof("00:00:00:00:00:00") - 1)
		return -EINVAL;
	for (i = 0; i < 6; i++, word += 3) {
		hi = hex_digit(word[0]);
		lo = hex_digit(word[1]);
		if (hi < 0 || lo < 0 || (i < 5 && word[2] != ':'))
			return -EINVAL;
		parsed[i] = hi << 4 | lo;
	}
	memcpy(mac, parsed, sizeof(parsed));
	return 0;
}

bool kn_mac_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 0x01) && memcmp(mac, zero, sizeof(zero));
}

bool kn_ipv4_unicast(struct in_addr addr)
{
	uint32_t host = ntohl(addr.s_addr);

	return (host >> 24) != 0 && (host >> 24) != 127 && (host >> 28) != 0xe &&
	       host != 0xffffffff;
}

bool kn_ifname_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= IF_NAMESIZE || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/: \t\n\v\f\r");
}
