/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The kernel's own sockets on the tracepoint backend. A VXLAN, WireGuard or
 * SUNRPC socket is bound with kernel_bind(): no syscall, so none of this
 * backend's tracepoint programs sees it, and kprobes and trampolines (which
 * see it in inet_bind()) are what this backend does without.
 *
 * A cgroup post_bind program does see it: the kernel runs post_bind4/6 at
 * the end of every successful inet bind, whatever its path, for the
 * socket's cgroup and its ancestors. Attached (as a link: several programs
 * may share the hook, and the link goes when bindsnoop does) at the cgroup2
 * root, it runs for every socket of the host's hierarchy. It reports the
 * sockets without a file only (hooked_socket_via(): a user's socket is the
 * syscall and io_uring programs' to report, MPTCP's subflow mptcp_bind()'s)
 * and always returns 1: a post_bind program that returned 0 would fail the
 * bind.
 *
 * What it cannot see: a failed kernel bind (post_bind runs on success
 * only), and a socket whose cgroup is not under the root it was attached
 * at (a cgroup namespace's root is not the host's).
 *
 * The program's context is the socket itself (the kernel passes the
 * struct sock; struct bpf_sock is its view for plain loads), read with
 * probe reads in both builds, as the probing build reads any socket.
 * The helpers it calls are those this program type offers from 5.x on
 * with CAP_PERFMON; kernel_facts.c checks that the running kernel offers
 * them before the plan attaches it.
 */
#ifndef KERNEL_SOCKETS_BPF_H
#define KERNEL_SOCKETS_BPF_H

static __always_inline int post_bind(struct bpf_sock *ctx)
{
	struct sock *sk = (struct sock *)ctx;

	if (hooked_socket_via(BPF_CORE_READ(sk, sk_socket), READ_PROBE) == BS_VIA_KERNEL &&
	    task_traced())
		emit_bind(ctx, sk, NULL, false, 0, READ_PROBE, BS_VIA_KERNEL);
	return 1;
}

SEC("cgroup/post_bind4")
int cg_post_bind4(struct bpf_sock *ctx)
{
	return post_bind(ctx);
}

SEC("cgroup/post_bind6")
int cg_post_bind6(struct bpf_sock *ctx)
{
	return post_bind(ctx);
}

#endif /* KERNEL_SOCKETS_BPF_H */
