// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindsnoop's kernel side: the read-only configuration, the maps, and the
 * three backends, which differ only in how they find the socket, the
 * requested address and the return value. The data path, a header a stage:
 *   reads.bpf.h     how kernel memory is read (the typed or probing build)
 *   filters.bpf.h   who and which ports are traced (task.bpf.h: the caller)
 *   fill.bpf.h      the event, from the socket (core_fixes.bpf.h: layouts)
 *   count.bpf.h     or, for --count, one more bind in the table
 *   emit.bpf.h      the filters, then the buffer or the table
 * and the backends below, each hook -> socket -> emit_bind():
 *   fexit   inet_bind/inet6_bind/mptcp_bind       (one program per hook)
 *   kprobe  the same functions, entry + return     (per-thread entry)
 *   tp      syscalls:sys_exit_bind and friends     (fd -> socket: syscalls.bpf.h)
 *           io_uring:io_uring_complete             (request -> socket: io_uring.bpf.h)
 *           cgroup post_bind4/6 at the cgroup2 root (the kernel's own sockets:
 *           kernel_sockets.bpf.h)
 * and on each: listen() without a port (listen.bpf.h), SCTP's bindx
 * (__sys_setsockopt() or the setsockopt syscall's tracepoints: bindx.bpf.h),
 * and with --autobind connect() and the sends without one (syscall
 * tracepoints: autobind.bpf.h; io_uring's, its tracepoints: io_uring.bpf.h).
 * (via.bpf.h: how fexit and kprobe tell io_uring's and socketcall's binds.)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "bindsnoop.h"
#include "core_fixes.bpf.h"

#define AF_INET		2
#define AF_INET6	10

/* Filters, set by user space before load so the verifier prunes them. */
const volatile bool filter_task = false;	/* any of the seven below it */
const volatile pid_t target_pid = 0;
const volatile bool filter_uid = false;
const volatile uid_t target_uid = 0;
const volatile bool filter_ports = false;
const volatile bool filter_cgroup_map = false;
const volatile bool filter_mntns_map = false;
const volatile bool filter_cgroup_dir = false;	/* -c: slot CGROUP_SLOT_DIR */
const volatile bool filter_unit = false;	/* --unit: slot CGROUP_SLOT_UNIT */
const volatile bool filter_container = false;	/* --container: slot CGROUP_SLOT_CONTAINER */
const volatile bool trace_errors = false;
/* --via: the ways of taking a port traced (1 << BS_VIA_*), when filter_via. */
const volatile bool filter_via = false;
const volatile __u32 via_mask = 0;
const volatile bool count_mode = false;
const volatile bool use_ringbuf = true;
/* What the output shows: each read costs on every bind, so only those needed. */
const volatile bool want_ts = true;		/* -t, JSON */
const volatile bool want_details = true;	/* JSON: ids, ppid and its comm, gid, tid, netns */
const volatile bool want_cgroup = true;		/* JSON, --owner: the cgroup id */
const volatile bool want_ifname = true;		/* -w, JSON: the bound device's name */
const volatile bool want_via = true;		/* JSON, --via: how fexit's and kprobe's port was taken */
/* Wake the reader only once this much is waiting (see bindsnoop.c). */
const volatile __u64 wakeup_bytes = 0;
/* --count with -i: the programs count into the table that "counts" holds, else into counts_a. */
const volatile bool count_swaps = false;
/* --count in the typed build: a table's slots less one (a power of two), 64 less their log2. */
const volatile __u32 count_slot_mask = 0;
const volatile __u32 count_hash_shift = 63;
/* One bit per port, set for the ports of -P. */
const volatile __u8 port_bitmap[65536 / 8] = {};
#if defined(__TARGET_ARCH_s390)
/* 1 << SOCKETCALL_*: the socket calls the socketcall programs follow for this backend. */
const volatile __u32 socketcall_calls = 0;
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);	/* PERF_EVENT_ARRAY on fallback */
} events SEC(".maps");

