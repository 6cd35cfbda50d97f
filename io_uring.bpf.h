/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * io_uring's IORING_OP_BIND (6.11+) for the tracepoint backend: it calls
 * no bind syscall, so the syscalls:* tracepoints never see it (fexit and
 * kprobe see it in inet_bind(), via.bpf.h). io_uring's own tracepoint
 * io_uring_complete has the request and its result: a BTF-typed raw
 * tracepoint (tp_btf) program there. It runs on every completion of every
 * ring on the host, so anything but a bind returns after one load of the
 * opcode (bench/README.md gives the cost).
 * --autobind, on every backend: connect and the sends on a socket without
 * a port take one as the syscalls do (autobind.bpf.h), and no syscall
 * tracepoint sees them: the same two tracepoints (6.0+: before, the
 * completion has no request) follow those requests too. Included by
 * bindsnoop.bpf.c.
 */
#ifndef IO_URING_BPF_H
#define IO_URING_BPF_H

#include "syscalls.bpf.h"

#define IORING_OP_BIND_NR	56	/* uAPI: enum io_uring_op's IORING_OP_BIND */
#define IORING_OP_LISTEN_NR	57	/* and IORING_OP_LISTEN */
/* --autobind's: connect, and the sends that may name an address (uAPI numbers) */
#define IORING_OP_SENDMSG_NR	9
#define IORING_OP_CONNECT_NR	16
#define IORING_OP_SEND_NR	26
#define IORING_OP_SEND_ZC_NR	47	/* 6.0+ */
#define IORING_OP_SENDMSG_ZC_NR	48	/* 6.1+ */
#define IORING_AUTOBIND_OPS	(1ULL << IORING_OP_SENDMSG_NR | 1ULL << IORING_OP_CONNECT_NR | \
				 1ULL << IORING_OP_SEND_NR | 1ULL << IORING_OP_SEND_ZC_NR | \
				 1ULL << IORING_OP_SENDMSG_ZC_NR)

/* A request --autobind follows: one test of a bit for five opcodes. */
static __always_inline bool io_uring_autobind_op(__u8 opcode)
{
	return opcode < 64 && (IORING_AUTOBIND_OPS >> opcode & 1);
}

#define REQ_F_FIXED_FILE	(1ULL << 0)	/* IOSQE_FIXED_FILE: fd indexes the ring's table */

/* What a bind's or listen's request holds. */
struct io_cqe___bs {
	__s32 res;			/* the result, once issued */
	int fd;				/* the SQE's fd, until the file is looked up at issue */
} __attribute__((preserve_access_index));

struct io_kiocb___bs {
	struct file *file;		/* set at issue, not yet at submission */
	__u8 opcode;
	__u64 flags;
	struct io_cqe___bs cqe;
	void *async_data;		/* struct io_async_msghdr for a bind */
} __attribute__((preserve_access_index));

/* The caller's sockaddr, copied into the kernel at prep (6.11-6.17: in the async msghdr). */
struct io_async_msghdr___bs {
	struct {
		char bytes[128];
	} addr;
} __attribute__((preserve_access_index));

/*
 * Where a bind's request keeps the address asked for: 6.11 put it in struct
 * io_async_msghdr (field addr); later kernels allocate a bare
 * sockaddr_storage instead ("use sockaddr_storage directly"), and stable
 * kernels took that too (Debian's 6.12.117 has it), so neither the version
 * nor a type in BTF tells which. The family tells: the one that holds the
 * socket's own family (@family: AF_INET or AF_INET6, or 0 when the socket
 * is not known yet) is the address, the bare one first (a msghdr starts
 * with an iovec or iou_vec pointer, whose low bytes are seldom 2 or 10).
 * NULL when neither does.
 */
static __always_inline const char *io_uring_bind_addr(const char *async_data, __u16 family)
{
	const char *in_msghdr = async_data + bpf_core_field_offset(struct io_async_msghdr___bs, addr);
	__u16 bare = 0, msghdr = 0;

	bpf_probe_read_kernel(&bare, sizeof(bare), async_data);
	if (family ? bare == family : bare == AF_INET || bare == AF_INET6)
		return async_data;
	bpf_probe_read_kernel(&msghdr, sizeof(msghdr), in_msghdr);
	if (family ? msghdr == family : msghdr == AF_INET || msghdr == AF_INET6)
		return in_msghdr;
	return NULL;
}

