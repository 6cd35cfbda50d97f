/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The calling task: its comm and ids, as the filters and the event need
 * them. Included by bindsnoop.bpf.c after reads.bpf.h.
 */
#ifndef TASK_BPF_H
#define TASK_BPF_H

#include "reads.bpf.h"

/*
 * The current task, BTF-typed, with plain loads where the kernel has
 * bpf_get_current_task_btf() (5.11+). libbpf makes the check a constant,
 * so 5.10's verifier sees only the older helpers.
 */
#define HAVE_TASK_BTF bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)

/* The current task, BTF-typed, where the kernel has that (else NULL: the helpers are used). */
static __always_inline struct task_struct *current_task_btf(void)
{
	return HAVE_TASK_BTF ? bpf_get_current_task_btf() : NULL;
}

/*
 * The current task's comm and ids with plain loads from its BTF-typed
 * task_struct where the kernel has bpf_get_current_task_btf() (5.11+):
 * bpf_get_current_comm() and bpf_get_current_uid_gid() cost a helper call
 * and a string copy or two id mappings each (~180 and ~100 instructions a
 * bind, measured under qemu -icount on 6.12).
 */
/* @cur: current_task_btf()'s, fetched once by the caller. */
static __always_inline void read_current_comm(struct task_struct *cur, char comm[TASK_COMM_LEN])
{
	if (HAVE_TASK_BTF) {
		/*
		 * Two 8-byte loads, as bpf_get_current_comm() copies without a
		 * lock too; the kernel keeps comm NUL-terminated, and byte 15 is
		 * zeroed as the helper does, should a kernel's comm grow.
		 */
		const __u64 *src = (const __u64 *)cur->comm;
		__u64 lo = src[0], hi = src[1];

		__builtin_memcpy(comm, &lo, sizeof(lo));
		__builtin_memcpy(comm + 8, &hi, sizeof(hi));
		comm[TASK_COMM_LEN - 1] = '\0';
	} else {
		bpf_get_current_comm(comm, TASK_COMM_LEN);
	}
}

/*
 * (gid << 32 | uid) of the current task's credentials, as
 * bpf_get_current_uid_gid() gives them: ids in the initial user namespace,
 * where the kernel's kuid_t value is the id itself.
 */
static __always_inline __u64 current_uid_gid(struct task_struct *cur)
{
	if (HAVE_TASK_BTF) {
		const struct cred *cred = cur->cred;

		return (__u64)cred->gid.val << 32 | cred->uid.val;
	}
	return bpf_get_current_uid_gid();
}

/* (tgid << 32 | pid), as bpf_get_current_pid_tgid() gives them (the initial namespace's ids). */
static __always_inline __u64 current_pid_tgid(struct task_struct *cur)
{
	if (HAVE_TASK_BTF)
		return (__u64)cur->tgid << 32 | (__u32)cur->pid;
	return bpf_get_current_pid_tgid();
}

static __always_inline __u64 current_mntns_id(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

#endif /* TASK_BPF_H */
