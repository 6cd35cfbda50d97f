/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The event: one struct bind_event (bindsnoop.h) filled from the socket a
 * backend found, the calling task and the bind's result, the same for
 * every backend. Included by bindsnoop.bpf.c after its rodata.
 */
#ifndef FILL_BPF_H
#define FILL_BPF_H

#include "core_fixes.bpf.h"
#include "task.bpf.h"

/*
 * The name of device @ifindex in @sk's own network namespace, as it is now
 * (at bind time): the namespace's ifindex hash chain, as dev_get_by_index()
 * walks it. A rename or removal later does not change what was reported,
 * and another namespace's index is never looked up in ours.
 */
#define NETDEV_HASHENTRIES	256	/* 1 << NETDEV_HASHBITS, unchanged since 2.6 */
#define IFNAME_CHAIN_MAX	8	/* devices whose index shares the bucket: few */

static __always_inline void read_ifname(struct sock *sk, int ifindex, char name[IFNAMSIZ_BS])
{
	struct hlist_head *heads = BPF_CORE_READ(sk, __sk_common.skc_net.net, dev_index_head);
	struct hlist_node *node = NULL;
	int i;

	if (!heads)
		return;
	bpf_core_read(&node, sizeof(node), &heads[ifindex & (NETDEV_HASHENTRIES - 1)].first);
	for (i = 0; i < IFNAME_CHAIN_MAX && node; i++) {
		struct net_device *dev = (void *)((char *)node -
						  bpf_core_field_offset(struct net_device, index_hlist));

		if (BPF_CORE_READ(dev, ifindex) == ifindex) {
			bpf_core_read_str(name, IFNAMSIZ_BS, &dev->name);
			return;
		}
		node = BPF_CORE_READ(node, next);
	}
}

/*
 * The address and port of a bind of @sk (of @family): what the socket holds
 * once bound; for a failed bind (the socket still holds zeros) what was
 * asked for at @uaddr (a kernel copy for kprobe/fexit, the caller's own
 * memory for tracepoints). @asked (a constant: SCTP's bindx, bindx.bpf.h):
 * the address asked for whatever the result, since one socket takes
 * several, and the port the socket's once bound. @loads: MODE_LOADS() of
 * the caller's read mode (a bool, not the mode: clang lays out the v4/v6
 * branches of the probing build differently for an enum, one instruction
 * more on one of them).
 */
static __always_inline void read_bind_addr(__u8 addr[16], __u16 *port, struct sock *sk,
					   __u16 family, const void *uaddr, bool user_uaddr,
					   int ret, bool loads, bool asked)
{
	__builtin_memset(addr, 0, 16);
	if (ret == 0 && !asked) {
		/*
		 * inet_num, the bound port in host order: inet_sport is its
		 * network-order copy, set beside it by every bind (and by
		 * socket() for raw sockets), but lives past struct sock.
		 */
		*port = KLOAD(loads, sk, __sk_common.skc_num);
		if (family == AF_INET) {
			__be32 saddr = KLOAD(loads, sk, __sk_common.skc_rcv_saddr);

			__builtin_memcpy(addr, &saddr, sizeof(saddr));
		} else if (loads) {
			__builtin_memcpy(addr, &sk->__sk_common.skc_v6_rcv_saddr, 16);
		} else {
			bpf_core_read(addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		}
		return;
	}

	/* Failed: what was asked for. */
	if (family == AF_INET) {
		struct sockaddr_in sin = {};

		if (user_uaddr)
			bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		else
			bpf_probe_read_kernel(&sin, sizeof(sin), uaddr);
		*port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(addr, &sin.sin_addr, 4);
	} else {
		struct sockaddr_in6 sin6 = {};

		if (user_uaddr)
			bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		else
			bpf_probe_read_kernel(&sin6, sizeof(sin6), uaddr);
		*port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(addr, &sin6.sin6_addr, 16);
	}
	if (asked && ret == 0)
		*port = KLOAD(loads, sk, __sk_common.skc_num);
}

/* Fill @e from @sk (of @family, read by the caller, as @mode says) and read_bind_addr(). */
static __always_inline void fill_event_from_sock(struct bind_event *e, struct sock *sk,
						 __u16 family, const void *uaddr, bool user_uaddr,
						 int ret, enum read_mode mode, bool asked)
{
	struct task_struct *task = want_details ? (void *)bpf_get_current_task() : NULL;
	struct task_struct *cur = current_task_btf();
	__u64 pid_tgid = current_pid_tgid(cur);
	__u64 uid_gid = current_uid_gid(cur);

	e->ts_ns = want_ts ? bpf_ktime_get_ns() : 0;
	e->cgroup_id = want_cgroup ? bpf_get_current_cgroup_id() : 0;
	if (want_details) {
		struct net *net = KREAD(mode, sk, __sk_common.skc_net.net);

		e->netns_id = KREAD(mode, net, ns.inum);
		e->mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
		e->ppid = BPF_CORE_READ(task, real_parent, tgid);
		BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
	} else {
		e->netns_id = 0;
		e->mntns_id = 0;
		e->ppid = 0;
		e->pcomm[0] = '\0';
	}
	e->family = family;
	e->ret = ret;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->bound_dev_if = KREAD(mode, sk, __sk_common.skc_bound_dev_if);
	e->ifname[0] = '\0';
	if (want_ifname && e->bound_dev_if > 0)
		read_ifname(sk, e->bound_dev_if, e->ifname);
	e->protocol = KREAD(mode, sk, sk_protocol);
	e->sock_type = KREAD(mode, sk, sk_type);
	read_current_comm(cur, e->comm);

	e->opts = inet_bind_opts(sk, mode);
	if (KREAD_BITFIELD(mode, sk, __sk_common.skc_reuse))
		e->opts |= BS_OPT_REUSEADDR;
	if (KREAD_BITFIELD(mode, sk, __sk_common.skc_reuseport))
		e->opts |= BS_OPT_REUSEPORT;
	read_bind_addr(e->addr, &e->port, sk, family, uaddr, user_uaddr, ret, MODE_LOADS(mode),
		       asked);
}

#endif /* FILL_BPF_H */
