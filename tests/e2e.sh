#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# End-to-end suite: run the real ./bindsnoop, make binds with tests/workload
# (each in a private network namespace), and assert the exact line each bind
# produced. Runs as root, on the host and unchanged inside the qemu guests.
#
#   tests/e2e.sh [--backend auto|fentry|kprobe|tracepoint]
#                [--scope all|buffer|kernel] [GROUP-GLOB...]
#
# --scope (or E2E_SCOPE): "kernel" leaves out the groups whose subject is
# bindsnoop's user space (USER_SPACE_GROUPS and BUFFER_GROUPS below);
# "buffer" runs only those whose subject is how an event reaches the
# output (OUTPUT_GROUPS, BUFFER_GROUPS): the qemu guests run the user-space
# groups once per kernel, and over the perf buffer only what it changes.
#
# Ends with "N passed, N failed, N skipped"; exits 1 on any failure.
# BINDSNOOP_FORCE_PERFBUF=1 in the environment runs it over the perf buffer.

set -u
cd "$(dirname "$0")/.." || exit 1

BACKEND=auto
ONLY=()
SCOPE=${E2E_SCOPE:-all}
while [ $# -gt 0 ]; do
	case $1 in
	--backend) BACKEND=$2; shift 2 ;;
	--scope) SCOPE=$2; shift 2 ;;
	-h|--help) sed -n '3,12p' "$0"; exit 0 ;;
	*) ONLY+=("$1"); shift ;;
	esac
done

# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
# shellcheck source=tests/lib/expect.sh
. tests/lib/expect.sh
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
TMP=$(mktemp -d /tmp/bindsnoop-e2e.XXXXXX) || exit 1
TRACER=
CGROUP_DIR=
OWNER_BASE=
PINNED=

cleanup() {
	[ -n "$TRACER" ] && kill -KILL "$TRACER" 2>/dev/null
	[ -n "$PINNED" ] && rm -f $PINNED
	[ -n "$CGROUP_DIR" ] && rmdir "$CGROUP_DIR" 2>/dev/null
	[ -n "$OWNER_BASE" ] && find "$OWNER_BASE" -depth -type d -exec rmdir {} + 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# No GROUP-GLOB: every group; else those that match one of them.
selected() {
	local glob
	[ ${#ONLY[@]} -gt 0 ] || return 0
	for glob in "${ONLY[@]}"; do
		# shellcheck disable=SC2254 # a glob on purpose
		case $1 in $glob) return 0 ;; esac
	done
	return 1
}

# ---- the tracer ----

# Start bindsnoop with the given options; wait until it is attached (its banner).
# Its stdout goes to $TMP/out, or to TRACER_OUT when set.
tracer_start() {
	: >"$TMP/out"
	: >"$TMP/err"
	"$BINDSNOOP" --backend "$BACKEND" "$@" >"${TRACER_OUT:-$TMP/out}" 2>"$TMP/err" &
	TRACER=$!
	wait_banner "$TMP/err" "$TRACER" && return 0
	wait "$TRACER" 2>/dev/null
	TRACER=
	return 1
}

# Stop it as an operator would (SIGINT unless told otherwise); TRACER_RC is its exit status.
tracer_stop() {
	kill "-${1:-INT}" "$TRACER"
	wait "$TRACER" 2>/dev/null
	TRACER_RC=$?
	TRACER=
}

# ---- the workload ----

# The workload's report line ("pid=N tid=N port=N rc=X ifindex=N ppid=N"; the
# last one when there are several) into WL_PID WL_PORT WL_RC WL_IF WL_PPID.
# Bash's own matching: no process per field, which counts in the guests.
wl_parse() {
	local l line=
	while IFS= read -r l; do
		[[ $l == pid=* ]] && line=$l
	done <<<"$1"
	WL_PID= WL_PORT= WL_RC= WL_IF= WL_PPID=
	[[ $line =~ ^pid=([0-9]+)\  ]] && WL_PID=${BASH_REMATCH[1]}
	[[ $line =~ \ port=([0-9]+)\  ]] && WL_PORT=${BASH_REMATCH[1]}
	[[ $line =~ \ rc=([^ ]*)\  ]] && WL_RC=${BASH_REMATCH[1]}
	[[ $line =~ \ ifindex=([0-9]+)\  ]] && WL_IF=${BASH_REMATCH[1]}
	[[ $line =~ \ ppid=([0-9]+)$ ]] && WL_PPID=${BASH_REMATCH[1]}
	return 0
}

# Run the workload in a fresh network namespace (-N: lo up, ping sockets
# allowed). Sets WL_* from its report line; WL_EXIT is its status.
wl() {
	local line
	line=$("$WORKLOAD" -N "$@" 2>"$TMP/wl.err")
	WL_EXIT=$?
	wl_parse "$line"
}

# The same in bindsnoop's own network namespace, where interface names are known.
wl_host() {
	local line
	line=$("$WORKLOAD" "$@" 2>"$TMP/wl.err")
	WL_EXIT=$?
	wl_parse "$line"
}

# Start a workload that waits for SIGUSR1 (-S), in its own network namespace
# and optionally more (UNSHARE="-n -m"). Sets WL_BG (its pid) and WL_OUT.
wl_bg() {
	WL_OUT=$TMP/wl_bg.$RANDOM
	if [ -n "${UNSHARE:-}" ]; then
		# shellcheck disable=SC2086 # options, split on purpose
		unshare $UNSHARE sh -c 'ip link set lo up && exec "$0" "$@"' \
			"$WORKLOAD" -S "$@" >"$WL_OUT" 2>"$TMP/wl.err" &
	else
		"$WORKLOAD" -N -S "$@" >"$WL_OUT" 2>"$TMP/wl.err" &
	fi
	WL_BG=$!
	wait_for_line "$WL_OUT" '^ready' 50 "$WL_BG"
}

# Let the waiting workload bind; then read its report like wl() does.
wl_go() {
	kill -USR1 "$WL_BG"
	wait "$WL_BG"
	WL_EXIT=$?
	wl_parse "$(<"$WL_OUT")"
}

# ---- expected lines ----

# Lines of the trace made by PID: PID is the 7th field from the end (8th with -w's IFNAME).
PID_FROM_END=6
lines_of() { awk -v pid="$1" -v back="$PID_FROM_END" '$(NF-back) == pid' "$TMP/out"; }

# expect NAME PID LINE...: PID made exactly these lines, in this order.
expect() {
	local name=$1 pid=$2
	shift 2
	local want got
	want=$(printf '%s\n' "$@")
	got=$(lines_of "$pid")
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		# The tracer's own words too: a loss or a warning says where to look.
		fail "$name" "$(printf 'expected:\n%s\ngot:\n%s\ntracer stderr (last 3 lines):\n%s' "$want" "$got" \
			"$(tail -n 3 "$TMP/err" 2>/dev/null)" | sed 's/^/    | /')"
	fi
}

# expect_none NAME PID MADE [WANT]: PID made no line. A workload that did
# not make its bind says nothing about a filter: its "$WL_EXIT:$WL_RC" MADE
# must be WANT (default 0:0, a successful bind) and its pid known.
expect_none() {
	local got
	if [ -z "$2" ] || [ "$3" != "${4:-0:0}" ]; then
		fail "$1" "the other workload did not make its bind (pid '$2', exit:rc $3, want ${4:-0:0}): $(cat "$TMP/wl.err")"
		return
	fi
	got=$(lines_of "$2")
	if [ -z "$got" ]; then pass "$1"; else fail "$1" "unexpected line: $got"; fi
}

# The workload must have done what the case needs, or the case cannot say anything.
wl_ok() {
	if [ "$WL_EXIT" != 0 ] || [ -z "$WL_PID" ]; then
		fail "$1" "workload failed (exit $WL_EXIT): $(cat "$TMP/wl.err")"
		return 1
	fi
}

# feature_case FEATURE NAME: after a workload that needs FEATURE of the
# kernel: 0 when it had it, as the expectations say it must; else a skip
# when they say the kernel lacks it (and the workload said so), a failure
# when the workload and the expectations disagree.
feature_case() {
	local unsupported=0
	grep -Eq 'Protocol not supported|Address family not supported|Exec format error|cannot execute' "$TMP/wl.err" &&
		unsupported=1
	case $(expect_verdict "$1"):$unsupported in
	present:0) return 0 ;;
	absent:1) skip "$2" "$(expect_reason "$1") ($EXPECT_SOURCE; the workload: $(head -n 1 "$TMP/wl.err"))" ;;
	present:1) fail "$2" "$EXPECT_SOURCE says the kernel has $1; the workload: $(head -n 1 "$TMP/wl.err")" ;;
	absent:0) fail "$2" "$EXPECT_SOURCE says the kernel lacks $1 ($(expect_reason "$1")), but the workload ran: the table is stale" ;;
	esac
	return 1
}

