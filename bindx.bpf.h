/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * SCTP's sctp_bindx(): setsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD,
 * addrs, size) binds every address of a packed array of sockaddr_in and
 * sockaddr_in6, each with sctp_do_bind(), and no bind hook sees it. The
 * kernel's functions are static and live in a module that may load after
 * bindsnoop starts, so every backend takes it from the setsockopt syscall's
 * tracepoints: the entry notes a bindx call (the thread's fd and array),
 * the exit reports each address of the array, with the port the socket has
 * then (the kernel's pick for port 0) or, for a failed call, the one asked
 * for. One event per address (BS_VIA_BINDX).
 *
 * Both programs run on every setsockopt of every task: the entry returns
 * after two compares unless the call is a bindx, and the exit after one
 * load unless some thread's bindx is in flight (bindx_pending).
 * Included by bindsnoop.bpf.c after emit.bpf.h and syscalls.bpf.h.
 */
#ifndef BINDX_BPF_H
#define BINDX_BPF_H

#include "emit.bpf.h"
#include "syscalls.bpf.h"

#define SOL_SCTP		132	/* uAPI, linux/sctp.h's level (IPPROTO_SCTP) */
#define SCTP_SOCKOPT_BINDX_ADD	100
#define SOCKETCALL_SETSOCKOPT	14	/* socketcall()'s call number for setsockopt */
/* Addresses of one call reported (callers pass a handful); the man page says so. */
#define BINDX_MAX_ADDRS		16
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

static __always_inline void bindx_enter(int fd, __u64 addrs, __u64 size)
{
	__u64 key = (__u32)bpf_get_current_pid_tgid();
	struct bindx_call call = { .addrs = addrs, .size = (__u32)size, .fd = fd };

	if (!task_traced())
		return;
	if (!bpf_map_update_elem(&bindx_calls, &key, &call, BPF_NOEXIST)) {
		__sync_fetch_and_add(&bindx_pending, 1);
		return;
	}
	/* The thread's stale entry (bindsnoop attached mid-call) is replaced, not counted twice. */
	if (bpf_map_update_elem(&bindx_calls, &key, &call, BPF_EXIST))
		stat_inc(BS_STAT_ENTRY_FULL);
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
 * BINDX_MAX_ADDRS copies of emit_bind_as() for the verifier to walk.
 */
static __noinline int bindx_emit_one(void *ctx, struct sock *sk, __u64 at, int ret, __u16 family)
{
	emit_bind_as(ctx, sk, (const void *)at, true, ret, READ_CAST_OR_PROBE, BS_VIA_BINDX, family);
	return 0;
}

/*
 * At exit: each address of the noted call, from the socket as it is now
 * (the port it has, its options and device), with the call's result for
 * every address: a failed bindx adds none of them (the kernel removes
 * those it had added).
 */
static __always_inline int bindx_exit(void *ctx, int ret)
{
	struct bindx_call *noted, call;
	struct sock *sk;
	__u32 off = 0, len;
	__u16 family;
	__u64 key;
	int i;

	if (!*(volatile __u32 *)&bindx_pending)
		return 0;
	/* Here, not above: the helper call would come before the test. */
	key = (__u32)bpf_get_current_pid_tgid();
	noted = bpf_map_lookup_elem(&bindx_calls, &key);
	if (!noted)
		return 0;
	call = *noted;
	bpf_map_delete_elem(&bindx_calls, &key);
	__sync_fetch_and_add(&bindx_pending, -1);
	sk = sock_from_fd(call.fd, READ_CAST_OR_PROBE);
	if (!sk)
		return 0;
	for (i = 0; i < BINDX_MAX_ADDRS && off < call.size; i++) {
		len = bindx_addr_len((const void *)(call.addrs + off), call.size - off, &family);
		if (!len)
			break;
		bindx_emit_one(ctx, sk, call.addrs + off, ret, family);
		off += len;
	}
	return 0;
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
	bindx_enter((int)a[0], a[3], a[4]);
}
#endif

#endif /* BINDX_BPF_H */
