#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Load, faults and exact accounting (README "Reliability"), as root on this
# kernel:
#   storm_exact         1,000,000 binds from 4 threads: printed + lost = made
#   count_exact         the same with --count: the kernel's count = made
#   signal_under_load   SIGINT/SIGTERM/SIGHUP during a storm: exit 0, at once
#   kill9_anywhere      kill -9 during load, attach and polling: nothing left
#   blocked_stdout      a reader that stops reading: memory stays bounded,
#                       what could not be delivered is counted as lost
#   soak_short_run      tests/soak.sh fails a run too short to check anything
#
#   tests/stress.sh [--backend B] [--binds N]
# Ends with "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1

BACKEND=auto
BINDS=1000000
while [ $# -gt 0 ]; do
	case $1 in
	--backend) BACKEND=$2; shift 2 ;;
	--binds) BINDS=$2; shift 2 ;;
	*) echo "usage: tests/stress.sh [--backend B] [--binds N]" >&2; exit 64 ;;
	esac
done
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
THREADS=4
PER_THREAD=$((BINDS / THREADS))
TMP=$(mktemp -d /tmp/bindsnoop-stress.XXXXXX) || exit 1
trap 'kill -KILL $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

# A storm that waits for SIGUSR1, so bindsnoop can be pointed at its PID first.
storm_start() {
	"$WORKLOAD" -S -q "$@" >"$TMP/storm.out" 2>&1 &
	STORM=$!
	wait_for_line "$TMP/storm.out" '^ready' 50 "$STORM"
}

storm_binds() { sed -n 's/^binds=\([0-9]*\) .*/\1/p' "$TMP/storm.out"; }
total_lost() { sed -n 's/^bindsnoop: in total \([0-9]*\) events lost.*/\1/p' "$1"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

test_storm_exact() {
	storm_start -n "$PER_THREAD" -j "$THREADS" || { fail storm_exact "workload not ready"; return; }
	: >"$TMP/err"
	"$BINDSNOOP" --backend "$BACKEND" -p "$STORM" >"$TMP/trace" 2>"$TMP/err" &
	local tracer=$!
	wait_banner "$TMP/err" || { fail storm_exact "bindsnoop did not start: $(cat "$TMP/err")"; return; }
	kill -USR1 "$STORM"
	wait "$STORM"
	sleep 0.5
	kill -INT "$tracer"
	wait "$tracer"
	local rc=$? made printed lost
	made=$(storm_binds)
	printed=$(($(wc -l <"$TMP/trace") - 1))
	lost=$(total_lost "$TMP/err")
	lost=${lost:-0}
	echo "     $made binds made by $THREADS threads: $printed printed, $lost reported lost"
	check storm_exit_0 "$rc" = 0
	check storm_exact "$((printed + lost))" = "$made"
	check storm_all_made "$made" = "$((PER_THREAD * THREADS))"
}

test_count_exact() {
	# SO_REUSEPORT: every thread can hold port 4800 at once, so every bind succeeds.
	storm_start -n "$PER_THREAD" -j "$THREADS" -o r -p 4800 || { fail count_exact "workload not ready"; return; }
	: >"$TMP/err"
	"$BINDSNOOP" --backend "$BACKEND" --count -p "$STORM" >"$TMP/count" 2>"$TMP/err" &
	local tracer=$!
	wait_banner "$TMP/err" || { fail count_exact "bindsnoop did not start: $(cat "$TMP/err")"; return; }
	kill -USR1 "$STORM"
	wait "$STORM"
	kill -INT "$tracer"
	wait "$tracer"
	local made counted
	made=$(storm_binds)
	counted=$(awk '$1 == "127.0.0.1" && $2 == 4800 { print $3 }' "$TMP/count")
	echo "     $made binds made, the kernel counted ${counted:-none}"
	check count_exact "${counted:-none}" = "$made"
	check count_all_made "$made" = "$((PER_THREAD * THREADS))"
}

test_signal_under_load() {
	local sig mode start rc
	for sig in INT TERM HUP; do
		for mode in trace count; do
			: >"$TMP/sig.err"
			local opt=
			[ "$mode" = count ] && opt=--count
			"$BINDSNOOP" --backend "$BACKEND" $opt >"$TMP/sig.out" 2>"$TMP/sig.err" &
			local tracer=$!
			wait_banner "$TMP/sig.err" || { fail "sig${sig}_$mode" "did not start"; continue; }
			"$WORKLOAD" -q -n 200000 -j 2 >/dev/null &
			local load=$!
			sleep 1
			start=$(date +%s%N)
			kill "-$sig" "$tracer"
			wait "$tracer"
			rc=$?
			kill "$load" 2>/dev/null
			wait "$load" 2>/dev/null
			local ms=$((($(date +%s%N) - start) / 1000000))
			check "sig${sig}_${mode}_exit_0" "$rc" = 0
			check "sig${sig}_${mode}_stops_within_2s" "$ms" -lt 2000
			if [ "$mode" = count ]; then
				check "sig${sig}_count_table_printed" "$(head -c 5 "$TMP/sig.out")" = LADDR
			fi
		done
	done
}

test_kill9_anywhere() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		skip kill9_anywhere "bpftool not installed"
		return
	fi
	# The kernel frees a finished run's maps a little later (after an RCU
	# grace period): wait for the earlier tests' to go before judging.
	local before
	before=$(none_left all) || { fail kill9_anywhere "another bindsnoop is running: $before"; return; }
	"$WORKLOAD" -q -n 1000000 -j 1 >/dev/null &
	local load=$! delay left bad=0
	# 0 ms is during open/load, a few ms in attach, the rest in polling.
	for delay in 0 0.005 0.01 0.02 0.05 0.1 0.2 0.3 0.5 1; do
		"$BINDSNOOP" --backend "$BACKEND" >/dev/null 2>&1 &
		local tracer=$!
		sleep "$delay"
		kill -KILL "$tracer"
		wait "$tracer" 2>/dev/null
		if ! left=$(none_left all); then
			fail "kill9_after_${delay}s" "left in the kernel: $left"
			bad=1
		fi
	done
	kill "$load" 2>/dev/null
	wait "$load" 2>/dev/null
	[ "$bad" = 0 ] && pass "kill9_anywhere (10 kills, 0 to 1 s after start)"
}

