# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/wide.sh: the e2e suite's wide group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

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
