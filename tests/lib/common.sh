# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/lib/common.sh: what every test script shares, sourced by every suite
# (e2e, stress, soak, sanitize, fuzz, demo, trixie, package, package-arm64),
# by tests/run.sh and bench/bench.sh, and copied alone into the qemu guests
# with e2e.sh (so it sources nothing itself).
#   reporting     pass, fail, skip, note, check, require, summary
#   closing lines CLOSING_RE, closing_line FILE, counts_of LINE, add_counts LINE
#   waiting       wait_for_line FILE REGEX [TENTHS [PID]], wait_banner FILE [PID]
#   the table     row, row_wide, header, header_wide, rc_col: the printf formats
#   processes     child_pid PARENT COMM (the guests have no pgrep)
#   parsing       workload_binds, loss_totals, lost_total, untraced_total, chosen_backend,
#                 kernel_version, cgroup2_root, own_cgroup_path, rss_kb, fd_count
#   the kernel    our_objects: what of bindsnoop's bpftool shows

PASSED=0 FAILED=0 SKIPPED=0
BPFTOOL=${BPFTOOL:-bpftool}

# ---- reporting: one line per check, then "N passed, N failed, N skipped" ----

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip $1: $2"; }
summary() { echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"; }
note() { echo "# $*"; }

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

# ---- closing lines: every suite's last word, "N passed, N failed, N skipped" ----

# The counts alone; tests/run.sh anchors it (a stage's line, a guest's row).
CLOSING_RE='[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped'

# closing_line FILE: the last closing line of FILE; status 1 when it has none.
closing_line() {
	local line
	line=$(grep -E "^$CLOSING_RE\$" "$1" 2>/dev/null | tail -n 1)
	[ -n "$line" ] && echo "$line"
}

# counts_of LINE: "P F S" of a closing line (anything after the counts is ignored).
counts_of() {
	local p f s
	read -r p _ f _ s _ <<<"${1//,/}"
	echo "$p $f $s"
}

# add_counts LINE: a sub-suite's closing line counted as this suite's own.
add_counts() {
	local p f s
	read -r p f s <<<"$(counts_of "$1")"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
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

# copy_e2e_suite DEST: the e2e suite (the runner, its groups, the
# expectation table, the libraries it sources) into DEST/tests, for a qemu
# guest's payload. Run from the repository's top.
copy_e2e_suite() {
	mkdir -p "$1/tests/lib" &&
		cp tests/e2e.sh tests/expectations "$1/tests/" &&
		cp tests/lib/common.sh tests/lib/expect.sh "$1/tests/lib/" &&
		if [ -d tests/e2e ]; then cp -r tests/e2e "$1/tests/"; fi
}

# ---- expected lines: the table's own formats (bindsnoop.8, OUTPUT) ----

row() { printf '%8d %-12.12s %-4.4s %-15.15s %5d %-5s %2d' "$@"; }
row_wide() { printf '%10d %-12.12s %-4s %-39s %5d %-5s %2d' "$@"; }
header() { printf '%8s %-12.12s %-4s %-15s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF; }
header_wide() { printf '%10s %-12.12s %-4s %-39s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF; }
rc_col() { printf '%-13s ' "$1"; }

# ---- reading what the tools said, and the processes and the kernel ----

# workload_binds FILE: the binds the workload made (its "binds=N ..." line).
workload_binds() { sed -n 's/^binds=\([0-9]*\) .*/\1/p' "$1"; }

# loss_totals FILE: "LOST UNTRACED UNCOUNTED" from bindsnoop's closing report
# on stderr (FILE): "in total N events lost, N binds not traced, N binds not
# counted", printed only when one of them is not 0, so no line is "0 0 0".
loss_totals() {
	local t
	t=$(sed -n 's/^bindsnoop: in total \([0-9]*\) events lost, \([0-9]*\) binds not traced, \([0-9]*\) binds not counted$/\1 \2 \3/p' "$1" | tail -n 1)
	echo "${t:-0 0 0}"
}
lost_total() { local t; t=$(loss_totals "$1"); echo "${t%% *}"; }
untraced_total() { local u; read -r _ u _ <<<"$(loss_totals "$1")"; echo "$u"; }


# kernel_version [RELEASE]: MAJOR * 1000 + MINOR of RELEASE (default: this
# kernel's), so "6.1.0-57-amd64" is 6001, to compare with -lt/-ge.
kernel_version() {
	local major minor
	IFS=. read -r major minor _ <<<"${1:-$(uname -r)}"
	minor=${minor%%[!0-9]*}
	echo $((major * 1000 + ${minor:-0}))
}

# Where cgroup v2 is mounted (nothing when it is not), and this process's
# cgroup below it ("/user.slice/..."; its "0::" line in /proc/self/cgroup).
cgroup2_root() { awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts; }
own_cgroup_path() { sed -n 's/^0:://p' /proc/self/cgroup; }

# rss_kb PID, fd_count PID: resident memory (VmRSS, kB) and open file
# descriptors of a running process; nothing when it is gone.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
fd_count() {
	local fds
	fds=$(ls "/proc/$1/fd" 2>/dev/null) || return 1
	grep -c . <<<"$fds"
}

# check_no_mounts_under ROOT WHERE: the check mounts_private, for a stage
# whose chroot's mounts live in a mount namespace of its own: none of them
# may be seen in this one.
check_no_mounts_under() {
	local left
	left=$(awk -v root="$1" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | head -n 3 | tr '\n' ' ')
	if [ -z "$left" ]; then
		pass "mounts_private: no mount under $1 $2"
	else
		fail mounts_private "still mounted here: $left"
	fi
}

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
	} 2>/dev/null | grep -E 'name (fexit_inet6?_bin|fexit_mptcp_|kprobe_inet6?_b|kretprobe_inet|kprobe_mptcp_|kretprobe_mptc|tp_enter_bind|tp_exit_bind|tp_compat_exit_|perf_heap|cgroup_set|mntns_set|cgroup_dir|counts_a|counts_b|task_binds|bindsnoo|list_task_socke|list_kernel_tcp|list_kernel_udp|existing\.)' || true
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
