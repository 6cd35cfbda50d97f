/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The end of every backend's path: the per-bind filters, then one event to
 * the ring or perf buffer (output.c reads it), or one more bind in the
 * --count table. Included by bindsnoop.bpf.c after its maps.
 */
#ifndef EMIT_BPF_H
#define EMIT_BPF_H

#include "count.bpf.h"
#include "fill.bpf.h"
#include "filters.bpf.h"
#include "via.bpf.h"

/*
 * Common return path of every backend: apply the per-bind filters, then
 * hand one event to the buffer or to the --count table. @via: how the
 * port was taken (enum bs_via), or BS_VIA_HOOKED for fexit's and kprobe's
 * bind, whose way is read off the task, and only where the output or
 * --via needs it (a few dozen instructions a bind: two helper calls).
 * @asked_family (a constant): 0, the address is the socket's (for a failed
 * bind the one asked for at @uaddr); AF_INET or AF_INET6 for one address
 * of SCTP's bindx (bindx.bpf.h), of that family at @uaddr whatever the
 * result, with the socket's port.
 */
static __always_inline int emit_bind_as(void *ctx, struct sock *sk, const void *uaddr,
					bool user_uaddr, int ret, enum read_mode mode, __u8 via,
					__u16 asked_family)
{
	struct bind_event *e;
	__u16 family;
	__u32 zero = 0;

	if (!sk)
		return 0;
	if (via == BS_VIA_HOOKED)
		via = want_via ? hooked_bind_via() : BS_VIA_BIND;
	if (filter_via && !(via_mask & (1u << (via & 31))))
		return 0;
	family = asked_family ? asked_family : KREAD(mode, sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (ret && !trace_errors)
		return 0;
	/*
	 * -P before the reservation and the fill where the port is one load (a
	 * bound socket's), so a bind of another port costs little; a failed
	 * bind's port (the caller's sockaddr) is checked once it is read.
	 */
	if (filter_ports && ret == 0 && !port_traced(KREAD(mode, sk, __sk_common.skc_num)))
		return 0;

	if (count_mode) {
		count_bind(sk, family, uaddr, user_uaddr, ret, mode, asked_family != 0);
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

	fill_event_from_sock(e, sk, family, uaddr, user_uaddr, ret, mode, asked_family != 0);
	e->via = via;

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

/* A bind of the socket's own address (or the one asked for, if it failed). */
static __always_inline int emit_bind(void *ctx, struct sock *sk, const void *uaddr,
				     bool user_uaddr, int ret, enum read_mode mode, __u8 via)
{
	return emit_bind_as(ctx, sk, uaddr, user_uaddr, ret, mode, via, 0);
}

#endif /* EMIT_BPF_H */