# ---- cases ----

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
	check banner_on_stderr "$(head -n 1 "$TMP/err")" = "Tracing binds ... Hit Ctrl-C to end"
}

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

# -t and -U: the prefix columns, in bcc's order. TIME(s) counts from the
# first event printed (bcc's %-9.6f of ts - start_ts): that one is 0.000000,
# the next one the time between the two binds. -P keeps other binds on this
# machine (another test's, say) from being the first.
group_prefixes() {
	tracer_start -t -U -P 4361,4362 || { fail prefixes "bindsnoop -t -U did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 made1 made2 l1 l2 t2 a b c d
	# Each bind happens while its workload runs: the first in [a, b], the second in [c, d].
	a=$EPOCHREALTIME
	wl -u 1234 -p 4361; p1=$WL_PID made1=$WL_EXIT:$WL_RC
	b=$EPOCHREALTIME
	sleep 0.2
	c=$EPOCHREALTIME
	wl -p 4362; p2=$WL_PID made2=$WL_EXIT:$WL_RC
	d=$EPOCHREALTIME
	tracer_stop
	require prefixes_both_bound "$made1 $made2" = "0:0 0:0"
	l1=$(lines_of "$p1")
	l2=$(lines_of "$p2")
	t2=${l2%% *}
	expect timestamp_first_is_zero "$p1" "$(printf '%-9s %6d ' 0.000000 1234)$(row "$p1" workload TCP 127.0.0.1 4361 ..... 0)"
	check timestamp_first_line_is_first "$(sed -n 2p "$TMP/out")" = "$l1"
	# The second: the time between the binds, in microseconds as bcc
	# prints them (1 us of slack for the rounding).
	local us=-1 lo=$((${c/./} - ${b/./})) hi=$((${d/./} - ${a/./}))
	[[ $t2 =~ ^([0-9]+)\.([0-9]{6})$ ]] && us=$((BASH_REMATCH[1] * 1000000 + 10#${BASH_REMATCH[2]}))
	check timestamp_seconds_between_binds "$us" -ge $((lo - 1)) -a "$us" -le $((hi + 1))
	expect timestamp_uid_root "$p2" "$(printf '%-9s %6d ' "$t2" 0)$(row "$p2" workload TCP 127.0.0.1 4362 ..... 0)"
	check prefixes_header "$(head -n 1 "$TMP/out")" = "$(printf '%-9s %6s ' 'TIME(s)' UID)$(header)"
}

# -w: room for IPv6 addresses, protocol names whole.
group_wide() {
	tracer_start -w || { fail wide "bindsnoop -w did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 port1 port2
	wl -f 6 -a ::ffff:127.0.0.1 -o R; p1=$WL_PID port1=$WL_PORT
	wl -t udplite; p2=$WL_PID port2=$WL_PORT
	local udplite=0
	feature_case udplite wide_udplite && udplite=1
	wl -t ping -f 6; local p5=$WL_PID port5=$WL_PORT
	wl_host -d lo; local p3=$WL_PID port3=$WL_PORT
	wl -d lo; local p4=$WL_PID port4=$WL_PORT
	tracer_stop
	PID_FROM_END=7
	# The default fields stay where bcc has them; IFNAME follows ("-": none or unknown).
	expect wide_ipv4_mapped "$p1" "$(row_wide "$p1" workload TCP ::ffff:127.0.0.1 "$port1" ...R. 0) -"
	# The protocol's whole name (the default table cuts it to 4 characters).
	[ "$udplite" = 0 ] ||
		expect wide_udplite "$p2" "$(row_wide "$p2" workload UDPLITE 127.0.0.1 "$port2" ..... 0) -"
	expect wide_icmpv6 "$p5" "$(row_wide "$p5" workload ICMPV6 ::1 "$port5" ...R. 0) -"
	expect wide_ifname "$p3" "$(row_wide "$p3" workload TCP 127.0.0.1 "$port3" ..... 1) lo"
	# Another network namespace's ifindex 1 is not ours to name.
	# Another network namespace's device: named in that namespace, at bind time.
	expect wide_ifname_other_netns "$p4" "$(row_wide "$p4" workload TCP 127.0.0.1 "$port4" ..... 1) lo"
	check wide_header "$(head -n 1 "$TMP/out")" = "$(header_wide) IFNAME"
	PID_FROM_END=6
}

# filter_case NAME OPTION...: the workload waiting in the background (wl_bg)
# is the target; with these filter options bindsnoop shows its bind, exactly,
# and not the bind of another workload made meanwhile.
filter_case() {
	local name=$1 target=$WL_BG other other_made
	shift
	tracer_start "$@" || { fail "$name" "bindsnoop $* did not start: $(cat "$TMP/err")"; return; }
	wl; other=$WL_PID other_made=$WL_EXIT:$WL_RC
	wl_go
	tracer_stop
	expect "${name}_match" "$target" "$(row "$target" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
	expect_none "${name}_other" "$other" "$other_made"
}

# -p: only that process.
group_pid() {
	wl_bg || { fail pid_filter "workload did not get ready"; return; }
	filter_case pid_filter -p "$WL_BG"
}

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

# -j: every field of the schema, checked with jq, for a success and a failure.
group_json() {
	if ! command -v jq >/dev/null; then
		fail json "jq not installed"
		return
	fi
	tracer_start -j -E || { fail json "bindsnoop -j did not start: $(cat "$TMP/err")"; return; }
	local t0 p1 port1 ppid1 p2 ppid2 netns2 t1
	t0=$(date +%s)
	wl_host -d lo -o FR; p1=$WL_PID port1=$WL_PORT ppid1=$WL_PPID
	# The second binds in a network namespace of its own, whose inode is read while it waits.
	if ! wl_bg -f 6 -a 2001:db8::1 -p 4600 -u 1234 -o N; then
		fail json_failure "workload did not get ready: $(cat "$TMP/wl.err")"
		tracer_stop
		return
	fi
	netns2=$(stat -L -c %i "/proc/$WL_BG/ns/net")
	wl_go; p2=$WL_PID ppid2=$WL_PPID
	require json_failure_bind_failed "$WL_EXIT:$WL_RC:$p2" = "0:EADDRNOTAVAIL:$WL_BG"
	tracer_stop
	t1=$(date +%s)
	check json_no_table_header "$(grep -vc '^{' "$TMP/out")" = 0
	if jq -e . "$TMP/out" >/dev/null 2>&1; then pass json_every_line_parses; else fail json_every_line_parses "$(head -c 300 "$TMP/out")"; fi
	local cg cgpath mntns netns pcomm
	cgpath=$(own_cgroup_path)
	cg=$(stat -c %i "$(cgroup2_root)$cgpath" 2>/dev/null)
	# The workload's parent is a subshell of this script: its comm is ours.
	pcomm=$(cat /proc/$$/comm)
	mntns=$(stat -L -c %i /proc/self/ns/mnt)
	netns=$(stat -L -c %i /proc/self/ns/net)
	# Everything but the clock is known exactly; the clock must be now.
	local want1 got1
	want1=$(printf '{"pid":%s,"tid":%s,"ppid":%s,"uid":0,"gid":0,"comm":"workload","protocol":"TCP","protocol_num":6,"family":"ipv4","address":"127.0.0.1","port":%s,"options":"F..R.","option_names":["IP_FREEBIND","SO_REUSEADDR"],"ifindex":1,"ifname":"lo","ret":0,"errno":null,"cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s"}' \
		"$p1" "$p1" "$ppid1" "$port1" "${cg:-0}" "$mntns" "$netns" "$pcomm" "$cgpath")
	# unit and container_id: group_owner, with cgroups of known names.
	got1=$(jq -c --argjson pid "$p1" 'select(.pid == $pid) | del(.time, .time_ns, .unit, .container_id)' "$TMP/out")
	check json_success_fields "$got1" = "$want1"
	got1=$(jq -r --argjson pid "$p1" --argjson t0 "$t0" --argjson t1 "$t1" 'select(.pid == $pid) |
		(.time | sub("\\.[0-9]{9}Z$"; "Z") | fromdateiso8601) as $t |
		if ($t >= $t0 - 1 and $t <= $t1 + 1 and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$")) and .time_ns > 0) then "ok" else "bad \(.time) \(.time_ns)" end' "$TMP/out")
	check json_time_is_now "$got1" = ok
	# netns_id: the inode of the workload's own network namespace, not ours.
	require json_private_netns "${netns2:-0}" != "$netns" -a "${netns2:-0}" -gt 0
	local want2 got2
	want2=$(printf '{"pid":%s,"tid":%s,"ppid":%s,"uid":1234,"gid":1234,"comm":"workload","protocol":"TCP","protocol_num":6,"family":"ipv6","address":"2001:db8::1","port":4600,"options":"..N..","option_names":["IP_BIND_ADDRESS_NO_PORT"],"ifindex":0,"ifname":null,"ret":-99,"errno":"EADDRNOTAVAIL","cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s"}' \
		"$p2" "$p2" "$ppid2" "${cg:-0}" "$mntns" "${netns2:-0}" "$pcomm" "$cgpath")
	got2=$(jq -c --argjson pid "$p2" 'select(.pid == $pid) | del(.time, .time_ns, .unit, .container_id)' "$TMP/out")
	check json_failure_fields "$got2" = "$want2"
}

# --btf: CO-RE against a BTF file (as for kernels without /sys/kernel/btf/vmlinux),
# here the running kernel's own, copied out as BTFHub-style files are.
group_btf() {
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		fail btf_file "kernel has no BTF to copy (every kernel of the matrix has one)"
		return
	fi
	cp /sys/kernel/btf/vmlinux "$TMP/vmlinux.btf"
	tracer_start --btf "$TMP/vmlinux.btf" || { fail btf_file "did not start: $(cat "$TMP/err")"; return; }
	wl -o FN; local p=$WL_PID
	tracer_stop
	expect btf_file "$p" "$(row "$p" workload TCP 127.0.0.1 0 F.N.. 0)"
}

# Milliseconds since the epoch, from bash itself (no process).
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# -d: stops by itself, exit 0, events before the deadline printed; fractions of a second too.
group_duration() {
	local start ms
	: >"$TMP/out"
	: >"$TMP/err"
	rm -f "$TMP/banner.ms"
	# The clock starts when the banner is written. A reader in this shell
	# notes the moment it reads that line: wait_banner's polling sees it up
	# to 0.1 s late, later still in a loaded guest.
	"$BINDSNOOP" --backend "$BACKEND" -d 1.5 >"$TMP/out" 2> >(
		while IFS= read -r line; do
			case $line in "Tracing binds"*) now_ms >"$TMP/banner.ms" ;; esac
			printf '%s\n' "$line" >>"$TMP/err"
		done
	) &
	TRACER=$!
	if ! wait_banner "$TMP/err" "$TRACER"; then
		wait "$TRACER" 2>/dev/null
		TRACER=
		fail duration "bindsnoop -d did not start: $(cat "$TMP/err")"
		return
	fi
	start=$(<"$TMP/banner.ms")
	wl; local p=$WL_PID port=$WL_PORT
	wait "$TRACER"
	TRACER_RC=$?
	TRACER=
	ms=$(($(now_ms) - start))
	check duration_exit_0 "$TRACER_RC" = 0
	expect duration_events_printed "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
	# Then the time a run takes to end once it is told to (SIGINT): the
	# kernel's detaching of the programs, not -d's doing. Under TCG it
	# took 0.35-0.7 s (fentry) and 0.45-1.9 s (kprobe) in 6.12 x86 guests,
	# where -d 1.5 ended 1.82-2.07 s after the banner.
	local teardown
	tracer_start || { fail duration "bindsnoop did not start again: $(cat "$TMP/err")"; return; }
	teardown=$(now_ms)
	tracer_stop
	teardown=$(($(now_ms) - teardown))
	# 1.5 s from the banner, then at most one poll round (0.1 s) and that
	# teardown: what a user asking for 1.5 s accepts, and not 1 or 2 (a
	# rounded -d). The late stamp can only make it look shorter, by less
	# than the 0.1 s below 1.5 that the lower bound leaves it.
	check duration_stopped_in_time "$ms" -ge 1400 -a "$((ms - teardown))" -le 1900
}

# --count -i: a table every interval, each counting only its own interval.
group_interval() {
	local k rows
	# Every table starts empty: 160 keys over the run, in a table that holds 64
	# (a test hook), four batches of 40 new keys, each in its own interval.
	BINDSNOOP_TEST_COUNT_ENTRIES=64 tracer_start --count -i 0.5 -P 4800-4959 ||
		{ fail interval_fresh_tables "did not start: $(cat "$TMP/err")"; return; }
	for k in 0 1 2 3; do
		wl -q -p $((4800 + 40 * k)) -n 40 -s
		sleep 0.7
	done
	tracer_stop
	rows=$(awk '$1 == "127.0.0.1" && $2 >= 4800 && $2 <= 4959' "$TMP/out")
	# A table each interval (the batches are 0.7 s apart, the interval 0.5 s).
	check interval_several_tables "$(grep -c '^LADDR  ' "$TMP/out")" -ge 5
	# Each key once (counted in one table only, no table repeats an earlier
	# one), with its one bind; none refused although the run saw more keys
	# than a table holds.
	check interval_fresh_tables_every_key "$(awk '{ print $2 }' <<<"$rows" | sort -u | wc -l)" = 160
	check interval_fresh_tables_each_once "$(awk '$3 == 1' <<<"$rows" | wc -l)" = 160
	check interval_fresh_tables_none_refused "$(grep -c 'not counted' "$TMP/err")" = 0
	# --count --json: the table as one object.
	tracer_start --count -j -P 4701 || { fail count_json "did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4701 -n 2
	wl -q -f 6 -a ::1 -p 4701 -n 4
	tracer_stop
	check count_json "$(jq -c .counts "$TMP/out" 2>&1)" = '[{"family":"ipv6","address":"::1","port":4701,"binds":4},{"family":"ipv4","address":"127.0.0.1","port":4701,"binds":2}]'
}

# u64 as the 8 hex bytes bpftool takes for a key or value: in this
# machine's byte order (s390x is big endian), which od tells from 1 as a u32.
u64_hex() {
	local order=big
	[ "$(printf '\1\0\0\0' | od -An -tu4 | tr -d ' ')" != 1 ] || order=little
	printf '%016x' "$1" | sed 's/../& /g' | awk -v order="$order" '{
		for (i = 1; i <= 8; i++) printf "%s ", order == "big" ? $i : $(9 - i) }'
}

# A pinned hash map like bcc's users make, holding one id.
pin_id_map() {
	local path=$1 id=$2
	mkdir -p /sys/fs/bpf 2>/dev/null
	rm -f "$path"
	# u64_hex prints 8 words on purpose
	# shellcheck disable=SC2046
	$BPFTOOL map create "$path" type hash key 8 value 8 entries 128 name idset >/dev/null &&
		$BPFTOOL map update pinned "$path" key hex $(u64_hex "$id") value hex $(u64_hex 1) &&
		PINNED="$PINNED $path"
}

make_cgroup() {
	local root
	root=$(cgroup2_root)
	[ -n "$root" ] || return 1
	CGROUP_DIR=$root/bindsnoop-e2e-$$
	mkdir -p "$CGROUP_DIR"
}

# --cgroupmap (bcc) and -c (libbpf-tools): only tasks of that cgroup.
group_cgroup() {
	if ! make_cgroup; then
		fail cgroup "no cgroup v2 hierarchy mounted (the host has one, the guests mount one)"
		return
	fi
	local cgid
	cgid=$(stat -c %i "$CGROUP_DIR")

	pin_id_map /sys/fs/bpf/bindsnoop_e2e_cg "$cgid" || { fail cgroupmap "bpftool could not make the map"; return; }
	wl_bg || { fail cgroupmap "workload did not get ready"; return; }
	echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
	filter_case cgroupmap --cgroupmap /sys/fs/bpf/bindsnoop_e2e_cg

	wl_bg || { fail cgroup_dir "workload did not get ready"; return; }
	echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
	filter_case cgroup_dir -c "$CGROUP_DIR"
	rmdir "$CGROUP_DIR" 2>/dev/null && CGROUP_DIR=
}

# A --cgroupmap made with BPF_F_NO_PREALLOC: kprobe and tracepoint programs
# that use one make kernels 5.7-6.0 WARN, so there those backends refuse it
# with the reason; fexit, and every backend elsewhere, trace with it.
group_noprealloc() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail noprealloc_map "bpftool not installed"
		return
	fi
	make_cgroup || { fail noprealloc_map "no cgroup v2 hierarchy mounted"; return; }
	local path=/sys/fs/bpf/bindsnoop_e2e_noprealloc cgid v backend
	cgid=$(stat -c %i "$CGROUP_DIR")
	rm -f "$path"
	# flags 1: BPF_F_NO_PREALLOC; u64_hex prints 8 words on purpose
	# shellcheck disable=SC2046
	$BPFTOOL map create "$path" type hash key 8 value 8 entries 128 name noprealloc flags 1 &&
		$BPFTOOL map update pinned "$path" key hex $(u64_hex "$cgid") value hex $(u64_hex 1) &&
		PINNED="$PINNED $path" || { fail noprealloc_map "bpftool could not make the map"; return; }
	v=$(kernel_version)
	backend=$(backend_in_use)
	if [ "$v" -ge 5007 ] && [ "$v" -lt 6001 ] && [ "$backend" != fentry ]; then
		local err rc want
		err=$("$BINDSNOOP" --backend "$BACKEND" --cgroupmap "$path" -d 1 2>&1 >/dev/null)
		rc=$?
		if [ "$BACKEND" = auto ]; then
			want="bindsnoop: no backend could be loaded (run with -v to see why)"
		else
			want="bindsnoop: --backend $BACKEND: --cgroupmap: the map is BPF_F_NO_PREALLOC, and kprobe and tracepoint programs that use one make this kernel WARN (5.7-6.0): make it without that flag"
		fi
		check noprealloc_map_refused "$rc:$err" = "1:$want"
	else
		wl_bg || { fail noprealloc_map "workload did not get ready"; return; }
		echo "$WL_BG" >"$CGROUP_DIR/cgroup.procs"
		tracer_start --cgroupmap "$path" || { fail noprealloc_map "did not start: $(cat "$TMP/err")"; return; }
		local target=$WL_BG
		wl_go
		tracer_stop
		expect noprealloc_map_traces "$target" "$(row "$target" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
	fi
	rmdir "$CGROUP_DIR" 2>/dev/null && CGROUP_DIR=
}

# wl_bg_in DIR: a waiting workload (wl_bg), moved into cgroup directory DIR.
wl_bg_in() {
	wl_bg && echo "$WL_BG" >"$1/cgroup.procs"
}

# Who bound it: cgroup path, systemd unit and container id, from cgroups made
# to look like a service and a docker container; --owner's column; --unit
# and --container select exactly their binds; a cgroup removed before
# bindsnoop looks it up is null, not a crash and not another's name.
group_owner() {
	local root svc ctr gone id p1 p2 got
	root=$(cgroup2_root)
	[ -n "$root" ] || { fail owner "no cgroup v2 hierarchy mounted"; return; }
	OWNER_BASE=$root/bindsnoop-e2e-owner-$$
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	svc=/bindsnoop-e2e-owner-$$/system.slice/bindsnoop-test.service
	ctr=/bindsnoop-e2e-owner-$$/system.slice/docker-$id.scope
	gone=/bindsnoop-e2e-owner-$$/gone.service
	mkdir -p "$root$svc" "$root$ctr" "$root$gone" || { fail owner "cannot make cgroups under $root"; return; }

	tracer_start -j || { fail owner_json "did not start: $(cat "$TMP/err")"; return; }
	wl_bg_in "$root$svc" || { fail owner_json "workload did not get ready"; return; }
	p1=$WL_BG
	wl_go
	wl_bg_in "$root$ctr" || { fail owner_json "workload did not get ready"; return; }
	p2=$WL_BG
	wl_go
	tracer_stop
	got=$(jq -c --argjson pid "$p1" 'select(.pid == $pid) | [.cgroup, .unit, .container_id]' "$TMP/out")
	check owner_json_service "$got" = "[\"$svc\",\"bindsnoop-test.service\",null]"
	got=$(jq -c --argjson pid "$p2" 'select(.pid == $pid) | [.cgroup, .unit, .container_id]' "$TMP/out")
	check owner_json_container "$got" = "[\"$ctr\",\"docker-$id.scope\",\"$id\"]"

	tracer_start --owner || { fail owner_column "did not start: $(cat "$TMP/err")"; return; }
	wl_bg_in "$root$svc" && p1=$WL_BG && wl_go
	local port1=$WL_PORT
	wl_bg_in "$root$ctr" && p2=$WL_BG && wl_go
	local port2=$WL_PORT
	wl; local p3=$WL_PID port3=$WL_PORT
	tracer_stop
	PID_FROM_END=7
	expect owner_column_service "$p1" "$(row "$p1" workload TCP 127.0.0.1 "$port1" ..... 0) bindsnoop-test.service"
	expect owner_column_container "$p2" "$(row "$p2" workload TCP 127.0.0.1 "$port2" ..... 0) container:${id:0:12}"
	expect owner_column_this_cgroup "$p3" "$(row "$p3" workload TCP 127.0.0.1 "$port3" ..... 0) $(owner_of_here)"
	PID_FROM_END=6
	check owner_column_header "$(head -n 1 "$TMP/out")" = "$(header) OWNER"

	wl_bg_in "$root$svc" || { fail owner_unit "workload did not get ready"; return; }
	filter_case owner_unit_filter --unit bindsnoop-test.service
	wl_bg_in "$root$ctr" || { fail owner_container "workload did not get ready"; return; }
	filter_case owner_container_filter --container "${id:0:12}"

	# Stopped (SIGSTOP) while the bind is made and its cgroup removed: the
	# event waits in the buffer, and its cgroup is gone when it is printed.
	local gone_id
	gone_id=$(stat -c %i "$root$gone")
	tracer_start -j || { fail owner_gone "did not start: $(cat "$TMP/err")"; return; }
	kill -STOP "$TRACER"
	wl_bg_in "$root$gone" && p1=$WL_BG && wl_go
	rmdir "$root$gone"
	kill -CONT "$TRACER"
	sleep 0.5
	tracer_stop
	got=$(jq -c --argjson pid "$p1" 'select(.pid == $pid) | [.cgroup_id, .cgroup, .unit, .container_id]' "$TMP/out")
	check owner_gone_is_null "$got" = "[$gone_id,null,null,null]"
	find "$OWNER_BASE" -depth -type d -exec rmdir {} + 2>/dev/null && OWNER_BASE=
}

# What --owner says of this script's own cgroup (the deepest service or scope, else the path).
owner_of_here() {
	local path unit
	path=$(own_cgroup_path)
	unit=$(tr '/' '\n' <<<"$path" | grep -E '\.(service|scope)$' | tail -n 1)
	echo "${unit:-$path}"
}

# --mntnsmap: only tasks of that mount namespace.
group_mntns() {
	UNSHARE="-n -m" wl_bg || { fail mntnsmap "workload did not get ready"; return; }
	local mntns
	mntns=$(stat -L -c %i "/proc/$WL_BG/ns/mnt")
	pin_id_map /sys/fs/bpf/bindsnoop_e2e_mntns "$mntns" || { fail mntnsmap "bpftool could not make the map"; return; }
	filter_case mntnsmap --mntnsmap /sys/fs/bpf/bindsnoop_e2e_mntns
}

# --count: exact per address/port counts from the kernel's table, most first.
group_count() {
	tracer_start --count -P 4401,4402 || { fail count "bindsnoop --count did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4401 -n 5
	wl -q -p 4402 -n 3 -t udp
	wl -q -f 6 -a ::1 -p 4402 -n 2
	wl -q -p 4403 -n 4
	tracer_stop
	local want
	want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
		printf '%-32s %20s     %-10d\n' 127.0.0.1 4401 5 127.0.0.1 4402 3 ::1 4402 2)
	if [ "$(cat "$TMP/out")" = "$want" ]; then
		pass count_table
	else
		fail count_table "$(printf 'expected:\n%s\ngot:\n%s' "$want" "$(cat "$TMP/out")" | sed 's/^/    | /')"
	fi
	check count_exit_0 "$TRACER_RC" = 0
	# More keys than the table holds (a test hook: 2 keys): ten binds, each
	# a new port, in order. The probing build's hash map holds 2 keys; the
	# typed build's slots (6.2+ kernels, all backends) are twice as many,
	# rounded up to a power of two: 4, every one of them reached by a
	# bind's probes. The first binds fill it; each later one is refused
	# and reported. BINDSNOOP_TEST_REFUSE_TYPED makes it the probing build.
	local major minor kind held made refused i
	IFS=. read -r major minor _ <<<"$(uname -r)"
	minor=${minor%%[!0-9]*}
	for kind in probing typed; do
		held=2
		if [ "$kind" = typed ]; then
			[ $((major * 1000 + minor)) -ge 6002 ] || continue
			held=4
		fi
		if [ "$kind" = typed ]; then
			BINDSNOOP_TEST_COUNT_ENTRIES=2 tracer_start --count -P 4410-4419
		else
			BINDSNOOP_TEST_REFUSE_TYPED=1 BINDSNOOP_TEST_COUNT_ENTRIES=2 tracer_start --count -P 4410-4419
		fi || { fail "count_full_$kind" "did not start: $(cat "$TMP/err")"; continue; }
		made=$("$WORKLOAD" -N -q -p 4410 -n 10 -s 2>"$TMP/wl.err")
		require "count_full_${kind}_ten_binds" "$?:$made" = "0:binds=10 failed=0 total=10"
		tracer_stop
		want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
			for ((i = 0; i < held; i++)); do printf '%-32s %20s     %-10d\n' 127.0.0.1 $((4410 + i)) 1; done)
		check "count_full_${kind}_table" "$(cat "$TMP/out")" = "$want"
		# The refused ones as they come (one line a poll round that saw
		# some: their sum), then the total.
		refused=$(awk '/^Tracing binds/ { next }
			match($0, /^bindsnoop: [0-9]+ binds not counted: --count table full$/) { n += $2; next }
			{ other = other $0 "|" }
			END { print n + 0 " " other }' "$TMP/err")
		check "count_full_${kind}_refused_reported" "$refused" = \
			"$((10 - held)) bindsnoop: in total 0 events lost, 0 binds not traced, $((10 - held)) binds not counted|"
		check "count_full_${kind}_exit_0" "$TRACER_RC" = 0
	done
	# -E: a failed bind counts under the address and port it asked for
	# (-D: the workload's own first bind, which succeeds, holds the port).
	tracer_start --count -E -P 4420 || { fail count_errors "did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4420 -D -n 3
	wl -q -f 6 -a ::1 -p 4420 -n 2
	tracer_stop
	want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
		printf '%-32s %20s     %-10d\n' 127.0.0.1 4420 4 ::1 4420 2)
	check count_errors_table "$(cat "$TMP/out")" = "$want"
}

# 32-bit x86 programs on x86-64: bind through socketcall(2) (what i386 glibc
# does) and through the direct bind syscall, a failure included; the syscall
# tracepoints skip these, so the tracepoint backend has a raw sys_exit program.
group_compat32() {
	local wl32=${WORKLOAD32:-build/workload32}
	if [ "$(uname -m)" != x86_64 ]; then
		check compat32_absent_off_x86_64 "$(expect_verdict compat32)" = absent
		skip compat32 "32-bit x86 programs run on x86-64 only (this is $(uname -m))"
		return
	fi
	if [ ! -x "$wl32" ]; then
		fail compat32 "$wl32 missing (make builds it with gcc -m32: gcc-multilib)"
		return
	fi
	"$wl32" -h >/dev/null 2>"$TMP/wl.err"
	feature_case compat32 compat32 || return
	tracer_start -E || { fail compat32 "bindsnoop -E did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 p3 p4 port4
	WORKLOAD=$wl32 wl -C socketcall -p 4331 -o R; p1=$WL_PID
	WORKLOAD=$wl32 wl -C bind -f 6 -a ::1 -p 4332; p2=$WL_PID
	WORKLOAD=$wl32 wl -C socketcall -a 192.0.2.1 -p 4333; p3=$WL_PID
	WORKLOAD=$wl32 wl -t udp; p4=$WL_PID port4=$WL_PORT
	tracer_stop
	expect compat32_socketcall "$p1" "$(rc_col 0)$(row "$p1" workload32 TCP 127.0.0.1 4331 ...R. 0)"
	expect compat32_bind_syscall_ipv6 "$p2" "$(rc_col 0)$(row "$p2" workload32 TCP ::1 4332 ..... 0)"
	expect compat32_failed "$p3" "$(rc_col EADDRNOTAVAIL)$(row "$p3" workload32 TCP 192.0.2.1 4333 ..... 0)"
	expect compat32_libc_udp "$p4" "$(rc_col 0)$(row "$p4" workload32 UDP 127.0.0.1 "$port4" ..... 0)"
}

# A full disk: every output mode stops with one line naming the error, the
# loss report, and exit 1 (only a closed pipe is a quiet end).
group_write_errors() {
	local dir=$TMP/small entry name args rc want stray
	mkdir -p "$dir"
	if ! mount -t tmpfs -o size=32k tmpfs "$dir"; then
		fail write_errors "cannot mount a 32 KiB tmpfs"
		return
	fi
	# name|options|how it ends: "self" (the failed write stops it) or "INT"
	for entry in "table||self" "json|-j|self" "count|--count|INT" \
		"count_interval|--count -i 0.5|self" "count_json|--count -j|INT"; do
		IFS='|' read -r name args how <<<"$entry"
		rm -f "$dir/out"
		# shellcheck disable=SC2086 # options, split on purpose
		TRACER_OUT=$dir/out tracer_start $args ||
			{ fail "write_error_$name" "did not start: $(cat "$TMP/err")"; continue; }
		# 1000 binds, each a new port: more lines, JSON objects or table rows than 32 KiB hold.
		wl -q -n 1000
		if [ "$how" = INT ]; then
			tracer_stop INT
		else
			local i
			for i in $(seq 1 50); do
				kill -0 "$TRACER" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$TRACER" 2>/dev/null; then
				tracer_stop KILL
				fail "write_error_$name" "still running 5 s after the disk filled up"
				continue
			fi
			tracer_stop INT 2>/dev/null
		fi
		check "write_error_${name}_exit_1" "$TRACER_RC" = 1
		want="bindsnoop: writing output: No space left on device"
		# The banner, the error, and at most the loss report.
		stray=$(grep -v -e '^Tracing binds' -e "^$want\$" -e '^bindsnoop: [0-9]* events lost' \
			-e '^bindsnoop: in total ' "$TMP/err")
		check "write_error_${name}_named" "$(grep -c "^$want\$" "$TMP/err"):$stray" = "1:"
	done
	rm -f "$dir/out"
	umount "$dir"
}

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
		-e '^bindsnoop: in total ' "$TMP/pipe.err")" = "Tracing binds ... Hit Ctrl-C to end"
}

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

# A backend that fails half-attached leaves nothing behind before the next is tried.
group_fallback() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail fallback_cleans_up "bpftool not installed"
		return
	fi
	local first=$CHOSEN
	# The gate held auto to the expectations: it runs their first backend.
	if [ "$first" = tracepoint ]; then
		skip fallback_cleans_up "needs fentry or kprobe to fall back from; $EXPECT_SOURCE: fentry $(expect_verdict fentry), kprobe $(expect_verdict kprobe)"
		return
	fi
	BINDSNOOP_TEST_FAIL_ATTACH="$first:1" tracer_start -v ||
		{ fail fallback_cleans_up "no fallback after an injected failure: $(cat "$TMP/err")"; return; }
	local progs
	progs=$(our_objects)
	wl; local p=$WL_PID port=$WL_PORT
	tracer_stop
	check fallback_reported "$(grep -c "^bindsnoop: backend $first skipped: attaching .*: failure injected" "$TMP/err")" = 1
	local pattern="name fexit_"
	[ "$first" = kprobe ] && pattern="name kr?e?t?probe_"
	if echo "$progs" | grep -Eq "$pattern"; then
		fail fallback_cleans_up "programs of $first still loaded: $progs"
	else
		pass fallback_cleans_up
	fi
	expect fallback_traces "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
}

# A bind made the moment the banner is out is printed, over the ring and the
# perf buffer, even when the reader is slow to open (strace delays its
# epoll_create1() by 0.3 s): the reader is open before the programs are
# attached. (A perf event array has no CPU's buffer until its reader opens
# them; a bind in between was lost and reported as "buffer full".)
group_banner() {
	if ! command -v strace >/dev/null; then
		fail banner "strace not installed (Debian strace; the guests get the host's)"
		return
	fi
	local perfbuf name p tracer
	for perfbuf in 0 1; do
		name=banner_ring_buffer
		[ "$perfbuf" = 1 ] && name=banner_perf_buffer
		wl_bg || { fail "$name" "workload did not get ready"; return; }
		: >"$TMP/out"
		: >"$TMP/err"
		# LeakSanitizer cannot run under ptrace (tests/sanitize.sh's build): no leak check here.
		BINDSNOOP_FORCE_PERFBUF=$perfbuf ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -qq -o /dev/null -e trace=epoll_create1 \
			-e inject=epoll_create1:delay_enter=300000 \
			"$BINDSNOOP" --backend "$BACKEND" -p "$WL_BG" >"$TMP/out" 2>"$TMP/err" &
		tracer=$!
		if ! wait_banner "$TMP/err" "$tracer"; then
			fail "$name" "did not start: $(cat "$TMP/err")"
			kill -KILL "$WL_BG" "$tracer" 2>/dev/null
			wait 2>/dev/null
			return
		fi
		p=$WL_BG
		wl_go
		# SIGINT to bindsnoop itself (strace would pass it on, but also stop)
		kill -INT "$(child_pid "$tracer" bindsnoop)" 2>/dev/null
		wait "$tracer" 2>/dev/null
		expect "$name" "$p" "$(row "$p" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
		check "${name}_nothing_lost" "$(grep -c 'events lost: ' "$TMP/err")" = 0
	done
}

# Where the kernel has bpf_rdonly_cast() (6.2+) the backend's programs come
# from the typed build (-v says so); when the kernel refuses that, from the
# probing build, with the reason, and they trace the same line.
group_typed() {
	local used
	# The gate checked that the typed build runs where it must, and not elsewhere.
	if [ "$(expect_verdict typed)" != loads ]; then
		skip typed "no typed build to refuse: $EXPECT_SOURCE says it is $(expect_verdict typed) ($(expect_reason typed))"
		return
	fi
	used=$CHOSEN
	BINDSNOOP_TEST_REFUSE_TYPED=1 tracer_start -v ||
		{ fail typed_refused "did not start: $(cat "$TMP/err")"; return; }
	wl; local p=$WL_PID port=$WL_PORT
	tracer_stop
	check typed_refused_reported "$(grep -c "^bindsnoop: backend $used: typed reads (bpf_rdonly_cast) refused: the kernel refused the programs: failure injected by BINDSNOOP_TEST_REFUSE_TYPED; probing instead$" "$TMP/err")" = 1
	check typed_refused_probes "$(grep -c "^bindsnoop: backend $used: .*typed reads (bpf_rdonly_cast)$" "$TMP/err")" = 0
	expect typed_refused_traces "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
}


# Not root and without CAP_BPF/CAP_PERFMON: one line, exit 1.
group_unprivileged() {
	if ! command -v setpriv >/dev/null; then
		fail unprivileged "setpriv not installed (Debian util-linux)"
		return
	fi
	local err rc
	err=$(setpriv --reuid=1234 --regid=1234 --clear-groups --inh-caps=-all \
		"$BINDSNOOP" --backend "$BACKEND" 2>&1 >/dev/null)
	rc=$?
	check unprivileged_exit_1 "$rc" = 1
	check unprivileged_one_line "$err" = "bindsnoop: need root, or CAP_BPF and CAP_PERFMON (plus CAP_DAC_READ_SEARCH for the tracepoint backend; CAP_SYS_ADMIN before 5.8)"
}

# The backend auto picks here (or the one asked for).
backend_in_use() {
	if [ "$BACKEND" != auto ]; then
		echo "$BACKEND"
		return
	fi
	# The gate held auto to it.
	echo "$CHOSEN"
}

# The smallest capability set that works, as a non-root user (bindsnoop.8, PRIVILEGES).
group_min_caps() {
	if ! command -v capsh >/dev/null; then
		fail min_caps "capsh not installed (Debian libcap2-bin)"
		return
	fi
	local caps=cap_bpf,cap_perfmon,cap_dac_read_search
	# Debian's kernels restrict perf_event_open() to CAP_SYS_ADMIN with
	# perf_event_paranoid=3; kprobes and tracepoints attach through it, fexit does not.
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -gt 2 ] &&
		[ "$(backend_in_use)" != fentry ]; then
		caps=$caps,cap_sys_admin
	fi
	# Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK (64 KiB for a user);
	# libbpf raises it, which takes CAP_SYS_RESOURCE.
	if [ "$(kernel_version)" -lt 5011 ]; then
		caps=$caps,cap_sys_resource
	fi
	cp "$BINDSNOOP" "$TMP/bindsnoop-caps"
	chmod 755 "$TMP" "$TMP/bindsnoop-caps"
	capsh --caps="$caps+eip cap_setpcap,cap_setuid,cap_setgid+ep" --keep=1 --user=nobody \
		--addamb="$caps" -- -c "exec $TMP/bindsnoop-caps --backend $BACKEND -d 2" \
		>"$TMP/caps.out" 2>"$TMP/caps.err" &
	local runner=$!
	wait_banner "$TMP/caps.err" "$runner"
	wl; local p=$WL_PID port=$WL_PORT
	wait "$runner"
	local rc=$?
	check min_caps_exit_0 "$rc" = 0
	if [ "$(awk -v pid="$p" '$(NF-6) == pid' "$TMP/caps.out")" = "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)" ]; then
		pass min_caps_traces
	else
		fail min_caps_traces "stdout: $(cat "$TMP/caps.out") stderr: $(cat "$TMP/caps.err")"
	fi
}

# Bad command lines: one line naming the input, non-zero exit, nothing loaded.
group_bad_input() {
	local -a cases=(
		"64|-p|option -p: needs an argument"
		"64|-p abc|-p abc: not a decimal number"
		"64|-p -5|-p -5: not a decimal number"
		"64|-p 0|-p 0: PID 0 is not a process"
		"64|-p 99999999999|-p 99999999999: out of range"
		"64|-p 12x|-p 12x: not a decimal number"
		"64|-u x|-u x: not a decimal number"
		"64|-u 4294967295|-u 4294967295: out of range"
		"64|-u -1|-u -1: not a decimal number"
		"64|-P 0|-P 0: port out of range 1-65535"
		"64|-P 65536|-P 65536: port out of range 1-65535"
		"64|-P 80,|-P 80,: empty item"
		"64|-P ,80|-P ,80: empty item"
		"64|-P 80,,81|-P 80,,81: empty item"
		"64|-P 90-80|-P 90-80: reversed range"
		"64|-P 80abc|-P 80abc: not a port number"
		"64|-P 80-|-P 80-: not a port number"
		"64|-P 1-2-3|-P 1-2-3: not a port number"
		"64|--port|option --port: needs an argument"
		"64|--bogus|option --bogus: unrecognized"
		"64|-z|option -z: unrecognized"
		"64|--count=3|option --count=3: takes no argument"
		"64|--backend bpf|--backend bpf: unknown backend (auto, fentry, kprobe, tracepoint)"
		"64|extra|argument extra: unexpected (this tool takes options only)"
		"64|-i 5|option -i: needs --count"
		"64|--count -i 0|-i 0: out of range (0.001 to 31536000 seconds)"
		"64|-d x|-d x: not a number of seconds (such as 2 or 0.5)"
		"64|-d 0|-d 0: out of range (0.001 to 31536000 seconds)"
		"64|-d 0.0001|-d 0.0001: out of range (0.001 to 31536000 seconds)"
		"64|-d 1.5s|-d 1.5s: not a number of seconds (such as 2 or 0.5)"
		"64|-d .5|-d .5: not a number of seconds (such as 2 or 0.5)"
		"64|-d 5.|-d 5.: not a number of seconds (such as 2 or 0.5)"
		"64|-d 1e3|-d 1e3: not a number of seconds (such as 2 or 0.5)"
		"64|-d -1|-d -1: not a number of seconds (such as 2 or 0.5)"
		"64|-d 31536001|-d 31536001: out of range (0.001 to 31536000 seconds)"
		"64|-j -w|option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)"
		"1|--cgroupmap /nonexistent/map|--cgroupmap /nonexistent/map: not a pinned BPF map: No such file or directory (ENOENT)"
		"1|--cgroupmap /etc/hostname|--cgroupmap /etc/hostname: not a pinned BPF map: Permission denied (EACCES)"
		"1|--mntnsmap /nonexistent|--mntnsmap /nonexistent: not a pinned BPF map: No such file or directory (ENOENT)"
		"1|-c /nonexistent|-c /nonexistent: No such file or directory (ENOENT)"
		"1|-c /tmp|-c /tmp: not a cgroup v2 directory"
		"1|-c /etc/hostname|-c /etc/hostname: Not a directory (ENOTDIR)"
		"64|--unit a/b|--unit a/b: not a unit name (such as nginx.service)"
		"64|--container xyz|--container xyz: not a container id (12 to 64 lowercase hex digits)"
		"64|-j --owner|option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)"
		"1|--unit nosuch-bindsnoop.service|--unit nosuch-bindsnoop.service: no such unit's cgroup under $(cgroup2_root)"
		"1|--container 00000000000000000bad|--container 00000000000000000bad: no such container's cgroup under $(cgroup2_root)"
		"1|--btf $TMP/short|--btf $TMP/short: not a BTF file: too short for a BTF header"
		"1|--btf $TMP/text|--btf $TMP/text: not a BTF file: no BTF magic number"
		"1|--btf /nonexistent/vmlinux|--btf /nonexistent/vmlinux: No such file or directory (ENOENT)"
		"1|--btf /tmp|--btf /tmp: Is a directory (EISDIR)"
	)
	printf 'BTF?\n' >"$TMP/short"
	printf 'This is a text file, long enough to hold a BTF header.\n' >"$TMP/text"
	local c rc want args err got_rc n=0
	for c in "${cases[@]}"; do
		n=$((n + 1))
		rc=${c%%|*}
		c=${c#*|}
		args=${c%%|*}
		want="bindsnoop: ${c#*|}"
		# shellcheck disable=SC2086
		err=$("$BINDSNOOP" --backend "$BACKEND" $args 2>&1 >/dev/null </dev/null)
		got_rc=$?
		if [ "$got_rc" = "$rc" ] && [ "$err" = "$want" ]; then
			pass "bad_input_$n ($args)"
		else
			fail "bad_input_$n ($args)" "exit $got_rc (want $rc), stderr: '$err' (want '$want')"
		fi
	done
	# The test hooks are read and checked like options.
	err=$(BINDSNOOP_TEST_ENTRIES=12x "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_size "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_ENTRIES 12x: not a map size (1-16777216)"
	err=$(BINDSNOOP_TEST_FAIL_ATTACH=bpf:1 "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_backend "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_FAIL_ATTACH bpf:1: unknown backend"
	err=$(BINDSNOOP_TEST_REFUSE_CASTS=1 "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_unknown "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_REFUSE_CASTS: not a variable bindsnoop knows (tests/README.md lists them)"
	# A map of the wrong type or key size.
	if command -v "$BPFTOOL" >/dev/null; then
		mkdir -p /sys/fs/bpf 2>/dev/null
		rm -f /sys/fs/bpf/bindsnoop_e2e_bad1 /sys/fs/bpf/bindsnoop_e2e_bad2
		$BPFTOOL map create /sys/fs/bpf/bindsnoop_e2e_bad1 type array key 4 value 8 entries 4 name bad1 &&
			$BPFTOOL map create /sys/fs/bpf/bindsnoop_e2e_bad2 type hash key 4 value 8 entries 4 name bad2
		PINNED="$PINNED /sys/fs/bpf/bindsnoop_e2e_bad1 /sys/fs/bpf/bindsnoop_e2e_bad2"
		err=$("$BINDSNOOP" --cgroupmap /sys/fs/bpf/bindsnoop_e2e_bad1 2>&1 >/dev/null)
		check bad_input_map_type "$err" = "bindsnoop: --cgroupmap /sys/fs/bpf/bindsnoop_e2e_bad1: map type is array, need hash"
		err=$("$BINDSNOOP" --mntnsmap /sys/fs/bpf/bindsnoop_e2e_bad2 2>&1 >/dev/null)
		check bad_input_map_key_size "$err" = "bindsnoop: --mntnsmap /sys/fs/bpf/bindsnoop_e2e_bad2: key size is 4, need 8 (a u64 id)"
	fi
}

# ---- the gate: the backend starts where it must, over the buffer it must ----

# The wanted buffer: the perf buffer only where the test forces it (every
# kernel of the matrix has the ring buffer, 5.8+).
want_events() {
	case ${BINDSNOOP_FORCE_PERFBUF:-0} in
	0) echo "ring buffer" ;;
	*) echo "perf buffer" ;;
	esac
}

# gate_backend: start bindsnoop -v once and hold it to this kernel's
# expectations. A backend that must load and does not fails; one refused for
# the reason the expectations give is a skip (status 1: the row ends there);
# one that loads where they say it cannot fails (the table is stale), as
# does auto picking another backend than the first that must load. Then:
# the buffer the events come over and which build of the programs runs.
gate_backend() {
	local name=backend_$BACKEND want verdict reason said used typed_line
	if [ "$BACKEND" = auto ]; then
		want=$(expect_auto) verdict=loads reason=
		[ "$want" != none ] || verdict=refused reason=.
	else
		want=$BACKEND verdict=$(expect_verdict "$BACKEND") reason=$(expect_reason "$BACKEND")
	fi
	if ! tracer_start -v; then
		said=$(grep '^bindsnoop: ' "$TMP/err" | grep -v '^bindsnoop: backend [a-z]* skipped: ' | head -n 1)
		if [ "$verdict" = loads ]; then
			fail "$name" "must load here ($EXPECT_SOURCE), but did not: ${said:-$(tail -n 3 "$TMP/err")}"
		elif grep -Eq -- "$reason" <<<"$said"; then
			skip "$name" "refused, as $EXPECT_SOURCE says: $said"
		else
			fail "$name" "refused, but not for the reason $EXPECT_SOURCE gives (/$reason/): $said"
		fi
		return 1
	fi
	tracer_stop
	if [ "$verdict" = refused ]; then
		fail "$name" "loads here, but $EXPECT_SOURCE says it is refused (/$reason/): the table is stale"
	else
		pass "$name"
	fi
	used=$(chosen_backend "$TMP/err")
	CHOSEN=$used
	check "${name}_runs_$want" "$used" = "$want"
	check "${name}_events_over_$(want_events | tr ' ' _)" \
		"$(sed -n 's/^bindsnoop: events: //p' "$TMP/err")" = "$(want_events)"
	typed_line=$(grep "^bindsnoop: backend $used: typed reads (bpf_rdonly_cast) refused: " "$TMP/err")
	case $(expect_verdict typed) in
	loads)
		check "${name}_typed_build" "$(grep -c "^bindsnoop: backend $used: .*; typed reads (bpf_rdonly_cast)\$" "$TMP/err"):$typed_line" = "1:" ;;
	absent)
		check "${name}_probing_build" "$(grep -c 'typed reads' "$TMP/err")" = 0 ;;
	refused)
		if [ -n "$typed_line" ] && grep -Eq -- "$(expect_reason typed)" <<<"$typed_line"; then
			pass "${name}_typed_build_refused"
		else
			fail "${name}_typed_build_refused" "$EXPECT_SOURCE says the typed build is refused (/$(expect_reason typed)/); bindsnoop said: $(grep 'typed reads' "$TMP/err")"
		fi ;;
	esac
	return 0
}

