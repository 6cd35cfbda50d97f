// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * workload - make bind() calls with known options for bindsnoop's tests
 * and benchmark. Each iteration is socket() + setsockopt()s + bind() +
 * close(), so a tracer sees one bind per iteration. A failing bind() is an
 * outcome the tests ask for, not an error; only a socket()/setsockopt()
 * failure means the experiment could not be set up, and that exits 2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/io_uring.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "trace_helpers.h"
#include "tests/lib/handshake.h"

/* glibc learnt IPPROTO_MPTCP in 2.32; the value is kernel ABI. */
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/*
 * SCTP's bindx, as libsctp's sctp_bindx(SCTP_BINDX_ADD_ADDR) makes it: a
 * setsockopt() with a packed array of sockaddr_in/sockaddr_in6. That call
 * is the kernel's API, so no libsctp is needed; the values are uAPI
 * (linux/sctp.h, which Debian ships only with libsctp-dev).
 */
#define SOL_SCTP_UAPI		132
#define SCTP_BINDX_ADD_UAPI	100	/* SCTP_SOCKOPT_BINDX_ADD */
#define MAX_BINDX_ADDRS		16	/* more than bindsnoop reports of one call (8) */

/* io_uring's socket opcodes (6.11+), uAPI values Debian 12's headers do not have yet. */
#define OP_BIND		56
#define OP_LISTEN	57
/* and those every kernel of the matrix has (5.5+) */
#define OP_CONNECT	IORING_OP_CONNECT
#define OP_SENDMSG	IORING_OP_SENDMSG
#define OP_SEND_ZC	IORING_OP_SEND_ZC	/* 6.0+ */

#define EXIT_SETUP	2
#define MAX_COUNT	100000000UL
#define MAX_THREADS	1024
#define MAX_KEEP_MS	3600000UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct sock_kind {
	const char *name;
	int type;
	int proto4;
	int proto6;
};

static const struct sock_kind sock_kinds[] = {
	{ "tcp",     SOCK_STREAM, IPPROTO_TCP,     IPPROTO_TCP },
	{ "udp",     SOCK_DGRAM,  IPPROTO_UDP,     IPPROTO_UDP },
	{ "udplite", SOCK_DGRAM,  IPPROTO_UDPLITE, IPPROTO_UDPLITE },
	{ "mptcp",   SOCK_STREAM, IPPROTO_MPTCP,   IPPROTO_MPTCP },
	{ "ping",    SOCK_DGRAM,  IPPROTO_ICMP,    IPPROTO_ICMPV6 },
	{ "raw",     SOCK_RAW,    IPPROTO_RAW,     IPPROTO_RAW },
	{ "sctp",    SOCK_STREAM, IPPROTO_SCTP,    IPPROTO_SCTP },
};

/*
 * The IP_* flags are set at SOL_IP for IPv6 sockets too: the kernel keeps
 * freebind/transparent/bind_address_no_port in inet_sock for both families,
 * so one spelling sets the bits bindsnoop reports. Raw IPv6 sockets are the
 * exception (ipv6_setsockopt() hands SOL_IP to the UDP code only for
 * non-raw sockets and says ENOPROTOOPT), so those retry with the IPV6_*
 * twin where one exists.
 */
struct sock_opt {
	char letter;
	int level;
	int name;
	int v6_name;		/* SOL_IPV6 twin, 0 if none */
	const char *label;
};

static const struct sock_opt sock_opts[] = {
	{ 'F', SOL_IP,     IP_FREEBIND,             IPV6_FREEBIND,    "IP_FREEBIND" },
	{ 'T', SOL_IP,     IP_TRANSPARENT,          IPV6_TRANSPARENT, "IP_TRANSPARENT" },
	{ 'N', SOL_IP,     IP_BIND_ADDRESS_NO_PORT, 0, "IP_BIND_ADDRESS_NO_PORT" },
	{ 'R', SOL_SOCKET, SO_REUSEADDR,            0, "SO_REUSEADDR" },
	{ 'r', SOL_SOCKET, SO_REUSEPORT,            0, "SO_REUSEPORT" },
};