/* Staging slot for bpf_perf_event_output(): an event is too big for the stack budget we want. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bind_event);
} perf_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BS_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/*
 * --count: two preallocated tables, and a one-slot array of maps that says
 * which one the programs count into. User space swaps the spare in (the
 * kernel waits for running programs on a map-in-map update), then reads and
 * empties the old one at leisure: every -i table starts empty and no bind
 * falls between two tables, on every kernel (hash LOOKUP_AND_DELETE came in
 * 5.14). Preallocated, because kprobe and tracepoint programs that use a
 * BPF_F_NO_PREALLOC hash make kernels 5.7-6.0 WARN (and PREEMPT_RT ones
 * refuse them); it also spares each new key an allocation. A run without
 * --count sizes both to one entry; one without -i sizes the spare so.
 */
#ifdef BINDSNOOP_TYPED_READS
/*
 * The typed build's tables are arrays of slots (struct count_slot): it
 * needs 6.2+, so compare-and-swap (5.12) is there. plan.c sizes them.
 */
#define COUNT_TABLE(entries)						\
	__uint(type, BPF_MAP_TYPE_ARRAY);				\
	__uint(max_entries, entries);					\
	__type(key, __u32);						\
	__type(value, struct count_slot)
#else
#define COUNT_TABLE(entries)						\
	__uint(type, BPF_MAP_TYPE_HASH);				\
	__uint(max_entries, entries);					\
	__type(key, struct count_key);					\
	__type(value, __u64)
#endif

struct count_table {
	COUNT_TABLE(COUNT_ENTRIES);
};

struct count_table counts_a SEC(".maps"), counts_b SEC(".maps");

/*
 * What the slot holds, for the verifier. The kernel matches an inner hash
 * map by type, key, value and flags, not size, so this template (libbpf
 * creates it at load, and frees it once "counts" exists) is one entry, not
 * another preallocated table. An inner array must have the template's
 * size, and the verifier then inlines the look-up in it (a call with
 * BPF_F_INNER_MAP, which lifts that rule): backends.c sizes this one as
 * the tables in the typed build.
 */
struct count_table_template {
	COUNT_TABLE(1);
};

/*
 * Empty until user space puts counts_a in (--count -i only: without -i the
 * programs count into counts_a itself): a map-in-map update waits for an
 * RCU grace period, 30+ ms that a start without it need not pay.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct count_table_template);
} counts SEC(".maps");

/* What an entry program leaves for the return program of the same thread. */
struct bind_entry {
	__u64 sock;		/* struct socket * (kprobe) */
	__u64 uaddr;		/* struct sockaddr *: kernel (kprobe) or user (tp) */
	__s32 fd;		/* tp only */
	__u32 via;		/* kprobe: hooked_socket_via() */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ENTRY_MAP_ENTRIES);
	__type(key, __u64);	/* tid, | 1 << 32 for mptcp_bind */
	__type(value, struct bind_entry);
} entries SEC(".maps");

/*
 * The typed build's kprobe programs (6.2+) hand over in the task's own storage
 * instead: a look-up in the task at entry and at return, where the entry
 * map costs an insert, a look-up and a delete. [0]: inet_bind/inet6_bind,
 * [1]: mptcp_bind/mptcp_v6_bind (before 6.6 the first calls inet_bind()
 * for its subflow). Created for those only (backends.c): 5.10 has no such
 * map type.
 */
struct task_binds {
	struct bind_entry kind[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_binds);
} task_binds SEC(".maps");

/* listen() on a socket without a port (listen.bpf.h): the thread's socket, from entry to return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISTEN_MAP_ENTRIES);
	__type(key, __u64);	/* tid */
	__type(value, __u64);	/* struct sock * */
} listens SEC(".maps");

/*
 * --autobind: how many marks in listens, over all threads, the exit
 * programs have not taken back yet (autobind.bpf.h). While it is 0, as it
 * is but while a connect() or a send takes a port, they return before any
 * map operation.
 */
__u64 autobind_marks = 0;

