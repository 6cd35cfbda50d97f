#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The part of the benchmark that needs other kernels: run inside a qemu
# guest by tests/vmtest/vmtest.sh (bench/vm.sh sets that up), once per
# backend, it measures what one backend costs there:
#   bind      socket()+bind()+close(), bindsnoop with full output to /dev/null
#   perfbuf   the same over the perf buffer (the fallback before 5.8)
#   count     the same with --count
#   count_samekey  --count while every bind is the same key (a fixed port)
#   getppid   a bare getppid() loop while bindsnoop traces: the cost to
#             everything that is not a bind
#   floor, floor_samekey, floor_getppid  the bind, fixed-port bind and
#             getppid loops with bench/floor's empty programs on the same
#             hooks instead: the price of the hook itself
#   uring_nop, floor_uring_nop  one io_uring NOP submitted and reaped per
#             op, with bindsnoop and with the floor: the tracepoint
#             backend's io_uring programs (6.11+) run on every request
#   uring_nop_autobind  the same with --autobind: every backend's io_uring
#             programs (6.0+) run on every request
#   sendto, floor_sendto  a UDP sendto() (and its recv()) from a socket
#             that has its port, with bindsnoop --autobind and with the
#             floor's empty programs on the same hooks (floor --autobind):
#             --autobind's programs run on every send of every task
#   connect, floor_connect  the same for a UDP connect() that takes no port
#   getppid_autobind, floor_getppid_autobind  getppid() under bindsnoop
#             --autobind and its floor: its syscall tracepoints put every
#             syscall on the slow path, on fentry and kprobe too
#   setsockopt, floor_setsockopt  setsockopt(SO_REUSEADDR) per op, with
#             bindsnoop and with the floor: the bindx programs run on every
#             setsockopt, on every backend, where SCTP can take a port
#   floor_nocompat_getppid  (tracepoint, x86-64) the floor without the
#             32-bit bind program: what that program costs every syscall
#   progs_floor, progs_bind, progs_count  the programs' own run time per
#             bind (bpf_stats): floor, full output, --count
#   progs_floor_samekey, progs_count_samekey  the same for one key
#   progs_filtered  the same with -P naming a port no bind has (each one filtered out)
#   progs_floor_uring_nop, progs_uring_nop  the programs' own time per NOP
#   progs_uring_nop_autobind  the same with --autobind
#   progs_floor_sendto, progs_sendto, progs_floor_connect, progs_connect
#             the programs' own time per sendto() or connect(), floor and --autobind
#   startup   exec to the header (guest ms: million instructions) and peak RSS
# Each row runs ROUNDS rounds of an untraced and then a traced loop. Under
# TCG absolute times mean nothing; ratios from one boot do, as long as every
# row starts from the same guest state. Before the first row the kernel's RNG
# is seeded (a blocking read of /dev/random): an unseeded 6.1+ kernel makes
# a ChaCha block for every ephemeral port it picks (21.5 us a bind instead of
# 11.4 on 6.1 x86), and the guests have no other way to get seeded than
# interrupts crediting entropy over minutes, so before this the untraced
# bind halved at a moment that depended on the boot's history. Each row
# prints the state it starts and ends in:
#   @@state ROW clocksource=tsc rng=seeded bpf_stats=0 tracers=0
# and a row whose state differs from the first row's fails. The guest has
# one vCPU, so bindsnoop's reader runs on the loop's CPU and its work shows
# in the loop's wall-clock time; the loop's own CPU time (the scheduler's
# count) is what tracing costs the traced task.
#
#   bench/guest.sh [--rounds N] [--binds N] [--ppids N] [--rows GLOB] --backend B
#
# --rows: only the rows whose name matches GLOB (a quick look at one change);
# without it, the glob in bench/rows if there is one (bench/vm.sh writes it).
#
# Prints one line per row, ratios traced/untraced (median, min, max over the
# rounds) of the loop's CPU time per op, the wall-clock median, and the
# untraced and traced CPU time per op:
#   @@bench ROW cpu=1.23 min=1.20 max=1.31 wall=1.40 untraced_us=150.2 traced_us=185.0
# (or "@@bench ROW skipped=REASON" / "failed=REASON"), then the tally
# vmtest.sh reads: "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1

ROUNDS=5 BINDS=2000 PPIDS=20000 ROWS='*' BACKEND=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift ;;
	--binds) BINDS=$2; shift ;;
	--ppids) PPIDS=$2; shift ;;
	--backend) BACKEND=$2; shift ;;
	--rows) ROWS=$2; shift ;;
	*) echo "bench/guest.sh: $1: unknown argument" >&2; exit 64 ;;
	esac
	shift
