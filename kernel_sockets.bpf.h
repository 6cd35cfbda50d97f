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
 * struct sock; struct bpf_sock is its view for plain loads). It runs on
 * every bind of the host, a user's too, where all it does is find the
 * file: in the typed build (6.2+) through bpf_rdonly_cast(), two plain
 * loads (the kernel offers its common kfuncs, bpf_rdonly_cast() among
 * them, to every program type), in the probing build two probe reads
 * (~180 instructions a bind more on 6.1: bench/README.md). The helpers it calls
 * are those this program type offers from 5.x on with CAP_PERFMON;
 * kernel_facts.c checks that the running kernel offers them before the
 * plan attaches it.
 */
#ifndef KERNEL_SOCKETS_BPF_H
#define KERNEL_SOCKETS_BPF_H

/*
 * Out of line: the program runs on every inet bind of the host, and its
 * common path (a user's socket: it has a file) then needs no stack in the
 * typed build and keeps one register (the context, across
 * bpf_rdonly_cast(), which the verifier makes a move); a call costs only
 * the sockets without a file.
 */
static __noinline int kernel_socket_bind(struct bpf_sock *ctx, struct socket *sock)
{
	struct sock *sk = TYPED_READS ? TYPED(struct sock, ctx) : (struct sock *)ctx;

	if (hooked_socket_via(sock, READ_CAST_OR_PROBE) == BS_VIA_KERNEL && task_traced())
		emit_bind(ctx, sk, NULL, false, 0, READ_CAST_OR_PROBE, BS_VIA_KERNEL);
	return 0;
}

/*
 * An io_uring bind noted at submission (io_uring.bpf.h): reported here, as
 * it succeeds, so that one with IOSQE_CQE_SKIP_SUCCESS, which posts no
 * completion, is seen too; its note goes, and the completion reports
 * nothing more. Filtered at submission already (task_traced()).
 */
static __noinline int uring_bind_post(struct bpf_sock *ctx)
{
	struct sock *sk = TYPED_READS ? TYPED(struct sock, ctx) : (struct sock *)ctx;
	__u64 sk_key = (__u64)ctx, *req, req_key;

	req = bpf_map_lookup_elem(&uring_bind_socks, &sk_key);
	if (!req)
		return 0;
	req_key = *req;
	uring_bind_sock_done(sk_key);
	if (!bpf_map_delete_elem(&uring_reqs, &req_key))
		emit_bind(ctx, sk, NULL, false, 0, READ_CAST_OR_PROBE, BS_VIA_IO_URING);
	return 0;
}

static __always_inline int post_bind(struct bpf_sock *ctx)
{
	struct sock *sk = TYPED_READS ? TYPED(struct sock, ctx) : (struct sock *)ctx;
	struct socket *sock = KREAD(READ_CAST_OR_PROBE, sk, sk_socket);

	/* hooked_socket_via()'s first two tests: no socket, or a user's. */
	if (sock && !KREAD(READ_CAST_OR_PROBE, sock, file))
		kernel_socket_bind(ctx, sock);
	else if (*(volatile __u64 *)&uring_binds_waiting)
		uring_bind_post(ctx);
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
