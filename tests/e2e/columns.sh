# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/columns.sh: the e2e suite's columns group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# The default table, one case a bind: every OPTS letter, IF, each protocol
# and family, ports. PORT and IF: "=" is what the workload reported (a port
# it must report non-zero). NEEDS: a kernel feature (tests/expectations), or
# what the workload must report for the case to mean anything (port=0: the
# port deferred by N; if=1: bound to lo).
COLUMNS_CASES=(
	# NAME             | WORKLOAD ARGS      | PROT    | ADDR             | PORT | OPTS  | IF | NEEDS
	"port_ephemeral    |                    | TCP     | 127.0.0.1        | =    | ..... | 0  |"
	"port_fixed        | -p 4242            | TCP     | 127.0.0.1        | 4242 | ..... | 0  |"
	"opt_F             | -a 192.0.2.1 -o F  | TCP     | 192.0.2.1        | =    | F.... | 0  |"
	"opt_T             | -o T               | TCP     | 127.0.0.1        | =    | .T... | 0  |"
	"opt_N             | -o N               | TCP     | 127.0.0.1        | 0    | ..N.. | 0  | port=0"
	"opt_R             | -o R               | TCP     | 127.0.0.1        | =    | ...R. | 0  |"
	"opt_r             | -o r               | TCP     | 127.0.0.1        | =    | ....r | 0  |"
	"opt_all           | -o FTNRr           | TCP     | 127.0.0.1        | 0    | FTNRr | 0  | port=0"
	"if_bindtodevice   | -d lo              | TCP     | 127.0.0.1        | =    | ..... | =  | if=1"
	"proto_udp         | -t udp             | UDP     | 127.0.0.1        | =    | ..... | 0  |"
	"proto_udplite_v6  | -t udplite -f 6    | UDPLITE | ::1              | =    | ..... | 0  | udplite6"
	# The kernel marks raw sockets SO_REUSEADDR and keeps the protocol in the port.
	"proto_raw         | -t raw             | RAW     | 127.0.0.1        | 255  | ...R. | 0  |"
	# Ping sockets: the port is the ICMP echo id; the kernel marks them SO_REUSEADDR too.
	"proto_ping        | -t ping            | ICMP    | 127.0.0.1        | =    | ...R. | 0  |"
	"proto_ping_v6     | -t ping -f 6       | ICMPV6  | ::1              | =    | ...R. | 0  |"
	"proto_mptcp       | -t mptcp           | MPTCP   | 127.0.0.1        | =    | ..... | 0  | mptcp"
	"ipv6              | -f 6 -a ::1        | TCP     | ::1              | =    | ..... | 0  |"
	"ipv4_mapped       | -f 6 -a 127.0.0.1  | TCP     | ::ffff:127.0.0.1 | =    | ..... | 0  |"
)

# columns_case CASE: make the bind, and add its expected line to the lists.
columns_case() {
	local name args prot addr port opts ifx needs argv=()
	IFS='|' read -r name args prot addr port opts ifx needs <<<"$1"
	name=${name// /} prot=${prot// /} addr=${addr// /} port=${port// /}
	opts=${opts// /} ifx=${ifx// /} needs=${needs// /}
	read -ra argv <<<"$args"
	wl "${argv[@]}"
	case $needs in
	mptcp | udplite6) feature_case "$needs" "$name" || return 0 ;;
	esac
	wl_ok "$name" || return 0
	case $needs in
	port=*) require "${name}_port_reported" "${WL_PORT:-x}" = "${needs#port=}" ;;
	if=*) require "${name}_ifindex_reported" "${WL_IF:-x}" = "${needs#if=}" ;;
	esac
	if [ "$port" = = ]; then
		port=$WL_PORT
		[ "${port:-0}" -gt 0 ] 2>/dev/null || { fail "$name" "the workload reported port '$port'"; return 0; }
	fi
	[ "$ifx" != = ] || ifx=$WL_IF
	names+=("$name") pids+=("$WL_PID") lines+=("$(row "$WL_PID" workload "$prot" "$addr" "$port" "$opts" "$ifx")")
}

group_columns() {
	tracer_start || { fail columns "bindsnoop did not start: $(cat "$TMP/err")"; return; }
	local -a names=() pids=() lines=()
	local c i
	for c in "${COLUMNS_CASES[@]}"; do
		columns_case "$c"
	done
	wl -a 192.0.2.1 -p 4243
	local failed_pid=$WL_PID failed_made
	failed_made=$WL_EXIT:$WL_RC

	tracer_stop
	check sigint_exit_0 "$TRACER_RC" = 0
	for i in "${!names[@]}"; do
		expect "${names[$i]}" "${pids[$i]}" "${lines[$i]}"
	done
	expect_none failed_bind_hidden_without_E "$failed_pid" "$failed_made" 0:EADDRNOTAVAIL
	check header_on_stdout "$(head -n 1 "$TMP/out")" = "$(header)"
	check banner_on_stderr "$(head -n "$(banner_lines | wc -l)" "$TMP/err")" = "$(banner_lines)"
}