done
for n in "$ROUNDS" "$BINDS" "$PPIDS"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench/guest.sh: $n: not a count" >&2; exit 64; }
done
[ -n "$BACKEND" ] || { echo "bench/guest.sh: --backend is required" >&2; exit 64; }
[ "$ROWS" != '*' ] || [ ! -r bench/rows ] || ROWS=$(<bench/rows)

# shellcheck source=bench/lib.sh
. bench/lib.sh

BS=${BINDSNOOP:-./bindsnoop}
BINDLOOP=${BINDLOOP:-build/bindloop}
STARTUP=${STARTUP:-build/startup}
FLOOR=${FLOOR:-build/floor}
# The tracer a row starts: bindsnoop, or (FLOOR_ROW=1) the floor's empty programs.
FLOOR_ROW=0
WORK=$(mktemp -d /tmp/bindsnoop-guest-bench.XXXXXX) || exit 1
declare -A LIVE=()
PASSED=0 FAILED=0 SKIPPED=0
T_MAIN=
# The state the first row started in; every row must start and end in it.
STATE0=

trap cleanup_work EXIT

# bindsnoop --backend B ARGS... >/dev/null, until it is attached and
# catches SIGINT; 1 with the reason in $WORK/err when it does not start.
tracer_start() {
	local deadline=$((SECONDS + 60))
	: >"$WORK/err"
	if [ "$FLOOR_ROW" = 1 ]; then
		"$FLOOR" --backend "$BACKEND" ${FLOOR_ARGS:-} >/dev/null 2>"$WORK/err" &
	else
		"$BS" --backend "$BACKEND" "$@" >/dev/null 2>"$WORK/err" &
	fi
	T_MAIN=$!
	LIVE[$T_MAIN]=1
	while [ "$SECONDS" -lt "$deadline" ]; do
		grep -q '^Tracing binds' "$WORK/err" && catches_sigint "$T_MAIN" && return 0
		alive "$T_MAIN" || { reap "$T_MAIN"; return 1; }
		sleep 0.05
	done
	echo "not attached after 60 s" >>"$WORK/err"
	kill -KILL "$T_MAIN" 2>/dev/null
	reap "$T_MAIN"
	return 1
}

tracer_stop() {
	kill -INT "$T_MAIN" 2>/dev/null
	reap "$T_MAIN" 30
}

row() {	# NAME MODE ITERATIONS PERFBUF LOOP_ARGS -- BINDSNOOP_ARGS...
	# shellcheck disable=SC2053 # a glob on purpose
	[[ $1 == $ROWS ]] || return 0
	local name=$1 mode=$2 iters=$3 perfbuf=$4 round untraced traced why largs=()
	read -ra largs <<<"$5"
	shift 6
	state_check "$name" start || { fail_row "$name" "$(<"$WORK/state")"; return; }
	: >"$WORK/ratios"
	for ((round = 1; round <= ROUNDS; round++)); do
		if ! untraced=$(run_loop "$mode" "$iters" "${largs[@]}"); then
			why="the untraced loop failed"
			break
		fi
		if ! BINDSNOOP_FORCE_PERFBUF=$perfbuf tracer_start "$@"; then
			why=$(grep -m1 '^bindsnoop:' "$WORK/err" || tail -n 1 "$WORK/err")
			[ "$round" = 1 ] && { skip_row "$name" "${why#bindsnoop: }"; return; }
			why="the tracer did not start in round $round: $why"
			break
		fi
		traced=$(run_loop "$mode" "$iters" "${largs[@]}") || traced=
		if ! tracer_stop; then
			why="bindsnoop failed in round $round: $(grep -m1 '^bindsnoop:' "$WORK/err")"
			break
		fi
		[ -n "$traced" ] || { why="the traced loop failed in round $round"; break; }
		echo "$untraced $traced" >>"$WORK/ratios"
	done
	if [ "$round" -le "$ROUNDS" ]; then
		fail_row "$name" "${why:-?}"
		return
	fi
	state_check "$name" end || { fail_row "$name" "$(<"$WORK/state")"; return; }
	# Lines: untraced wall, untraced CPU, traced wall, traced CPU (ns per op).
	read -r med min max < <(awk '{ printf "%.4f\n", $4 / $2 }' "$WORK/ratios" | sort -g |
		median_min_max)
	read -r wall _ < <(awk '{ printf "%.4f\n", $3 / $1 }' "$WORK/ratios" | sort -g |
		median_min_max)
	read -r u _ < <(awk '{ print $2 / 1000 }' "$WORK/ratios" | sort -g | median_min_max)
	read -r t _ < <(awk '{ print $4 / 1000 }' "$WORK/ratios" | sort -g | median_min_max)
	printf '@@bench %s cpu=%.2f min=%.2f max=%.2f wall=%.2f untraced_us=%.2f traced_us=%.2f\n' \
		"$name" "$med" "$min" "$max" "$wall" "$u" "$t"
	PASSED=$((PASSED + 1))
}

