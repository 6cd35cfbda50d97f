# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# Helpers shared by bench/bench.sh (this machine) and bench/guest.sh (the
# qemu guests), sourced by both. The callers keep LIVE, an associative array
# of the pids they started and have not reaped yet, and WORK, their
# temporary folder.

# At exit: kill and reap what is still running, remove the work folder.
cleanup_work() {
	local pid
	for pid in "${!LIVE[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$WORK"
}

# A process of ours is alive until reaped; a zombie does not count. Only
# builtins: this runs in tight loops on a machine that may be busy.
alive() {
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# Wait up to $2 seconds (default 10) for $1 to exit, then kill it; reap it
# and return its exit status.
reap() {
	local pid=$1 deadline=$((SECONDS + ${2:-10})) rc
	while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.01
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	unset "LIVE[$pid]"
	return $rc
}

# Attached is not enough: a SIGINT that comes before the tracer's handler
# is lost (a background job of a script starts with SIGINT ignored).
catches_sigint() {	# PID
	local mask
	mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] && (( 0x$mask & 2 ))
}

# Sorted numbers on stdin -> "median min max".
median_min_max() {
	awk '{ v[NR] = $1 }
	END {
		if (!NR) { print "nan nan nan"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR]
	}'
}

# One run of $BINDLOOP in MODE (bind or getppid): prints "ns_per_op
# cpu_ns_per_op" (wall-clock and the loop's own CPU time per op). A bind loop
# whose binds failed is an error.
run_loop() {	# MODE ITERATIONS [BINDLOOP_ARGS...]
	local line mode=$1 iters=$2
	shift 2
	line=$("$BINDLOOP" -m "$mode" -n "$iters" "$@" 2>&1) || { echo "$line" >&2; return 1; }
	if [ "$mode" = bind ] && [[ ! $line =~ " failed=0 " ]]; then
		echo "$line" >&2
		return 1
	fi
	[[ $line =~ \ ns_per_op=([0-9.]+)\ .*\ cpu_ns_per_op=([0-9.]+) ]] || { echo "$line" >&2; return 1; }
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}
