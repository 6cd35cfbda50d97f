# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/unprivileged.sh: the e2e suite's unprivileged group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# Not root and without CAP_BPF/CAP_PERFMON: one line, exit 1.
group_unprivileged() {
	if ! command -v setpriv >/dev/null; then
		fail unprivileged "setpriv not installed (Debian util-linux)"
		return
	fi
	local err rc
	err=$(setpriv --reuid=1234 --regid=1234 --clear-groups --inh-caps=-all \
		"$BINDSNOOP" --backend "$BACKEND" 2>&1 >/dev/null)
	rc=$?
	check unprivileged_exit_1 "$rc" = 1
	check unprivileged_one_line "$err" = "bindsnoop: need root, or CAP_BPF and CAP_PERFMON (plus CAP_DAC_READ_SEARCH for the tracepoint backend; CAP_SYS_ADMIN before 5.8)"
}
