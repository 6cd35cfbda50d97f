/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * How the port was taken (enum bs_via), as the function hooks (fexit,
 * kprobe) see it: inet_bind() runs for bind(2), socketcall(SYS_BIND) and
 * io_uring's IORING_OP_BIND alike, so the call that led there is read off
 * the task. The tracepoint backend knows it from the hook itself.
 * Included by bindsnoop.bpf.c before the backends.
 */
#ifndef VIA_BPF_H
#define VIA_BPF_H

#include "task.bpf.h"

/* The kernel's io_uring has IORING_OP_BIND (6.11+; the opcode is uAPI: 56). */
enum io_uring_op___bs {
	IORING_OP_BIND___bs = 56,
};
#define HAVE_IO_URING_BIND bpf_core_enum_value_exists(enum io_uring_op___bs, IORING_OP_BIND___bs)
#define HAVE_TASK_PT_REGS bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs)

/* emit_bind()'s @via for fexit's and kprobe's binds: read off the task, where needed. */
#define BS_VIA_HOOKED		0xff
/* hooked_socket_via(): a bind the function hooks do not report. */
#define BS_VIA_NONE		0xfe

#define PF_IO_WORKER		0x00000010	/* io-wq workers and the SQPOLL thread */
#define NR_io_uring_enter	426		/* the same on every architecture */
#define NR_socketcall		102		/* i386, s390, powerpc */

/* The syscall the task is in, from its saved user registers (syscall_get_nr()). */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) ((long)(regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) ((long)(regs)->syscallno)
#elif defined(__TARGET_ARCH_s390)
#define SYSCALL_NR(regs) ((long)((regs)->int_code & 0xffff))
#elif defined(__TARGET_ARCH_powerpc)
#define SYSCALL_NR(regs) ((long)(regs)->gpr[0])
#elif defined(__TARGET_ARCH_riscv)
#define SYSCALL_NR(regs) ((long)(regs)->a7)
#endif

/*
 * BS_VIA_IO_URING for a bind io_uring issued: inline, from io_uring_enter(),
 * or from an io-wq worker or the SQPOLL thread; BS_VIA_SOCKETCALL for
 * socketcall(SYS_BIND) (s390x's glibc, 32-bit x86); else BS_VIA_BIND. The
 * registers need bpf_task_pt_regs() (5.15+): before it a socketcall bind
 * reads as "bind" (io_uring binds came later still). Constant-folded per
 * kernel: 5.10's verifier sees none of the newer helpers.
 */
static __always_inline __u8 hooked_bind_via(void)
{
	struct task_struct *task;
	long nr;

	if (!HAVE_TASK_PT_REGS)
		return BS_VIA_BIND;
	task = bpf_get_current_task_btf();
	if (HAVE_IO_URING_BIND && (task->flags & PF_IO_WORKER))
		return BS_VIA_IO_URING;
	nr = SYSCALL_NR((struct pt_regs *)bpf_task_pt_regs(task));
	if (HAVE_IO_URING_BIND && nr == NR_io_uring_enter)
		return BS_VIA_IO_URING;
#if defined(__TARGET_ARCH_x86)
	/* x86-64 numbers its own socketcall-less table: 102 is getuid there. */
	if (nr == NR_socketcall && (task->thread_info.status & 0x0002 /* TS_COMPAT */))
		return BS_VIA_SOCKETCALL;
#elif defined(__TARGET_ARCH_s390) || defined(__TARGET_ARCH_powerpc)
	if (nr == NR_socketcall)
		return BS_VIA_SOCKETCALL;
#endif
	return BS_VIA_BIND;
}

#endif /* VIA_BPF_H */
