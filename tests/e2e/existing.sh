# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/existing.sh: the e2e suite's existing group (sourced by
# tests/e2e.sh, which holds the tracer, workload and expect helpers it uses).
#
# --existing: sockets bound BEFORE bindsnoop starts are listed right after
# the header, one line per process that holds one (a forked child that
# inherited it too), with the columns a bind would have had; the kernel's
# own sockets with pid 0 and [kernel]; then the live stream. Each holder is
# a workload that binds in a network namespace of its own and keeps the
# socket (-k); what is expected comes from what it reported (its pid, its
# child's, the port it got) and the options it was given.

# Sockets bound before the trace: NAME | WORKLOAD ARGS | PROT | ADDR | PORT |
# OPTS | IF | NEEDS, as in COLUMNS_CASES (PORT and IF "=": what the workload
# reported). -F: its forked child holds the socket too and is listed as well.
EXISTING_CASES=(
	# NAME           | WORKLOAD ARGS          | PROT    | ADDR             | PORT | OPTS  | IF | NEEDS
	"tcp_listener    | -L -F -o R -p 4321     | TCP     | 127.0.0.1        | 4321 | ...R. | 0  |"
	"tcp_no_port     | -o N                   | TCP     | 127.0.0.1        | 0    | ..N.. | 0  | port=0"
	"tcp_freebind    | -a 192.0.2.1 -o FT -L  | TCP     | 192.0.2.1        | =    | FT... | 0  |"
	"udp6_device     | -t udp -f 6 -d lo      | UDP     | ::1              | =    | ..... | =  | if=1"
	"udplite         | -t udplite -o r        | UDPLITE | 127.0.0.1        | =    | ....r | 0  | udplite"
	"raw             | -t raw                 | RAW     | 127.0.0.1        | 255  | ...R. | 0  |"
	"ping_v6         | -t ping -f 6           | ICMPV6  | ::1              | =    | ...R. | 0  |"
	"mptcp_listener  | -t mptcp -L            | MPTCP   | 127.0.0.1        | =    | ..... | 0  | mptcp"
	"v4_mapped       | -f 6 -a 127.0.0.1 -L   | TCP     | ::ffff:127.0.0.1 | =    | ..... | 0  |"
)

# The holders this group started (and their children), killed at its end.
EXISTING_HOLDERS=

# existing_holder ARGS...: a workload that binds in a network namespace of
# its own (EX_NETNS_ARG=, none: bindsnoop's) and holds the socket for a
# minute. Sets WL_* (its report), EX_CHILD (with -F: the child's pid) and
# EX_NETNS (its namespace's inode). Status 1 when it did not report its
# bind (WL_EXIT: 2, a setup error).
existing_holder() {
	local out=$TMP/holder.$RANDOM pid
	# shellcheck disable=SC2086 # -N or nothing
	"$WORKLOAD" ${EX_NETNS_ARG--N} -k 60000 "$@" >"$out" 2>"$TMP/wl.err" &
	pid=$!
	EXISTING_HOLDERS+=" $pid"
	WL_EXIT=0 EX_CHILD='' EX_NETNS=''
	if ! wait_for_line "$out" '^pid=' 100 "$pid" ||
		{ [[ " $* " == *" -F "* ]] && ! wait_for_line "$out" '^child=' 100 "$pid"; }; then
		wait "$pid" 2>/dev/null
		WL_EXIT=$?
		wl_parse ""
		return 1
	fi
	wl_parse "$(<"$out")"
	EX_CHILD=$(sed -n 's/^child=//p' "$out")
	[ -z "$EX_CHILD" ] || EXISTING_HOLDERS+=" $EX_CHILD"
	EX_NETNS=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)
	[ "$WL_PID" = "$pid" ]
}

existing_kill_holders() {
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$EXISTING_HOLDERS" ] || kill -KILL $EXISTING_HOLDERS 2>/dev/null
	wait 2>/dev/null
	EXISTING_HOLDERS=
}