/*
 * At submission (io_uring_submit_req, io_uring_submit_sqe before 6.3: a
 * BTF-typed request, so plain loads; prep has run, issue has not), a
 * bind's or listen's request is noted in the uring_reqs map, keyed by its
 * address: a bind's requested address, which the completion reads back for
 * a failed bind, and a listen's socket if it has no port yet; so is a
 * connect's or send's socket (--autobind), on the same condition. The
 * programs (bindsnoop.bpf.c) run on every request of the host and call
 * these two only for those opcodes.
 */
static __noinline int io_uring_note(struct io_kiocb___bs *req, __u8 opcode)
{
	struct uring_req note = {};
	__u64 key = (__u64)req;
	struct sock *sk;

	if (!task_traced())
		return 0;
	/* A fixed file's fd is an index into the ring's table: not followed here. */
	sk = req->flags & REQ_F_FIXED_FILE ? NULL : sock_from_fd(req->cqe.fd, READ_CAST_OR_PROBE);
	if (opcode == IORING_OP_BIND_NR) {
		char *async_data = req->async_data;
		const char *addr;

		if (!async_data)
			return 0;
		addr = io_uring_bind_addr(async_data,
					  sk ? KREAD(READ_CAST_OR_PROBE, sk, __sk_common.skc_family) : 0);
		if (addr)
			bpf_probe_read_kernel(note.addr, sizeof(note.addr), addr);
	} else {
		if (!sk || KREAD(READ_CAST_OR_PROBE, sk, __sk_common.skc_num))
			return 0;
		note.sk = (__u64)sk;
	}
	if (bpf_map_update_elem(&uring_reqs, &key, &note, BPF_ANY)) {
		stat_inc(BS_STAT_ENTRY_FULL);
		return 0;
	}
	/* A bind's socket too, for the post_bind program (see uring_bind_socks). */
	if (opcode == IORING_OP_BIND_NR && sk) {
		__u64 sk_key = (__u64)sk;

		if (!bpf_map_update_elem(&uring_bind_socks, &sk_key, &key, BPF_NOEXIST))
			__sync_fetch_and_add(&uring_binds_waiting, 1);
		else
			bpf_map_update_elem(&uring_bind_socks, &sk_key, &key, BPF_EXIST);
	}
	return 0;
}

/* The note of a bind's socket goes: reported, or completed. */
static __always_inline void uring_bind_sock_done(__u64 sk_key)
{
	if (!bpf_map_delete_elem(&uring_bind_socks, &sk_key))
		__sync_fetch_and_add(&uring_binds_waiting, -1);
}


/*
 * The completion (io_uring_complete: the request is an untyped pointer
 * there) of a bind or listen, if noted at submission. The result is read from the request:
 * the tracepoint's own arguments changed after 6.12 (user_data, res, cflags,
 * ... before; the CQE after). A bind: the socket from the request's
 * file, the result from the CQE, the address asked for from the note. A
 * listen: reported if it succeeded. A connect or send (--autobind):
 * reported if the socket has a port now, whatever the result, as
 * autobind_exit() does; the socket is the request's file's, and must be the
 * one noted (the fd could have been closed and reused between). The
 * completing task is the one that submitted it, or an io-wq worker of the
 * same process (comm iou-wrk-PID).
 */
static __noinline int io_uring_done(void *ctx, void *req, __u8 opcode)
{
	enum read_mode mode = READ_CAST_OR_PROBE;
	struct io_kiocb___bs *r = TYPED(struct io_kiocb___bs, req);
	struct uring_req *note;
	__u64 key = (__u64)req;
	int res;

	note = bpf_map_lookup_elem(&uring_reqs, &key);
	if (!note)
		return 0;
	res = KREAD(mode, r, cqe.res);
	if (opcode == IORING_OP_BIND_NR) {
		/* Still noted: the post_bind program did not report it (it failed, or none runs). */
		struct sock *sk = sock_from_file(KREAD(mode, r, file), mode);

		uring_bind_sock_done((__u64)sk);
		emit_bind(ctx, sk, note->addr, false, res, mode, BS_VIA_IO_URING);
	} else if (opcode == IORING_OP_LISTEN_NR) {
		if (!res)
			emit_bind(ctx, TYPED(struct sock, note->sk), NULL, false, 0, mode,
				  BS_VIA_LISTEN);
	} else {
		struct sock *sk = sock_from_file(KREAD(mode, r, file), mode);

		if (sk && (__u64)sk == note->sk && KREAD(mode, sk, __sk_common.skc_num))
			emit_bind(ctx, sk, NULL, false, 0, mode,
				  opcode == IORING_OP_CONNECT_NR ? BS_VIA_CONNECT : BS_VIA_SENDTO);
	}
	bpf_map_delete_elem(&uring_reqs, &key);
	return 0;
}

#endif /* IO_URING_BPF_H */