# The programs' own run time per op (kernel.bpf_stats_enabled: the sum of
# every loaded program's run_time_ns over the loop's ops), from a round of
# its own, as the statistics add two clock reads to every program run.
# Under -icount guest nanoseconds count instructions: this is what the
# programs execute, without the hook's entry (trampoline, kprobe) around them.
progs_row() {	# NAME MODE ITERATIONS LOOP_ARGS -- TRACER_ARGS...
	# shellcheck disable=SC2053 # a glob on purpose
	[[ $1 == $ROWS ]] || return 0
	local name=$1 mode=$2 iters=$3 largs=() ns
	read -ra largs <<<"$4"
	shift 5
	if ! command -v bpftool >/dev/null || [ ! -w /proc/sys/kernel/bpf_stats_enabled ]; then
		skip_row "$name" "no bpftool or kernel.bpf_stats_enabled here"
		return
	fi
	state_check "$name" start || { fail_row "$name" "$(<"$WORK/state")"; return; }
	if ! tracer_start "$@"; then
		skip_row "$name" "$(grep -m1 '^bindsnoop:' "$WORK/err" || tail -n 1 "$WORK/err")"
		return
	fi
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	run_loop "$mode" "$iters" "${largs[@]}" >/dev/null
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	ns=$(bpftool prog show -j | jq '[.[] | .run_time_ns // 0] | add // 0')
	tracer_stop
	state_check "$name" end || { fail_row "$name" "$(<"$WORK/state")"; return; }
	echo "@@bench $name prog_ns=$((ns / iters))"
	PASSED=$((PASSED + 1))
}

# Start-up, exec to the header (bench/startup.c; guest time, so a million
# instructions a "ms" under -icount), median of 5 runs, and the largest peak RSS.
startup_row() {	# NAME ARGS...
	local name=$1 out ms kb
	shift
	# shellcheck disable=SC2053 # a glob on purpose
	[[ $name == $ROWS ]] || return 0
	state_check "$name" start || { fail_row "$name" "$(<"$WORK/state")"; return; }
	if ! out=$("$STARTUP" -n 5 -- "$BS" --backend "$BACKEND" "$@" 2>&1); then
		fail_row "$name" "$(tail -n 1 <<<"$out")"
		return
	fi
	state_check "$name" end || { fail_row "$name" "$(<"$WORK/state")"; return; }
	ms=$(sed -n 's/^startup_ns=\([0-9]*\) .*/\1/p' <<<"$out" | sort -n | sed -n 3p)
	kb=$(sed -n 's/.* maxrss_kb=\([0-9]*\) .*/\1/p' <<<"$out" | sort -n | tail -n 1)
	echo "@@bench $name startup_ms=$(awk -v n="$ms" 'BEGIN { printf "%.1f", n / 1e6 }') maxrss_kb=$kb"
	PASSED=$((PASSED + 1))
}

# What a row's loops depend on besides the code measured: the clock the
# CPU time comes from, the RNG (an ephemeral bind's cost, see above), the
# BPF statistics (they add two clock reads to every program run) and
# tracers left running by an earlier row.
guest_state() {
	local cs rng stats tracers
	cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
	rng=$("$BINDLOOP" -R) || rng=rng=?
	stats=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)
	tracers=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -cxE 'bindsnoop|floor')
	echo "clocksource=${cs:-?} $rng bpf_stats=${stats:-?} tracers=$tracers"
}

# state_check ROW WHEN: print the state; 1 (and the difference in $WORK/state)
# when it is not the first row's.
state_check() {
	local now
	now=$(guest_state)
	echo "@@state $1 $2 $now"
	[ -n "$STATE0" ] || STATE0=$now
	[ "$now" = "$STATE0" ] && return 0
	echo "the guest's state at its $2 ($now) differs from the first row's ($STATE0)" >"$WORK/state"
	return 1
}