# existing_trace OPTION...: bindsnoop --existing with these options, until
# it said the listing is done (-v); then the caller stops it.
existing_trace() {
	tracer_start -v --existing "$@" || return 1
	wait_for_line "$TMP/err" '^bindsnoop: existing sockets: [0-9][0-9]* listed' 600 "$TRACER"
}

# existing_case CASE: start the holder, add its expected lines to the lists.
existing_case() {
	local name args prot addr port opts ifx needs argv=()
	IFS='|' read -r name args prot addr port opts ifx needs <<<"$1"
	name=${name// /} prot=${prot// /} addr=${addr// /} port=${port// /}
	opts=${opts// /} ifx=${ifx// /} needs=${needs// /}
	read -ra argv <<<"$args"
	if ! existing_holder "${argv[@]}"; then
		case $needs in
		mptcp | udplite) feature_case "$needs" "existing_$name" || return 0 ;;
		esac
		fail "existing_$name" "the holder did not bind (exit $WL_EXIT): $(cat "$TMP/wl.err")"
		return 0
	fi
	case $needs in
	mptcp | udplite) feature_case "$needs" "existing_$name" || return 0 ;;
	port=*) require "existing_${name}_port_reported" "${WL_PORT:-x}" = "${needs#port=}" ;;
	if=*) require "existing_${name}_ifindex_reported" "${WL_IF:-x}" = "${needs#if=}" ;;
	esac
	[ "$port" != = ] || port=$WL_PORT
	[ "$ifx" != = ] || ifx=$WL_IF
	names+=("existing_$name") pids+=("$WL_PID")
	lines+=("$(row "$WL_PID" workload "$prot" "$addr" "$port" "$opts" "$ifx")")
	if [ -n "$EX_CHILD" ]; then
		names+=("existing_${name}_forked_child") pids+=("$EX_CHILD")
		lines+=("$(row "$EX_CHILD" workload "$prot" "$addr" "$port" "$opts" "$ifx")")
	fi
}

# Every socket kind, listed with the columns a bind of it would have had.
existing_table() {
	local -a names=() pids=() lines=()
	local c i
	for c in "${EXISTING_CASES[@]}"; do
		existing_case "$c"
	done
	if ! existing_trace; then
		fail existing_table "bindsnoop --existing did not list: $(tail -n 3 "$TMP/err")"
		[ -z "$TRACER" ] || tracer_stop
		existing_kill_holders
		return
	fi
	# The live stream follows the listing: a bind made now is printed once.
	wl -p 4330
	local live_pid=$WL_PID live_made=$WL_EXIT:$WL_RC
	tracer_stop
	check existing_exit_0 "$TRACER_RC" = 0
	for i in "${!names[@]}"; do
		expect "${names[$i]}" "${pids[$i]}" "${lines[$i]}"
	done
	if [ "$live_made" = 0:0 ]; then
		expect existing_then_live_stream "$live_pid" "$(row "$live_pid" workload TCP 127.0.0.1 4330 ..... 0)"
	else
		fail existing_then_live_stream "the live workload did not bind ($live_made): $(cat "$TMP/wl.err")"
	fi
	check existing_header_first "$(head -n 1 "$TMP/out")" = "$(header)"
	existing_kill_holders
}