# ---- main ----

if [ "$(id -u)" != 0 ]; then
	echo "tests/e2e.sh: needs root (it loads BPF programs and makes network namespaces)" >&2
	exit 1
fi
for f in "$BINDSNOOP" "$WORKLOAD"; do
	[ -x "$f" ] || { echo "tests/e2e.sh: $f missing: run make first" >&2; exit 1; }
done

echo "# bindsnoop e2e: kernel $(uname -r), backend $BACKEND${BINDSNOOP_FORCE_PERFBUF:+, perf buffer forced}"

# What this kernel must do: tests/expectations in a guest, worked out on the host.
if ! expect_init; then
	fail expectations "cannot tell what this kernel must do (tests/lib/expect.sh)"
	summary
	exit 1
fi
if ! gate_backend; then
	summary
	[ "$FAILED" = 0 ]
	exit
fi

# Their subject is user space, the same for every backend and buffer:
# option parsing, -d, the --count -i rotation (no buffer), owner names
# (their filters are -c's cgroup_dir check, which group_cgroup covers per
# backend).
USER_SPACE_GROUPS=" owner interval duration bad_input "
# User space that reads the buffer: write errors, the drain at a signal, | head.
BUFFER_GROUPS=" write_errors signals pipe banner "
# How an event gets from the programs to a line: the fill and the buffer's
# own maps (perf_heap, the per-CPU perf events: leftovers, capabilities).
OUTPUT_GROUPS=" columns comm errors prefixes wide json leftovers min_caps "
ALL_GROUPS="columns comm errors prefixes wide json btf pid uid ports cgroup noprealloc owner mntns count
	interval duration compat32 write_errors signals pipe banner leftovers fallback typed unprivileged
	min_caps bad_input"
