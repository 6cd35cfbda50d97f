/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * bcc's --cgroupmap and --mntnsmap: user space reuses the pinned maps it
 * is given in place of these (backends.c, existing.c), in both BPF objects
 * (bindsnoop.bpf.c's live programs, existing.bpf.c's iterators).
 */
#ifndef PINNED_MAPS_BPF_H
#define PINNED_MAPS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} cgroup_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} mntns_set SEC(".maps");

#endif /* PINNED_MAPS_BPF_H */
