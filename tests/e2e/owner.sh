# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/owner.sh: the e2e suite's owner group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# wl_bg_in DIR [WORKLOAD-ARGS...]: a waiting workload (wl_bg), moved into
# cgroup directory DIR.
wl_bg_in() {
	local dir=$1
	shift
	wl_bg "$@" && echo "$WL_BG" >"$dir/cgroup.procs"
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
	# -P: only that bind takes room in the buffer meanwhile (another job's
	# bind storm on this machine once filled it while the reader stood still).
	local gone_id
	gone_id=$(stat -c %i "$root$gone")
	tracer_start -j -P 4480 || { fail owner_gone "did not start: $(cat "$TMP/err")"; return; }
	kill -STOP "$TRACER"
	if ! wl_bg_in "$root$gone" -p 4480; then
		kill -CONT "$TRACER"
		tracer_stop
		fail owner_gone_is_null "workload did not get ready"
		return
	fi
	p1=$WL_BG
	wl_go
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