# -j: every field of a listed socket and of its forked child's, exactly.
existing_json() {
	local p port ppid child netns
	if ! existing_holder -L -F -u 1234 -o r -p 4323; then
		fail existing_json "the holder did not bind (exit $WL_EXIT): $(cat "$TMP/wl.err")"
		existing_kill_holders
		return
	fi
	p=$WL_PID port=$WL_PORT ppid=$WL_PPID child=$EX_CHILD netns=$EX_NETNS
	if ! existing_holder -t udp -p 4324; then
		fail existing_json_udp "the holder did not bind (exit $WL_EXIT): $(cat "$TMP/wl.err")"
	fi
	local udp_pid=$WL_PID
	if ! existing_trace -j; then
		fail existing_json "bindsnoop --existing -j did not list: $(tail -n 3 "$TMP/err")"
		[ -z "$TRACER" ] || tracer_stop
		existing_kill_holders
		return
	fi
	tracer_stop
	existing_kill_holders
	# Another network namespace than ours: the holder's own, by its inode.
	require existing_json_other_netns "${netns:-0}" != "$(stat -L -c %i /proc/self/ns/net)" -a "${netns:-0}" -gt 0
	local cg cgpath mntns pcomm want got
	cgpath=$(own_cgroup_path)
	cg=$(stat -c %i "$(cgroup2_root)$cgpath" 2>/dev/null)
	mntns=$(stat -L -c %i /proc/self/ns/mnt)
	pcomm=$(cat /proc/$$/comm)
	# shellcheck disable=SC2016 # jq's own $variables
	local fmt='{"pid":%s,"tid":%s,"ppid":%s,"uid":1234,"gid":1234,"comm":"workload","protocol":"TCP","protocol_num":6,"family":"ipv4","address":"127.0.0.1","port":4323,"options":"....r","option_names":["SO_REUSEPORT"],"ifindex":0,"ifname":null,"ret":0,"errno":null,"cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s","via":"existing","state":"LISTEN"}'
	require existing_json_port "$port" = 4323
	# shellcheck disable=SC2059 # the format above
	want=$(printf "$fmt" "$p" "$p" "$ppid" "${cg:-0}" "$mntns" "${netns:-0}" "$pcomm" "$cgpath")
	got=$(jq -c --argjson pid "$p" 'select(.pid == $pid) | del(.time, .time_ns, .unit, .container_id)' "$TMP/out")
	check existing_json_fields "$got" = "$want"
	# The child: the same socket, its own pid, the holder as its parent.
	# shellcheck disable=SC2059
	want=$(printf "$fmt" "${child:-0}" "${child:-0}" "$p" "${cg:-0}" "$mntns" "${netns:-0}" workload "$cgpath")
	got=$(jq -c --argjson pid "${child:-0}" 'select(.pid == $pid) | del(.time, .time_ns, .unit, .container_id)' "$TMP/out")
	check existing_json_forked_child_fields "$got" = "$want"
	# A UDP socket has no state.
	got=$(jq -c --argjson pid "${udp_pid:-0}" 'select(.pid == $pid) | [.protocol, .port, .via, has("state")]' "$TMP/out")
	check existing_json_udp_no_state "$got" = '["UDP",4324,"existing",false]'
}

# The live trace's filters hold for the listing: -p, -u, -P (with -w: IFNAME).
existing_filters() {
	local a a_child b
	existing_holder -L -F -p 4325; a=$WL_PID a_child=$EX_CHILD
	local a_made=$WL_EXIT:$WL_RC
	existing_holder -t udp -f 6 -d lo -p 4326 -u 1234; b=$WL_PID
	local b_made=$WL_EXIT:$WL_RC
	require existing_filter_holders_bound "$a_made:$b_made" = 0:0:0:0

	existing_trace -p "$a" || fail existing_filter_pid "did not list: $(tail -n 3 "$TMP/err")"
	[ -z "$TRACER" ] || tracer_stop
	expect existing_filter_pid "$a" "$(row "$a" workload TCP 127.0.0.1 4325 ..... 0)"
	expect_none existing_filter_pid_not_child "$a_child" 0:0
	expect_none existing_filter_pid_not_other "$b" 0:0

	existing_trace -u 1234 || fail existing_filter_uid "did not list: $(tail -n 3 "$TMP/err")"
	[ -z "$TRACER" ] || tracer_stop
	expect existing_filter_uid "$b" "$(row "$b" workload UDP ::1 4326 ..... 1)"
	expect_none existing_filter_uid_not_root "$a" 0:0

	existing_trace -w -P 4326 || fail existing_filter_port "did not list: $(tail -n 3 "$TMP/err")"
	[ -z "$TRACER" ] || tracer_stop
	PID_FROM_END=7
	expect existing_filter_port_wide "$b" "$(row_wide "$b" workload UDP ::1 4326 ..... 1) lo"
	expect_none existing_filter_port_not_other "$a" 0:0
	PID_FROM_END=6
	existing_kill_holders
}

