// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindloop - the measured loop of bench/bench.sh.
 *
 * bind mode:    socket(AF_INET, SOCK_STREAM) + bind(ADDR:0) + close(),
 *               the cheapest thing a bind tracer has to see;
 * getppid mode: syscall(SYS_getppid), a syscall no bind tracer cares
 *               about: what a tracer costs every other program.
 *
 * T threads run N iterations each, released together; the clock runs from
 * the release to the last thread's end, so start-up and exec are not in it.
 * The one line of output is the harness's input:
 *   mode=bind threads=1 iterations=200000 ops=200000 binds=200000 failed=0
 *   elapsed_ns=1512345678 ns_per_op=7561.7 cpu_ns=1500123456 cpu_ns_per_op=7500.6
 * ns_per_op is what one iteration takes one thread (elapsed * T / ops);
 * cpu_ns is the CPU time (user + system, all threads) the loop used. A BPF
 * program on the bind path runs in the binding thread and is in both; time
 * the loop spent waiting for a CPU that something else held is only in
 * elapsed, so on a busy machine cpu_ns is the steadier of the two.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "trace_helpers.h"
#include "tests/lib/handshake.h"

#define MAX_ITERATIONS	1000000000UL
#define MAX_THREADS	64

enum mode { MODE_BIND, MODE_GETPPID };

struct env {
	enum mode mode;
	unsigned long iterations;	/* per thread */
	unsigned long threads;
	struct sockaddr_in addr;
	bool sync;
};

struct run {
	const struct env *env;
	pthread_barrier_t start;
	atomic_ulong binds;
	atomic_ulong failed;
	atomic_bool broken;		/* socket() failed: the loop is not measuring binds */
};

static const char usage[] =
"Usage: bindloop [-m bind|getppid] [-n ITERATIONS] [-j THREADS] [-a ADDR] [-p PORT] [-S]\n"
"       bindloop -R\n"
"  -m  bind: socket()+bind(ADDR:PORT)+close() per iteration (default)\n"
"      getppid: one getppid() syscall per iteration\n"
"  -n  iterations per thread (default 100000)\n"
"  -j  threads (default 1)\n"
"  -a  IPv4 address to bind (default 127.0.0.1)\n"
"  -p  port to bind (default 0: a new ephemeral port, so a new --count key, each\n"
"      time; a fixed port is the same key every time; one thread only)\n"
"  -S  print 'ready pid=N' and wait for SIGUSR1 before the loop\n"
"  -R  print rng=seeded or rng=unseeded (is the kernel's RNG ready?) and exit\n";

/*
 * Whether the kernel's RNG is seeded (crng_ready()), asked without
 * blocking: a blocking getrandom() would make the kernel seed it (jitter
 * entropy) and change what it reports. The bench needs this because
 * from 6.1 on an ephemeral bind draws its starting port from
 * get_random_u32(), which before the seeding makes a ChaCha block under a
 * global lock on every call and after it takes a word from a per-CPU batch.
 */
static int print_rng_state(void)
{
	char c;

	if (getrandom(&c, 1, GRND_NONBLOCK) == 1) {
		puts("rng=seeded");
		return 0;
	}
	if (errno == EAGAIN) {
		puts("rng=unseeded");
		return 0;
	}
	fprintf(stderr, "bindloop: getrandom: %s\n", strerror(errno));
	return 1;
}

