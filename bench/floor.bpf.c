// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The benchmark's floor: programs that do nothing, on exactly the hooks each
 * of bindsnoop's backends uses (bindsnoop.bpf.c). What a bind costs with
 * these attached is the price of the hook itself; bindsnoop's own work is
 * the rest. bench/floor.c picks the set for a backend.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fexit/inet_bind")
int BPF_PROG(floor_fexit_inet_bind)
{
	return 0;
}

SEC("fexit/inet6_bind")
int BPF_PROG(floor_fexit_inet6_bind)
{
	return 0;
}

SEC("kprobe/inet_bind")
int floor_kprobe_inet_bind(void *ctx)
{
	return 0;
}

SEC("kretprobe/inet_bind")
int floor_kretprobe_inet_bind(void *ctx)
{
	return 0;
}

SEC("kprobe/inet6_bind")
int floor_kprobe_inet6_bind(void *ctx)
{
	return 0;
}

SEC("kretprobe/inet6_bind")
int floor_kretprobe_inet6_bind(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int floor_tp_enter_bind(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int floor_tp_exit_bind(void *ctx)
{
	return 0;
}

/* listen() without a port: the three backends' hooks (not on any loop's path). */
SEC("fentry/inet_listen")
int BPF_PROG(floor_fentry_inet_listen)
{
	return 0;
}

SEC("fexit/inet_listen")
int BPF_PROG(floor_fexit_inet_listen)
{
	return 0;
}

SEC("kprobe/inet_listen")
int floor_kprobe_inet_listen(void *ctx)
{
	return 0;
}

SEC("kretprobe/inet_listen")
int floor_kretprobe_inet_listen(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_listen")
int floor_tp_enter_listen(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_listen")
int floor_tp_exit_listen(void *ctx)
{
	return 0;
}

/* io_uring (6.11+): the tracepoint backend's programs run on every request. */
SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(floor_tp_io_uring_submit)
{
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(floor_tp_io_uring_complete)
{
	return 0;
}

/*
 * The kernel's own sockets (the tracepoint backend): cgroup post_bind4/6 at
 * the cgroup2 root, run after every successful inet bind of the host. 1: a
 * post_bind program that returned 0 would fail the bind.
 */
SEC("cgroup/post_bind4")
int floor_cg_post_bind4(struct bpf_sock *ctx)
{
	return 1;
}

SEC("cgroup/post_bind6")
int floor_cg_post_bind6(struct bpf_sock *ctx)
{
	return 1;
}

/*
 * --autobind: connect() and the sends, at entry and exit, on every backend
 * (bindsnoop.bpf.c's AUTOBIND_PROGS); they run on every such call of every task.
 */
#define FLOOR_AUTOBIND_PROGS(call)							\
SEC("tracepoint/syscalls/sys_enter_" #call)						\
int floor_tp_enter_##call(void *ctx)							\
{											\
	return 0;									\
}											\
SEC("tracepoint/syscalls/sys_exit_" #call)						\
int floor_tp_exit_##call(void *ctx)							\
{											\
	return 0;									\
}

FLOOR_AUTOBIND_PROGS(connect)
FLOOR_AUTOBIND_PROGS(sendto)
FLOOR_AUTOBIND_PROGS(sendmsg)
FLOOR_AUTOBIND_PROGS(sendmmsg)

/*
 * SCTP's bindx, where SCTP can take a port: on every setsockopt, fexit and
 * kprobe on __sys_setsockopt(), the tracepoint backend on the syscall.
 */
SEC("fexit/__sys_setsockopt")
int BPF_PROG(floor_fexit_sys_setsockopt)
{
	return 0;
}

SEC("kprobe/__sys_setsockopt")
int floor_kprobe_sys_setsockopt(void *ctx)
{
	return 0;
}

SEC("kretprobe/__sys_setsockopt")
int floor_kretprobe_sys_setsockopt(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_setsockopt")
int floor_tp_enter_setsockopt(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setsockopt")
int floor_tp_exit_setsockopt(void *ctx)
{
	return 0;
}

#if defined(__TARGET_ARCH_x86)
/* bindsnoop's 32-bit bind program runs on every syscall's exit: so does this one. */
SEC("tp_btf/sys_exit")
int BPF_PROG(floor_tp_compat_exit)
{
	return 0;
}
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";
