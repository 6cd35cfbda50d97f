# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/signals.sh: the e2e suite's signals group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# SIGTERM and SIGHUP stop it cleanly too.
group_signals() {
	local sig
	for sig in TERM HUP; do
		tracer_start || { fail "sig$sig" "did not start"; continue; }
		wl; local p=$WL_PID port=$WL_PORT
		tracer_stop "$sig"
		check "sig${sig}_exit_0" "$TRACER_RC" = 0
		expect "sig${sig}_drains_events" "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
	done
}
