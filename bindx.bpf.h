/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * SCTP's sctp_bindx(): setsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD,
 * addrs, size) binds every address of a packed array of sockaddr_in and
 * sockaddr_in6, each with sctp_do_bind(), and no bind hook sees it. The
 * SCTP functions are static and live in a module that may load after
 * bindsnoop starts, so the backends hook the way in that is always there:
 * fexit and kprobe the kernel's __sys_setsockopt() (every setsockopt(2),
 * socketcall's too), the tracepoint backend the
 * setsockopt syscall's tracepoints (and on s390x socketcall's). Each
 * reports every address of the array, with the port the socket has at
 * the call's return (the kernel's pick for port 0) or, for a failed call,
 * the one asked for: one event per address (BS_VIA_BINDX).
 *
 * The programs run on every setsockopt: the entry returns after two
 * compares unless the call is a bindx, and the exit (kretprobe,
 * tracepoint) after one load unless some thread's bindx is in flight
 * (bindx_pending); the rest is out of line.
 * Included by bindsnoop.bpf.c after emit.bpf.h and syscalls.bpf.h.
 */
#ifndef BINDX_BPF_H
#define BINDX_BPF_H

#include "emit.bpf.h"
#include "syscalls.bpf.h"

#define SOL_SCTP		132	/* uAPI, linux/sctp.h's level (IPPROTO_SCTP) */
#define SCTP_SOCKOPT_BINDX_ADD	100
/*
 * Addresses of one call reported (callers pass a handful; the man page
 * says so): each is one more walk of emit_bind_as() for the verifier.
 */
#define BINDX_MAX_ADDRS		8
#define SOCKADDR_IN_LEN		16
#define SOCKADDR_IN6_LEN	28

/* A bindx call in flight: noted at entry, for its thread's exit. */
struct bindx_call {
	__u64 addrs;		/* the caller's array */
	__u32 size;		/* its bytes */
	__s32 fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISTEN_MAP_ENTRIES);
	__type(key, __u64);	/* tid */
	__type(value, struct bindx_call);
} bindx_calls SEC(".maps");

/*
 * Entries of bindx_calls, so that the exit of every other setsockopt
 * returns after one load. A thread's own entry is counted before its exit
 * runs; another thread's can only make an exit look (and find nothing).
 */
__u32 bindx_pending = 0;

/*
 * At entry, for a bindx call: note it for the thread's exit. Out of line,
 * as the rest below: the programs run on every setsockopt, and their
 * common path then needs no stack and saves no registers.
 */
static __noinline int bindx_note(int fd, __u64 addrs, __u64 size)
{
	__u64 key = (__u32)bpf_get_current_pid_tgid();
	struct bindx_call call = { .addrs = addrs, .size = (__u32)size, .fd = fd };

	if (!task_traced())
		return 0;
	if (!bpf_map_update_elem(&bindx_calls, &key, &call, BPF_NOEXIST)) {
		__sync_fetch_and_add(&bindx_pending, 1);
		return 0;
	}
	/* The thread's stale entry (bindsnoop attached mid-call) is replaced, not counted twice. */
	if (bpf_map_update_elem(&bindx_calls, &key, &call, BPF_EXIST))
		stat_inc(BS_STAT_ENTRY_FULL);
	return 0;
}

/*
 * The family of the address at @at (user memory, @room bytes left of the
 * array) and its length, or 0 where the array ends or holds something
 * else (the kernel refuses such a call: EINVAL).
 */
static __always_inline __u32 bindx_addr_len(const void *at, __u32 room, __u16 *family)
{
	*family = 0;
	if (bpf_probe_read_user(family, sizeof(*family), at))
		return 0;
	if (*family == AF_INET && room >= SOCKADDR_IN_LEN)
		return SOCKADDR_IN_LEN;
	if (*family == AF_INET6 && room >= SOCKADDR_IN6_LEN)
		return SOCKADDR_IN6_LEN;
	return 0;
}