/* io_uring's binds and listens (io_uring.bpf.h), from submission to completion. */
struct uring_req {
	__u64 sk;		/* listen: the socket without a port */
	__u8 addr[28];		/* bind: the sockaddr asked for (sockaddr_in6's size) */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISTEN_MAP_ENTRIES);
	__type(key, __u64);	/* the request's address */
	__type(value, struct uring_req);
} uring_reqs SEC(".maps");

/*
 * An io_uring bind's socket, noted at submission with its request (the
 * key of uring_reqs): the tracepoint backend's post_bind program
 * (kernel_sockets.bpf.h) reports the bind when it succeeds, whether or not
 * a completion follows (IOSQE_CQE_SKIP_SUCCESS posts none), and takes the
 * note away; the completion then reports only a failure. How many wait:
 * the post_bind program looks them up only while some do.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISTEN_MAP_ENTRIES);
	__type(key, __u64);	/* struct sock * */
	__type(value, __u64);	/* the request's address */
} uring_bind_socks SEC(".maps");

__u64 uring_binds_waiting = 0;

/* bcc's --cgroupmap / --mntnsmap (pinned_maps.bpf.h). */
#include "pinned_maps.bpf.h"

/* libbpf-tools' -c, --unit, --container: cgroup v2 directories whose tasks are traced. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, CGROUP_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_dir SEC(".maps");

static __always_inline void stat_inc(__u32 slot)
{
	__u64 *val = bpf_map_lookup_elem(&stats, &slot);

	if (val)
		(*val)++;	/* per-CPU slot: no atomic needed */
}

#include "filters.bpf.h"
#include "fill.bpf.h"
#include "count.bpf.h"
#include "emit.bpf.h"
#include "listen.bpf.h"

/*
 * Sockets without a file are the kernel's own (MPTCP's subflow before 6.6,
 * in-kernel users): the syscall tracepoints never see them, and the MPTCP
 * bind is reported once, from mptcp_bind(), with the MPTCP socket. The
 * listen hooks take users' sockets only.
 */
static __always_inline bool user_socket(struct socket *sock, enum read_mode mode)
{
	return sock && KREAD(mode, sock, file);
}

/*
 * Which of inet_bind()'s binds the function hooks report, and how: a
 * user's socket (it has a file; BS_VIA_HOOKED: the way is read off the
 * task), one the kernel made and bound for itself with kernel_bind()
 * (VXLAN, WireGuard, SUNRPC: BS_VIA_KERNEL, with the task that caused it),
 * or none (BS_VIA_NONE) for MPTCP's subflow (see above).
 */
static __always_inline __u8 hooked_socket_via(struct socket *sock, enum read_mode mode)
{
	struct sock *sk;

	if (!sock)
		return BS_VIA_NONE;
	if (KREAD(mode, sock, file))
		return BS_VIA_HOOKED;
	sk = KREAD(mode, sock, sk);
	if (!sk || (KREAD(mode, sk, sk_protocol) == IPPROTO_TCP && mptcp_subflow(sk, mode)))
		return BS_VIA_NONE;
	return BS_VIA_KERNEL;
}

/* ---- backend 1: fexit (BPF trampolines): the socket is an argument ---- */

