# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/paths.sh: the e2e suite's paths group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# Ports taken without bind(2): io_uring's IORING_OP_BIND and IORING_OP_LISTEN
# (6.11+), and listen() on a socket without a port. Each is an ordinary row of
# the table, and JSON says how (via). A listen() on a bound socket takes no
# port and adds no row; a failed listen() takes none either. --via keeps
# only the ways it names.
group_paths() {
	local io=1 mptcp=1
	# The io_uring cases need the opcodes (the workload asks the kernel) and
	# MPTCP's the protocol; feature_case holds both to the expectations.
	"$WORKLOAD" -N -C io_uring -p 4610 >/dev/null 2>"$TMP/wl.err"
	feature_case iouring paths_io_uring || io=0
	"$WORKLOAD" -N -t mptcp -p 4610 >/dev/null 2>"$TMP/wl.err"
	feature_case mptcp paths_listen_mptcp || mptcp=0

	tracer_start -E || { fail paths "bindsnoop -E did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 p3 port3 p4 p5 port5 p6 port6 p7 p8 port8 p9 made9 p10 made8
	if [ "$io" = 1 ]; then
		wl -C io_uring -p 4611 -o R; p1=$WL_PID
		wl -C io_uring -f 6 -a ::1 -p 4612 -D; p2=$WL_PID
		wl -C io_uring-listen; p3=$WL_PID port3=$WL_PORT
		wl -C io_uring -t udp -p 4613; p4=$WL_PID
		# IOSQE_CQE_SKIP_SUCCESS: a bind that posts no completion (the
		# tracepoint backend sees it with its post_bind program).
		wl -C io_uring-skip -p 4624 -o R; p10=$WL_PID
	fi
	wl -C listen; p5=$WL_PID port5=$WL_PORT
	wl -C listen -f 6 -o R; p6=$WL_PID port6=$WL_PORT
	wl -L -p 4614; p7=$WL_PID
	[ "$mptcp" = 1 ] && { wl -C listen -t mptcp; p8=$WL_PID port8=$WL_PORT; }
	wl -C listen -t udp; p9=$WL_PID made9="$WL_EXIT:$WL_RC"
	tracer_stop
	if [ "$io" = 1 ]; then
		expect paths_io_uring_bind "$p1" "$(rc_col 0)$(row "$p1" workload TCP 127.0.0.1 4611 ...R. 0)"
		expect paths_io_uring_bind_failed "$p2" \
			"$(rc_col 0)$(row "$p2" workload TCP ::1 4612 ..... 0)" \
			"$(rc_col EADDRINUSE)$(row "$p2" workload TCP ::1 4612 ..... 0)"
		expect paths_io_uring_listen "$p3" "$(rc_col 0)$(row "$p3" workload TCP 0.0.0.0 "$port3" ..... 0)"
		expect paths_io_uring_bind_udp "$p4" "$(rc_col 0)$(row "$p4" workload UDP 127.0.0.1 4613 ..... 0)"
		if [ "$(backend_in_use)" != tracepoint ] || [ "$(expect_verdict postbind)" = present ]; then
			expect paths_io_uring_bind_no_completion "$p10" "$(rc_col 0)$(row "$p10" workload TCP 127.0.0.1 4624 ...R. 0)"
		fi
	fi
	expect paths_listen_autobind "$p5" "$(rc_col 0)$(row "$p5" workload TCP 0.0.0.0 "$port5" ..... 0)"
	expect paths_listen_autobind_ipv6 "$p6" "$(rc_col 0)$(row "$p6" workload TCP :: "$port6" ...R. 0)"
	expect paths_listen_after_bind_once "$p7" "$(rc_col 0)$(row "$p7" workload TCP 127.0.0.1 4614 ..... 0)"
	[ "$mptcp" = 1 ] &&
		expect paths_listen_mptcp "$p8" "$(rc_col 0)$(row "$p8" workload MPTC 0.0.0.0 "$port8" ..... 0)"
	expect_none paths_listen_failed_no_row "$p9" "$made9" 0:EOPNOTSUPP

	# JSON: how each port was taken.
	tracer_start -j -E || { fail paths_json "bindsnoop -j -E did not start: $(cat "$TMP/err")"; return; }
	if [ "$io" = 1 ]; then
		wl -C io_uring -p 4611; p1=$WL_PID
		wl -C io_uring -a 192.0.2.1 -p 4615; p2=$WL_PID
		wl -C io_uring-listen -f 6; p3=$WL_PID port3=$WL_PORT
	fi
	wl -C listen; p5=$WL_PID port5=$WL_PORT
	wl -L -p 4614; p7=$WL_PID
	wl -C connect; p8=$WL_PID made8="$WL_EXIT:$WL_RC"
	wl -C io_uring-connect; p9=$WL_PID made9="$WL_EXIT:$WL_RC"
	tracer_stop
	local fields='[.comm, .protocol, .address, .port, .ret, .errno, .via] | @json'
	json_of() { jq -r --argjson pid "$1" "select(.pid == \$pid) | $fields" "$TMP/out"; }
	if [ "$io" = 1 ]; then
		check paths_json_io_uring "$(json_of "$p1")" = '["workload","TCP","127.0.0.1",4611,0,null,"io_uring"]'
		check paths_json_io_uring_failed "$(json_of "$p2")" = '["workload","TCP","192.0.2.1",4615,-99,"EADDRNOTAVAIL","io_uring"]'
		check paths_json_io_uring_listen "$(json_of "$p3")" = "[\"workload\",\"TCP\",\"::\",$port3,0,null,\"listen\"]"
	fi
	check paths_json_listen "$(json_of "$p5")" = "[\"workload\",\"TCP\",\"0.0.0.0\",$port5,0,null,\"listen\"]"
	check paths_json_bind_then_listen "$(json_of "$p7")" = "[\"workload\",\"TCP\",\"127.0.0.1\",4614,0,null,\"$(libc_bind_via)\"]"
	# Without --autobind, connect()'s port is not a row: only its own listener's bind.
	require paths_connect_made "$made8" = 0:0
	check paths_json_no_autobind "$(jq -r --argjson pid "$p8" 'select(.pid == $pid) | .via' "$TMP/out")" = "$(libc_bind_via)"
	# Nor io_uring's connect's, where bindsnoop can follow it (--autobind) or not.
	if [ "$(expect_verdict iouring_connect)" = present ]; then
		require paths_io_uring_connect_made "$made9" = 0:0
		check paths_json_no_autobind_io_uring "$(jq -r --argjson pid "$p9" 'select(.pid == $pid) | .via' "$TMP/out")" = "$(libc_bind_via)"
	fi

	# --autobind: the ports connect() and sendto() pick.
	tracer_start -j --autobind || { fail paths_autobind "bindsnoop --autobind did not start: $(cat "$TMP/err")"; return; }
	wl -C connect; p1=$WL_PID port1=$WL_PORT
	wl -C connect -f 6; p2=$WL_PID port2=$WL_PORT
	wl -C sendto -t udp -p 9; p3=$WL_PID port3=$WL_PORT
	wl -C sendto -t udp -f 6 -p 9; p4=$WL_PID port4=$WL_PORT
	wl -p 4618 -o R; p5=$WL_PID
	tracer_stop
	local sel='select(.pid == $pid and .via != $libc) | [.comm, .protocol, .address, .port, .ret, .via] | @json'
	autobind_of() { jq -r --argjson pid "$1" --arg libc "$(libc_bind_via)" "$sel" "$TMP/out"; }
	check paths_autobind_connect "$(autobind_of "$p1")" = "[\"workload\",\"TCP\",\"127.0.0.1\",$port1,0,\"connect\"]"
	check paths_autobind_connect_ipv6 "$(autobind_of "$p2")" = "[\"workload\",\"TCP\",\"::1\",$port2,0,\"connect\"]"
	check paths_autobind_sendto "$(autobind_of "$p3")" = "[\"workload\",\"UDP\",\"0.0.0.0\",$port3,0,\"sendto\"]"
	check paths_autobind_sendto_ipv6 "$(autobind_of "$p4")" = "[\"workload\",\"UDP\",\"::\",$port4,0,\"sendto\"]"
	# A bound socket's own bind, once, as before.
	check paths_autobind_bind_once "$(json_of "$p5")" = "[\"workload\",\"TCP\",\"127.0.0.1\",4618,0,null,\"$(libc_bind_via)\"]"

	paths_autobind_io_uring

	# --via: the ways asked for only, filtered in the kernel.
	tracer_start --via listen || { fail paths_via "bindsnoop --via listen did not start: $(cat "$TMP/err")"; return; }
	wl -p 4616; p1=$WL_PID made1="$WL_EXIT:$WL_RC"
	wl -C listen; p5=$WL_PID port5=$WL_PORT
	wl -L -p 4617; p7=$WL_PID made7="$WL_EXIT:$WL_RC"
	tracer_stop
	expect_none paths_via_listen_no_bind "$p1" "$made1"
	expect paths_via_listen_listen "$p5" "$(row "$p5" workload TCP 0.0.0.0 "$port5" ..... 0)"
	expect_none paths_via_listen_no_bind_then_listen "$p7" "$made7"

	paths_kernel_socket
	paths_bindx
}

# SCTP's bindx (libsctp's sctp_bindx(): setsockopt SCTP_SOCKOPT_BINDX_ADD
# with an array of addresses), on every backend: one row per address, the
# options and port of the socket (the kernel's pick for port 0), JSON's via
# bindx; a failed one with -E only, each address with the call's errno (the
# first address is held by another socket: EADDRINUSE, and the kernel adds
# none). SCTP is a module: the guests load it (tests/vmtest/run-matrix.sh),
# and where the expectations say the kernel has none, the workload must
# say so too.
paths_bindx() {
	local p1 p2 port2 p3 p4 made4 p5 made5 p6 made6 p7 made7 want
	"$WORKLOAD" -N -C bindx -t sctp -p 4620 >/dev/null 2>"$TMP/wl.err"
	if ! feature_case sctp paths_bindx; then
		# No SCTP here (the skip above says why): -v names no bindx, seen or not.
		[ "$(expect_verdict sctp)" = absent ] || return
		tracer_start -v || { fail paths_bindx_no_sctp "bindsnoop -v did not start: $(cat "$TMP/err")"; return; }
		tracer_stop
		check paths_bindx_no_sctp_not_a_way "$(grep -c '^bindsnoop: ports taken by: .*bindx' "$TMP/err")" = 0
		return
	fi

	tracer_start -E -v || { fail paths_bindx "bindsnoop -E -v did not start: $(cat "$TMP/err")"; return; }
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2 -p 4620 -o R; p1=$WL_PID
	wl -C bindx -t sctp -a 127.0.0.2,127.0.0.1 -p 0; p2=$WL_PID port2=$WL_PORT
	wl -C bindx -t sctp -f 6 -a ::1 -p 4621; p3=$WL_PID
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2 -p 4622 -D; p4=$WL_PID made4="$WL_EXIT:$WL_RC"
	tracer_stop
	check paths_bindx_said_seen "$(grep -c '^bindsnoop: ports taken by: [^;]*bindx' "$TMP/err")" = 1
	expect paths_bindx_two_addresses "$p1" \
		"$(rc_col 0)$(row "$p1" workload SCTP 127.0.0.1 4620 ...R. 0)" \
		"$(rc_col 0)$(row "$p1" workload SCTP 127.0.0.2 4620 ...R. 0)"
	require paths_bindx_port0_made "${port2:-0}" != 0
	expect paths_bindx_port0_kernels_pick "$p2" \
		"$(rc_col 0)$(row "$p2" workload SCTP 127.0.0.2 "$port2" ..... 0)" \
		"$(rc_col 0)$(row "$p2" workload SCTP 127.0.0.1 "$port2" ..... 0)"
	expect paths_bindx_ipv6 "$p3" "$(rc_col 0)$(row "$p3" workload SCTP ::1 4621 ..... 0)"
	require paths_bindx_failed_made "$made4" = 0:EADDRINUSE
	# The holder's own bind first (-D), then each address of the failed call.
	expect paths_bindx_failed "$p4" \
		"$(rc_col 0)$(row "$p4" workload SCTP 127.0.0.1 4622 ..... 0)" \
		"$(rc_col EADDRINUSE)$(row "$p4" workload SCTP 127.0.0.1 4622 ..... 0)" \
		"$(rc_col EADDRINUSE)$(row "$p4" workload SCTP 127.0.0.2 4622 ..... 0)"

	# Without -E a failed bindx is no row: the holder's bind alone. A call
	# of nine addresses: the first eight are rows, the ninth is counted.
	tracer_start || { fail paths_bindx_no_errors "bindsnoop did not start: $(cat "$TMP/err")"; return; }
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2 -p 4623 -D; p5=$WL_PID made5="$WL_EXIT:$WL_RC"
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9 -p 4629
	p6=$WL_PID made6="$WL_EXIT:$WL_RC"
	tracer_stop
	require paths_bindx_failed_no_row_made "$made5" = 0:EADDRINUSE
	expect paths_bindx_failed_no_row "$p5" "$(row "$p5" workload SCTP 127.0.0.1 4623 ..... 0)"
	require paths_bindx_nine_made "$made6" = 0:0
	local nine=() a
	for a in 1 2 3 4 5 6 7 8; do nine+=("$(row "$p6" workload SCTP "127.0.0.$a" 4629 ..... 0)"); done
	expect paths_bindx_nine_eight_rows "$p6" "${nine[@]}"
	check paths_bindx_nine_counted "$(grep -c '^bindsnoop: 1 SCTP bindx calls of more than 8 addresses: the addresses past the 8th not traced$' "$TMP/err"):$(grep -c '^bindsnoop: in total 0 events lost, 1 binds not traced, 0 binds not counted$' "$TMP/err")" = 1:1

	# JSON: every field of each address's object, via bindx.
	tracer_start -j -E || { fail paths_bindx_json "bindsnoop -j -E did not start: $(cat "$TMP/err")"; return; }
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2 -p 4624 -o r; p1=$WL_PID
	wl -C bindx -t sctp -f 6 -a ::1,127.0.0.1 -p 4625; p3=$WL_PID
	wl -C bindx -t sctp -a 127.0.0.1 -p 4626 -D; p4=$WL_PID made4="$WL_EXIT:$WL_RC"
	tracer_stop
	local fields='[.comm, .protocol, .family, .address, .port, .options, .ret, .errno, .via] | @json'
	bindx_json_of() { jq -r --argjson pid "$1" "select(.pid == \$pid and .via == \"bindx\") | $fields" "$TMP/out"; }
	want='["workload","SCTP","ipv4","127.0.0.1",4624,"....r",0,null,"bindx"]'
	want+=$'\n''["workload","SCTP","ipv4","127.0.0.2",4624,"....r",0,null,"bindx"]'
	check paths_bindx_json "$(bindx_json_of "$p1")" = "$want"
	# An IPv6 socket takes IPv4 addresses too: each with its own family.
	want='["workload","SCTP","ipv6","::1",4625,".....",0,null,"bindx"]'
	want+=$'\n''["workload","SCTP","ipv4","127.0.0.1",4625,".....",0,null,"bindx"]'
	check paths_bindx_json_ipv6_socket "$(bindx_json_of "$p3")" = "$want"
	require paths_bindx_json_failed_made "$made4" = 0:EADDRINUSE
	check paths_bindx_json_failed "$(bindx_json_of "$p4")" = \
		'["workload","SCTP","ipv4","127.0.0.1",4626,".....",-98,"EADDRINUSE","bindx"]'

	# --via bindx: those rows only, not a bind's or a listen's.
	tracer_start --via bindx || { fail paths_bindx_via "bindsnoop --via bindx did not start: $(cat "$TMP/err")"; return; }
	wl -t sctp -p 4627; p6=$WL_PID made6="$WL_EXIT:$WL_RC"
	wl -C listen; p7=$WL_PID made7="$WL_EXIT:$WL_RC"
	wl -C bindx -t sctp -a 127.0.0.1,127.0.0.2 -p 4628; p1=$WL_PID
	tracer_stop
	expect_none paths_bindx_via_no_bind "$p6" "$made6"
	expect_none paths_bindx_via_no_listen "$p7" "$made7"
	expect paths_bindx_via_bindx "$p1" \
		"$(row "$p1" workload SCTP 127.0.0.1 4628 ..... 0)" \
		"$(row "$p1" workload SCTP 127.0.0.2 4628 ..... 0)"
}

# --autobind: the ports io_uring's IORING_OP_CONNECT, IORING_OP_SENDMSG and
# IORING_OP_SEND_ZC (to an address: sendto's kind) pick, followed from io_uring's tracepoints on every backend where they
# name the request (iouring_connect in tests/expectations: 6.0+). Each
# workload runs in bindsnoop's own network namespace (wl_host), so that
# every field of its object is known: only the clock is left out. Where
# the kernel lacks the tracepoints, -v must say so, and the rows are skips.
paths_autobind_io_uring() {
	local verdict p1 port1 ppid1 p2 port2 ppid2 p3 port3 ppid3 p4 made4 made1 made2 made3 taken
	local p5 port5 ppid5 made5 p6 made6
	verdict=$(expect_verdict iouring_connect)
	tracer_start -j -v --autobind || { fail paths_autobind_io_uring "bindsnoop -j -v --autobind did not start: $(cat "$TMP/err")"; return; }
	wl_host -C io_uring-connect; p1=$WL_PID port1=$WL_PORT ppid1=$WL_PPID made1="$WL_EXIT:$WL_RC"
	wl_host -C io_uring-connect -f 6; p2=$WL_PID port2=$WL_PORT ppid2=$WL_PPID made2="$WL_EXIT:$WL_RC"
	wl_host -C io_uring-sendto -t udp -p 9; p3=$WL_PID port3=$WL_PORT ppid3=$WL_PPID made3="$WL_EXIT:$WL_RC"
	wl_host -C io_uring-sendzc -t udp -f 6 -p 9; p5=$WL_PID port5=$WL_PORT ppid5=$WL_PPID made5="$WL_EXIT:$WL_RC"
	# A bound socket: its connect takes no port, and adds no row.
	wl_host -C io_uring-connect -B -p 4619; p4=$WL_PID made4="$WL_EXIT:$WL_RC"
	# io_uring's bind under --autobind: still one row, whichever program saw it.
	[ "$(expect_verdict iouring)" = present ] && { wl -C io_uring -p 4621; p6=$WL_PID made6="$WL_EXIT:$WL_RC"; }
	tracer_stop
	taken=$(sed -n 's/^bindsnoop: ports taken by: \([^;]*\).*/\1/p' "$TMP/err")
	if [ "$verdict" != present ]; then
		check paths_autobind_io_uring_said_not_seen \
			"$(grep -c '^bindsnoop: ports taken by: .*; not seen: .*io_uring connect, io_uring send' "$TMP/err")" = 1
		# ... and at start, without -v too (--autobind asked for them).
		check paths_autobind_io_uring_said_at_start \
			"$(grep -Ec "^bindsnoop: backend $(backend_in_use) does not see ports taken by: (.*, )?io_uring connect, io_uring send( \(.*)?(;.*)?\$" "$TMP/err")" = 1
		skip paths_autobind_io_uring "$(expect_reason iouring_connect) ($EXPECT_SOURCE)"
		return
	fi
	check paths_autobind_io_uring_said_seen "$(grep -c 'io_uring connect, io_uring send' <<<"$taken")" = 1
	require paths_autobind_io_uring_made "$made1 $made2 $made3 $made4 $made5" = "0:0 0:0 0:0 0:0 0:0"
	local cgpath cg pcomm mntns netns
	cgpath=$(own_cgroup_path)
	cg=$(stat -c %i "$(cgroup2_root)$cgpath" 2>/dev/null)
	# The workload's parent is a subshell of this script: its comm is ours.
	pcomm=$(cat /proc/$$/comm)
	mntns=$(stat -L -c %i /proc/self/ns/mnt)
	netns=$(stat -L -c %i /proc/self/ns/net)
	# uring_object PID PPID PROTOCOL NUM FAMILY ADDRESS PORT VIA: the whole object but the clock.
	uring_object() {
		printf '{"pid":%s,"tid":%s,"ppid":%s,"uid":0,"gid":0,"comm":"workload","protocol":"%s","protocol_num":%s,"family":"%s","address":"%s","port":%s,"options":".....","option_names":[],"ifindex":0,"ifname":null,"ret":0,"errno":null,"cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s","unit":null,"container_id":null,"via":"%s"}' \
			"$1" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${cg:-0}" "$mntns" "$netns" "$pcomm" "$cgpath" "$8"
	}
	# The workload's rows but its own listener's bind (connect's target).
	uring_rows_of() {
		jq -c --argjson pid "$1" --arg libc "$(libc_bind_via)" \
			'select(.pid == $pid and .via != $libc) | del(.time, .time_ns)' "$TMP/out"
	}
	check paths_autobind_io_uring_connect "$(uring_rows_of "$p1")" = \
		"$(uring_object "$p1" "$ppid1" TCP 6 ipv4 127.0.0.1 "$port1" connect)"
	check paths_autobind_io_uring_connect_ipv6 "$(uring_rows_of "$p2")" = \
		"$(uring_object "$p2" "$ppid2" TCP 6 ipv6 ::1 "$port2" connect)"
	check paths_autobind_io_uring_sendto "$(uring_rows_of "$p3")" = \
		"$(uring_object "$p3" "$ppid3" UDP 17 ipv4 0.0.0.0 "$port3" sendto)"
	check paths_autobind_io_uring_send_zc_ipv6 "$(uring_rows_of "$p5")" = \
		"$(uring_object "$p5" "$ppid5" UDP 17 ipv6 :: "$port5" sendto)"
	if [ "$(expect_verdict iouring)" = present ]; then
		require paths_autobind_io_uring_bind_made "$made6" = 0:0
		check paths_autobind_io_uring_bind_once \
			"$(jq -r --argjson pid "$p6" 'select(.pid == $pid) | "\(.port) \(.via)"' "$TMP/out")" = "4621 io_uring"
	fi
	# The bound socket: its own bind (4619) and the listener's, nothing else.
	check paths_autobind_io_uring_bound_adds_nothing \
		"$(jq -r --argjson pid "$p4" 'select(.pid == $pid) | "\(.port == 4619) \(.via)"' "$TMP/out" | sort | tr '\n' ' ')" = \
		"false $(libc_bind_via) true $(libc_bind_via) "
}

# A socket the kernel binds for itself (kernel_bind()): a VXLAN device's UDP
# port, bound by the ip that brings the device up (on the wildcard address,
# no option: vxlan_create_sock()), in a network namespace of its own. fexit
# and kprobe see it in inet_bind(), the tracepoint backend with its cgroup
# post_bind program at the cgroup2 root (via kernel, with that task); where
# the kernel does not let that program read the socket (the expectations
# item postbind), bindsnoop says at start and in -v that it does not see it.
# BINDSNOOP_TEST_NO_CGROUP2: the start-up line where no cgroup2 is mounted.
paths_kernel_socket() {
	local ippid made seen=1 vxlan='["ip","UDP","0.0.0.0",4789,".....",0,"kernel"]'
	if ! command -v ip >/dev/null || ! ip link help vxlan >/dev/null 2>&1; then
		fail paths_kernel_socket "iproute2's ip is needed to make a VXLAN device (vmtest: --host-tools ip)"
		return
	fi
	[ "$(backend_in_use)" = tracepoint ] && [ "$(expect_verdict postbind)" = absent ] && seen=0
	tracer_start -j -v || { fail paths_kernel_socket "bindsnoop -j -v did not start: $(cat "$TMP/err")"; return; }
	# bash, not sh: the guests' busybox sh runs its own ip applet first. exec: the pid is ip's.
	ippid=$(unshare -n bash -c 'ip link set lo up && ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 && echo $$ && exec ip link set vx0 up' 2>"$TMP/ip.err")
	made=$?
	tracer_stop
	require paths_kernel_socket_made "$made:${ippid:+pid}" = 0:pid
	local of_ip='select(.pid == $pid) | [.comm, .protocol, .address, .port, .options, .ret, .via] | @json'
	if [ "$seen" = 1 ]; then
		check paths_kernel_socket_vxlan "$(jq -r --argjson pid "${ippid:-0}" "$of_ip" "$TMP/out")" = "$vxlan"
		check paths_kernel_socket_no_unseen_line "$(grep -c 'does not see ports taken by: .*kernel' "$TMP/err")" = 0
	else
		check paths_kernel_socket_not_seen "$(jq -c --argjson pid "${ippid:-0}" 'select(.pid == $pid)' "$TMP/out" | wc -l)" = 0
		check paths_kernel_socket_said_not_seen \
			"$(grep -c '^bindsnoop: ports taken by: .*; not seen: .*kernel' "$TMP/err")" = 1
		check paths_kernel_socket_unseen_line "$(grep -F -x -c "$(unseen_line)" "$TMP/err")" = 1
	fi
	[ "$(backend_in_use)" = tracepoint ] || return 0
	# -v names the root the post_bind program is attached at.
	[ "$seen" = 1 ] && check paths_kernel_socket_post_bind_root \
		"$(grep -c "^bindsnoop: backend tracepoint: the kernel's own sockets: cgroup post_bind4/6 at $(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)\$" "$TMP/err")" = 1
	# No cgroup2 hierarchy: not seen, and said so at start, exactly.
	BINDSNOOP_TEST_NO_CGROUP2=1 tracer_start -j || {
		fail paths_kernel_socket_no_cgroup2 "bindsnoop did not start: $(cat "$TMP/err")"
		return
	}
	ippid=$(unshare -n bash -c 'ip link set lo up && ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 && echo $$ && exec ip link set vx0 up' 2>"$TMP/ip.err")
	tracer_stop
	check paths_kernel_socket_no_cgroup2_not_seen "$(jq -c --argjson pid "${ippid:-0}" 'select(.pid == $pid)' "$TMP/out" | wc -l)" = 0
	check paths_kernel_socket_no_cgroup2_said "$(head -n 1 "$TMP/err")" = \
		"$(unseen_line "no cgroup2 hierarchy is mounted, where a post_bind program would see them")"
	# A post_bind program that cannot be attached (here: a directory that is
	# no cgroup) does not fail the backend: it runs without it, and says so.
	mkdir -p "$TMP/not-a-cgroup"
	BINDSNOOP_TEST_CGROUP2_ROOT=$TMP/not-a-cgroup tracer_start || {
		fail paths_kernel_socket_attach_failed "bindsnoop did not start: $(cat "$TMP/err")"
		return
	}
	wl -p 4619; local p1=$WL_PID
	tracer_stop
	expect paths_kernel_socket_attach_failed_still_traces "$p1" "$(row "$p1" workload TCP 127.0.0.1 4619 ..... 0)"
	check paths_kernel_socket_attach_failed_said "$(head -n 1 "$TMP/err")" = \
		"$(unseen_line "attaching the cgroup post_bind program that sees them at $TMP/not-a-cgroup failed: Bad file descriptor (EBADF)")"
}