struct env {
	int family;
	const struct sock_kind *kind;
	const char *addr_str;
	unsigned long port;
	unsigned int opt_mask;		/* bit i set = apply sock_opts[i] */
	const char *dev;
	unsigned int ifindex;
	unsigned long count;
	unsigned long threads;
	unsigned long keep_ms;
	unsigned long uid;		/* -u: run as this uid/gid */
	bool set_uid;
	const char *comm;		/* -c: the task name a tracer sees */
	bool sync;
	bool dup;
	bool quiet;
	bool own_netns;			/* -N */
	bool step;			/* -s: iteration i binds PORT + i */
	bool listen_after;		/* -L: listen() once bound */
	bool fork_child;		/* -F: a child holds the bound socket too (with -k) */
	bool bind_first;		/* -B: bind to ADDR:PORT before -C connect's or sendto's call */
	const char *how;		/* -C: how the port is taken (do_bind()) */
	struct sockaddr_storage addr;	/* built once, shared read-only */
	socklen_t addr_len;
	/* -C bindx: each address of -a's list, packed as the kernel takes them */
	unsigned char bindx_addrs[MAX_BINDX_ADDRS * sizeof(struct sockaddr_in6)];
	socklen_t bindx_len;
};

/* What the workers share; the counters feed the summary line. */
struct run {
	const struct env *env;
	bool print_each;
	atomic_ulong binds;
	atomic_ulong failed;
	atomic_bool broken;		/* a setup error was already reported */
	atomic_ulong next_port;		/* -s: offset of the next bind's port */
};

static const char usage[] =
"Usage: workload [-f 4|6] [-t TYPE] [-a ADDR] [-p PORT] [-o FTNRr] [-d DEV]\n"
"                [-C HOW] [-n COUNT] [-j THREADS] [-k MS] [-u UID] [-S] [-D] [-N] [-s] [-L] [-F] [-B] [-q]\n"
"  -t  tcp (default) udp udplite mptcp ping raw sctp\n"
"  -a  default 127.0.0.1 (::1 with -f 6); IPv4 with -f 6 binds ::ffff:ADDR\n"
"  -o  F=IP_FREEBIND T=IP_TRANSPARENT N=IP_BIND_ADDRESS_NO_PORT\n"
"      R=SO_REUSEADDR r=SO_REUSEPORT\n"
"  -d  SO_BINDTODEVICE    -n  iterations per thread    -j  threads\n"
"  -k  keep each socket open MS ms after bind\n"
"  -u  drop to this uid and gid (and no groups) before the first socket\n"
"  -c  set the task name (comm) to COMM, bytes as given\n"
"  -S  print 'ready pid=N' and wait for SIGUSR1\n"
"  -D  bind a plain socket to ADDR:PORT first, so the measured bind fails\n"
"  -N  first move to a new network namespace: lo up, ping sockets allowed\n"
"  -s  each bind takes the next port: PORT, PORT+1, ... (across threads)\n"
"  -L  listen() on the socket once it is bound (a setup error if that fails)\n"
"  -C  how the port is taken: io_uring (IORING_OP_BIND, 6.11+), listen (no\n"
"      bind: listen() picks the port), io_uring-listen (IORING_OP_LISTEN),\n"
"      io_uring-skip (IORING_OP_BIND with IOSQE_CQE_SKIP_SUCCESS: no completion),\n"
"      connect (no bind: connect() to a listener of its own on ADDR picks it),\n"
"      sendto (no bind: sendto(ADDR:PORT) picks it), io_uring-connect\n"
"      (IORING_OP_CONNECT, as connect), io_uring-sendto (IORING_OP_SENDMSG\n"
"      to ADDR:PORT, as sendto), io_uring-sendzc (IORING_OP_SEND_ZC, 6.0+),\n"
"      bindx (with -t sctp: SCTP's bindx of -a's comma-separated list, each\n"
"      at PORT);\n"
"      i386 build: socketcall (as i386 glibc does) or bind (syscall 361)\n"
"  -F  fork once bound: the child holds the socket too, for -k MS, and\n"
"      'child=PID' follows the report line\n"
"  -B  with -C connect, sendto and their io_uring kinds: bind to ADDR:PORT\n"
"      first (the call then takes no port)\n"
"  -q  print only the summary line\n";

static int parse_opts(const char *s, unsigned int *mask)
{
	unsigned int m = 0;
	size_t i;

	for (; *s; s++) {
		for (i = 0; i < ARRAY_SIZE(sock_opts); i++)
			if (sock_opts[i].letter == *s)
				break;
		if (i == ARRAY_SIZE(sock_opts))
			return -EINVAL;
		m |= 1U << i;
	}
	*mask = m;
	return 0;
}