# A socket no process holds: a VXLAN device's UDP port, made in a network
# namespace of bindsnoop's own (the kernel's sockets are listed in
# bindsnoop's namespace). VXLAN binds its port on the wildcard address
# (vxlan_create_sock()), with no option set.
existing_kernel_socket() {
	local real=$BINDSNOOP wrapper=$TMP/in-vxlan-netns
	if ! command -v ip >/dev/null || ! ip link help vxlan >/dev/null 2>&1; then
		fail existing_kernel_socket "iproute2's ip is needed to make a VXLAN device (vmtest: --host-tools ip)"
		return
	fi
	# unshare and bash exec: the tracer's pid is bindsnoop's own, for its
	# signals. bash, not sh: the guests' busybox sh runs its own applets
	# (an ip without VXLAN's dstport) before the tools on PATH.
	cat >"$wrapper" <<-EOF
		#!/bin/bash
		exec unshare -n bash -c 'ip link set lo up && ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 && ip link set vx0 up && exec "\$0" "\$@"' "$real" "\$@"
	EOF
	chmod +x "$wrapper"
	BINDSNOOP=$wrapper
	existing_trace -P 4789
	local listed=$?
	BINDSNOOP=$real
	if [ "$listed" != 0 ]; then
		fail existing_kernel_socket "did not list (is the vxlan module there? vmtest: --modules vxlan): $(tail -n 3 "$TMP/err")"
		[ -z "$TRACER" ] || tracer_stop
		return
	fi
	tracer_stop
	expect existing_kernel_socket_vxlan 0 "$(row 0 '[kernel]' UDP 0.0.0.0 4789 ..... 0)"
}

# --holders: a bind that failed with EADDRINUSE names who holds the port.
# The failing workload keeps its socket a while (-k), so the event is read
# while every holder still holds; the holders it names are the pids the
# test started (sorted), nothing taken from the output.
HOLD_WAIT_MS=1500

# holders_of PID: the "holders" of PID's failed bind, sorted by pid, compact.
holders_of() {
	jq -c --argjson pid "$1" 'select(.pid == $pid and .errno == "EADDRINUSE") | .holders | if . == null then null else sort_by(.pid) end' "$TMP/out"
}

# [{"pid":A,"comm":"workload"},...] for the pids given, sorted.
holders_want() {
	printf '%s\n' "$@" | sort -n | awk 'BEGIN { printf "[" } { printf "%s{\"pid\":%s,\"comm\":\"workload\"}", (NR > 1 ? "," : ""), $1 } END { print "]" }'
}

