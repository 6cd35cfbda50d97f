// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * holdsockets FIRST N: bind N UDP sockets and hold them until a signal,
 * for the bench's --existing rows (bench/bench.sh). Socket i (FIRST to
 * FIRST + N - 1) takes port 10000 + i % 50000 on 127.0.0.1 + i / 50000
 * (loopback is a /8): each its own address and port, so several processes
 * (one per RLIMIT_NOFILE's worth) hold as many as asked. Prints
 * "ready n=N" once all are bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT_FIRST	10000
#define PORTS		50000
#define MAX_SOCKETS	1000000L

int main(int argc, char **argv)
{
	struct rlimit rl;
	char *end;
	long first, n, i;
	sigset_t set;
	int sig;

	if (argc != 3)
		goto usage;
	errno = 0;
	first = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || first < 0 || first > MAX_SOCKETS)
		goto usage;
	n = strtol(argv[2], &end, 10);
	if (errno || end == argv[2] || *end || n < 1 || n > MAX_SOCKETS)
		goto usage;
	rl.rlim_cur = rl.rlim_max = (rlim_t)n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		fprintf(stderr, "holdsockets: RLIMIT_NOFILE %ld: %s\n", n + 64, strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = first; i < first + n; i++) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(PORT_FIRST + i % PORTS),
			.sin_addr.s_addr = htonl(0x7f000001 + i / PORTS),
		};
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			fprintf(stderr, "holdsockets: socket %ld: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("ready n=%ld\n", n);
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
usage:
	fprintf(stderr, "usage: holdsockets FIRST N (N: 1..%ld)\n", MAX_SOCKETS);
	return 64;
}