static const struct sock_kind *find_kind(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sock_kinds); i++)
		if (!strcmp(sock_kinds[i].name, name))
			return &sock_kinds[i];
	return NULL;
}

/* "0", the errno name for what bind() can return, else the number. */
static const char *rc_str(int err, char *buf, size_t len)
{
#define E(e) { e, #e }
	static const struct { int err; const char *name; } names[] = {
		E(EADDRINUSE), E(EADDRNOTAVAIL), E(EACCES), E(EPERM),
		E(EINVAL), E(EAFNOSUPPORT), E(EOPNOTSUPP), E(EPROTONOSUPPORT),
		E(ENODEV), E(ENOMEM), E(ENOBUFS), E(EBADF), E(ENOTSOCK),
		E(EFAULT), E(EISCONN), E(EALREADY),
	};
#undef E
	size_t i;

	if (!err)
		return "0";
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, len, "%d", err);
	return buf;
}

/* IPv4 text on an IPv6 socket becomes ::ffff:a.b.c.d, the mapped path. */
static int make_sockaddr(int family, const char *text, unsigned short port,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct in_addr v4;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return inet_pton(AF_INET, text, &sin->sin_addr) == 1 ? 0 : -EINVAL;
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*len = sizeof(*sin6);
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1)
		return 0;
	if (inet_pton(AF_INET, text, &v4) != 1)
		return -EINVAL;
	sin6->sin6_addr.s6_addr[10] = 0xff;
	sin6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sin6->sin6_addr.s6_addr[12], &v4, sizeof(v4));
	return 0;
}

/*
 * -C bindx: -a's comma-separated addresses, each at -p PORT, packed one
 * after the other (sockaddr_in or sockaddr_in6, as each is written); the
 * first is also ADDR, which -D binds.
 */
static int parse_bindx_addrs(struct env *env)
{
	const char *item = env->addr_str;
	struct sockaddr_storage ss;
	char text[INET6_ADDRSTRLEN];
	socklen_t len;
	int n = 0;

	if (env->kind->proto4 != IPPROTO_SCTP) {
		fprintf(stderr, "workload: -C bindx needs -t sctp\n");
		return -EINVAL;
	}
	for (;;) {
		size_t item_len = strcspn(item, ",");

		snprintf(text, sizeof(text), "%.*s", (int)item_len, item);
		if (n == MAX_BINDX_ADDRS || item_len >= sizeof(text) ||
		    make_sockaddr(strchr(text, ':') ? AF_INET6 : AF_INET, text,
				  (unsigned short)env->port, &ss, &len)) {
			fprintf(stderr, "workload: -a %s: not a list of 1-%d IPv4 or IPv6 addresses\n",
				env->addr_str, MAX_BINDX_ADDRS);
			return -EINVAL;
		}
		if (!n++) {
			env->addr = ss;
			env->addr_len = len;
		}
		memcpy(env->bindx_addrs + env->bindx_len, &ss, len);
		env->bindx_len += len;
		if (!item[item_len])
			return 0;
		item += item_len + 1;
	}
}

