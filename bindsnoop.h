/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What the kernel side hands to user space: shared by bindsnoop.bpf.c and
 * bindsnoop.c. Fixed-width types only, widest fields first, no pointers, so
 * the layout is the same for the BPF target and the host compiler.
 */
#ifndef BINDSNOOP_H
#define BINDSNOOP_H

#define TASK_COMM_LEN 16
#define IFNAMSIZ_BS	16	/* IFNAMSIZ, which vmlinux.h does not carry */

/* Slots of the cgroup_dir array: the cgroup v2 directories a trace is limited to. */
#define CGROUP_SLOT_DIR		0	/* -c PATH */
#define CGROUP_SLOT_UNIT	1	/* --unit NAME */
#define CGROUP_SLOT_CONTAINER	2	/* --container ID */
#define CGROUP_SLOTS		3

/* Bits of bind_event.opts, in the order of the OPTS column "FTNRr". */
#define BS_OPT_FREEBIND		(1u << 0) /* F: IP_FREEBIND */
#define BS_OPT_TRANSPARENT	(1u << 1) /* T: IP_TRANSPARENT */
#define BS_OPT_BIND_NO_PORT	(1u << 2) /* N: IP_BIND_ADDRESS_NO_PORT */
#define BS_OPT_REUSEADDR	(1u << 3) /* R: SO_REUSEADDR */
#define BS_OPT_REUSEPORT	(1u << 4) /* r: SO_REUSEPORT */
#define BS_OPT_COUNT		5

/* How the port or address was taken: bind_event.via, JSON "via". */
enum bs_via {
	BS_VIA_BIND,		/* bind(2), 32-bit ones too */
	BS_VIA_SOCKETCALL,	/* socketcall(SYS_BIND) */
	BS_VIA_IO_URING,	/* io_uring IORING_OP_BIND (6.11+) */
	BS_VIA_LISTEN,		/* listen() on a socket without a port: the kernel picks one */
	BS_VIA_CONNECT,		/* connect() on a socket without a port (--autobind) */
	BS_VIA_SENDTO,		/* sendto()/sendmsg() on a socket without a port (--autobind) */
	BS_VIA_BINDX,		/* SCTP's sctp_bindx(): one event per address added */
	BS_VIA_KERNEL,		/* kernel_bind(): a socket the kernel made for itself */
	BS_VIA_EXISTING,	/* --existing: held when tracing started */
	BS_VIA_COUNT,
};

/* One bind() as it returned. */
struct bind_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at return */
	__u64 cgroup_id;	/* cgroup v2 id of the task */
	__u64 mntns_id;		/* mount namespace inode number */
	__u64 netns_id;		/* network namespace inode number of the socket */
	__u8 addr[16];		/* network order; IPv4 in the first 4 bytes */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__s32 ret;		/* 0 or -errno */
	__s32 bound_dev_if;	/* SO_BINDTODEVICE ifindex, 0 if none */
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 protocol;		/* sk_protocol: IPPROTO_* (MPTCP is 262) */
	__u16 port;		/* host order: bound port, or requested if ret != 0 */
	__u8 sock_type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, ... */
	__u8 opts;		/* BS_OPT_* */
	__u8 via;		/* enum bs_via */
	char comm[TASK_COMM_LEN];
	char pcomm[TASK_COMM_LEN];	/* the parent's comm (JSON) */
	char ifname[IFNAMSIZ_BS];	/* bound_dev_if's name in the socket's netns, at bind time */
};

/*
 * socketcall(2)'s call numbers (linux/net.h's SYS_*) for the calls that can
 * take a port: s390x's glibc makes every socket call through socketcall
 * (syscalls.bpf.h), 32-bit x86 programs may. On s390x, bits (1 << call) of
 * the socketcall programs' socketcall_calls: the calls they follow (plan.c).
 */
#define SOCKETCALL_BIND		2
#define SOCKETCALL_CONNECT	3
#define SOCKETCALL_LISTEN	4
#define SOCKETCALL_SEND		9
#define SOCKETCALL_SENDTO	11
#define SOCKETCALL_SETSOCKOPT	14
#define SOCKETCALL_SENDMSG	16
#define SOCKETCALL_SENDMMSG	20
/* --autobind's: connect and the sends. */
#define SOCKETCALL_AUTOBIND_CALLS						\
	((1u << SOCKETCALL_CONNECT) | (1u << SOCKETCALL_SEND) | (1u << SOCKETCALL_SENDTO) | \
	 (1u << SOCKETCALL_SENDMSG) | (1u << SOCKETCALL_SENDMMSG))

/* Binds in flight at once that the entry map (kprobe, tracepoint pair) holds. */
#define ENTRY_MAP_ENTRIES	10240
/* listen() calls in flight at once on sockets without a port (listen.bpf.h). */
#define LISTEN_MAP_ENTRIES	1024

/*
 * Keys each --count table holds: every ephemeral port (32768-60999) of two
 * addresses, about 5 MB of kernel memory, preallocated, per table.
 */
#define COUNT_ENTRIES		65536

/* Key of the in-kernel --count table. */
struct count_key {
	__u8 addr[16];
	__u16 family;
	__u16 port;
	__u32 pad;		/* keep the key free of holes: always zero */
};

/*
 * The typed build's --count table (6.2+): an array of slots, open
 * addressing with linear probing, instead of a hash map: a new key in a
 * preallocated hash is a free-list pop, a bucket lock and a second look-up.
 * With it, 6.12's fexit program runs 217 instructions a bind where it ran
 * 813 (qemu -icount; an empty program: 70). Twice as many slots as
 * COUNT_ENTRIES keys, so probes stay short.
 */
struct count_slot {
	__u64 addr[2];		/* count_key's addr */
	__u16 family;
	__u16 port;
	__u32 state;		/* COUNT_SLOT_*, changed only by compare-and-swap */
	__u64 binds;
};

#define COUNT_SLOT_EMPTY	0
#define COUNT_SLOT_BUSY		1	/* claimed, key being written: others pass it by */
#define COUNT_SLOT_READY	2	/* key complete: binds counts it */

/* Slots a bind looks at before it is reported as not counted (table full). */
#define COUNT_PROBES		64

/* Slots of the per-CPU "stats" array: what the kernel side could not do. */
enum bs_stat {
	BS_STAT_LOST,		/* ring/perf buffer full: event dropped */
	BS_STAT_ENTRY_FULL,	/* per-thread entry map full: bind not traced */
	BS_STAT_COUNT_FULL,	/* --count table full: bind not counted */
	BS_STAT_BINDX_CUT,	/* a bindx of more addresses than reported: the rest not traced */
	BS_STAT_MAX,
};

#endif /* BINDSNOOP_H */
