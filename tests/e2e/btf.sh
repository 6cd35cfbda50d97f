# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/btf.sh: the e2e suite's btf group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# --btf: CO-RE against a BTF file (as for kernels without /sys/kernel/btf/vmlinux),
# here the running kernel's own, copied out as BTFHub-style files are.
group_btf() {
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		fail btf_file "kernel has no BTF to copy (every kernel of the matrix has one)"
		return
	fi
	cp /sys/kernel/btf/vmlinux "$TMP/vmlinux.btf"
	tracer_start --btf "$TMP/vmlinux.btf" || { fail btf_file "did not start: $(cat "$TMP/err")"; return; }
	wl -o FN; local p=$WL_PID
	tracer_stop
	expect btf_file "$p" "$(row "$p" workload TCP 127.0.0.1 0 F.N.. 0)"
}