static int parse_args(int argc, char **argv, struct env *env)
{
	const char *bad = NULL;
	int opt;

	while ((opt = getopt(argc, argv, ":f:t:a:p:o:d:n:j:k:u:c:SDNsLFBC:qh")) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "4") || !strcmp(optarg, "6"))
				env->family = optarg[0] == '6' ? AF_INET6 : AF_INET;
			else
				bad = "FAMILY must be 4 or 6";
			break;
		case 't':
			env->kind = find_kind(optarg);
			if (!env->kind)
				bad = "unknown TYPE";
			break;
		case 'a':
			env->addr_str = optarg;
			break;
		case 'p':
			if (parse_ulong(optarg, 0, 65535, &env->port))
				bad = "PORT must be 0..65535";
			break;
		case 'o':
			if (parse_opts(optarg, &env->opt_mask))
				bad = "OPTS letters are F T N R r";
			break;
		case 'd':
			env->dev = optarg;
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				bad = "DEV must be 1..15 characters";
			break;
		case 'n':
			if (parse_ulong(optarg, 1, MAX_COUNT, &env->count))
				bad = "COUNT must be 1..100000000";
			break;
		case 'j':
			if (parse_ulong(optarg, 1, MAX_THREADS, &env->threads))
				bad = "THREADS must be 1..1024";
			break;
		case 'k':
			if (parse_ulong(optarg, 0, MAX_KEEP_MS, &env->keep_ms))
				bad = "MS must be 0..3600000";
			break;
		case 'c':
			env->comm = optarg;
			break;
		case 'u':
			if (parse_ulong(optarg, 0, 0xfffffffeUL, &env->uid))
				bad = "UID must be 0..4294967294";
			env->set_uid = true;
			break;
		case 'S':
			env->sync = true;
			break;
		case 'D':
			env->dup = true;
			break;
		case 'N':
			env->own_netns = true;
			break;
		case 's':
			env->step = true;
			break;
		case 'C':
			if (!strcmp(optarg, "io_uring") || !strcmp(optarg, "listen") ||
			    !strcmp(optarg, "io_uring-listen") || !strcmp(optarg, "io_uring-skip") ||
			    !strcmp(optarg, "connect") ||
			    !strcmp(optarg, "sendto") || !strcmp(optarg, "io_uring-connect") ||
			    !strcmp(optarg, "io_uring-sendto") || !strcmp(optarg, "io_uring-sendzc") ||
			    !strcmp(optarg, "bindx"))
				env->how = optarg;
#ifdef __i386__
			else if (!strcmp(optarg, "socketcall") || !strcmp(optarg, "bind"))
				env->how = optarg;
#endif
			else
				bad = "-C takes io_uring, io_uring-skip, listen, io_uring-listen, "
				      "connect, sendto, io_uring-connect, io_uring-sendto, "
				      "io_uring-sendzc or bindx (and, built with gcc -m32, socketcall "
				      "or bind)";
			break;
		case 'L':
			env->listen_after = true;
			break;
		case 'F':
			env->fork_child = true;
			break;
		case 'B':
			env->bind_first = true;
			break;
		case 'q':
			env->quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case ':':
			fprintf(stderr, "workload: -%c needs an argument\n", optopt);
			return -EINVAL;
		default:
			fprintf(stderr, "workload: unknown option -%c\n", optopt);
			return -EINVAL;
		}
		if (bad) {
			fprintf(stderr, "workload: -%c %s: %s\n", opt, optarg, bad);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "workload: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!env->addr_str)
		env->addr_str = env->family == AF_INET6 ? "::1" : "127.0.0.1";
	if (env->how && !strcmp(env->how, "bindx"))
		return parse_bindx_addrs(env);
	if (make_sockaddr(env->family, env->addr_str, (unsigned short)env->port,
			  &env->addr, &env->addr_len)) {
		fprintf(stderr, "workload: -a %s: not an IPv%c address\n",
			env->addr_str, env->family == AF_INET6 ? '6' : '4');
		return -EINVAL;
	}
	if (env->dup && !env->port) {
		fprintf(stderr, "workload: -D needs a nonzero -p PORT\n");
		return -EINVAL;
	}
	if (env->bind_first && (!env->how || (!strstr(env->how, "connect") && !strstr(env->how, "send")))) {
		fprintf(stderr, "workload: -B needs -C connect, sendto or their io_uring kinds\n");
		return -EINVAL;
	}
	if (env->fork_child && (env->count != 1 || env->threads != 1 || !env->keep_ms)) {
		fprintf(stderr, "workload: -F needs one bind (-n 1, -j 1) and -k MS\n");
		return -EINVAL;
	}
	if (env->step && (!env->port || env->port + env->count * env->threads - 1 > 65535)) {
		fprintf(stderr, "workload: -s needs a nonzero -p PORT with room for every bind below 65536\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * -N: a network namespace of our own, as `unshare -n` + `ip link set lo up`
 * would give, in one process instead of three execs (the tests run hundreds
 * of workloads, inside emulated guests too). Ping sockets are allowed for
 * every group there, as many distributions do on the host. Returns 0 or
 * -errno with *what naming the step.
 */
static int enter_own_netns(const char **what)
{
	static const char range[] = "0 2147483647";
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	*what = "unshare(CLONE_NEWNET)";
	if (unshare(CLONE_NEWNET))
		return -errno;
	*what = "bringing lo up";
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	} else {
		err = -errno;
	}
	close(fd);
	if (err)
		return err;
	*what = "/proc/sys/net/ipv4/ping_group_range";
	fd = open(*what, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, range, sizeof(range) - 1) != (ssize_t)sizeof(range) - 1)
		err = -errno;
	close(fd);
	return err;
}

/* Only the first setup error is printed; the other workers just stop. */
static void report_setup_error(struct run *run, const char *what, int err)
{
	if (!atomic_exchange(&run->broken, true))
		fprintf(stderr, "workload: %s: %s\n", what, strerror(err));
}

/* A socket ready for bind(), or -1 once the reason is reported. */
static int open_socket(struct run *run, bool with_opts)
{
	const struct env *env = run->env;
	char what[64];
	int fd, one = 1;
	size_t i;

	fd = socket(env->family, env->kind->type, env->family == AF_INET6 ?
		    env->kind->proto6 : env->kind->proto4);
	if (fd < 0) {
		snprintf(what, sizeof(what), "socket(%s)", env->kind->name);
		report_setup_error(run, what, errno);
		return -1;
	}
	for (i = 0; with_opts && i < ARRAY_SIZE(sock_opts); i++) {
		const struct sock_opt *so = &sock_opts[i];

		if (!(env->opt_mask & (1U << i)) ||
		    !setsockopt(fd, so->level, so->name, &one, sizeof(one)))
			continue;
		if (errno == ENOPROTOOPT && env->family == AF_INET6 &&
		    so->v6_name &&
		    !setsockopt(fd, SOL_IPV6, so->v6_name, &one, sizeof(one)))
			continue;
		snprintf(what, sizeof(what), "setsockopt(%s)", so->label);
		goto fail;
	}
	if (with_opts && env->dev &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, env->dev,
		       (socklen_t)strlen(env->dev) + 1)) {
		snprintf(what, sizeof(what), "setsockopt(SO_BINDTODEVICE %s)",
			 env->dev);
		goto fail;
	}
	return fd;
fail:
	report_setup_error(run, what, errno);
	close(fd);
	return -1;
}

