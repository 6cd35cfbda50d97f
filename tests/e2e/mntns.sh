# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/mntns.sh: the e2e suite's mntns group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# --mntnsmap: only tasks of that mount namespace.
group_mntns() {
	UNSHARE="-n -m" wl_bg || { fail mntnsmap "workload did not get ready"; return; }
	local mntns
	mntns=$(stat -L -c %i "/proc/$WL_BG/ns/mnt")
	pin_id_map /sys/fs/bpf/bindsnoop_e2e_mntns "$mntns" || { fail mntnsmap "bpftool could not make the map"; return; }
	filter_case mntnsmap --mntnsmap /sys/fs/bpf/bindsnoop_e2e_mntns
}