static int parse_args(int argc, char **argv, struct env *env)
{
	const char *addr = "127.0.0.1";
	unsigned long port = 0;
	int opt;

	while ((opt = getopt(argc, argv, ":m:n:j:a:p:SRh")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "bind"))
				env->mode = MODE_BIND;
			else if (!strcmp(optarg, "getppid"))
				env->mode = MODE_GETPPID;
			else
				goto bad;
			break;
		case 'n':
			if (parse_ulong(optarg, 1, MAX_ITERATIONS, &env->iterations))
				goto bad;
			break;
		case 'j':
			if (parse_ulong(optarg, 1, MAX_THREADS, &env->threads))
				goto bad;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (parse_ulong(optarg, 0, 65535, &port))
				goto bad;
			break;
		case 'S':
			env->sync = true;
			break;
		case 'R':
			exit(print_rng_state());
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case ':':
			fprintf(stderr, "bindloop: -%c needs an argument\n", optopt);
			return -EINVAL;
		default:
			fprintf(stderr, "bindloop: unknown option -%c\n", optopt);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bindloop: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	env->addr.sin_family = AF_INET;
	env->addr.sin_port = htons((unsigned short)port);
	if (port && env->threads > 1) {
		fprintf(stderr, "bindloop: -p PORT with one thread only (they would collide)\n");
		return -EINVAL;
	}
	if (inet_pton(AF_INET, addr, &env->addr.sin_addr) != 1) {
		fprintf(stderr, "bindloop: -a %s: not an IPv4 address\n", addr);
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "bindloop: -%c %s: bad value (see -h)\n", opt, optarg);
	return -EINVAL;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The scheduler's own count for all threads, not the tick-sampled rusage split. */
static unsigned long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void bind_loop(struct run *run)
{
	const struct env *env = run->env;
	unsigned long i, binds = 0, failed = 0;
	int fd;

	for (i = 0; i < env->iterations; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			if (!atomic_exchange(&run->broken, true))
				fprintf(stderr, "bindloop: socket: %s\n", strerror(errno));
			break;
		}
		if (bind(fd, (const struct sockaddr *)&env->addr, sizeof(env->addr)))
			failed++;
		else
			binds++;
		close(fd);
	}
	atomic_fetch_add(&run->binds, binds);
	atomic_fetch_add(&run->failed, failed);
}

static void getppid_loop(const struct env *env)
{
	unsigned long i;

	/* The raw syscall: no libc may ever answer this one from a cache. */
	for (i = 0; i < env->iterations; i++)
		syscall(SYS_getppid);
}

static void *worker(void *arg)
{
	struct run *run = arg;

	pthread_barrier_wait(&run->start);
	if (run->env->mode == MODE_BIND)
		bind_loop(run);
	else
		getppid_loop(run->env);
	return NULL;
}

int main(int argc, char **argv)
{
	struct env env = { .mode = MODE_BIND, .iterations = 100000, .threads = 1 };
	struct run run = { .env = &env };
	pthread_t tids[MAX_THREADS];
	unsigned long long t0, t1, c0, c1, ops;
	unsigned long n;
	int err;

	if (parse_args(argc, argv, &env))
		return EX_USAGE;

	if (env.sync)
		ready_then_wait_for_usr1();

	/* The main thread is one of the parties, so it releases everyone at once. */
	pthread_barrier_init(&run.start, NULL, (unsigned int)env.threads + 1);
	for (n = 0; n < env.threads; n++) {
		err = pthread_create(&tids[n], NULL, worker, &run);
		if (err) {
			fprintf(stderr, "bindloop: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	c0 = cpu_ns();
	t0 = now_ns();
	pthread_barrier_wait(&run.start);
	for (n = 0; n < env.threads; n++)
		pthread_join(tids[n], NULL);
	t1 = now_ns();
	c1 = cpu_ns();

	if (atomic_load(&run.broken))
		return 1;
	ops = (unsigned long long)env.iterations * env.threads;
	printf("mode=%s threads=%lu iterations=%lu ops=%llu binds=%lu failed=%lu "
	       "elapsed_ns=%llu ns_per_op=%.1f cpu_ns=%llu cpu_ns_per_op=%.1f\n",
	       env.mode == MODE_BIND ? "bind" : "getppid", env.threads, env.iterations, ops,
	       atomic_load(&run.binds), atomic_load(&run.failed), t1 - t0,
	       (double)(t1 - t0) * env.threads / ops, c1 - c0, (double)(c1 - c0) / ops);
	return 0;
}
