# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/pid.sh: the e2e suite's pid group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# -p: only that process.
group_pid() {
	wl_bg || { fail pid_filter "workload did not get ready"; return; }
	filter_case pid_filter -p "$WL_BG"
}
