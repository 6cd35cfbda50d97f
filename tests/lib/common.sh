# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/lib/common.sh: what every test script shares, sourced by e2e.sh,
# stress.sh, soak.sh, package.sh and demo.sh (and copied into the qemu
# guests with e2e.sh).
#   reporting     pass, fail, skip, check, require, summary
#   waiting       wait_for_line FILE REGEX [TENTHS [PID]], wait_banner FILE [PID]
#   the table     row, row_wide, rc_col: README's printf formats
#   the kernel    our_objects: what of bindsnoop's bpftool shows

PASSED=0 FAILED=0 SKIPPED=0
BPFTOOL=${BPFTOOL:-bpftool}

# ---- reporting: one line per check, then "N passed, N failed, N skipped" ----

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip $1: $2"; }
summary() { echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"; }

# check NAME COND...: a plain test(1) assertion with the values in the message.
check() {
	local name=$1
	shift
	if [ "$@" ]; then pass "$name"; else fail "$name" "not true: $*"; fi
}

# require NAME COND...: what a case needs of the workload or the kernel. It is
# not bindsnoop's doing, so it fails the case when false and is no pass when true.
require() {
	local name=$1
	shift
	if [ "$@" ]; then echo "pre  $name"; else fail "$name" "precondition not met: $*"; fi
}

# ---- waiting ----

# wait_for_line FILE REGEX [TENTHS [PID]]: until a line of FILE matches (0),
# TENTHS tenths of a second pass (1, default 300), or PID is gone (1).
wait_for_line() {
	local file=$1 regex=$2 tenths=${3:-300} pid=${4:-} i
	for ((i = 0; i < tenths; i++)); do
		grep -q -- "$regex" "$file" 2>/dev/null && return 0
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q -- "$regex" "$file" 2>/dev/null
}

# bindsnoop prints its banner on stderr once it is attached.
wait_banner() { wait_for_line "$1" '^Tracing binds' 600 "${2:-}"; }

# chosen_backend FILE: the backend bindsnoop -v said it runs (its line just
# before "bindsnoop: events: "), from its stderr in FILE.
chosen_backend() {
	awk '/^bindsnoop: events: / { print b; exit }
		{ b = "" }
		/^bindsnoop: backend [a-z]+: / { b = $3; sub(/:$/, "", b) }' "$1"
}

# child_pid PARENT COMM: the pid of PARENT's child named COMM, from /proc
# (the guests' busybox has no pgrep).
child_pid() {
	local stat rest
	for stat in /proc/[0-9]*/stat; do
		read -r rest <"$stat" 2>/dev/null || continue
		# "PID (COMM) STATE PPID ..."
		[[ $rest =~ ^([0-9]+)\ \((.*)\)\ [A-Za-z]\ ([0-9]+)\  ]] || continue
		if [ "${BASH_REMATCH[2]}" = "$2" ] && [ "${BASH_REMATCH[3]}" = "$1" ]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	return 1
}

# ---- expected lines: the table's own formats (README "Output") ----

row() { printf '%8d %-12.12s %-4.4s %-15.15s %5d %-5s %2d' "$@"; }
row_wide() { printf '%10d %-12.12s %-4s %-39s %5d %-5s %2d' "$@"; }
header() { printf '%8s %-12.12s %-4s %-15s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF; }
header_wide() { printf '%10s %-12.12s %-4s %-39s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF; }
rc_col() { printf '%-13s ' "$1"; }

# ---- what stays in the kernel ----

# bindsnoop's programs (and with "all" its links and maps), as bpftool shows
# their names (cut to 15 characters).
our_objects() {
	{
		$BPFTOOL prog show
		if [ "${1:-}" = all ]; then
			$BPFTOOL link show
			$BPFTOOL map show
		fi
	} 2>/dev/null | grep -E 'name (fexit_inet6?_bin|fexit_mptcp_|kprobe_inet6?_b|kretprobe_inet|kprobe_mptcp_|kretprobe_mptc|tp_enter_bind|tp_exit_bind|tp_compat_exit_|perf_heap|cgroup_set|mntns_set|cgroup_dir|counts_a|counts_b|task_binds|bindsnoo)' || true
}

# none_left [all]: wait up to 3 s for the kernel to drop them; prints what stays.
none_left() {
	local i left
	for i in $(seq 1 30); do
		left=$(our_objects "${1:-}")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "$left"
	return 1
}
