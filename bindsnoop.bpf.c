// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindsnoop's kernel side. The data path, top to bottom:
 *   filters -> fill_event_from_sock() -> emit (ring/perf buffer or --count)
 * and then the three backends, which differ only in how they find the
 * socket, the requested address and the return value:
 *   fexit   inet_bind/inet6_bind/mptcp_bind       (one program per hook)
 *   kprobe  the same functions, entry + return     (tid-keyed entry map)
 *   tp      syscalls:sys_{enter,exit}_bind         (fd -> file -> socket)
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
#define S_IFMT		00170000
#define S_IFSOCK	0140000

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
const volatile bool count_mode = false;
const volatile bool use_ringbuf = true;
/* What the output shows: each read costs on every bind, so only those needed. */
const volatile bool want_ts = true;		/* -t, JSON */
const volatile bool want_details = true;	/* JSON: ids, ppid and its comm, gid, tid, netns */
const volatile bool want_cgroup = true;		/* JSON, --owner: the cgroup id */
const volatile bool want_ifname = true;		/* -w, JSON: the bound device's name */
/* Wake the reader only once this much is waiting (see bindsnoop.c). */
const volatile __u64 wakeup_bytes = 0;
/* --count with -i: the programs count into the table that "counts" holds, else into counts_a. */
const volatile bool count_swaps = false;
/* --count in the typed build: a table's slots less one (a power of two), 64 less their log2. */
const volatile __u32 count_slot_mask = 0;
const volatile __u32 count_hash_shift = 63;
/* One bit per port, set for the ports of -P. */
const volatile __u8 port_bitmap[65536 / 8] = {};

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
	__u32 pad;
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

/* bcc's --cgroupmap / --mntnsmap: user space reuses a pinned map here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} cgroup_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} mntns_set SEC(".maps");

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

/*
 * The current task's comm and ids with plain loads from its BTF-typed
 * task_struct where the kernel has bpf_get_current_task_btf() (5.11+):
 * bpf_get_current_comm() and bpf_get_current_uid_gid() cost a helper call
 * and a string copy or two id mappings each (~180 and ~100 instructions a
 * bind, measured under qemu -icount on 6.12). libbpf makes the check a
 * constant, so 5.10's verifier sees only the helpers.
 */
#define HAVE_TASK_BTF bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)

/* The current task, BTF-typed, where the kernel has that (else NULL: the helpers are used). */
static __always_inline struct task_struct *current_task_btf(void)
{
	return HAVE_TASK_BTF ? bpf_get_current_task_btf() : NULL;
}

/* @cur: current_task_btf()'s, fetched once by the caller. */
static __always_inline void read_current_comm(struct task_struct *cur, char comm[TASK_COMM_LEN])
{
	if (HAVE_TASK_BTF) {
		/*
		 * Two 8-byte loads, as bpf_get_current_comm() copies without a
		 * lock too; the kernel keeps comm NUL-terminated, and byte 15 is
		 * zeroed as the helper does, should a kernel's comm grow.
		 */
		const __u64 *src = (const __u64 *)cur->comm;
		__u64 lo = src[0], hi = src[1];

		__builtin_memcpy(comm, &lo, sizeof(lo));
		__builtin_memcpy(comm + 8, &hi, sizeof(hi));
		comm[TASK_COMM_LEN - 1] = '\0';
	} else {
		bpf_get_current_comm(comm, TASK_COMM_LEN);
	}
}

/*
 * (gid << 32 | uid) of the current task's credentials, as
 * bpf_get_current_uid_gid() gives them: ids in the initial user namespace,
 * where the kernel's kuid_t value is the id itself.
 */
static __always_inline __u64 current_uid_gid(struct task_struct *cur)
{
	if (HAVE_TASK_BTF) {
		const struct cred *cred = cur->cred;

		return (__u64)cred->gid.val << 32 | cred->uid.val;
	}
	return bpf_get_current_uid_gid();
}