/* sin_port and sin6_port sit at the same offset, but say which we read. */
static int bound_port(int fd, unsigned int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* What the probe says when the kernel lacks @op: the first kernel that has it. */
static const char *io_uring_op_missing(int op)
{
	switch (op) {
	case OP_BIND:
		return "io_uring: no IORING_OP_BIND (Linux 6.11+)";
	case OP_LISTEN:
		return "io_uring: no IORING_OP_LISTEN (Linux 6.11+)";
	case OP_CONNECT:
		return "io_uring: no IORING_OP_CONNECT (Linux 5.5+)";
	case OP_SEND_ZC:
		return "io_uring: no IORING_OP_SEND_ZC (Linux 6.0+)";
	default:
		return "io_uring: no IORING_OP_SENDMSG (Linux 5.3+)";
	}
}

/*
 * One request on a ring of its own, made with the raw syscalls (liburing
 * is not needed for one request): @op on @fd with @addr/@len (bind,
 * connect), @len as the backlog (listen), @addr a struct msghdr
 * (sendmsg), or @addr/@len the destination of a one-byte zero-copy send
 * (send_zc, which completes twice: the first is its result). Returns its
 * result (0, a count or -errno), or sets *setup to the step that failed (a
 * kernel without io_uring or the opcode). @skip_success:
 * IOSQE_CQE_SKIP_SUCCESS, no completion unless it fails (bind and listen
 * are issued inline, so done when io_uring_enter() returns).
 */
static int io_uring_one(int op, int fd, const void *addr, unsigned int len, const char **setup,
			bool skip_success)
{
	struct io_uring_params p = { 0 };
	struct io_uring_probe *probe = NULL;
	struct io_uring_sqe *sqes = MAP_FAILED;
	void *sq = MAP_FAILED, *cq = MAP_FAILED;
	size_t sq_len = 0, cq_len = 0;
	int ring, res = 0;

	*setup = "io_uring_setup";
	ring = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		return -errno;
	/* The opcode's support, asked of the kernel: before 6.11 a bind's CQE would say EINVAL. */
	*setup = "io_uring_register(IORING_REGISTER_PROBE)";
	probe = calloc(1, sizeof(*probe) + 256 * sizeof(struct io_uring_probe_op));
	if (!probe || syscall(__NR_io_uring_register, ring, IORING_REGISTER_PROBE, probe, 256)) {
		res = probe ? -errno : -ENOMEM;
		goto out;
	}
	if (probe->last_op < op || !(probe->ops[op].flags & IO_URING_OP_SUPPORTED)) {
		*setup = io_uring_op_missing(op);
		res = -EOPNOTSUPP;
		goto out;
	}
	*setup = "mmap(io_uring)";
	sq_len = p.sq_off.array + p.sq_entries * sizeof(__u32);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		res = -errno;
		goto out;
	}
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = (__u8)op;
	sqes[0].fd = fd;
	/* listen takes no address: a nonzero addr is EINVAL */
	if (op != OP_LISTEN)
		sqes[0].addr = (__u64)(uintptr_t)addr;
	if (op == OP_BIND)
		sqes[0].addr2 = len;
	else if (op == OP_CONNECT)
		sqes[0].off = len;
	else if (op == OP_SENDMSG)
		sqes[0].len = 1;
	else if (op != OP_SEND_ZC)
		sqes[0].len = len;
	if (op == OP_SEND_ZC) {
		sqes[0].addr = (__u64)(uintptr_t)"x";
		sqes[0].len = 1;
		sqes[0].addr2 = (__u64)(uintptr_t)addr;
		sqes[0].addr_len = (__u16)len;
	}
	if (skip_success)
		sqes[0].flags = IOSQE_CQE_SKIP_SUCCESS;
	((__u32 *)((char *)sq + p.sq_off.array))[0] = 0;
	__atomic_store_n((__u32 *)((char *)sq + p.sq_off.tail), 1, __ATOMIC_RELEASE);
	*setup = "io_uring_enter";
	if (syscall(__NR_io_uring_enter, ring, 1, skip_success ? 0 : 1,
		    skip_success ? 0 : IORING_ENTER_GETEVENTS, NULL, 0) != 1) {
		res = -errno;
		goto out;
	}
	*setup = NULL;
	/* No completion: it succeeded (a failure posts one). */
	if (skip_success && __atomic_load_n((__u32 *)((char *)cq + p.cq_off.tail), __ATOMIC_ACQUIRE) ==
				    *(__u32 *)((char *)cq + p.cq_off.head))
		goto out;
	res = ((struct io_uring_cqe *)((char *)cq + p.cq_off.cqes))
		[*(__u32 *)((char *)cq + p.cq_off.head) & *(__u32 *)((char *)cq + p.cq_off.ring_mask)].res;
out:
	if (sqes != MAP_FAILED)
		munmap(sqes, p.sq_entries * sizeof(*sqes));
	if (cq != MAP_FAILED)
		munmap(cq, cq_len);
	if (sq != MAP_FAILED)
		munmap(sq, sq_len);
	free(probe);
	close(ring);
	return res;
}