existing_holders_json() {
	local wild wild_child spec other_ns
	local f_spec f_wild f_mapped f_ns f_self made
	# In bindsnoop's network namespace: a wildcard holder and its forked
	# child, a specific one; and in a namespace of its own, a holder of the
	# same address and port as the specific one.
	EX_NETNS_ARG='' existing_holder -L -F -a 0.0.0.0 -p 4411; wild=$WL_PID wild_child=$EX_CHILD made=$WL_EXIT:$WL_RC
	EX_NETNS_ARG='' existing_holder -L -a 127.0.0.1 -p 4412; spec=$WL_PID made+=:$WL_EXIT:$WL_RC
	existing_holder -L -a 127.0.0.1 -p 4412; other_ns=$WL_PID made+=:$WL_EXIT:$WL_RC
	# an SO_REUSEPORT group of two, and a holder a storm of binds fails against
	local rp1 rp2 storm_holder
	EX_NETNS_ARG='' existing_holder -L -o r -p 4417; rp1=$WL_PID made+=:$WL_EXIT:$WL_RC
	EX_NETNS_ARG='' existing_holder -L -o r -p 4417; rp2=$WL_PID made+=:$WL_EXIT:$WL_RC
	EX_NETNS_ARG='' existing_holder -t udp -p 4418; storm_holder=$WL_PID made+=:$WL_EXIT:$WL_RC
	require holders_holders_bound "$made" = 0:0:0:0:0:0:0:0:0:0:0:0
	tracer_start -j -E --holders || { fail holders_json "bindsnoop -j -E --holders did not start: $(cat "$TMP/err")"; existing_kill_holders; return; }
	# against the wildcard holder (and the child that holds the same socket)
	wl_host -p 4411 -k "$HOLD_WAIT_MS"; f_wild=$WL_PID made=$WL_RC
	# against the specific holder; the other namespace's is not in the way
	wl_host -p 4412 -k "$HOLD_WAIT_MS"; f_spec=$WL_PID made+=:$WL_RC
	# v4-mapped IPv6 against the IPv4 holder
	wl_host -f 6 -a 127.0.0.1 -p 4412 -k "$HOLD_WAIT_MS"; f_mapped=$WL_PID made+=:$WL_RC
	# against its own first socket (-D), in a namespace of its own
	wl -p 4413 -D -k "$HOLD_WAIT_MS"; f_self=$WL_PID made+=:$WL_RC
	# against the SO_REUSEPORT group, without SO_REUSEPORT: both are in its way
	local f_rp f_storm storm_made
	wl_host -p 4417 -k "$HOLD_WAIT_MS"; f_rp=$WL_PID made+=:$WL_RC
	# a storm: 300 failing binds of one address and port, one look-up (then the cache)
	"$WORKLOAD" -t udp -p 4418 -n 300 >"$TMP/storm" 2>"$TMP/wl.err" &
	f_storm=$!
	wait "$f_storm"
	storm_made=$(<"$TMP/storm")
	# a successful bind: no look-up, no key
	wl -p 4414; f_ns=$WL_PID made+=:$WL_RC
	tracer_stop
	existing_kill_holders
	require holders_binds_failed "$made" = EADDRINUSE:EADDRINUSE:EADDRINUSE:EADDRINUSE:EADDRINUSE:0
	require holders_storm_failed "$storm_made" = "binds=0 failed=300 total=300"
	check holders_reuseport_group_both "$(holders_of "$f_rp")" = "$(holders_want "$rp1" "$rp2")"
	check holders_storm_every_event_answered "$(holders_of "$f_storm" | sort | uniq -c | awk '{ print $1, $2 }')" = "300 $(holders_want "$storm_holder")"
	check holders_against_wildcard_and_forked_child "$(holders_of "$f_wild")" = "$(holders_want "$wild" "$wild_child")"
	check holders_against_specific_not_other_netns "$(holders_of "$f_spec")" = "$(holders_want "$spec")"
	require holders_other_netns_holder "$other_ns" != "$spec"
	check holders_v4_mapped "$(holders_of "$f_mapped")" = "$(holders_want "$spec")"
	check holders_own_first_socket "$(holders_of "$f_self")" = "$(holders_want "$f_self")"
	check holders_none_on_success "$(jq -c --argjson pid "$f_ns" 'select(.pid == $pid) | [.errno, has("holders")]' "$TMP/out")" = '[null,false]'
}

# The table's HOLDER column: the first holder (by pid) and +N more; "-" for a successful bind.
existing_holders_column() {
	local a a_child first f ok
	EX_NETNS_ARG='' existing_holder -L -F -a 0.0.0.0 -p 4415; a=$WL_PID a_child=$EX_CHILD
	require holders_column_holder_bound "$WL_EXIT:$WL_RC" = 0:0
	tracer_start -E --holders || { fail holders_column "bindsnoop -E --holders did not start: $(cat "$TMP/err")"; existing_kill_holders; return; }
	wl_host -p 4415 -k "$HOLD_WAIT_MS"; f=$WL_PID
	wl -p 4416; ok=$WL_PID
	tracer_stop
	existing_kill_holders
	first=$(printf '%s\n' "$a" "$a_child" | sort -n | head -n 1)
	PID_FROM_END=7
	expect holders_column "$f" "$(rc_col EADDRINUSE)$(row "$f" workload TCP 127.0.0.1 4415 ..... 0) $first/workload,+1"
	expect holders_column_success "$ok" "$(rc_col 0)$(row "$ok" workload TCP 127.0.0.1 4416 ..... 0) -"
	PID_FROM_END=6
	check holders_column_header "$(head -n 1 "$TMP/out")" = "$(rc_col RC)$(header) HOLDER"
}