#define FEXIT_PROG(func)								\
SEC("fexit/" #func)									\
int BPF_PROG(fexit_##func, struct socket *sock, struct sockaddr *uaddr, int addr_len,	\
	     int ret)									\
{											\
	__u8 via = hooked_socket_via(sock, READ_BTF);					\
											\
	if (via == BS_VIA_NONE || !task_traced())					\
		return 0;								\
	return emit_bind(ctx, sock->sk, uaddr, false, ret, READ_CAST_OR_BTF, via);	\
}

FEXIT_PROG(inet_bind)
FEXIT_PROG(inet6_bind)
FEXIT_PROG(mptcp_bind)
FEXIT_PROG(mptcp_v6_bind)

/*
 * listen() without a port (listen.bpf.h); io_uring's IORING_OP_LISTEN comes
 * here too. An MPTCP socket's listen is mptcp_listen(), which takes the
 * port for its subflow (a socket without a file) and copies it over.
 */
#define FEXIT_LISTEN_PROGS(func, kind)						\
SEC("fentry/" #func)									\
int BPF_PROG(fentry_##func, struct socket *sock, int backlog)				\
{											\
	if (user_socket(sock, READ_BTF))						\
		listen_mark(sock->sk, READ_BTF, kind);				\
	return 0;									\
}											\
SEC("fexit/" #func)									\
int BPF_PROG(fexit_##func, struct socket *sock, int backlog, int ret)			\
{											\
	if (!listen_unmark(kind) || ret)						\
		return 0;								\
	return emit_bind(ctx, sock->sk, NULL, false, 0, READ_CAST_OR_BTF, BS_VIA_LISTEN);	\
}

FEXIT_LISTEN_PROGS(inet_listen, LISTEN_INET)
FEXIT_LISTEN_PROGS(mptcp_listen, LISTEN_MPTCP)

/*
 * ---- backend 2: kprobe + kretprobe: the entry keeps the socket for the
 * return. The typed build keeps it in task storage, the probing one in the
 * tid-keyed entry map. ----
 */

#define KIND_INET	0
#define KIND_MPTCP	(1ULL << 32)

static __always_inline int kprobe_enter(struct socket *sock, struct sockaddr *uaddr, __u64 kind)
{
	struct bind_entry entry = {};
	__u64 key;
	__u8 via = TYPED_READS ? hooked_socket_via(TYPED(struct socket, sock), READ_TYPED) :
				 hooked_socket_via(sock, READ_PROBE);

	if (via == BS_VIA_NONE || !task_traced())
		return 0;
	entry.sock = (__u64)sock;
	entry.uaddr = (__u64)uaddr;
	entry.via = via;
	if (TYPED_READS) {
		struct task_binds *tb = bpf_task_storage_get(&task_binds, bpf_get_current_task_btf(),
							     NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);

		if (tb)
			tb->kind[kind >> 32] = entry;
		else
			stat_inc(BS_STAT_ENTRY_FULL);
		return 0;
	}
	/* Here, not above: the compiler keeps a helper call whose result is unused. */
	key = (__u32)bpf_get_current_pid_tgid() | kind;
	if (bpf_map_update_elem(&entries, &key, &entry, BPF_ANY))
		stat_inc(BS_STAT_ENTRY_FULL);
	return 0;
}

static __always_inline int kprobe_return(void *ctx, int ret, __u64 kind)
{
	struct bind_entry *entry;
	struct socket *sock;
	__u64 key;

	if (TYPED_READS) {
		struct task_binds *tb = bpf_task_storage_get(&task_binds, bpf_get_current_task_btf(),
							     NULL, 0);

		if (!tb || !tb->kind[kind >> 32].sock)
			return 0;
		entry = &tb->kind[kind >> 32];
		sock = TYPED(struct socket, entry->sock);
		entry->sock = 0;
		return emit_bind(ctx, sock->sk, (void *)entry->uaddr, false, ret, READ_TYPED,
				 (__u8)entry->via);
	}
	key = (__u32)bpf_get_current_pid_tgid() | kind;
	entry = bpf_map_lookup_elem(&entries, &key);
	if (!entry)
		return 0;
	/* Not inside BPF_CORE_READ(): that would make entry->sock a CO-RE access too. */
	sock = (struct socket *)entry->sock;
	emit_bind(ctx, BPF_CORE_READ(sock, sk), (void *)entry->uaddr, false, ret, READ_PROBE,
		  (__u8)entry->via);
	bpf_map_delete_elem(&entries, &key);
	return 0;
}

#define KPROBE_PROGS(func, kind)							\
SEC("kprobe/" #func)									\
int BPF_KPROBE(kprobe_##func, struct socket *sock, struct sockaddr *uaddr)		\
{											\
	return kprobe_enter(sock, uaddr, kind);						\
}											\
SEC("kretprobe/" #func)									\
int BPF_KRETPROBE(kretprobe_##func, int ret)						\
{											\
	return kprobe_return(ctx, ret, kind);						\
}

KPROBE_PROGS(inet_bind, KIND_INET)
KPROBE_PROGS(inet6_bind, KIND_INET)
KPROBE_PROGS(mptcp_bind, KIND_MPTCP)
KPROBE_PROGS(mptcp_v6_bind, KIND_MPTCP)

#define KPROBE_LISTEN_PROGS(func, kind)						\
SEC("kprobe/" #func)									\
int BPF_KPROBE(kprobe_##func, struct socket *sock)					\
{											\
	if (TYPED_READS)								\
		sock = TYPED(struct socket, sock);					\
	if (user_socket(sock, READ_CAST_OR_PROBE))					\
		listen_mark(KREAD(READ_CAST_OR_PROBE, sock, sk), READ_CAST_OR_PROBE, kind); \
	return 0;									\
}											\
SEC("kretprobe/" #func)									\
int BPF_KRETPROBE(kretprobe_##func, int ret)						\
{											\
	__u64 sk = listen_unmark(kind);							\
											\
	if (!sk || ret)									\
		return 0;								\
	return emit_bind(ctx, TYPED(struct sock, sk), NULL, false, 0, READ_CAST_OR_PROBE,	\
			 BS_VIA_LISTEN);						\
}

KPROBE_LISTEN_PROGS(inet_listen, LISTEN_INET)
KPROBE_LISTEN_PROGS(mptcp_listen, LISTEN_MPTCP)

/* ---- backend 3: syscall tracepoints: fd -> file -> socket ---- */

#include "syscalls.bpf.h"

/* Before 5.15 (no bpf_task_pt_regs()): the entry keeps fd and address for the exit. */
SEC("tracepoint/syscalls/sys_enter_bind")
int tp_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	struct bind_entry entry = {};
	__u64 key = (__u32)bpf_get_current_pid_tgid();

	if (!task_traced())
		return 0;
	entry.fd = (int)ctx->args[0];
	entry.uaddr = ctx->args[1];
	if (bpf_map_update_elem(&entries, &key, &entry, BPF_ANY))
		stat_inc(BS_STAT_ENTRY_FULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	__u64 key = (__u32)bpf_get_current_pid_tgid();
	struct bind_entry *entry;

	entry = bpf_map_lookup_elem(&entries, &key);
	if (!entry)
		return 0;
	emit_bind(ctx, sock_from_fd(entry->fd, READ_PROBE), (void *)entry->uaddr, true,
		  (int)ctx->ret, READ_PROBE, BS_VIA_BIND);
	bpf_map_delete_elem(&entries, &key);
	return 0;
}

/*
 * 5.15+: one program at exit, the arguments still in the task's saved user
 * registers. bpf_task_pt_regs() gives a BTF-typed pointer: libbpf's plain
 * (non-CORE) argument macros are direct loads from it (x86: both; arm64:
 * the second, while libbpf reads its first, orig_x0, with a probe either
 * way).
 */
SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind_regs(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;
	int fd;

	if (!task_traced())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	fd = (int)SYSCALL_EXIT_PARM1(regs);
	return emit_bind(ctx, sock_from_fd(fd, READ_CAST_OR_PROBE), (void *)PT_REGS_PARM2_SYSCALL(regs),
			 true, (int)ctx->ret, READ_CAST_OR_PROBE, BS_VIA_BIND);
}

/* listen() without a port (listen.bpf.h): the socket's port is still 0 at entry. */
SEC("tracepoint/syscalls/sys_enter_listen")
int tp_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	listen_mark(sock_from_fd((int)ctx->args[0], READ_CAST_OR_PROBE), READ_CAST_OR_PROBE,
		    LISTEN_INET);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	__u64 sk = listen_unmark(LISTEN_INET);

	if (!sk || ctx->ret)
		return 0;
	return emit_bind(ctx, TYPED(struct sock, sk), NULL, false, 0, READ_CAST_OR_PROBE,
			 BS_VIA_LISTEN);
}

/* --autobind (autobind.bpf.h): connect() and the sends on a socket without a port. */
#include "autobind.bpf.h"

#define AUTOBIND_PROGS(call, via)							\
SEC("tracepoint/syscalls/sys_enter_" #call)						\
int tp_enter_##call(struct trace_event_raw_sys_enter *ctx)				\
{											\
	autobind_enter((int)ctx->args[0]);						\
	return 0;									\
}											\
SEC("tracepoint/syscalls/sys_exit_" #call)						\
int tp_exit_##call(struct trace_event_raw_sys_exit *ctx)				\
{											\
	return autobind_exit(ctx, via);							\
}

AUTOBIND_PROGS(connect, BS_VIA_CONNECT)
AUTOBIND_PROGS(sendto, BS_VIA_SENDTO)
AUTOBIND_PROGS(sendmsg, BS_VIA_SENDTO)
AUTOBIND_PROGS(sendmmsg, BS_VIA_SENDTO)

/*
 * SCTP's bindx (bindx.bpf.h): setsockopt(SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD),
 * on every backend: fexit and kprobe on __sys_setsockopt(), the tracepoint
 * backend (or a kernel without that function in its BTF) on the syscall.
 * Every setsockopt of every task: the level and name first, nothing else.
 */
#include "bindx.bpf.h"

#define IS_BINDX(level, optname) ((level) == SOL_SCTP && (optname) == SCTP_SOCKOPT_BINDX_ADD)

SEC("fexit/__sys_setsockopt")
int BPF_PROG(fexit_sys_setsockopt, int fd, int level, int optname, char *optval, int optlen,
	     int ret)
{
	if (!IS_BINDX(level, optname))
		return 0;
	return bindx_report_traced(ctx, fd, (__u64)optval, (__u32)optlen, ret);
}

SEC("kprobe/__sys_setsockopt")
int BPF_KPROBE(kprobe_sys_setsockopt, int fd, int level, int optname, char *optval, int optlen)
{
	if (!IS_BINDX(level, optname))
		return 0;
	return bindx_note(fd, (__u64)optval, (__u64)optlen);
}

SEC("kretprobe/__sys_setsockopt")
int BPF_KRETPROBE(kretprobe_sys_setsockopt, int ret)
{
	return bindx_exit(ctx, ret);
}

SEC("tracepoint/syscalls/sys_enter_setsockopt")
int tp_enter_setsockopt(struct trace_event_raw_sys_enter *ctx)
{
	if (!IS_BINDX((int)ctx->args[1], (int)ctx->args[2]))
		return 0;
	return bindx_note((int)ctx->args[0], ctx->args[3], ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_exit_setsockopt")
int tp_exit_setsockopt(struct trace_event_raw_sys_exit *ctx)
{
	return bindx_exit(ctx, (int)ctx->ret);
}

#if defined(__TARGET_ARCH_s390)
/*
 * s390x's glibc makes every socket call through socketcall(2)
 * (syscalls.bpf.h), which none of the calls' own tracepoints above sees:
 * one program at its entry and one at its exit follow the calls the plan
 * asks for (socketcall_calls, read-only: the verifier drops the code of
 * the others): bind and listen on the tracepoint backend, setsockopt where
 * bindx is taken from the tracepoints, connect and the sends under
 * --autobind on every backend, each as its own syscall's programs do.
 * They run on every socket call of every task: a call not followed
 * returns after its number's compares.
 */
#define SOCKETCALL_FOLLOWS(call)	(socketcall_calls & (1u << (call)))

SEC("tracepoint/syscalls/sys_enter_socketcall")
int tp_enter_socketcall(struct trace_event_raw_sys_enter *ctx)
{
	long call = (long)ctx->args[0];
	const void *args = (const void *)ctx->args[1];
	unsigned long fd;

	switch (call) {
	case SOCKETCALL_LISTEN:
		/* tp_enter_listen's mark (listen.bpf.h): args points at fd, backlog */
		if (SOCKETCALL_FOLLOWS(SOCKETCALL_LISTEN) &&
		    !bpf_probe_read_user(&fd, sizeof(fd), args))
			listen_mark(sock_from_fd((int)fd, READ_CAST_OR_PROBE), READ_CAST_OR_PROBE,
				    LISTEN_INET);
		return 0;
	case SOCKETCALL_CONNECT:
	case SOCKETCALL_SEND:
	case SOCKETCALL_SENDTO:
	case SOCKETCALL_SENDMSG:
	case SOCKETCALL_SENDMMSG:
		/* autobind.bpf.h's mark: each call's args start with the fd */
		if ((socketcall_calls & SOCKETCALL_AUTOBIND_CALLS) &&
		    !bpf_probe_read_user(&fd, sizeof(fd), args))
			autobind_enter((int)fd);
		return 0;
	case SOCKETCALL_SETSOCKOPT:
		if (SOCKETCALL_FOLLOWS(SOCKETCALL_SETSOCKOPT))
			bindx_socketcall_enter(call, args);
		return 0;
	}
	return 0;
}

/* socketcall(SYS_BIND): the bind's arguments from the task's registers (syscalls.bpf.h). */
static __always_inline int socketcall_exit_bind(void *ctx, struct pt_regs *regs, int ret)
{
	void *uaddr;
	int fd;

	if (!task_traced() || !socketcall_bind_args(regs, &fd, &uaddr))
		return 0;
	return emit_bind(ctx, sock_from_fd(fd, READ_CAST_OR_PROBE), uaddr, true, ret,
			 READ_CAST_OR_PROBE, BS_VIA_SOCKETCALL);
}

/* socketcall(SYS_LISTEN): tp_exit_listen's report. */
static __always_inline int socketcall_exit_listen(void *ctx, int ret)
{
	__u64 sk = listen_unmark(LISTEN_INET);

	if (!sk || ret)
		return 0;
	return emit_bind(ctx, TYPED(struct sock, sk), NULL, false, 0, READ_CAST_OR_PROBE,
			 BS_VIA_LISTEN);
}

/* 5.15+: the call's number from the task's registers (bpf_task_pt_regs()). */
SEC("tracepoint/syscalls/sys_exit_socketcall")
int tp_exit_socketcall(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;
	long call;

	/*
	 * Following neither bind nor listen (--autobind or bindx on fexit and
	 * kprobe), nothing is to be done unless a mark or a bindx is pending:
	 * two loads, not the two helper calls below.
	 */
	if (!SOCKETCALL_FOLLOWS(SOCKETCALL_BIND) && !SOCKETCALL_FOLLOWS(SOCKETCALL_LISTEN) &&
	    !autobind_marks && !*(volatile __u32 *)&bindx_pending)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	call = SYSCALL_EXIT_PARM1(regs);
	switch (call) {
	case SOCKETCALL_BIND:
		if (SOCKETCALL_FOLLOWS(SOCKETCALL_BIND))
			return socketcall_exit_bind(ctx, regs, (int)ctx->ret);
		return 0;
	case SOCKETCALL_LISTEN:
		if (SOCKETCALL_FOLLOWS(SOCKETCALL_LISTEN))
			return socketcall_exit_listen(ctx, (int)ctx->ret);
		return 0;
	case SOCKETCALL_CONNECT:
	case SOCKETCALL_SEND:
	case SOCKETCALL_SENDTO:
	case SOCKETCALL_SENDMSG:
	case SOCKETCALL_SENDMMSG:
		if (socketcall_calls & SOCKETCALL_AUTOBIND_CALLS)
			return autobind_exit(ctx, call == SOCKETCALL_CONNECT ? BS_VIA_CONNECT
									     : BS_VIA_SENDTO);
		return 0;
	case SOCKETCALL_SETSOCKOPT:
		if (SOCKETCALL_FOLLOWS(SOCKETCALL_SETSOCKOPT))
			return bindx_exit(ctx, (int)ctx->ret);
		return 0;
	}
	return 0;
}

/* Before 5.15 (no task registers): bindx's exit alone, which needs no call number. */
SEC("tracepoint/syscalls/sys_exit_socketcall")
int tp_exit_socketcall_bindx(struct trace_event_raw_sys_exit *ctx)
{
	return bindx_exit(ctx, (int)ctx->ret);
}
#endif

/*
 * io_uring's IORING_OP_BIND and IORING_OP_LISTEN (6.11+; io_uring.bpf.h):
 * loaded only where the kernel has them. Both run on every request of
 * every ring: past the opcode test, the work is out of line (as for the
 * 32-bit program below). --autobind follows connect and the sends too
 * (6.0+), on every backend, with programs of its own: without it the
 * programs are those of before, to the instruction (bench/prog-insns.sh).
 *   tp_io_uring_*           binds, listens         tracepoint backend
 *   tp_io_uring_*_both      and connect, the sends tracepoint, --autobind
 *   tp_io_uring_*_autobind  connect, the sends     fexit, kprobe (which see
 *                                                  io_uring's binds in inet_bind()),
 *                                                  and kernels before IORING_OP_BIND
 */
#include "io_uring.bpf.h"

#define URING_BINDS(op)		((op) == IORING_OP_BIND_NR || (op) == IORING_OP_LISTEN_NR)

/* @binds, @autobinds: the opcodes followed, constants of each program. */
static __always_inline int io_uring_complete_prog(void *ctx, void *req, bool binds, bool autobinds)
{
	__u8 opcode;

	if (!req)
		return 0;
	opcode = KREAD(READ_CAST_OR_PROBE, TYPED(struct io_kiocb___bs, req), opcode);
	if (autobinds && io_uring_autobind_op(opcode))
		return io_uring_done(ctx, req, opcode);
	if (!binds || (opcode != IORING_OP_BIND_NR && opcode != IORING_OP_LISTEN_NR))
		return 0;
	return io_uring_done(ctx, req, opcode);
}

/* ... noted at submission: a bind's address, a listen's, connect's or send's socket while its port is still 0. */
static __always_inline void io_uring_submit_prog(struct io_kiocb___bs *req, bool binds,
						 bool autobinds)
{
	__u8 opcode = req->opcode;

	if ((binds && URING_BINDS(opcode)) || (autobinds && io_uring_autobind_op(opcode)))
		io_uring_note(req, opcode);
}

#define IO_URING_PROGS(suffix, binds, autobinds)					\
SEC("tp_btf/io_uring_complete")								\
int BPF_PROG(tp_io_uring_complete##suffix, void *ring, void *req)			\
{											\
	return io_uring_complete_prog(ctx, req, binds, autobinds);			\
}											\
SEC("tp_btf/io_uring_submit_req")							\
int BPF_PROG(tp_io_uring_submit##suffix, struct io_kiocb___bs *req)			\
{											\
	io_uring_submit_prog(req, binds, autobinds);					\
	return 0;									\
}

IO_URING_PROGS(, true, false)
IO_URING_PROGS(_both, true, true)
IO_URING_PROGS(_autobind, false, true)

/* 6.0-6.2: the submission's tracepoint had its older name (kernel_facts.h). */
SEC("tp_btf/io_uring_submit_sqe")
int BPF_PROG(tp_io_uring_submit_sqe_autobind, struct io_kiocb___bs *req)
{
	io_uring_submit_prog(req, false, true);
	return 0;
}

/* The kernel's own sockets (kernel_bind()): a cgroup post_bind program at the root. */
#include "kernel_sockets.bpf.h"

#if defined(__TARGET_ARCH_x86)
/* x86-64: 32-bit programs' bind() and socketcall(SYS_BIND) (syscalls.bpf.h). */
/*
 * Out of line: the program runs on every syscall of every task, and its
 * common path (not a 32-bit bind's number) then needs no stack and saves
 * no registers; a call costs only the binds.
 */
static __noinline int compat_exit_bind(void *ctx, struct pt_regs *regs, long ret)
{
	void *uaddr;
	__u8 via;
	int fd;

	if (!compat_bind_args(regs, &fd, &uaddr, &via) || !task_traced())
		return 0;
	return emit_bind(ctx, sock_from_fd(fd, READ_CAST_OR_PROBE), uaddr, true, (int)ret,
			 READ_CAST_OR_PROBE, via);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_compat_exit_bind, struct pt_regs *regs, long ret)
{
	if (!compat_bind_number(regs->orig_ax))
		return 0;
	return compat_exit_bind(ctx, regs, ret);
}
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";