/*
 * -C connect: a listener of our own on ADDR (its bind is reported as one),
 * then @fd connects to it, with connect(2) or (@ring) IORING_OP_CONNECT:
 * the kernel picks @fd's port. 0, or -1 with errno; -2 on a setup error.
 */
static int connect_to_own_listener(struct run *run, int fd, bool ring)
{
	const struct env *env = run->env;
	struct sockaddr_storage target = env->addr;
	socklen_t len = sizeof(target);
	int listener = open_socket(run, false), res;

	if (listener < 0)
		return -2;
	/* sin_port and sin6_port share their offset: port 0, the kernel's pick. */
	((struct sockaddr_in *)&target)->sin_port = 0;
	if (bind(listener, (const struct sockaddr *)&target, env->addr_len) || listen(listener, 1) ||
	    getsockname(listener, (struct sockaddr *)&target, &len)) {
		report_setup_error(run, "-C connect: the listener", errno);
		close(listener);
		return -2;
	}
	if (ring) {
		const char *setup;

		res = io_uring_one(OP_CONNECT, fd, &target, len, &setup, false);
		if (setup)
			report_setup_error(run, setup, -res);
		else
			errno = -res;
		res = setup ? -2 : res ? -1 : 0;
	} else {
		res = connect(fd, (const struct sockaddr *)&target, len);
	}
	close(listener);
	return res;
}

/*
 * -C io_uring-sendto: one byte to @addr with IORING_OP_SENDMSG, or (@zc,
 * -C io_uring-sendzc) IORING_OP_SEND_ZC. As do_bind() returns.
 */
