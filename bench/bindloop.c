// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindloop - the measured loop of bench/bench.sh.
 *
 * bind mode:    socket(AF_INET, SOCK_STREAM) + bind(ADDR:0) + close(),
 *               the cheapest thing a bind tracer has to see;
 * getppid mode: syscall(SYS_getppid), a syscall no bind tracer cares
 *               about: what a tracer costs every other program.
 * uring_nop mode: one IORING_OP_NOP submitted and waited for on a ring of
 *               the thread's own: what a hook on every io_uring request
 *               (the tracepoint backend's, 6.11+) costs every ring.
 * sendto mode:  sendto() of a 1-byte datagram from a UDP socket bound once
 *               (ADDR:0) to a socket of the thread's own on ADDR, and its
 *               recv() so the queue stays empty: a send on a socket that
 *               has its port, which --autobind's programs see and must
 *               pass at once (the common case of every send on the host).
 * connect mode: connect() of a UDP socket bound once (ADDR:0) to that
 *               receiver's address, again and again: a connect() that
 *               takes no port. (A TCP connect() needs a new socket, so a
 *               bind or an autobind, every time: it is not this path.)
 * setsockopt mode: setsockopt(SO_REUSEADDR) on a socket of the thread's
 *               own: what the hooks on every setsockopt (SCTP's bindx,
 *               every backend where SCTP can take a port) cost the others.
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
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include "trace_helpers.h"
#include "tests/lib/handshake.h"

#define MAX_ITERATIONS	1000000000UL
#define MAX_THREADS	64

enum mode { MODE_BIND, MODE_GETPPID, MODE_URING_NOP, MODE_SENDTO, MODE_CONNECT, MODE_SETSOCKOPT };

static const char *const mode_names[] = { "bind", "getppid", "uring_nop", "sendto", "connect",
					  "setsockopt" };

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
"Usage: bindloop [-m bind|getppid|uring_nop|sendto|connect|setsockopt] [-n ITERATIONS] [-j THREADS] [-a ADDR] [-p PORT] [-S]\n"
"       bindloop -R\n"
"  -m  bind: socket()+bind(ADDR:PORT)+close() per iteration (default)\n"
"      getppid: one getppid() syscall per iteration\n"
"      uring_nop: one io_uring NOP submitted and completed per iteration\n"
"      sendto: one UDP sendto() from a bound socket to ADDR, and its recv()\n"
"      connect: one UDP connect() of a bound socket to ADDR per iteration\n"
"      setsockopt: one setsockopt(SO_REUSEADDR) per iteration, on one socket\n"
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
			else if (!strcmp(optarg, "uring_nop"))
				env->mode = MODE_URING_NOP;
			else if (!strcmp(optarg, "sendto"))
				env->mode = MODE_SENDTO;
			else if (!strcmp(optarg, "connect"))
				env->mode = MODE_CONNECT;
			else if (!strcmp(optarg, "setsockopt"))
				env->mode = MODE_SETSOCKOPT;
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

/* One setsockopt() per iteration, on one socket: not SCTP's, not a bindx. */
static void setsockopt_loop(struct run *run)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	unsigned long i;

	if (fd < 0) {
		fprintf(stderr, "bindloop: socket: %s\n", strerror(errno));
		atomic_store(&run->broken, true);
		pthread_barrier_wait(&run->start);
		return;
	}
	pthread_barrier_wait(&run->start);
	for (i = 0; i < run->env->iterations; i++) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) {
			fprintf(stderr, "bindloop: setsockopt: %s\n", strerror(errno));
			atomic_store(&run->broken, true);
			break;
		}
	}
	close(fd);
}

/* A one-entry ring, mapped: enough to submit one request and reap it. */
struct ring {
	int fd;
	void *sq, *cq;
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
	struct io_uring_params p;
};

