/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --count: each bind's address and port counted in the live table
 * (bindsnoop.bpf.c's counts_a, or the one "counts" holds with -i), read
 * and printed by count.c. The typed build's tables are arrays of slots
 * claimed with compare-and-swap, the probing build's preallocated hashes.
 * Included by bindsnoop.bpf.c after its maps.
 */
#ifndef COUNT_BPF_H
#define COUNT_BPF_H

#include "fill.bpf.h"
#include "filters.bpf.h"

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

/* --count: the bind's address and port, counted in the live table; no event. @asked: read_bind_addr(). */
static __always_inline void count_bind(struct sock *sk, __u16 family, const void *uaddr,
				       bool user_uaddr, int ret, enum read_mode mode, bool asked)
{
	__u32 zero = 0, famport;
	__u64 a0, a1;
	__u16 port;
	void *table;

	if (ret == 0 && family == AF_INET && !asked) {
		/* The common case in registers: read_bind_addr()'s reads, without the copy. */
		port = KREAD(mode, sk, __sk_common.skc_num);
		a0 = COUNT_ADDR4_WORD(KREAD(mode, sk, __sk_common.skc_rcv_saddr));
		a1 = 0;
	} else {
		struct count_slot want = {};

		read_bind_addr((__u8 *)want.addr, &want.port, sk, family, uaddr, user_uaddr, ret,
			       MODE_LOADS(mode), asked);
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

#endif /* COUNT_BPF_H */