case $SCOPE in
all) skip_groups= why= ;;
buffer)
	skip_groups=
	for group in $ALL_GROUPS; do
		[[ "$OUTPUT_GROUPS$BUFFER_GROUPS" == *" $group "* ]] || skip_groups+=" $group"
	done
	why="the perf buffer changes only how events reach user space: the kernel side's groups ran over the ring buffer on this backend, user space's once per kernel"
	;;
kernel)
	skip_groups="$USER_SPACE_GROUPS$BUFFER_GROUPS"
	why="user space: run once per kernel and buffer kind"
	;;
*) echo "tests/e2e.sh: --scope $SCOPE: not all, buffer or kernel" >&2; exit 64 ;;
esac
# A group this run leaves out is a skip that says why: no row reads as
# complete when it is not.
# The row of the backend auto runs, after an auto row that passed in the same
# boot (E2E_AUTO_DONE, from the guests' /init): the gate above proved it loads
# when asked for; its groups ran in the auto row, on the same programs.
auto_ran=
if [ -n "${E2E_AUTO_DONE:-}" ] && [ "$BACKEND" = "$(expect_auto)" ] &&
	[ "$(want_events)" = "ring buffer" ]; then
	auto_ran=$BACKEND
fi
for group in $ALL_GROUPS; do
	if [[ " $skip_groups " == *" $group "* ]]; then
		skip "group_$group" "left out by --scope $SCOPE ($why)"
	elif [ -n "$auto_ran" ]; then
		skip "group_$group" "ran in this boot's auto row, which runs $auto_ran (its gate proved it)"
	elif ! selected "$group"; then
		skip "group_$group" "not among the groups asked for (${ONLY[*]})"
	elif [ "$group" = fallback ] && [ "$BACKEND" != auto ]; then
		skip "group_$group" "falling back is auto's (this row: --backend $BACKEND)"
	else
		echo "# $group (at ${SECONDS}s)"
		"group_$group"
	fi
done

summary
[ "$FAILED" = 0 ]
