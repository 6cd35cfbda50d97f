/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Kernel-layout drift, handled in one place. Each fix is a local struct
 * "flavour" (libbpf ignores the ___suffix when matching BTF) plus a
 * bpf_core_field_exists() test, so one object loads on every layout and the
 * verifier drops the branch that does not apply.
 */
#ifndef CORE_FIXES_BPF_H
#define CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>
#include "reads.bpf.h"

/*
 * Before 6.6 IP_FREEBIND, IP_TRANSPARENT and IP_BIND_ADDRESS_NO_PORT were
 * one-bit fields of struct inet_sock. Kernel commits in 6.6 ("inet: move
 * inet->freebind to inet->inet_flags" and friends) moved them to bits of
 * inet_sock.inet_flags. Reading inet_sock.freebind unconditionally is what
 * makes older bindsnoop builds fail to load on new kernels.
 */
struct inet_sock___old {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

struct inet_sock___flags {
	unsigned long inet_flags;
} __attribute__((preserve_access_index));

/*
 * Bit numbers of INET_FLAGS_FREEBIND, _TRANSPARENT and _BIND_ADDRESS_NO_PORT.
 * Their enum has no name in BTF, so bpf_core_enum_value() cannot find them;
 * user space looks the enumerators up by name in the running kernel's BTF
 * and sets these before load.
 */
const volatile __u32 inet_flag_freebind = 11;
const volatile __u32 inet_flag_transparent = 15;
const volatile __u32 inet_flag_bind_no_port = 18;

/*
 * BS_OPT_FREEBIND | BS_OPT_TRANSPARENT | BS_OPT_BIND_NO_PORT for @sk. The
 * fields live past struct sock, where a BTF-typed sock pointer does not
 * reach: READ_TYPED reads them through a typed inet_sock, the other modes
 * with probes.
 */
static __always_inline __u8 inet_bind_opts(struct sock *sk, enum read_mode mode)
{
	bool cast = mode == READ_TYPED;
	enum read_mode past_sk = cast ? READ_TYPED : READ_PROBE;
	__u8 opts = 0;

	if (bpf_core_field_exists(((struct inet_sock___flags *)0)->inet_flags)) {
		struct inet_sock___flags *inet = cast ? TYPED(struct inet_sock___flags, sk) : (void *)sk;
		unsigned long flags = KREAD(past_sk, inet, inet_flags);

		if (flags & (1UL << (inet_flag_freebind & 63)))
			opts |= BS_OPT_FREEBIND;
		if (flags & (1UL << (inet_flag_transparent & 63)))
			opts |= BS_OPT_TRANSPARENT;
		if (flags & (1UL << (inet_flag_bind_no_port & 63)))
			opts |= BS_OPT_BIND_NO_PORT;
	} else if (bpf_core_field_exists(((struct inet_sock___old *)0)->freebind)) {
		struct inet_sock___old *inet = cast ? TYPED(struct inet_sock___old, sk) : (void *)sk;

		if (KREAD_BITFIELD(past_sk, inet, freebind))
			opts |= BS_OPT_FREEBIND;
		if (KREAD_BITFIELD(past_sk, inet, transparent))
			opts |= BS_OPT_TRANSPARENT;
		if (KREAD_BITFIELD(past_sk, inet, bind_address_no_port))
			opts |= BS_OPT_BIND_NO_PORT;
	}
	return opts;
}

/*
 * MPTCP's subflow is a TCP socket with tcp_sock.is_mptcp set (5.6+, where
 * the kernel has MPTCP; Debian's 5.10 has not). Before 6.6, mptcp_bind()
 * binds it through inet_bind(), without a file, as kernel_bind() binds
 * the kernel's own sockets: the function hooks tell the two apart here.
 */
struct tcp_sock___mptcp {
	bool is_mptcp;
} __attribute__((preserve_access_index));

static __always_inline bool mptcp_subflow(struct sock *sk, enum read_mode mode)
{
	if (!bpf_core_field_exists(((struct tcp_sock___mptcp *)0)->is_mptcp))
		return false;
	if (mode == READ_TYPED)
		return TYPED(struct tcp_sock___mptcp, sk)->is_mptcp;
	return BPF_CORE_READ((struct tcp_sock___mptcp *)sk, is_mptcp);
}

#endif /* CORE_FIXES_BPF_H */
