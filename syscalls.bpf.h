/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The syscall paths of the tracepoint backend: from a bind's file
 * descriptor to its socket, the syscall's arguments in the task's saved
 * registers at exit, and the two ways a bind reaches the kernel besides
 * bind(2): socketcall(SYS_BIND) (s390x's glibc, 32-bit x86) and 32-bit x86
 * programs' compat syscalls. Included by bindsnoop.bpf.c.
 */
#ifndef SYSCALLS_BPF_H
#define SYSCALLS_BPF_H

#include "task.bpf.h"

#define S_IFMT		00170000
#define S_IFSOCK	0140000

/*
 * file -> socket -> sock, for a file that is a socket (else NULL): probed,
 * or with READ_TYPED read through bpf_rdonly_cast() (the result is then
 * BTF-typed). Shared with io_uring's bind (io_uring.bpf.h).
 */
static __always_inline struct sock *sock_from_file(struct file *file, enum read_mode mode)
{
	struct socket *sock;
	umode_t i_mode;

	if (!file)
		return NULL;
	if (mode == READ_TYPED) {
		struct file *f = TYPED(struct file, file);

		if ((f->f_inode->i_mode & S_IFMT) != S_IFSOCK)
			return NULL;
		sock = TYPED(struct socket, f->private_data);
		return sock ? sock->sk : NULL;
	}
	i_mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((i_mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/*
 * fd -> file -> socket -> sock, through the current task's fd table. The
 * walk to the table is plain loads where the kernel has
 * bpf_get_current_task_btf() (5.11+; libbpf makes the check a constant, so
 * 5.10's verifier never sees the newer helper); the table's slots and what
 * they point to are probed (the verifier types neither), or with
 * READ_TYPED read through bpf_rdonly_cast() (the result is then BTF-typed).
 */
static __always_inline struct sock *sock_from_fd(int fd, enum read_mode mode)
{
	bool cast = mode == READ_TYPED;
	struct file **fds, *file = NULL;

	if (HAVE_TASK_BTF) {
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
	return sock_from_file(file, mode);
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
 * On s390x, glibc's bind() is socketcall(SYS_BIND, args) (svc 102; glibc
 * makes every socket call that way while it supports kernels before 4.3),
 * which syscalls:sys_exit_bind never sees. At socketcall's exit, the call
 * number is its first argument (orig_gpr2: SYSCALL_EXIT_PARM1) and args
 * points at the user's unsigned long fd, addr, addrlen: read here, for a
 * call that is SOCKETCALL_BIND.
 */
static __always_inline bool socketcall_bind_args(struct pt_regs *regs, int *fd, void **uaddr)
{
	unsigned long args[2];

	if (bpf_probe_read_user(args, sizeof(args), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs)))
		return false;
	*fd = (int)args[0];
	*uaddr = (void *)args[1];
	return true;
}

/*
 * 32-bit programs on x86-64 make compat syscalls, and the syscalls:*
 * tracepoints skip those (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS). The raw
 * sys_exit tracepoint sees every syscall of every task, so its program
 * returns at once unless the task is in a 32-bit syscall that is bind() or
 * socketcall(SYS_BIND). Every task is on the syscall slow path already once
 * the tracepoint above is attached; this adds one short program run per
 * syscall (bench/README.md gives the cost).
 */
#if defined(__TARGET_ARCH_x86)
#define TS_COMPAT		0x0002	/* thread_info.status: a 32-bit syscall is running */
#define IA32_NR_socketcall	102
#define IA32_NR_bind		361

/* Is the current task in a 32-bit syscall? (A probed read before 5.11.) */
static __always_inline bool in_compat_syscall(void)
{
	if (HAVE_TASK_BTF)
		return bpf_get_current_task_btf()->thread_info.status & TS_COMPAT;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), thread_info.status) &
	       TS_COMPAT;
}

/* The number of a 32-bit bind() or socketcall() (102 is getuid() in the 64-bit table, 361 nothing). */
static __always_inline bool compat_bind_number(long nr)
{
	return nr == IA32_NR_bind || nr == IA32_NR_socketcall;
}

/*
 * The fd and address of a 32-bit bind() or socketcall(SYS_BIND) at
 * sys_exit, if this is one, and which of the two (@via).
 */
static __always_inline bool compat_bind_args(struct pt_regs *regs, int *fd, void **uaddr,
					     __u8 *via)
{
	__u32 args[3];
	long nr;

	/* The number first (the caller's test): the task's status costs a helper call. */
	nr = regs->orig_ax;
	if (!compat_bind_number(nr) || !in_compat_syscall())
		return false;
	if (nr == IA32_NR_bind) {
		*fd = (int)regs->bx;
		*uaddr = (void *)(__u64)(__u32)regs->cx;
		*via = BS_VIA_BIND;
		return true;
	}
	if (nr == IA32_NR_socketcall && (__u32)regs->bx == SOCKETCALL_BIND) {
		/* socketcall(SYS_BIND, args): args points at fd, addr, addrlen */
		if (bpf_probe_read_user(args, sizeof(args), (void *)(__u64)(__u32)regs->cx))
			return false;
		*fd = (int)args[0];
		*uaddr = (void *)(__u64)args[1];
		*via = BS_VIA_SOCKETCALL;
		return true;
	}
	return false;
}
#endif

#endif /* SYSCALLS_BPF_H */
