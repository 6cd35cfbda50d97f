# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/leftovers.sh: the e2e suite's leftovers group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# Nothing stays in the kernel after any exit, kill -9 included.
group_leftovers() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail no_programs_left "bpftool not installed (Debian bpftool; the guests get the host's)"
		return
	fi
	local before
	# A finished run's programs go a little later (RCU): wait for them first.
	if ! before=$(none_left); then
		skip no_programs_left "another bindsnoop is running: $before"
		return
	fi
	tracer_start || { fail no_programs_left "did not start"; return; }
	if [ -n "$(our_objects)" ]; then pass programs_visible_while_running; else fail programs_visible_while_running "bpftool shows none of ours"; fi
	tracer_stop
	local left
	left=$(none_left) && pass no_programs_left_after_sigint || fail no_programs_left_after_sigint "$left"
	tracer_start || { fail no_programs_left_after_kill9 "did not start"; return; }
	wl -q -n 100
	tracer_stop KILL
	left=$(none_left) && pass no_programs_left_after_kill9 || fail no_programs_left_after_kill9 "$left"
}