static int io_uring_sendto(struct run *run, int fd, const struct sockaddr_storage *addr, bool zc)
{
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = {
		.msg_name = (void *)addr, .msg_namelen = run->env->addr_len,
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	const char *setup;
	int res = zc ? io_uring_one(OP_SEND_ZC, fd, addr, run->env->addr_len, &setup, false)
		     : io_uring_one(OP_SENDMSG, fd, &msg, 0, &setup, false);

	if (setup) {
		report_setup_error(run, setup, -res);
		return -2;
	}
	if (res == 1)
		return 0;
	errno = res < 0 ? -res : EIO;
	return -1;
}

/*
 * How -C takes the port: bind(2); io_uring's bind or listen; listen(2)
 * without a bind; connect or sendto, with their syscalls or io_uring; on i386 the socketcall(2) multiplexer older programs use
 * or the bind syscall itself. Returns 0 or -1 with errno set; a setup
 * failure (no io_uring) is reported and returns -2.
 */
static int do_bind(struct run *run, int fd, const struct sockaddr_storage *addr)
{
	const struct env *env = run->env;
	const char *setup;
	int res;

	if (env->how && !strcmp(env->how, "io_uring-connect"))
		return connect_to_own_listener(run, fd, true);
	if (env->how && !strcmp(env->how, "io_uring-sendto"))
		return io_uring_sendto(run, fd, addr, false);
	if (env->how && !strcmp(env->how, "io_uring-sendzc"))
		return io_uring_sendto(run, fd, addr, true);
	if (env->how && !strncmp(env->how, "io_uring", 8)) {
		bool listen_op = !strcmp(env->how, "io_uring-listen");

		res = io_uring_one(listen_op ? OP_LISTEN : OP_BIND, fd, addr,
				   listen_op ? 1 : env->addr_len, &setup,
				   !strcmp(env->how, "io_uring-skip"));
		if (setup) {
			report_setup_error(run, setup, -res);
			return -2;
		}
		errno = -res;
		return res ? -1 : 0;
	}
	if (env->how && !strcmp(env->how, "listen"))
		return listen(fd, 1);
	if (env->how && !strcmp(env->how, "sendto"))
		return sendto(fd, "x", 1, 0, (const struct sockaddr *)addr, env->addr_len) == 1 ? 0 : -1;
	if (env->how && !strcmp(env->how, "connect"))
		return connect_to_own_listener(run, fd, false);
	if (env->how && !strcmp(env->how, "bindx"))
		return setsockopt(fd, SOL_SCTP_UAPI, SCTP_BINDX_ADD_UAPI, env->bindx_addrs,
				  env->bindx_len);
#ifdef __i386__
	if (env->how && !strcmp(env->how, "socketcall")) {
		unsigned long args[3] = { (unsigned long)fd, (unsigned long)addr, env->addr_len };

		return (int)syscall(SYS_socketcall, 2 /* SYS_BIND */, args);
	}
	if (env->how)
		return (int)syscall(SYS_bind, fd, addr, env->addr_len);
#endif
	return bind(fd, (const struct sockaddr *)addr, env->addr_len);
}

/* One measured iteration; -1 only on a setup error. */
static int bind_once(struct run *run)
{
	const struct env *env = run->env;
	unsigned int port = (unsigned int)env->port;
	char num[16];
	int fd, res, err = 0;

	struct sockaddr_storage addr = env->addr;

	fd = open_socket(run, true);
	if (fd < 0)
		return -1;
	if (env->step) {
		/* sin_port and sin6_port share their offset; set the one the family has. */
		port = (unsigned int)((env->port + atomic_fetch_add(&run->next_port, 1)) & 0xffff);
		if (env->family == AF_INET6)
			((struct sockaddr_in6 *)&addr)->sin6_port = htons(port);
		else
			((struct sockaddr_in *)&addr)->sin_port = htons(port);
	}
	/* -B: the socket has its port before the call that would otherwise pick one. */
	if (env->bind_first && bind(fd, (const struct sockaddr *)&addr, env->addr_len)) {
		report_setup_error(run, "bind (-B)", errno);
		close(fd);
		return -1;
	}
	res = do_bind(run, fd, &addr);
	if (res == -2) {
		close(fd);
		return -1;
	}
	if (res) {
		err = errno;
		atomic_fetch_add(&run->failed, 1);
	} else {
		atomic_fetch_add(&run->binds, 1);
		if (env->listen_after && listen(fd, 1)) {
			report_setup_error(run, "listen (-L)", errno);
			close(fd);
			return -1;
		}
		if (bound_port(fd, &port)) {
			report_setup_error(run, "getsockname", errno);
			close(fd);
			return -1;
		}
	}
	/* Flushed now so a test can look at the socket while -k holds it. */
	if (run->print_each) {
		printf("pid=%d tid=%d port=%u rc=%s ifindex=%u ppid=%d\n", getpid(),
		       gettid(), port, rc_str(err, num, sizeof(num)),
		       env->ifindex, getppid());
		fflush(stdout);
	}
	if (!err && env->fork_child) {
		pid_t child = fork();

		if (child < 0) {
			report_setup_error(run, "fork", errno);
			close(fd);
			return -1;
		}
		if (child == 0) {
			/* The socket inherited, held as long as the parent holds its own. */
			sleep_ms(env->keep_ms);
			_exit(0);
		}
		printf("child=%d\n", (int)child);
		fflush(stdout);
		sleep_ms(env->keep_ms);
		close(fd);
		waitpid(child, NULL, 0);
		return 0;
	}
	if (env->keep_ms)
		sleep_ms(env->keep_ms);
	close(fd);
	return 0;
}

static void *worker(void *arg)
{
	struct run *run = arg;
	unsigned long i;

	for (i = 0; i < run->env->count && !atomic_load(&run->broken); i++)
		if (bind_once(run))
			break;
	return NULL;
}

/* With -j 1 the main thread does the work, so the tests see tid == pid. */
static void run_workers(struct run *run)
{
	pthread_t tids[MAX_THREADS];
	unsigned long n;
	int err;

	if (run->env->threads == 1) {
		worker(run);
		return;
	}
	for (n = 0; n < run->env->threads; n++) {
		err = pthread_create(&tids[n], NULL, worker, run);
		if (err) {
			report_setup_error(run, "pthread_create", err);
			break;
		}
	}
	while (n--)
		pthread_join(tids[n], NULL);
}

int main(int argc, char **argv)
{
	struct env env = {
		.family = AF_INET,
		.kind = &sock_kinds[0],
		.count = 1,
		.threads = 1,
	};
	struct run run = { .env = &env };
	int blocker = -1;
	unsigned long ok, bad;
	char what[32];

	if (parse_args(argc, argv, &env))
		return EX_USAGE;
	run.print_each = env.count == 1 && env.threads == 1 && !env.quiet;

	if (env.own_netns) {
		const char *step;
		int err = enter_own_netns(&step);

		if (err) {
			report_setup_error(&run, step, -err);
			goto out;
		}
	}

	if (env.dev) {
		env.ifindex = if_nametoindex(env.dev);
		if (!env.ifindex) {
			snprintf(what, sizeof(what), "-d %s", env.dev);
			report_setup_error(&run, what, errno);
			goto out;
		}
	}

	/* For the UID column and -u filter tests: binds made by a known user. */
	/* For the escaping tests: any bytes, even control ones, as the comm. */
	if (env.comm)
		prctl(PR_SET_NAME, env.comm, 0, 0, 0);

	if (env.set_uid) {
		if (setgroups(0, NULL) || setresgid(env.uid, env.uid, env.uid) ||
		    setresuid(env.uid, env.uid, env.uid)) {
			report_setup_error(&run, "-u", errno);
			goto out;
		}
	}

	if (env.sync)
		ready_then_wait_for_usr1();

	/*
	 * The -D socket is bound once, after the handshake so a tracer sees
	 * it, and held for the whole run. It is not counted in the summary.
	 */
	if (env.dup) {
		blocker = open_socket(&run, false);
		if (blocker < 0)
			goto out;
		if (bind(blocker, (const struct sockaddr *)&env.addr,
			 env.addr_len)) {
			report_setup_error(&run, "bind(-D first socket)", errno);
			goto out;
		}
	}

	run_workers(&run);
	if (!run.print_each && !atomic_load(&run.broken)) {
		ok = atomic_load(&run.binds);
		bad = atomic_load(&run.failed);
		printf("binds=%lu failed=%lu total=%lu\n", ok, bad, ok + bad);
	}
out:
	if (blocker >= 0)
		close(blocker);
	fflush(stdout);
	return atomic_load(&run.broken) ? EXIT_SETUP : 0;
}
