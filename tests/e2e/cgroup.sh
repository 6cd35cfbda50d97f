# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/cgroup.sh: the e2e suite's cgroup group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# --cgroupmap (bcc) and -c (libbpf-tools): only tasks of that cgroup.
group_cgroup() {
	if ! make_cgroup; then
		fail cgroup "no cgroup v2 hierarchy mounted (the host has one, the guests mount one)"
		return
	fi
	local cgid
	cgid=$(stat -c %i "$CGROUP_DIR")

	pin_id_map /sys/fs/bpf/bindsnoop_e2e_cg "$cgid" || { fail cgroupmap "bpftool could not make the map"; return; }
	wl_bg || { fail cgroupmap "workload did not get ready"; return; }
	echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
	filter_case cgroupmap --cgroupmap /sys/fs/bpf/bindsnoop_e2e_cg

	wl_bg || { fail cgroup_dir "workload did not get ready"; return; }
	echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
	filter_case cgroup_dir -c "$CGROUP_DIR"
	rmdir "$CGROUP_DIR" 2>/dev/null && CGROUP_DIR=
}
