// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --existing: the sockets that already hold a local port or address when
 * the trace starts, one struct existing_event each (existing.h), written to
 * the iterator's seq_file; user space reads it once (existing.c) and prints
 * each record with the same printer as a live bind.
 *
 * A separate object from bindsnoop.bpf.c: its programs run once, on the
 * reader's read(), not on a hook, and the backends' objects (their
 * instruction counts, bench/prog-insns.sh) stay as they are. Three programs:
 *   iter/task_file  every open file of every process (threads that share
 *                   their parent's fd table are skipped by the kernel), in
 *                   every network namespace: a socket held by several
 *                   processes (a parent and its children) is listed once
 *                   per process, as ss -p lists it
 *   iter/tcp, iter/udp  the sockets of bindsnoop's network namespace that
 *                   have no file: the kernel's own (VXLAN, FOU, RPC), pid 0
 * The socket's half of the event is filled by fill.bpf.h's helpers, the
 * backends' own (address, port, OPTS, IF and its name); the task's half
 * from the iterator's task, not the current one (which is bindsnoop).
 * Every read is a probe read (READ_PROBE): the listing runs once, so the
 * typed build's savings per bind do not matter here, and one build loads
 * on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "existing.h"

#define AF_INET		2
#define AF_INET6	10
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define IPPROTO_TCP_NUM		6
#define IPPROTO_MPTCP_NUM	262
#define TCP_TIME_WAIT_STATE	6
#define TCP_NEW_SYN_RECV_STATE	12
/* Levels of the cgroup tree a -c/--unit/--container check climbs: deeper than systemd's. */
#define CGROUP_DEPTH_MAX	32

/* What fill.bpf.h reads: the listing fills every field (it runs once). */
const volatile bool want_ts = true;
const volatile bool want_details = true;
const volatile bool want_cgroup = true;
const volatile bool want_ifname = true;

/*
 * The live trace's filters, applied here too (set by existing.c from the
 * same configuration). A socket no process holds passes no filter on the
 * task (-p, -u, cgroups, mount namespaces): it has no task.
 */
const volatile bool filter_task = false;
const volatile pid_t target_pid = 0;
const volatile bool filter_uid = false;
const volatile uid_t target_uid = 0;
const volatile bool filter_ports = false;
const volatile bool filter_cgroup_map = false;
const volatile bool filter_mntns_map = false;
/* -c, --unit, --container: the ids of their cgroup v2 directories (CGROUP_SLOT_*), 0 if unused */
const volatile __u64 cgroup_ancestor[CGROUP_SLOTS] = {};
const volatile __u8 port_bitmap[65536 / 8] = {};

/* Which way the task_file program found sockets (SOCK_LOOKUP_*), for -v. */
__u32 sock_lookup = SOCK_LOOKUP_NONE;

/*
 * --holders: set by user space before each look-up (holders.c), not at
 * load: one iterator run lists the sockets of this protocol and port in
 * this network namespace, whoever holds them (the filters above are the
 * live trace's, not the holders'); user space tells which addresses
 * overlap the failed bind's.
 */
bool match_on = false;
__u16 match_protocol = 0;
__u16 match_port = 0;
__u64 match_netns = 0;

/* bcc's --cgroupmap / --mntnsmap (pinned_maps.bpf.h). */
#include "pinned_maps.bpf.h"

#include "fill.bpf.h"

/*
 * The socket behind @file, or NULL. bpf_sock_from_file() (5.11+) checks
 * file->f_op against socket_file_ops itself. Before it (5.10), the file's
 * inode says it is a socket (S_IFSOCK), and the socket it points to must
 * point back at this file: an O_PATH file of a socket's path has the same
 * inode mode but no socket behind it.
 */
static __always_inline struct sock *sock_of_file(struct file *file)
{
	struct socket *sock;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_sock_from_file)) {
		sock_lookup = SOCK_LOOKUP_HELPER;
		sock = bpf_sock_from_file(file);
		return sock ? BPF_CORE_READ(sock, sk) : NULL;
	}
	sock_lookup = SOCK_LOOKUP_INODE;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

static __always_inline bool port_listed(__u16 port)
{
	if (!filter_ports)
		return true;
	return port_bitmap[port >> 3] & (1 << (port & 7));
}

/* Is @task's cgroup v2 @id or below it? (bpf_current_task_under_cgroup() for any task.) */
static __always_inline bool task_under_cgroup(struct task_struct *task, __u64 id)
{
	struct cgroup *cg = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	struct cgroup_subsys_state *parent;
	int i;

	for (i = 0; i < CGROUP_DEPTH_MAX && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == id)
			return true;
		/* cgroup.self is the cgroup's own css: its parent is the parent cgroup's self */
		parent = BPF_CORE_READ(cg, self.parent);
		if (!parent)
			break;
		cg = (struct cgroup *)((char *)parent - bpf_core_field_offset(struct cgroup, self));
	}
	return false;
}