static int ring_open(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = (int)syscall(__NR_io_uring_setup, 1, &r->p);
	if (r->fd < 0)
		return -errno;
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, sizeof(*r->sqes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -errno;
	return 0;
}

#define RING_U32(base, off) ((__u32 *)((char *)(base) + (off)))

/* One NOP in, one completion out, per iteration: two tracepoints' worth of io_uring. */
static void uring_nop_loop(struct run *run)
{
	unsigned long i;
	struct ring r;
	int err = ring_open(&r);

	if (err) {
		fprintf(stderr, "bindloop: io_uring ring: %s\n", strerror(-err));
		atomic_store(&run->broken, true);
		pthread_barrier_wait(&run->start);
		return;
	}
	memset(r.sqes, 0, sizeof(*r.sqes));
	r.sqes[0].opcode = IORING_OP_NOP;
	RING_U32(r.sq, r.p.sq_off.array)[0] = 0;
	pthread_barrier_wait(&run->start);
	for (i = 0; i < run->env->iterations; i++) {
		__u32 *sq_tail = RING_U32(r.sq, r.p.sq_off.tail);
		__u32 *cq_head = RING_U32(r.cq, r.p.cq_off.head);

		__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
		if (syscall(__NR_io_uring_enter, r.fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) != 1) {
			fprintf(stderr, "bindloop: io_uring_enter: %s\n", strerror(errno));
			atomic_store(&run->broken, true);
			break;
		}
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	}
	close(r.fd);
}

/*
 * A UDP receiver on ADDR:0 and a sender bound to ADDR:0, the receiver's
 * address in @dst: both ports taken before the loop, so the loop's sends
 * and connects take none. 0, or -errno with the failed call in @what.
 */
static int udp_pair_open(const struct env *env, int *rx, int *tx, struct sockaddr_in *dst,
			 const char **what)
{
	struct sockaddr_in any = env->addr;
	socklen_t len = sizeof(*dst);

	any.sin_port = 0;
	*rx = *tx = -1;
	*what = "socket";
	*rx = socket(AF_INET, SOCK_DGRAM, 0);
	*tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (*rx < 0 || *tx < 0)
		return -errno;
	*what = "bind";
	if (bind(*rx, (const struct sockaddr *)&any, sizeof(any)) ||
	    bind(*tx, (const struct sockaddr *)&any, sizeof(any)))
		return -errno;
	*what = "getsockname";
	if (getsockname(*rx, (struct sockaddr *)dst, &len))
		return -errno;
	return 0;
}

/* sendto() and recv() of one byte, or connect(), per iteration, on sockets made before the barrier. */
static void udp_loop(struct run *run)
{
	const struct env *env = run->env;
	struct sockaddr_in dst;
	const char *what;
	unsigned long i;
	int rx, tx, err = udp_pair_open(env, &rx, &tx, &dst, &what);
	char byte = 0;

	if (err) {
		fprintf(stderr, "bindloop: %s: %s\n", what, strerror(-err));
		atomic_store(&run->broken, true);
		pthread_barrier_wait(&run->start);
		goto out;
	}
	pthread_barrier_wait(&run->start);
	for (i = 0; i < env->iterations; i++) {
		if (env->mode == MODE_CONNECT) {
			if (connect(tx, (const struct sockaddr *)&dst, sizeof(dst))) {
				what = "connect";
				break;
			}
			continue;
		}
		if (sendto(tx, &byte, 1, 0, (const struct sockaddr *)&dst, sizeof(dst)) != 1) {
			what = "sendto";
			break;
		}
		if (recv(rx, &byte, 1, 0) != 1) {
			what = "recv";
			break;
		}
	}
	if (i < env->iterations) {
		fprintf(stderr, "bindloop: %s: %s\n", what, strerror(errno));
		atomic_store(&run->broken, true);
	}
out:
	if (rx >= 0)
		close(rx);
	if (tx >= 0)
		close(tx);
}

static void *worker(void *arg)
{
	struct run *run = arg;

	if (run->env->mode == MODE_URING_NOP) {
		uring_nop_loop(run);	/* its ring made before the barrier */
		return NULL;
	}
	if (run->env->mode == MODE_SENDTO || run->env->mode == MODE_CONNECT) {
		udp_loop(run);		/* its sockets made before the barrier */
		return NULL;
	}
	if (run->env->mode == MODE_SETSOCKOPT) {
		setsockopt_loop(run);	/* its socket made before the barrier */
		return NULL;
	}
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
	       mode_names[env.mode], env.threads, env.iterations, ops,
	       atomic_load(&run.binds), atomic_load(&run.failed), t1 - t0,
	       (double)(t1 - t0) * env.threads / ops, c1 - c0, (double)(c1 - c0) / ops);
	return 0;
}
