# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/ports.sh: the e2e suite's ports group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# -P: a list and a range; for a failed bind the requested port is what matches.
group_ports() {
	tracer_start -E -P 4301,4305-4310 || { fail port_filter "bindsnoop -P did not start: $(cat "$TMP/err")"; return; }
	wl -p 4301; local in1=$WL_PID
	wl -p 4305; local in2=$WL_PID
	wl -p 4310; local in3=$WL_PID
	wl -p 4303; local out1=$WL_PID made1 made2 made3 made4
	made1=$WL_EXIT:$WL_RC
	wl -p 4311; local out2=$WL_PID
	made2=$WL_EXIT:$WL_RC
	wl -a 192.0.2.1 -p 4307; local in4=$WL_PID
	wl -a 192.0.2.1 -p 4304; local out3=$WL_PID
	made3=$WL_EXIT:$WL_RC
	wl; local out4=$WL_PID
	made4=$WL_EXIT:$WL_RC
	tracer_stop
	expect port_filter_list "$in1" "$(rc_col 0)$(row "$in1" workload TCP 127.0.0.1 4301 ..... 0)"
	expect port_filter_range_start "$in2" "$(rc_col 0)$(row "$in2" workload TCP 127.0.0.1 4305 ..... 0)"
	expect port_filter_range_end "$in3" "$(rc_col 0)$(row "$in3" workload TCP 127.0.0.1 4310 ..... 0)"
	expect port_filter_failed_requested "$in4" "$(rc_col EADDRNOTAVAIL)$(row "$in4" workload TCP 192.0.2.1 4307 ..... 0)"
	expect_none port_filter_between "$out1" "$made1"
	expect_none port_filter_after_range "$out2" "$made2"
	expect_none port_filter_failed_other "$out3" "$made3" 0:EADDRNOTAVAIL
	expect_none port_filter_ephemeral "$out4" "$made4"
}