/* (tgid << 32 | pid), as bpf_get_current_pid_tgid() gives them (the initial namespace's ids). */
static __always_inline __u64 current_pid_tgid(struct task_struct *cur)
{
	if (HAVE_TASK_BTF)
		return (__u64)cur->tgid << 32 | (__u32)cur->pid;
	return bpf_get_current_pid_tgid();
}

static __always_inline __u64 current_mntns_id(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

/* The filters that depend only on the calling task: checked at entry. */
static __always_inline bool task_traced(void)
{
	/*
	 * The verifier drops a branch on a constant, but not the load of a
	 * const volatile before it: one load when nothing filters, not seven.
	 */
	if (!filter_task)
		return true;
	/* The helper only when -p asks: the verifier drops the branch, not a call before it. */
	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return false;
	if (filter_uid && (__u32)current_uid_gid(current_task_btf()) != target_uid)
		return false;
	if (filter_cgroup_map) {
		__u64 cgid = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_set, &cgid))
			return false;
	}
	if (filter_mntns_map) {
		__u64 mntns = current_mntns_id();

		if (!bpf_map_lookup_elem(&mntns_set, &mntns))
			return false;
	}
	if (filter_cgroup_dir && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_DIR))
		return false;
	if (filter_unit && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_UNIT))
		return false;
	if (filter_container && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_CONTAINER))
		return false;
	return true;
}

static __always_inline bool port_traced(__u16 port)
{
	if (!filter_ports)
		return true;
	return port_bitmap[port >> 3] & (1 << (port & 7));
}

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
 * memory for tracepoints).
 */
