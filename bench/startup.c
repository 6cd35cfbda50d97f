// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * startup - how long a tracer takes from exec to its first stdout line,
 * and its peak RSS, for bench/bench.sh.
 *
 *   startup [-n RUNS] -- COMMAND [ARG...]
 *
 * Each run forks, execs COMMAND with stdout on a pipe (stderr to
 * /dev/null), reads until the first '\n' (bindsnoop prints its header only
 * once the programs are attached), then sends SIGINT, drains the pipe and
 * reaps the child with wait4() for its peak RSS. One line per run:
 *   startup_ns=45123456 maxrss_kb=8120 status=0
 * A child that exits or closes stdout before a full line is a failed run:
 * the line says so and the exit status is 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Read until the first newline; 0 once one came, -1 on EOF or error first. */
static int read_first_line(int fd)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (memchr(buf, '\n', (size_t)n))
			return 0;
	}
}

static void drain(int fd)
{
	char buf[4096];
	ssize_t n;

	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
}

/* One measured start; prints its line, returns 0 if a header came. */
static int measure_once(char **argv)
{
	unsigned long long t0, t1 = 0;
	struct rusage ru;
	int pipefd[2], status = 0, devnull, got;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC)) {
		perror("startup: pipe");
		return -1;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("startup: fork");
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		if (dup2(pipefd[1], STDOUT_FILENO) < 0 || devnull < 0 ||
		    dup2(devnull, STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	got = read_first_line(pipefd[0]);
	if (got == 0)
		t1 = now_ns();
	kill(pid, SIGINT);
	drain(pipefd[0]);
	close(pipefd[0]);
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	if (got) {
		printf("startup_ns=failed maxrss_kb=%ld status=%d\n", ru.ru_maxrss,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	printf("startup_ns=%llu maxrss_kb=%ld status=%d\n", t1 - t0, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long runs = 10, i;
	char *end;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "+n:h")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			runs = strtoul(optarg, &end, 10);
			if (errno || *end || !runs || runs > 1000) {
				fprintf(stderr, "startup: -n %s: need 1..1000\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			puts("Usage: startup [-n RUNS] -- COMMAND [ARG...]");
			return 0;
		default:
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "startup: no command given\n");
		return EX_USAGE;
	}
	for (i = 0; i < runs; i++) {
		if (measure_once(argv + optind))
			failed = 1;
		fflush(stdout);
	}
	return failed;
}
