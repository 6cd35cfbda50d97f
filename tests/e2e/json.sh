# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/json.sh: the e2e suite's json group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

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
	want1=$(printf '{"pid":%s,"tid":%s,"ppid":%s,"uid":0,"gid":0,"comm":"workload","protocol":"TCP","protocol_num":6,"family":"ipv4","address":"127.0.0.1","port":%s,"options":"F..R.","option_names":["IP_FREEBIND","SO_REUSEADDR"],"ifindex":1,"ifname":"lo","ret":0,"errno":null,"cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s","via":"%s"}' \
		"$p1" "$p1" "$ppid1" "$port1" "${cg:-0}" "$mntns" "$netns" "$pcomm" "$cgpath" "$(libc_bind_via)")
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
	want2=$(printf '{"pid":%s,"tid":%s,"ppid":%s,"uid":1234,"gid":1234,"comm":"workload","protocol":"TCP","protocol_num":6,"family":"ipv6","address":"2001:db8::1","port":4600,"options":"..N..","option_names":["IP_BIND_ADDRESS_NO_PORT"],"ifindex":0,"ifname":null,"ret":-99,"errno":"EADDRNOTAVAIL","cgroup_id":%s,"mntns_id":%s,"netns_id":%s,"pcomm":"%s","cgroup":"%s","via":"%s"}' \
		"$p2" "$p2" "$ppid2" "${cg:-0}" "$mntns" "${netns2:-0}" "$pcomm" "$cgpath" "$(libc_bind_via)")
	got2=$(jq -c --argjson pid "$p2" 'select(.pid == $pid) | del(.time, .time_ns, .unit, .container_id)' "$TMP/out")
	check json_failure_fields "$got2" = "$want2"
}
