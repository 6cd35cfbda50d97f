# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/noprealloc.sh: the e2e suite's noprealloc group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# A --cgroupmap made with BPF_F_NO_PREALLOC: kprobe and tracepoint programs
# that use one make kernels 5.7-6.0 WARN, so there those backends refuse it
# with the reason; fexit, and every backend elsewhere, trace with it.
group_noprealloc() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail noprealloc_map "bpftool not installed"
		return
	fi
	make_cgroup || { fail noprealloc_map "no cgroup v2 hierarchy mounted"; return; }
	local path=/sys/fs/bpf/bindsnoop_e2e_noprealloc cgid v backend
	cgid=$(stat -c %i "$CGROUP_DIR")
	rm -f "$path"
	# flags 1: BPF_F_NO_PREALLOC; u64_hex prints 8 words on purpose
	# shellcheck disable=SC2046
	$BPFTOOL map create "$path" type hash key 8 value 8 entries 128 name noprealloc flags 1 &&
		$BPFTOOL map update pinned "$path" key hex $(u64_hex "$cgid") value hex $(u64_hex 1) &&
		PINNED="$PINNED $path" || { fail noprealloc_map "bpftool could not make the map"; return; }
	v=$(kernel_version)
	backend=$(backend_in_use)
	if [ "$v" -ge 5007 ] && [ "$v" -lt 6001 ] && [ "$backend" != fentry ]; then
		local err rc want
		err=$("$BINDSNOOP" --backend "$BACKEND" --cgroupmap "$path" -d 1 2>&1 >/dev/null)
		rc=$?
		if [ "$BACKEND" = auto ]; then
			want="bindsnoop: no backend could be loaded (run with -v to see why)"
		else
			want="bindsnoop: --backend $BACKEND: --cgroupmap: the map is BPF_F_NO_PREALLOC, and kprobe and tracepoint programs that use one make this kernel WARN (5.7-6.0): make it without that flag"
		fi
		check noprealloc_map_refused "$rc:$err" = "1:$want"
	else
		wl_bg || { fail noprealloc_map "workload did not get ready"; return; }
		echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
		tracer_start --cgroupmap "$path" || { fail noprealloc_map "did not start: $(cat "$TMP/err")"; return; }
		local target=$WL_BG
		wl_go
		tracer_stop
		expect noprealloc_map_traces "$target" "$(row "$target" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
	fi
	rmdir "$CGROUP_DIR" 2>/dev/null && CGROUP_DIR=
}