test_blocked_stdout() {
	storm_start -n 300000 -j 1 || { fail blocked_stdout "workload not ready"; return; }
	mkfifo "$TMP/fifo"
	# A reader that opens the pipe at once but does not read for 6 s, then reads everything.
	(exec 3<"$TMP/fifo"; sleep 6; wc -l <&3 >"$TMP/lines") &
	local reader=$!
	: >"$TMP/err"
	"$BINDSNOOP" --backend "$BACKEND" -p "$STORM" >"$TMP/fifo" 2>"$TMP/err" &
	local tracer=$!
	wait_banner "$TMP/err" || { fail blocked_stdout "did not start: $(cat "$TMP/err")"; return; }
	local rss0 rss1
	rss0=$(rss_kb "$tracer")
	kill -USR1 "$STORM"
	wait "$STORM"
	rss1=$(rss_kb "$tracer")
	# bindsnoop is still blocked in write() until the reader wakes up; the
	# signal ends it once its last batch is out, and the reader then sees EOF.
	kill -INT "$tracer"
	wait "$tracer"
	wait "$reader"
	local made printed lost
	made=$(storm_binds)
	printed=$(($(cat "$TMP/lines") - 1))
	lost=$(total_lost "$TMP/err")
	lost=${lost:-0}
	echo "     $made binds while stdout was blocked: $printed printed, $lost lost; RSS ${rss0} kB -> ${rss1} kB"
	check blocked_stdout_exact "$((printed + lost))" = "$made"
	check blocked_stdout_lost_reported "$lost" -gt 0
	check blocked_stdout_rss_bounded "$((rss1 - rss0))" -lt 16384
}

# The entry map (kprobe; tracepoint pair before 5.15) shrunk to 1 slot by a
# test hook: 8 threads in bind() at once overflow it, and every bind that
# found it full must be counted as "not traced".
test_entry_map_full() {
	storm_start -n 20000 -j 8 || { fail entry_map_full "workload not ready"; return; }
	: >"$TMP/err"
	BINDSNOOP_TEST_TP_PAIR=1 BINDSNOOP_TEST_ENTRIES=1 "$BINDSNOOP" --backend tracepoint -v \
		-p "$STORM" >"$TMP/trace" 2>"$TMP/err" &
	local tracer=$!
	wait_banner "$TMP/err" || { fail entry_map_full "bindsnoop did not start: $(cat "$TMP/err")"; return; }
	kill -USR1 "$STORM"
	wait "$STORM"
	sleep 0.5
	kill -INT "$tracer"
	wait "$tracer"
	local made printed untraced
	made=$(storm_binds)
	printed=$(($(wc -l <"$TMP/trace") - 1))
	untraced=$(sed -n 's/^bindsnoop: in total [0-9]* events lost, \([0-9]*\) binds not traced.*/\1/p' "$TMP/err")
	untraced=${untraced:-0}
	echo "     $made binds by 8 threads through a 1-slot entry map: $printed printed, $untraced not traced"
	check entry_map_pair_used "$(grep -c 'sys_enter_bind + sys_exit_bind' "$TMP/err")" = 1
	check entry_map_full_counted "$untraced" -gt 0
	check entry_map_full_exact "$((printed + untraced))" = "$made"
}

# tests/soak.sh must fail a run too short to have samples after its first
# minute, instead of passing on none.
test_soak_short_run_fails() {
	local out rc
	out=$(SOAK_SECONDS=12 tests/soak.sh 2>&1)
	rc=$?
	check soak_short_run_exit_1 "$rc" = 1
	check soak_short_run_says_why "$(grep -c '^FAIL enough_samples_' <<<"$out")" = 2
}

[ "$(id -u)" = 0 ] || { echo "tests/stress.sh: needs root" >&2; exit 1; }
echo "# bindsnoop stress: kernel $(uname -r), backend $BACKEND, $BINDS binds"
test_storm_exact
test_count_exact
test_signal_under_load
test_kill9_anywhere
test_blocked_stdout
test_entry_map_full
test_soak_short_run_fails
summary
[ "$FAILED" = 0 ]