static __always_inline void read_bind_addr(__u8 addr[16], __u16 *port, struct sock *sk,
					   __u16 family, const void *uaddr, bool user_uaddr,
					   int ret, bool btf)
{
	__builtin_memset(addr, 0, 16);
	if (ret == 0) {
		/*
		 * inet_num, the bound port in host order: inet_sport is its
		 * network-order copy, set beside it by every bind (and by
		 * socket() for raw sockets), but lives past struct sock.
		 */
		*port = KREAD(btf, sk, __sk_common.skc_num);
		if (family == AF_INET) {
			__be32 saddr = KREAD(btf, sk, __sk_common.skc_rcv_saddr);

			__builtin_memcpy(addr, &saddr, sizeof(saddr));
		} else if (btf) {
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
}

/*
 * Fill @e from @sk (of @family, read by the caller) and read_bind_addr().
 * @btf: see KREAD; @cast: bpf_rdonly_cast() may be called (core_fixes.bpf.h).
 */
static __always_inline void fill_event_from_sock(struct bind_event *e, struct sock *sk,
						 __u16 family, const void *uaddr, bool user_uaddr,
						 int ret, bool btf, bool cast)
{
	struct task_struct *task = want_details ? (void *)bpf_get_current_task() : NULL;
	struct task_struct *cur = current_task_btf();
	__u64 pid_tgid = current_pid_tgid(cur);
	__u64 uid_gid = current_uid_gid(cur);

	e->ts_ns = want_ts ? bpf_ktime_get_ns() : 0;
	e->cgroup_id = want_cgroup ? bpf_get_current_cgroup_id() : 0;
	if (want_details) {
		struct net *net = KREAD(btf, sk, __sk_common.skc_net.net);

		e->netns_id = KREAD(btf, net, ns.inum);
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
	e->bound_dev_if = KREAD(btf, sk, __sk_common.skc_bound_dev_if);
	e->ifname[0] = '\0';
	if (want_ifname && e->bound_dev_if > 0)
		read_ifname(sk, e->bound_dev_if, e->ifname);
	e->protocol = KREAD(btf, sk, sk_protocol);
	e->sock_type = KREAD(btf, sk, sk_type);
	read_current_comm(cur, e->comm);

	e->opts = inet_bind_opts(sk, cast);
	if (KREAD_BITFIELD(btf, sk, __sk_common.skc_reuse))
		e->opts |= BS_OPT_REUSEADDR;
	if (KREAD_BITFIELD(btf, sk, __sk_common.skc_reuseport))
		e->opts |= BS_OPT_REUSEPORT;
	read_bind_addr(e->addr, &e->port, sk, family, uaddr, user_uaddr, ret, btf);
}

#ifdef BINDSNOOP_TYPED_READS
/* Fibonacci hashing's multiplier, 2^64 over the golden ratio. */
#define COUNT_HASH_MUL	0x9e3779b97f4a7c15ULL

/*
 * One more bind of a key (@a0, @a1: the address's bytes as in a slot;
 * @famport: the slot's family and port) in @table's slots: the first slot that
 * holds the key, or the first empty one, claimed with compare-and-swap.
 * A slot being written (BUSY) is passed by, so the same key can end up in
 * two slots; count.c adds them up. A stale read of a slot can only see it
 * emptier than it is (a zero key never matches: family is never 0), so it
 * can only cause such a duplicate, never a wrong count.
 */
static __always_inline void count_into(void *table, __u64 a0, __u64 a1, __u32 famport)
{
	/*
	 * One multiply: for IPv4 (a1 is 0) the product's operand is unique per
	 * address and port; its top bits (count_hash_shift: 64 less the
	 * table's log2) depend on every bit of it.
	 */
	__u32 first = ((a0 ^ a1 ^ (__u64)famport << 32) * COUNT_HASH_MUL) >> count_hash_shift, i;

	for (i = 0; i < COUNT_PROBES; i++) {
		__u32 at = (first + i) & count_slot_mask;
		struct count_slot *s = bpf_map_lookup_elem(table, &at);
		__u32 state;

		if (!s)
			break;
		state = *(volatile __u32 *)&s->state;
		if (state == COUNT_SLOT_EMPTY) {
			state = __sync_val_compare_and_swap(&s->state, COUNT_SLOT_EMPTY,
							    COUNT_SLOT_BUSY);
			if (state == COUNT_SLOT_EMPTY) {
				s->addr[0] = a0;
				s->addr[1] = a1;
				*(__u32 *)&s->family = famport;
				s->binds = 1;
				/* also the barrier: the key is visible before READY is */
				__sync_val_compare_and_swap(&s->state, COUNT_SLOT_BUSY,
							    COUNT_SLOT_READY);
				return;
			}
		}
		if (state == COUNT_SLOT_READY && s->addr[0] == a0 && s->addr[1] == a1 &&
		    *(__u32 *)&s->family == famport) {
			__sync_fetch_and_add(&s->binds, 1);
			return;
		}
	}
	stat_inc(BS_STAT_COUNT_FULL);
}
#else
/* The probing build (any kernel): a preallocated hash map. */
static __always_inline void count_into(void *table, __u64 a0, __u64 a1, __u32 famport)
{
	struct count_key key = {};
	__u64 one = 1, *val;

	__builtin_memcpy(key.addr, &a0, sizeof(a0));
	__builtin_memcpy(key.addr + 8, &a1, sizeof(a1));
	__builtin_memcpy(&key.family, &famport, sizeof(famport));	/* family, port */
	val = bpf_map_lookup_elem(table, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return;
	}
	/* BPF_NOEXIST: if another CPU inserted it meanwhile, add to theirs. */
	if (bpf_map_update_elem(table, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(table, &key);
		if (val)
			__sync_fetch_and_add(val, 1);
		else
			stat_inc(BS_STAT_COUNT_FULL);
	}
}
#endif

/*
 * A slot's family and port as one u32, and an IPv4 address as its first
 * eight bytes: the same bytes in memory on either byte order.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define COUNT_FAMPORT(family, port)	((__u32)(family) | (__u32)(port) << 16)
#define COUNT_ADDR4_WORD(saddr)		((__u64)(__u32)(saddr))
#else
#define COUNT_FAMPORT(family, port)	((__u32)(family) << 16 | (__u32)(port))
#define COUNT_ADDR4_WORD(saddr)		((__u64)(__u32)(saddr) << 32)
#endif

/* --count: the bind's address and port, counted in the live table; no event. */
static __always_inline void count_bind(struct sock *sk, __u16 family, const void *uaddr,
				       bool user_uaddr, int ret, bool btf)
{
	__u32 zero = 0, famport;
	__u64 a0, a1;
	__u16 port;
	void *table;

	if (ret == 0 && family == AF_INET) {
		/* The common case in registers: read_bind_addr()'s reads, without the copy. */
		port = KREAD(btf, sk, __sk_common.skc_num);
		a0 = COUNT_ADDR4_WORD(KREAD(btf, sk, __sk_common.skc_rcv_saddr));
		a1 = 0;
	} else {
		struct count_slot want = {};

		read_bind_addr((__u8 *)want.addr, &want.port, sk, family, uaddr, user_uaddr, ret,
			       btf);
		port = *(volatile __u16 *)&want.port;	/* see emit_bind() */
		a0 = want.addr[0];
		a1 = want.addr[1];
	}
	if (!port_traced(port))
		return;
	famport = COUNT_FAMPORT(family, port);
	/* Without -i there is one table, and no look-up of which one it is. */
	if (!count_swaps) {
		count_into(&counts_a, a0, a1, famport);
		return;
	}
	table = bpf_map_lookup_elem(&counts, &zero);
	if (!table) {
		stat_inc(BS_STAT_COUNT_FULL);	/* cannot happen: --count fills the slot before attaching */
		return;
	}
	count_into(table, a0, a1, famport);
}

/*
 * Common return path of every backend: apply the per-bind filters, then
 * hand one event to the buffer or to the --count table.
 */
static __always_inline int emit_bind(void *ctx, struct sock *sk, const void *uaddr,
				     bool user_uaddr, int ret, bool btf, bool cast)
{
	struct bind_event *e;
	__u16 family;
	__u32 zero = 0;

	if (!sk)
		return 0;
	family = KREAD(btf, sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (ret && !trace_errors)
		return 0;
	/*
	 * -P before the reservation and the fill where the port is one load (a
	 * bound socket's), so a bind of another port costs little; a failed
	 * bind's port (the caller's sockaddr) is checked once it is read.
	 */
	if (filter_ports && ret == 0 && !port_traced(KREAD(btf, sk, __sk_common.skc_num)))
		return 0;

	if (count_mode) {
		count_bind(sk, family, uaddr, user_uaddr, ret, btf);
		return 0;
	}
	if (!use_ringbuf) {
		e = bpf_map_lookup_elem(&perf_heap, &zero);
		if (!e)
			return 0;
	} else {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			stat_inc(BS_STAT_LOST);
			return 0;
		}
	}

	fill_event_from_sock(e, sk, family, uaddr, user_uaddr, ret, btf, cast);

	/*
	 * The port read back from the event (volatile: a real u16 load) rather
	 * than the byte-swapped register the compiler would reuse: the verifier
	 * knows a u16 load is below 65536, but not the result of a byte swap
	 * (BPF_END: an unbounded scalar on 6.12, seen), and refuses the bitmap
	 * index.
	 */
	if (!port_traced(*(volatile __u16 *)&e->port)) {
		if (use_ringbuf)
			bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}

	if (use_ringbuf) {
		__u64 flags = BPF_RB_NO_WAKEUP;

		if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
			flags = BPF_RB_FORCE_WAKEUP;
		bpf_ringbuf_submit(e, flags);
	} else if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e))) {
		stat_inc(BS_STAT_LOST);
	}
	return 0;
}

/*
 * Sockets without a file are the kernel's own (MPTCP's subflow before 6.6,
 * in-kernel users): the syscall tracepoints never see them, and the MPTCP
 * bind is reported once, from mptcp_bind(), with the MPTCP socket.
 */
static __always_inline bool user_socket(struct socket *sock, bool btf)
{
	return sock && KREAD(btf, sock, file);
}

/*
 * This file is built twice (Makefile): as is, and with
 * BINDSNOOP_TYPED_READS, whose programs (same names) read the socket
 * through bpf_rdonly_cast() where the others probe. User space loads the
 * typed build on 6.2+ and falls back to the other if the kernel refuses it
 * (no JIT for kfunc calls); the other build has no kfunc at all, so libbpf
 * never looks for one on a kernel without it.
 */
#ifdef BINDSNOOP_TYPED_READS
#define TYPED_READS true
#else
#define TYPED_READS false
#endif

/* ---- backend 1: fexit (BPF trampolines) ---- */

static __always_inline int fexit_bind(void *ctx, struct socket *sock, struct sockaddr *uaddr,
				      int ret, bool cast)
{
	if (!user_socket(sock, true) || !task_traced())
		return 0;
	return emit_bind(ctx, sock->sk, uaddr, false, ret, true, cast);
}

#define FEXIT_PROG(func)								\
SEC("fexit/" #func)									\
int BPF_PROG(fexit_##func, struct socket *sock, struct sockaddr *uaddr, int addr_len,	\
	     int ret)									\
{											\
	return fexit_bind(ctx, sock, uaddr, ret, TYPED_READS);				\
}

FEXIT_PROG(inet_bind)
FEXIT_PROG(inet6_bind)
FEXIT_PROG(mptcp_bind)
FEXIT_PROG(mptcp_v6_bind)

/* ---- backend 2: kprobe + kretprobe ---- */

#define KIND_INET	0
#define KIND_MPTCP	(1ULL << 32)

static __always_inline int kprobe_enter(struct socket *sock, struct sockaddr *uaddr, __u64 kind,
					bool cast)
{
	struct bind_entry entry = {};
	__u64 key;

	if (cast ? !user_socket(TYPED(struct socket, sock), true) : !user_socket(sock, false))
		return 0;
	if (!task_traced())
		return 0;
	entry.sock = (__u64)sock;
	entry.uaddr = (__u64)uaddr;
	if (cast) {
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

static __always_inline int kprobe_return(void *ctx, int ret, __u64 kind, bool cast)
{
	struct bind_entry *entry;
	struct socket *sock;
	__u64 key;

	if (cast) {
		struct task_binds *tb = bpf_task_storage_get(&task_binds, bpf_get_current_task_btf(),
							     NULL, 0);

		if (!tb || !tb->kind[kind >> 32].sock)
			return 0;
		entry = &tb->kind[kind >> 32];
		sock = TYPED(struct socket, entry->sock);
		entry->sock = 0;
		return emit_bind(ctx, sock->sk, (void *)entry->uaddr, false, ret, true, true);
	}
	key = (__u32)bpf_get_current_pid_tgid() | kind;
	entry = bpf_map_lookup_elem(&entries, &key);
	if (!entry)
		return 0;
	/* Not inside BPF_CORE_READ(): that would make entry->sock a CO-RE access too. */
	sock = (struct socket *)entry->sock;
	emit_bind(ctx, BPF_CORE_READ(sock, sk), (void *)entry->uaddr, false, ret, false, false);
	bpf_map_delete_elem(&entries, &key);
	return 0;
}

#define KPROBE_PROGS(func, kind)							\
SEC("kprobe/" #func)									\
int BPF_KPROBE(kprobe_##func, struct socket *sock, struct sockaddr *uaddr)		\
{											\
	return kprobe_enter(sock, uaddr, kind, TYPED_READS);				\
}											\
SEC("kretprobe/" #func)									\
int BPF_KRETPROBE(kretprobe_##func, int ret)						\
{											\
	return kprobe_return(ctx, ret, kind, TYPED_READS);				\
}

KPROBE_PROGS(inet_bind, KIND_INET)
KPROBE_PROGS(inet6_bind, KIND_INET)
KPROBE_PROGS(mptcp_bind, KIND_MPTCP)
KPROBE_PROGS(mptcp_v6_bind, KIND_MPTCP)

/* ---- backend 3: syscall tracepoints ---- */

/*
 * fd -> file -> socket -> sock, through the current task's fd table. The
 * walk to the table is plain loads where the kernel has
 * bpf_get_current_task_btf() (5.11+; libbpf makes the check a constant, so
 * 5.10's verifier never sees the newer helper); the table's slots and what
 * they point to are probed (the verifier types neither), or with @cast
 * read through bpf_rdonly_cast() (the result is then BTF-typed).
 */
static __always_inline struct sock *sock_from_fd(int fd, bool cast)
{
	struct file **fds, *file = NULL;
	struct socket *sock;
	umode_t mode;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)) {
		struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;

		if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
			return NULL;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (void *)bpf_get_current_task();
		struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);

		if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
			return NULL;
		fds = BPF_CORE_READ(fdt, fd);
	}
	if (cast && bpf_core_field_offset(struct kiocb, ki_filp) == 0) {
		/*
		 * The slot read as the first field of a type whose first field
		 * is a struct file * (kiocb's, since 2.6): a typed load where
		 * bpf_probe_read_kernel() costs a helper call (~60 instructions).
		 */
		file = TYPED(struct kiocb, &fds[fd])->ki_filp;
	} else {
		bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	}
	if (!file)
		return NULL;
	if (cast) {
		struct file *f = TYPED(struct file, file);

		if ((f->f_inode->i_mode & S_IFMT) != S_IFSOCK)
			return NULL;
		sock = TYPED(struct socket, f->private_data);
		return sock ? sock->sk : NULL;
	}
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

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
	emit_bind(ctx, sock_from_fd(entry->fd, false), (void *)entry->uaddr, true, (int)ctx->ret,
		  false, false);
	bpf_map_delete_elem(&entries, &key);
	return 0;
}

/*
 * The syscall's first argument in the task's saved user registers, read at
 * exit. On powerpc the return value has overwritten gpr[3] by then and the
 * argument survives in orig_gpr3 (as in orig_gpr2 on s390, orig_x0 on
 * arm64, orig_a0 on riscv64); Debian 12's libbpf 1.1 reads gpr[3] for powerpc (libbpf fixed it
 * in November 2024: "libbpf: Fix accessing the syscall argument on powerpc").
 */
#if defined(__TARGET_ARCH_powerpc)
#define SYSCALL_EXIT_PARM1(regs) ((regs)->orig_gpr3)
#elif defined(__TARGET_ARCH_riscv)
/* The same on riscv64 (a0, orig_a0); libbpf reads orig_a0 only from 1.3 on. */
#define SYSCALL_EXIT_PARM1(regs) ((regs)->orig_a0)
#else
#define SYSCALL_EXIT_PARM1(regs) PT_REGS_PARM1_SYSCALL(regs)
#endif

/*
 * Exit-only variant (kernels with bpf_task_pt_regs, 5.15+): the syscall's
 * arguments are still in the task's saved user registers at exit, so one
 * program does the work of two and no entry map is needed.
 */
static __always_inline int exit_bind_regs(struct trace_event_raw_sys_exit *ctx, bool cast)
{
	struct pt_regs *regs;
	int fd;

	if (!task_traced())
		return 0;
	/*
	 * bpf_task_pt_regs() gives a BTF-typed pointer: libbpf's plain
	 * (non-CORE) argument macros are direct loads from it (x86: both;
	 * arm64: the second, while libbpf reads its first, orig_x0, with a
	 * probe either way).
	 */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	fd = (int)SYSCALL_EXIT_PARM1(regs);
	return emit_bind(ctx, sock_from_fd(fd, cast), (void *)PT_REGS_PARM2_SYSCALL(regs), true,
			 (int)ctx->ret, cast, cast);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind_regs(struct trace_event_raw_sys_exit *ctx)
{
	return exit_bind_regs(ctx, TYPED_READS);
}

/*
 * On s390x, glibc's bind() is socketcall(SYS_BIND, args) (svc 102; glibc
 * makes every socket call that way while it supports kernels before 4.3),
 * which syscalls:sys_exit_bind never sees. At socketcall's exit, the call
 * number is its first argument (orig_gpr2) and args points at the user's
 * unsigned long fd, addr, addrlen. Every socket call of every traced task
 * runs this once; anything but SYS_BIND returns at once.
 */
#if defined(__TARGET_ARCH_s390)
#define SOCKETCALL_BIND 2	/* socketcall()'s number for bind */

static __always_inline int exit_socketcall_regs(struct trace_event_raw_sys_exit *ctx, bool cast)
{
	struct pt_regs *regs;
	unsigned long args[2];

	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (SYSCALL_EXIT_PARM1(regs) != SOCKETCALL_BIND || !task_traced())
		return 0;
	if (bpf_probe_read_user(args, sizeof(args), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs)))
		return 0;
	return emit_bind(ctx, sock_from_fd((int)args[0], cast), (void *)args[1], true,
			 (int)ctx->ret, cast, cast);
}

SEC("tracepoint/syscalls/sys_exit_socketcall")
int tp_exit_socketcall_regs(struct trace_event_raw_sys_exit *ctx)
{
	return exit_socketcall_regs(ctx, TYPED_READS);
}
#endif

/*
 * 32-bit programs on x86-64 make compat syscalls, and the syscalls:*
 * tracepoints skip those (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS). The raw
 * sys_exit tracepoint sees every syscall of every task, so this program
 * returns at once unless the task is in a 32-bit syscall that is bind() or
 * socketcall(SYS_BIND). Every task is on the syscall slow path already once
 * the tracepoint above is attached; this adds one short program run per
 * syscall (bench/README.md gives the cost).
 */
#if defined(__TARGET_ARCH_x86)
#define TS_COMPAT		0x0002	/* thread_info.status: a 32-bit syscall is running */
#define IA32_NR_socketcall	102
#define IA32_NR_bind		361
#define SYS_BIND		2	/* socketcall()'s number for bind */

/*
 * Is the current task in a 32-bit syscall? A direct load where the kernel has
 * bpf_get_current_task_btf() (5.11+), a probed read before (libbpf turns the
 * check into a constant, so 5.10's verifier never sees the newer helper).
 */
static __always_inline bool in_compat_syscall(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
		return bpf_get_current_task_btf()->thread_info.status & TS_COMPAT;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), thread_info.status) &
	       TS_COMPAT;
}

static __always_inline int compat_exit_bind(void *ctx, struct pt_regs *regs, long ret, bool cast)
{
	__u32 args[3];
	long nr;
	int fd;
	__u64 uaddr;

	if (!in_compat_syscall())
		return 0;
	nr = regs->orig_ax;
	if (nr == IA32_NR_bind) {
		fd = (int)regs->bx;
		uaddr = (__u32)regs->cx;
	} else if (nr == IA32_NR_socketcall && (__u32)regs->bx == SYS_BIND) {
		/* socketcall(SYS_BIND, args): args points at fd, addr, addrlen */
		if (bpf_probe_read_user(args, sizeof(args), (void *)(__u64)(__u32)regs->cx))
			return 0;
		fd = (int)args[0];
		uaddr = args[1];
	} else {
		return 0;
	}
	if (!task_traced())
		return 0;
	return emit_bind(ctx, sock_from_fd(fd, cast), (void *)uaddr, true, (int)ret, cast, cast);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_compat_exit_bind, struct pt_regs *regs, long ret)
{
	return compat_exit_bind(ctx, regs, ret, TYPED_READS);
}
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";
