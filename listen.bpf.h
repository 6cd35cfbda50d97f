/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * listen() on a socket that has no port: inet_csk_listen_start() takes one
 * for it (an "autobind"), and no bind tracer sees that. Each backend marks
 * such a socket at listen's entry, while its port is still 0, and reports
 * it at return when listen() succeeded (a failed listen takes no port).
 * The mark is one entry per thread (and kind) in the listens map: listen is rare, and
 * a map of its own spares the bind paths' per-thread entry from sharing.
 * Included by bindsnoop.bpf.c after its maps.
 */
#ifndef LISTEN_BPF_H
#define LISTEN_BPF_H

#include "emit.bpf.h"

/*
 * At entry: @sk (read as @mode) has no port yet, so this listen will pick
 * one; true when it is marked (not when it has a port, its task is not
 * traced, or the map is full). @kind: LISTEN_INET, or LISTEN_MPTCP for
 * mptcp_listen(), which before 6.6 calls inet_listen() for its subflow:
 * the inner call's return must not take the outer one's mark.
 */
#define LISTEN_INET	0
#define LISTEN_MPTCP	(1ULL << 32)
#define AUTOBIND_MARK	(2ULL << 32)	/* --autobind: connect() and sendto() (autobind.bpf.h) */

static __always_inline bool listen_mark(struct sock *sk, enum read_mode mode, __u64 kind)
{
	__u64 key, val = (__u64)sk;

	/*
	 * The port before the thread's id: a socket that has one (with
	 * --autobind, nearly every send and connect on the host) then costs
	 * no helper call (the compiler keeps a call where the source puts it).
	 */
	if (!sk || KREAD(mode, sk, __sk_common.skc_num) || !task_traced())
		return false;
	key = (__u32)bpf_get_current_pid_tgid() | kind;
	if (bpf_map_update_elem(&listens, &key, &val, BPF_ANY)) {
		stat_inc(BS_STAT_ENTRY_FULL);
		return false;
	}
	return true;
}

/* At return: the marked socket (0 if none), the mark taken away. */
static __always_inline __u64 listen_unmark(__u64 kind)
{
	__u64 key = (__u32)bpf_get_current_pid_tgid() | kind;
	__u64 *val = bpf_map_lookup_elem(&listens, &key), sk;

	if (!val)
		return 0;
	sk = *val;
	bpf_map_delete_elem(&listens, &key);
	return sk;
}

#endif /* LISTEN_BPF_H */
