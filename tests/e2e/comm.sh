# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/comm.sh: the e2e suite's comm group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# A process cannot write to the operator's terminal through its name.
group_comm() {
	tracer_start || { fail comm_escaped "did not start: $(cat "$TMP/err")"; return; }
	wl -c "$(printf '\033[31mred\n')"; local p1=$WL_PID port1=$WL_PORT
	wl -c "$(printf 'caf\303\251\tx\\y')"; local p2=$WL_PID port2=$WL_PORT
	tracer_stop
	# Escapes are never cut in half: what does not fit whole in 12 columns is left out.
	expect comm_escape_sequence "$p1" "$(row "$p1" '\x1b[31mred' TCP 127.0.0.1 "$port1" ..... 0)"
	expect comm_high_bytes_tab_backslash "$p2" "$(row "$p2" 'caf\xc3\xa9' TCP 127.0.0.1 "$port2" ..... 0)"
	check comm_no_raw_control_bytes "$(LC_ALL=C grep -c "$(printf '[\001-\010\013-\037\177]')" "$TMP/out")" = 0
}
