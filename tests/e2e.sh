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
# This file is the runner: the tracer, workload and expected-line helpers,
# the gate that holds the backend to this kernel's expectations
# (tests/expectations), and the loop over the groups, one file each in
# tests/e2e/ (ALL_GROUPS below is their order).
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
	TRACER_RC=$?
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
	grep -Eq 'Protocol not supported|Address family not supported|Exec format error|cannot execute|io_uring: no IORING_OP_' "$TMP/wl.err" &&
		unsupported=1
	case $(expect_verdict "$1"):$unsupported in
	present:0) return 0 ;;
	absent:1) skip "$2" "$(expect_reason "$1") ($EXPECT_SOURCE; the workload: $(head -n 1 "$TMP/wl.err"))" ;;
	present:1) fail "$2" "$EXPECT_SOURCE says the kernel has $1; the workload: $(head -n 1 "$TMP/wl.err")" ;;
	absent:0) fail "$2" "$EXPECT_SOURCE says the kernel lacks $1 ($(expect_reason "$1")), but the workload ran: the table is stale" ;;
	esac
	return 1
}

# ---- the groups: one file each in tests/e2e/, their shared helpers in lib.sh ----

# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh
for f in tests/e2e/*.sh; do
	[ "$f" = tests/e2e/lib.sh ] && continue
	# shellcheck source=/dev/null
	. "$f"
done

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
		# Its verdict, not the -v lines before it (a refused typed build, say).
		said=$(grep -E '^bindsnoop: (--backend [a-z]+|no backend could be loaded)' "$TMP/err" | tail -n 1)
		[ -n "$said" ] || said=$(grep '^bindsnoop: ' "$TMP/err" | tail -n 1)
		if [ "$verdict" = loads ]; then
			fail "$name" "must load here ($EXPECT_SOURCE), but did not: ${said:-$(tail -n 3 "$TMP/err")}"
		elif [ "$TRACER_RC" != 1 ]; then
			# A refusal is exit status 1; anything else (a signal: 128+N) is a crash.
			fail "$name" "exited with status $TRACER_RC, not a refusal's 1: $(tail -n 3 "$TMP/err")"
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
# --existing's iterators are one object whatever the backend: once per kernel too.
USER_SPACE_GROUPS=" owner interval duration bad_input existing "
# User space that reads the buffer: write errors, the drain at a signal, | head.
BUFFER_GROUPS=" write_errors signals pipe banner "
# How an event gets from the programs to a line: the fill and the buffer's
# own maps (perf_heap, the per-CPU perf events: leftovers, capabilities).
OUTPUT_GROUPS=" columns comm errors prefixes wide json leftovers min_caps "
ALL_GROUPS="columns comm errors prefixes wide json btf pid uid ports cgroup noprealloc owner mntns count
	interval duration compat32 write_errors signals pipe banner leftovers fallback typed unprivileged
	min_caps bad_input paths existing"
case $SCOPE in
all) skip_groups='' why='' ;;
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
# A group file the order leaves out would never run: that is a failure.
for f in tests/e2e/*.sh; do
	group=${f##*/}
	group=${group%.sh}
	[ "$group" = lib ] || [[ " ${ALL_GROUPS//[[:space:]]/ } " == *" $group "* ]] ||
		fail "group_$group" "tests/e2e/$group.sh is not in ALL_GROUPS: it would never run"
done
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
