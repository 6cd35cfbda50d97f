# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/pipe.sh: the e2e suite's pipe group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# | head -1: the reader goes away; bindsnoop leaves quietly with 0.
group_pipe() {
	(
		"$BINDSNOOP" --backend "$BACKEND" 2>"$TMP/pipe.err" | head -n 1 >"$TMP/pipe.out"
		echo "${PIPESTATUS[0]}" >"$TMP/pipe.rc"
	) &
	local runner=$! i
	wait_banner "$TMP/pipe.err"
	# head already has the header; every bind now goes to a closed pipe.
	for i in $(seq 1 50); do
		[ -s "$TMP/pipe.rc" ] && break
		wl -q -n 20
		sleep 0.1
	done
	wait "$runner"
	check epipe_exit_0 "$(cat "$TMP/pipe.rc" 2>/dev/null)" = 0
	# Quiet: nothing about the closed pipe. Events lost meanwhile are still reported.
	check epipe_quiet "$(grep -v -e '^bindsnoop: [0-9]* events lost: buffer full' \
		-e '^bindsnoop: in total ' "$TMP/pipe.err")" = "$(banner_lines)"
}
