# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/uid.sh: the e2e suite's uid group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# -u: only that user.
group_uid() {
	tracer_start -u 1234 || { fail uid_filter "bindsnoop -u did not start: $(cat "$TMP/err")"; return; }
	wl -u 1234 -t udp; local p1=$WL_PID port1=$WL_PORT
	wl -t udp; local p2=$WL_PID made2
	made2=$WL_EXIT:$WL_RC
	tracer_stop
	expect uid_filter_match "$p1" "$(row "$p1" workload UDP 127.0.0.1 "$port1" ..... 0)"
	expect_none uid_filter_other "$p2" "$made2"
}