fail_row() {
	echo "@@bench $1 failed=$2"
	FAILED=$((FAILED + 1))
}

skip_row() {
	echo "@@bench $1 skipped=$2"
	SKIPPED=$((SKIPPED + 1))
}

[ -x "$BINDLOOP" ] || { echo "bench/guest.sh: $BINDLOOP missing" >&2; exit 1; }
echo "# bindsnoop guest bench: kernel $(uname -r), backend $BACKEND, $ROUNDS rounds"
# The RNG seeded before any row (see the top): a blocking read makes the
# kernel gather jitter entropy until it is (about a second of guest time).
if [ "$("$BINDLOOP" -R)" != rng=seeded ]; then
	timeout 120 head -c 1 /dev/random >/dev/null
	[ "$("$BINDLOOP" -R)" = rng=seeded ] ||
		{ echo "bench/guest.sh: the kernel's RNG is still not seeded" >&2; exit 1; }
fi
# Warm the caches and the port allocator once.
run_loop bind "$BINDS" >/dev/null || { echo "bench/guest.sh: bindloop does not run" >&2; exit 1; }

[ -x "$FLOOR" ] || { echo "bench/guest.sh: $FLOOR missing" >&2; exit 1; }
FLOOR_ROW=1 row floor bind "$BINDS" 0 "" --
row bind bind "$BINDS" 0 "" --
row perfbuf bind "$BINDS" 1 "" --
row count bind "$BINDS" 0 "" -- --count
FLOOR_ROW=1 row floor_samekey bind "$BINDS" 0 "-p 4999" --
row count_samekey bind "$BINDS" 0 "-p 4999" -- --count
FLOOR_ROW=1 row floor_getppid getppid "$PPIDS" 0 "" --
row getppid getppid "$PPIDS" 0 "" --
FLOOR_ROW=1 row floor_uring_nop uring_nop "$PPIDS" 0 "" --
row uring_nop uring_nop "$PPIDS" 0 "" --
row uring_nop_autobind uring_nop "$PPIDS" 0 "" -- --autobind
FLOOR_ROW=1 row floor_setsockopt setsockopt "$PPIDS" 0 "" --
row setsockopt setsockopt "$PPIDS" 0 "" --
FLOOR_ROW=1 progs_row progs_floor bind "$BINDS" "" --
progs_row progs_bind bind "$BINDS" "" --
progs_row progs_count bind "$BINDS" "" -- --count
FLOOR_ROW=1 progs_row progs_floor_samekey bind "$BINDS" "-p 4999" --
progs_row progs_count_samekey bind "$BINDS" "-p 4999" -- --count
progs_row progs_filtered bind "$BINDS" "" -- -P 1
FLOOR_ROW=1 progs_row progs_floor_uring_nop uring_nop "$PPIDS" "" --
progs_row progs_uring_nop uring_nop "$PPIDS" "" --
progs_row progs_uring_nop_autobind uring_nop "$PPIDS" "" -- --autobind
# --autobind on sends and connects that take no port: the programs' cheapest path.
FLOOR_ROW=1 FLOOR_ARGS=--autobind row floor_sendto sendto "$BINDS" 0 "" --
row sendto sendto "$BINDS" 0 "" -- --autobind
FLOOR_ROW=1 FLOOR_ARGS=--autobind row floor_connect connect "$BINDS" 0 "" --
row connect connect "$BINDS" 0 "" -- --autobind
FLOOR_ROW=1 FLOOR_ARGS=--autobind progs_row progs_floor_sendto sendto "$BINDS" "" --
progs_row progs_sendto sendto "$BINDS" "" -- --autobind
FLOOR_ROW=1 FLOOR_ARGS=--autobind progs_row progs_floor_connect connect "$BINDS" "" --
progs_row progs_connect connect "$BINDS" "" -- --autobind
FLOOR_ROW=1 FLOOR_ARGS=--autobind row floor_getppid_autobind getppid "$PPIDS" 0 "" --
row getppid_autobind getppid "$PPIDS" 0 "" -- --autobind
startup_row startup
# What the 32-bit bind program (tracepoint, x86-64) costs every syscall.
if [ "$BACKEND" = tracepoint ] && [ "$(uname -m)" = x86_64 ]; then
	FLOOR_ROW=1 FLOOR_ARGS=--no-compat row floor_nocompat_getppid getppid "$PPIDS" 0 "" --
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
