/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The filters (-p, -u, --cgroupmap, --mntnsmap, -c, --unit, --container,
 * -P): the rodata switches and the maps they read are bindsnoop.bpf.c's,
 * set before load, so the verifier prunes what a run does not use.
 * Included by bindsnoop.bpf.c after its maps.
 */
#ifndef FILTERS_BPF_H
#define FILTERS_BPF_H

#include "task.bpf.h"

/* The filters that depend only on the calling task: checked at entry. */
static __always_inline bool task_traced(void)
{
	/*
	 * The verifier drops a branch on a constant, but not the load of a
	 * const volatile before it: one load when nothing filters, not seven.
	 */
	if (!filter_task)
		return true;
	/* The helper only when -p asks: the verifier drops the branch, not a call before it. */
	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return false;
	if (filter_uid && (__u32)current_uid_gid(current_task_btf()) != target_uid)
		return false;
	if (filter_cgroup_map) {
		__u64 cgid = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_set, &cgid))
			return false;
	}
	if (filter_mntns_map) {
		__u64 mntns = current_mntns_id();

		if (!bpf_map_lookup_elem(&mntns_set, &mntns))
			return false;
	}
	if (filter_cgroup_dir && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_DIR))
		return false;
	if (filter_unit && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_UNIT))
		return false;
	if (filter_container && !bpf_current_task_under_cgroup(&cgroup_dir, CGROUP_SLOT_CONTAINER))
		return false;
	return true;
}

static __always_inline bool port_traced(__u16 port)
{
	if (!filter_ports)
		return true;
	return port_bitmap[port >> 3] & (1 << (port & 7));
}

#endif /* FILTERS_BPF_H */