# --existing needs no more than the live trace: min_caps' set, as nobody.
existing_min_caps() {
	local caps=cap_bpf,cap_perfmon,cap_dac_read_search runner rc p
	if ! command -v capsh >/dev/null; then
		fail existing_min_caps "capsh not installed (Debian libcap2-bin)"
		return
	fi
	# As group_min_caps says why.
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -gt 2 ] &&
		[ "$(backend_in_use)" != fentry ]; then
		caps=$caps,cap_sys_admin
	fi
	[ "$(kernel_version)" -ge 5011 ] || caps=$caps,cap_sys_resource
	existing_holder -L -p 4419 || { fail existing_min_caps "the holder did not bind: $(cat "$TMP/wl.err")"; existing_kill_holders; return; }
	p=$WL_PID
	cp "$BINDSNOOP" "$TMP/bindsnoop-caps"
	chmod 755 "$TMP" "$TMP/bindsnoop-caps"
	capsh --caps="$caps+eip cap_setpcap,cap_setuid,cap_setgid+ep" --keep=1 --user=nobody \
		--addamb="$caps" -- -c "exec $TMP/bindsnoop-caps --backend $BACKEND --existing -P 4419 -d 1" \
		>"$TMP/caps.out" 2>"$TMP/caps.err" &
	runner=$!
	wait "$runner"
	rc=$?
	existing_kill_holders
	check existing_min_caps_exit_0 "$rc" = 0
	if [ "$(awk -v pid="$p" '$(NF-6) == pid' "$TMP/caps.out")" = "$(row "$p" workload TCP 127.0.0.1 4419 ..... 0)" ]; then
		pass existing_min_caps_lists
	else
		fail existing_min_caps_lists "stdout: $(cat "$TMP/caps.out") stderr: $(cat "$TMP/caps.err")"
	fi
}

# The iterators' object goes with the rest, kill -9 included.
existing_leftovers() {
	local left
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail existing_nothing_left "bpftool not installed (Debian bpftool; the guests get the host's)"
		return
	fi
	if ! left=$(none_left all); then
		skip existing_nothing_left "another bindsnoop is running: $left"
		return
	fi
	tracer_start -E --holders --existing || { fail existing_nothing_left "did not start: $(cat "$TMP/err")"; return; }
	check existing_iterators_visible_while_running "$(our_objects | grep -c 'list_task_socke')" = 1
	tracer_stop KILL
	left=$(none_left all) && pass existing_nothing_left_after_kill9 || fail existing_nothing_left_after_kill9 "$left"
}

group_existing() {
	existing_table
	if command -v jq >/dev/null; then existing_json; else fail existing_json "jq not installed"; fi
	existing_filters
	existing_min_caps
	existing_leftovers
	existing_kernel_socket
	if command -v jq >/dev/null; then existing_holders_json; else fail holders_json "jq not installed"; fi
	existing_holders_column
	# One line and the usage status for what cannot be combined.
	"$BINDSNOOP" --existing --count >"$TMP/out" 2>"$TMP/err"
	check existing_with_count_refused "$?:$(cat "$TMP/err")" = \
		"64:bindsnoop: option --existing: cannot be combined with --count"
	"$BINDSNOOP" --holders >"$TMP/out" 2>"$TMP/err"
	check holders_without_E_refused "$?:$(cat "$TMP/err")" = \
		"64:bindsnoop: option --holders: needs -E (failed binds are what it explains)"
}
