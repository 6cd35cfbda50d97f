# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/errors.sh: the e2e suite's errors group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# -E: failed binds with the requested address and port and the errno name.
group_errors() {
	tracer_start -E || { fail errors "bindsnoop -E did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 p3 p4 p5 port5
	wl -a 192.0.2.1 -p 4243; p1=$WL_PID
	wl -p 4244 -D; p2=$WL_PID
	wl -f 6 -a 2001:db8::1 -p 4245; p3=$WL_PID
	wl -u 1234 -p 80; p4=$WL_PID
	wl; p5=$WL_PID port5=$WL_PORT
	tracer_stop
	expect errors_eaddrnotavail "$p1" "$(rc_col EADDRNOTAVAIL)$(row "$p1" workload TCP 192.0.2.1 4243 ..... 0)"
	expect errors_eaddrinuse "$p2" \
		"$(rc_col 0)$(row "$p2" workload TCP 127.0.0.1 4244 ..... 0)" \
		"$(rc_col EADDRINUSE)$(row "$p2" workload TCP 127.0.0.1 4244 ..... 0)"
	expect errors_ipv6_requested_address "$p3" "$(rc_col EADDRNOTAVAIL)$(row "$p3" workload TCP 2001:db8::1 4245 ..... 0)"
	expect errors_eacces "$p4" "$(rc_col EACCES)$(row "$p4" workload TCP 127.0.0.1 80 ..... 0)"
	expect errors_success_rc_0 "$p5" "$(rc_col 0)$(row "$p5" workload TCP 127.0.0.1 "$port5" ..... 0)"
	check errors_header "$(head -n 1 "$TMP/out")" = "$(rc_col RC)$(header)"
}
