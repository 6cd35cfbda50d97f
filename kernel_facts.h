/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The second stage: what the running kernel offers, learned once up front
 * (its BTF, read in place, and a few cheap probes). The plan is made from
 * these facts alone, so the unit tests can hand it any kernel's.
 */
#ifndef KERNEL_FACTS_H
#define KERNEL_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "options.h"

/* Kernel functions the backends hook or whose presence tells something. */
enum kernel_func {
	KFUNC_INET_BIND,
	KFUNC_INET6_BIND,
	KFUNC_MPTCP_BIND,
	KFUNC_MPTCP_V6_BIND,
	KFUNC_IA32_SYS_BIND,	/* x86-64 runs 32-bit programs (CONFIG_IA32_EMULATION) */
	KFUNC_BPF_RDONLY_CAST,	/* the kfunc of the typed build (6.2+, bindsnoop.bpf.c) */
	KFUNC_INET_LISTEN,	/* listen() on a socket without a port takes one (listen.bpf.h) */
	KFUNC_MPTCP_LISTEN,
	KFUNC_SYS_SETSOCKOPT,	/* every setsockopt(2): fexit's and kprobe's SCTP bindx (bindx.bpf.h) */
	KFUNC_MAX,
};

/* Their names; defined in plan.c, so that the unit tests' plan.o needs no kernel_facts.o. */
extern const char *const kernel_func_names[KFUNC_MAX];

/* inet_sock flag bits that moved into inet_flags in 6.6 (core_fixes.bpf.h). */
enum inet_flag {
	IFLAG_FREEBIND,
	IFLAG_TRANSPARENT,
	IFLAG_BIND_ADDRESS_NO_PORT,
	IFLAG_MAX,
};

/*
 * io_uring's tracepoint at submission that names the request, for tp_btf
 * programs (io_uring.bpf.h): io_uring_submit_req (6.3+), called
 * io_uring_submit_sqe before. 5.10's io_uring_submit_sqe has a request too,
 * but its io_uring_complete has none, and nothing in BTF but the
 * prototypes tells the two apart: IORING_OP_SEND_ZC (6.0) stands witness
 * for the newer pair (the request in both since 5.19).
 */
enum io_uring_submit_tp {
	IO_URING_SUBMIT_NONE,
	IO_URING_SUBMIT_SQE,
	IO_URING_SUBMIT_REQ,
};

struct kernel_facts {
	/* BTF type id of each function in vmlinux, 0 where it has none */
	__u32 func_id[KFUNC_MAX];
	/* the ipv6 module is loaded (inet6_bind lives there with CONFIG_IPV6=m) */
	bool ipv6_module;
	/* A two-instruction fexit program on inet_bind loads and attaches. */
	bool fexit_allowed;
	int fexit_errno;		/* why not, when not */
	bool kprobes;			/* the kprobe PMU exists (CONFIG_KPROBES) */
	bool task_pt_regs;		/* bpf_task_pt_regs() in tracepoint programs (5.15+) */
	bool ringbuf;			/* BPF_MAP_TYPE_RINGBUF (5.8+), and not forced off */
	/* 5.7-6.0 WARN when a kprobe/tracepoint program uses a BPF_F_NO_PREALLOC hash */
	bool runtime_alloc_warns;
	/* kernel.perf_event_paranoid > 2 (Debian): perf_event_open() for CAP_SYS_ADMIN only */
	bool perf_events_restricted;
	/*
	 * Syscall tracepoints attach for us: perf_event_open() is allowed
	 * (not restricted, or CAP_SYS_ADMIN) and tracefs is ours to read
	 */
	bool tracepoints_ours;
	/* INET_FLAGS_* bit numbers (6.6+); -1 where the kernel has no such enumerator */
	long long inet_flag[IFLAG_MAX];
	/* io_uring has IORING_OP_BIND (6.11+): binds without a bind syscall */
	bool io_uring_bind;
	/* io_uring has IORING_OP_CONNECT (5.5+) and the sends: they take ports for sockets without */
	bool io_uring_connect;
	enum io_uring_submit_tp io_uring_submit_tp;
	/* kernel.io_uring_disabled (6.6+; 0 where the kernel has no such sysctl): 2 = for everyone */
	int io_uring_disabled;
	/*
	 * The tracepoint backend's view of the kernel's own sockets, a cgroup
	 * post_bind program at the cgroup2 root (kernel_sockets.bpf.h): where
	 * that hierarchy is mounted ("" where it is not), whether that program
	 * type may read the socket and the task (bpf_probe_read_kernel(),
	 * bpf_get_current_task(), and bpf_get_current_task_btf() where the
	 * kernel has it), and whether it may test the task's cgroup (-c,
	 * --unit, --container: bpf_current_task_under_cgroup()).
	 */
	char cgroup2_root[256];
	bool net_admin;			/* CAP_NET_ADMIN, which loading such a program takes */
	bool cgroup_sock_reads;
	bool cgroup_sock_under_cgroup;
	/*
	 * SCTP can take a port (sctp_bindx(): bindx.bpf.h): it is loaded or
	 * built in, or a module this kernel can load (any socket() of
	 * IPPROTO_SCTP loads it, unprivileged)
	 */
	bool sctp;
};

/*
 * Fill @facts from the kernel's BTF (or --btf) and probes. Returns 0, or -1
 * with one line in @msg when there is no usable BTF.
 */
int read_kernel_facts(const struct config *cfg, struct kernel_facts *facts, char *msg, size_t msglen);

#endif /* KERNEL_FACTS_H */
