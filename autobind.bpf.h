/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --autobind: the port the kernel picks when connect(), sendto(),
 * sendmsg() or sendmmsg() runs on a socket that has none (TCP's
 * inet_hash_connect(), UDP's inet_autobind()): every outgoing connection
 * does it, so only when asked. The syscalls' own tracepoints, on every
 * backend: the socket is marked at entry while its port is 0 (the listens
 * map, listen.bpf.h) and reported at exit if it has one now, whatever the
 * call returned (a non-blocking connect() has its port when it says
 * EINPROGRESS). The programs run on every such call of every task, nearly
 * always on a socket that has its port: the entry programs return after
 * the socket's port (listen_mark()), the exit programs after one load
 * while no thread has a mark (autobind_marks, bindsnoop.bpf.c): a mark is
 * counted after it is made and uncounted after it is taken, so a thread's
 * own mark is always counted when its exit runs. A mark whose exit never
 * ran would only keep the exit programs on the map look-up.
 * io_uring's connect and send requests: its own tracepoints (io_uring.bpf.h).
 * Included by bindsnoop.bpf.c after listen.bpf.h and syscalls.bpf.h.
 */
#ifndef AUTOBIND_BPF_H
#define AUTOBIND_BPF_H

#include "listen.bpf.h"
#include "syscalls.bpf.h"

static __always_inline void autobind_enter(int fd)
{
	if (listen_mark(sock_from_fd(fd, READ_CAST_OR_PROBE), READ_CAST_OR_PROBE, AUTOBIND_MARK))
		__sync_fetch_and_add(&autobind_marks, 1);
}

static __always_inline int autobind_exit(void *ctx, __u8 via)
{
	enum read_mode mode = READ_CAST_OR_PROBE;
	struct sock *sk;
	__u64 marked;

	if (!autobind_marks)
		return 0;
	marked = listen_unmark(AUTOBIND_MARK);
	if (!marked)
		return 0;
	__sync_fetch_and_add(&autobind_marks, -1);
	sk = TYPED(struct sock, marked);
	if (!KREAD(mode, sk, __sk_common.skc_num))
		return 0;
	return emit_bind(ctx, sk, NULL, false, 0, mode, via);
}

#endif /* AUTOBIND_BPF_H */
