// SPDX-License-Identifier: GPL-2.0
/*
 * crr: TCP connection rate and connect() latency, for the services and
 * NodePort benchmarks (bench/scenarios/services.sh, nodeport.sh), which
 * compile it in the VM.
 *
 *   crr server ADDR PORT           accepts and closes connections, forever
 *   crr rr-server ADDR PORT        accepts, answers one request with as
 *                                  many bytes, closes, forever
 *   crr client ADDR PORT SECONDS [BYTES]
 *                                  connects, closes, again, for SECONDS;
 *                                  with BYTES, a request of BYTES and its
 *                                  answer in between (to an rr-server)
 *
 * The client opens one connection at a time: socket(), connect() (timed:
 * the SYN out, the SYN-ACK back, which is what a new connection through a
 * ClusterIP costs the data path, the first packet being the one that picks
 * a backend), then close() with SO_LINGER 0, which sends a RST instead of
 * a FIN, so that no TIME_WAIT is left on either side to run the client out
 * of ports.  With BYTES, a request of BYTES bytes goes out after connect()
 * and the client reads the whole answer before it closes: a connection
 * that carries data both ways, as a real one does (the NodePort benchmark:
 * a data packet each way, after the handshake, through the SNAT as well).
 * It prints one line: connections per second and the median
 * connect() time in microseconds.  Any failed connect() ends it with an
 * error, as does a short answer: a benchmark of a broken path must not
 * produce a number.
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

/* Serves crr client ... BYTES: reads one request (it comes in one segment),
 * sends it back, closes. */
static void __attribute__((noreturn)) rr_server(const struct sockaddr_in *sin)
{
	char buf[4096];
	int fd, c, one = 1;
	ssize_t r;

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
		if (c < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				die("accept");
			continue;
		}
		r = read(c, buf, sizeof(buf));
		if (r > 0 && write(c, buf, r) != r)
			fprintf(stderr, "crr: short write of an answer\n");
		close(c);
	}
}

/* The request of BYTES and its whole answer on fd. */
static void request(int fd, size_t bytes)
{
	char buf[4096];
	size_t got = 0;
	ssize_t r;

	memset(buf, 'x', bytes);
	if (write(fd, buf, bytes) != (ssize_t)bytes)
		die("write");
	while (got < bytes) {
		r = read(fd, buf + got, bytes - got);
		if (r < 0)
			die("read");
		if (r == 0) {
			fprintf(stderr, "crr: the answer ended after %zu of %zu bytes\n", got, bytes);
			exit(1);
		}
		got += r;
	}
}

static int client(const struct sockaddr_in *sin, double secs, size_t bytes)
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
		if (bytes)
			request(fd, bytes);
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
	long bytes = 0;

	if (argc < 4 ||
	    (strcmp(argv[1], "server") && strcmp(argv[1], "rr-server") &&
	     strcmp(argv[1], "client")) ||
	    (strcmp(argv[1], "client") && argc != 4) ||
	    (!strcmp(argv[1], "client") && argc != 5 && argc != 6)) {
		fprintf(stderr, "usage: crr server|rr-server ADDR PORT | crr client ADDR PORT SECONDS [BYTES]\n");
		return 2;
	}
	if (argc == 6) {
		bytes = atol(argv[5]);
		if (bytes < 1 || bytes > 4096) {
			fprintf(stderr, "crr: BYTES must be 1 to 4096, not %s\n", argv[5]);
			return 2;
		}
	}
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "crr: not an IPv4 address: %s\n", argv[2]);
		return 2;
	}
	sin.sin_port = htons(atoi(argv[3]));
	if (!strcmp(argv[1], "server"))
		server(&sin);
	if (!strcmp(argv[1], "rr-server"))
		rr_server(&sin);
	return client(&sin, atof(argv[4]), bytes);
}
