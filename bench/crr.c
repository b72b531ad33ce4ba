// SPDX-License-Identifier: GPL-2.0
/*
 * crr: TCP connection rate and connect() latency, for the services
 * benchmark (bench/scenarios/services.sh), which compiles it in the VM.
 *
 *   crr server ADDR PORT           accepts and closes connections, forever
 *   crr client ADDR PORT SECONDS   connects, closes, again, for SECONDS
 *
 * The client opens one connection at a time: socket(), connect() (timed:
 * the SYN out, the SYN-ACK back, which is what a new connection through a
 * ClusterIP costs the data path, the first packet being the one that picks
 * a backend), then close() with SO_LINGER 0, which sends a RST instead of
 * a FIN, so that no TIME_WAIT is left on either side to run the client out
 * of ports.  It prints one line: connections per second and the median
 * connect() time in microseconds.  Any failed connect() ends it with an
 * error: a benchmark of a broken path must not produce a number.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "crr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void __attribute__((noreturn)) server(const struct sockaddr_in *sin)
{
	int fd, c, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED)
			die("accept");
	}
}

static int client(const struct sockaddr_in *sin, double secs)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	size_t n = 0, cap = 1 << 16;
	double *t = malloc(cap * sizeof(*t));
	double start, end, t0, t1;
	int fd;

	if (!t)
		die("malloc");
	start = now();
	end = start + secs;
	do {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		t0 = now();
		if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0)
			die("connect");
		t1 = now();
		close(fd);
		if (n == cap) {
			cap *= 2;
			t = realloc(t, cap * sizeof(*t));
			if (!t)
				die("realloc");
		}
		t[n++] = (t1 - t0) * 1e6;
	} while (t1 < end);
	qsort(t, n, sizeof(*t), cmp_double);
	printf("%.1f %.1f\n", n / (t1 - start), t[n / 2]);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (argc < 4 || (strcmp(argv[1], "server") && strcmp(argv[1], "client")) ||
	    (!strcmp(argv[1], "client") && argc != 5)) {
		fprintf(stderr, "usage: crr server ADDR PORT | crr client ADDR PORT SECONDS\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "crr: not an IPv4 address: %s\n", argv[2]);
		return 2;
	}
	sin.sin_port = htons(atoi(argv[3]));
	if (!strcmp(argv[1], "server"))
		server(&sin);
	return client(&sin, atof(argv[4]));
}