/*
 * One address's event, out of line: the loop below would otherwise hold
 * BINDX_MAX_ADDRS copies of emit_bind_as(). The family is read here again,
 * not handed in: a known family at each call would make the verifier walk
 * every mix of IPv4 and IPv6 addresses the array could hold (seconds at
 * start-up), an unknown one each call once.
 */
static __noinline int bindx_emit_one(void *ctx, struct sock *sk, __u64 at, int ret)
{
	__u16 family = 0;

	bpf_probe_read_user(&family, sizeof(family), (const void *)at);
	if (family == AF_INET)
		emit_bind_as(ctx, sk, (const void *)at, true, ret, READ_CAST_OR_PROBE, BS_VIA_BINDX,
			     AF_INET);
	else if (family == AF_INET6)
		emit_bind_as(ctx, sk, (const void *)at, true, ret, READ_CAST_OR_PROBE, BS_VIA_BINDX,
			     AF_INET6);
	return 0;
}

/*
 * Each address of a bindx call on @fd (@size bytes at @addrs), from the
 * socket as it is now (the port it has, its options and device), with
 * the call's result for every address: a failed bindx adds none of them
 * (the kernel removes those it had added).
 */
static __noinline int bindx_report(void *ctx, int fd, __u64 addrs, __u32 size, int ret)
{
	struct sock *sk = sock_from_fd(fd, READ_CAST_OR_PROBE);
	__u32 off = 0, len;
	__u16 family;
	int i;

	if (!sk)
		return 0;
	for (i = 0; i < BINDX_MAX_ADDRS && off < size; i++) {
		len = bindx_addr_len((const void *)(addrs + off), size - off, &family);
		if (!len)
			break;
		bindx_emit_one(ctx, sk, addrs + off, ret);
		/*
		 * The next offset through a copy the verifier cannot follow: known,
		 * each mix of 16- and 28-byte addresses so far would be a state of
		 * its own to walk (quadratic in BINDX_MAX_ADDRS: seconds at load).
		 */
		len += off;
		bpf_probe_read_kernel(&off, sizeof(off), &len);
	}
	/* Addresses past the BINDX_MAX_ADDRS reported: counted, never dropped unsaid. */
	if (i == BINDX_MAX_ADDRS && off < size)
		stat_inc(BS_STAT_BINDX_CUT);
	return 0;
}

/* fexit's, with the call's arguments and result at hand: for a traced task. */
static __noinline int bindx_report_traced(void *ctx, int fd, __u64 addrs, __u32 size, int ret)
{
	if (!task_traced())
		return 0;
	return bindx_report(ctx, fd, addrs, size, ret);
}

/* At exit, the thread's noted call (bindx_note()), if there is one: report it. */
static __noinline int bindx_take(void *ctx, int ret)
{
	__u64 key = (__u32)bpf_get_current_pid_tgid();
	struct bindx_call *noted, call;

	noted = bpf_map_lookup_elem(&bindx_calls, &key);
	if (!noted)
		return 0;
	call = *noted;
	bpf_map_delete_elem(&bindx_calls, &key);
	__sync_fetch_and_add(&bindx_pending, -1);
	return bindx_report(ctx, call.fd, call.addrs, call.size, ret);
}

/* Every exit: one load unless some thread's bindx is in flight. */
static __always_inline int bindx_exit(void *ctx, int ret)
{
	if (!*(volatile __u32 *)&bindx_pending)
		return 0;
	return bindx_take(ctx, ret);
}

#if defined(__TARGET_ARCH_s390)
/*
 * s390x's glibc makes setsockopt() socketcall(SYS_SETSOCKOPT, args), as it
 * does bind(): args points at the user's unsigned long fd, level, optname,
 * optval, optlen.
 */
static __always_inline void bindx_socketcall_enter(long call, const void *args)
{
	unsigned long a[5];

	if (call != SOCKETCALL_SETSOCKOPT || bpf_probe_read_user(a, sizeof(a), args))
		return;
	if ((int)a[1] != SOL_SCTP || (int)a[2] != SCTP_SOCKOPT_BINDX_ADD)
		return;
	bindx_note((int)a[0], a[3], a[4]);
}
#endif

#endif /* BINDX_BPF_H */