/* The live trace's task filters, for the process the iterator is at. */
static __always_inline bool task_listed(struct task_struct *task, __u64 cgroup_id, __u64 mntns_id,
					__u32 uid)
{
	int slot;

	if (!filter_task)
		return true;
	if (target_pid && BPF_CORE_READ(task, tgid) != target_pid)
		return false;
	if (filter_uid && uid != target_uid)
		return false;
	if (filter_cgroup_map && !bpf_map_lookup_elem(&cgroup_set, &cgroup_id))
		return false;
	if (filter_mntns_map && !bpf_map_lookup_elem(&mntns_set, &mntns_id))
		return false;
	for (slot = 0; slot < CGROUP_SLOTS; slot++)
		if (cgroup_ancestor[slot] && !task_under_cgroup(task, cgroup_ancestor[slot]))
			return false;
	return true;
}

/*
 * The socket's half of the event, read as fill_event_from_sock() reads a
 * bound socket (its helpers, READ_PROBE). False when @sk is not an inet
 * socket holding a local port or address, or its port is not traced.
 */
static __always_inline bool fill_existing_sock(struct existing_event *x, struct sock *sk)
{
	struct bind_event *e = &x->e;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u64 addr_lo, addr_hi;

	if (family != AF_INET && family != AF_INET6)
		return false;
	read_bind_addr(e->addr, &e->port, sk, family, NULL, false, 0, false, false);
	__builtin_memcpy(&addr_lo, e->addr, 8);
	__builtin_memcpy(&addr_hi, e->addr + 8, 8);
	/* Holds nothing: never bound, nor connected (which binds a port). */
	if (!e->port && !addr_lo && !addr_hi)
		return false;
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->netns_id = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (match_on) {
		if (e->port != match_port || e->protocol != match_protocol || e->netns_id != match_netns)
			return false;
		/* Whether a v6 socket takes v4 binds too: user space compares the addresses. */
		if (family == AF_INET6 && BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_ipv6only))
			x->v6only = 1;
	} else if (!port_listed(*(volatile __u16 *)&e->port)) {
		return false;
	}
	e->family = family;
	e->ret = 0;
	e->via = BS_VIA_EXISTING;
	e->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->ifname[0] = '\0';
	if (e->bound_dev_if > 0)
		read_ifname(sk, e->bound_dev_if, e->ifname);
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	e->opts = inet_bind_opts(sk, READ_PROBE);
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse))
		e->opts |= BS_OPT_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport))
		e->opts |= BS_OPT_REUSEPORT;
	if (e->protocol == IPPROTO_TCP_NUM || e->protocol == IPPROTO_MPTCP_NUM)
		x->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->ts_ns = bpf_ktime_get_ns();
	return true;
}

SEC("iter/task_file")
int list_task_sockets(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct existing_event x = {};
	struct bind_event *e = &x.e;
	struct sock *sk;
	__u64 uid_gid;

	if (!task || !file)
		return 0;
	sk = sock_of_file(file);
	if (!sk || !fill_existing_sock(&x, sk))
		return 0;
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = e->pid;	/* the process that holds it, not one of its threads */
	uid_gid = (__u64)BPF_CORE_READ(task, cred, gid.val) << 32 | BPF_CORE_READ(task, cred, uid.val);
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	e->mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (!match_on && !task_listed(task, e->cgroup_id, e->mntns_id, e->uid))
		return 0;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
	bpf_seq_write(ctx->meta->seq, &x, sizeof(x));
	return 0;
}

/*
 * A socket with a struct socket but no file is one the kernel made for
 * itself (sock_create_kern()). One with no struct socket at all is a
 * connection still in a listener's accept queue: not held by anyone yet,
 * and its port is the listener's.
 */
static __always_inline void list_kernel_socket(struct seq_file *seq, struct sock *sk)
{
	struct existing_event x = {};
	struct socket *sock = BPF_CORE_READ(sk, sk_socket);

	if (!sock || BPF_CORE_READ(sock, file))
		return;
	/* An MPTCP socket's TCP subflows are the kernel's too: the MPTCP socket is listed. */
	if (bpf_core_field_exists(((struct tcp_sock *)0)->is_mptcp) &&
	    BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP_NUM &&
	    BPF_CORE_READ_BITFIELD_PROBED((struct tcp_sock *)sk, is_mptcp))
		return;
	if ((filter_task && !match_on) || !fill_existing_sock(&x, sk))
		return;
	x.kernel = 1;
	__builtin_memcpy(x.e.comm, EXISTING_KERNEL_COMM, sizeof(EXISTING_KERNEL_COMM));
	bpf_seq_write(seq, &x, sizeof(x));
}

SEC("iter/tcp")
int list_kernel_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	__u8 state;

	if (!skc)
		return 0;
	/* Time-wait and request sockets are only a sock_common: no struct sock behind them. */
	state = BPF_CORE_READ(skc, skc_state);
	if (state == TCP_TIME_WAIT_STATE || state == TCP_NEW_SYN_RECV_STATE)
		return 0;
	list_kernel_socket(ctx->meta->seq, (struct sock *)skc);
	return 0;
}

SEC("iter/udp")
int list_kernel_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;

	if (!udp)
		return 0;
	list_kernel_socket(ctx->meta->seq, (struct sock *)udp);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
