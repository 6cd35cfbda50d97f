#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The test runner behind `make test` and `make check`.
#
#   tests/run.sh            unit tests, then the e2e suite on this kernel once
#                           per backend and once over the forced perf buffer
#   tests/run.sh --all      also: sanitizers + valgrind, fuzzing, the Debian
#                           package (native, and cross-built for arm64 and run
#                           in an arm64 guest: tests/package-arm64.sh), the
#                           Debian 13 toolchain (tests/trixie.sh),
#                           bindsnoop.service in a guest booted with
#                           systemd (tests/service.sh),
#                           the benchmark harness (quick), and the qemu kernel
#                           matrix
#   tests/run.sh --vmtest-only
#   tests/run.sh --self-test   this script's own accounting, on fake stages
#                              (the first stage of --all)
#
# Each stage ends with its own "N passed, N failed, N skipped" line; this
# script adds them up and closes with the total. A stage that exits non-zero
# with no failed check in that line gets a failing row of its own, and so
# does a stage whose script is missing or not executable; a unit program's
# exit status counts the same way, and cmocka's skips count as skips. A
# backend the kernel cannot
# run is a skip with the kernel's reason. A kernel warning (WARNING, BUG,
# Oops, ... in the host's kernel log) or a new taint bit while a stage ran
# fails that stage too, with a row of its own. Exit status 1 on any failure.
# With --all the qemu matrix runs in the background beside the stages that
# only build, fuzz or package (after those whose checks have time limits);
# its output is shown when it ends, before the summary.

set -u
cd "$(dirname "$0")/.." || exit 1

MODE=host
case ${1:-} in
--all) MODE=all ;;
--vmtest-only) MODE=vmtest ;;
--self-test) MODE=self-test ;;
"") ;;
*) echo "usage: tests/run.sh [--all|--vmtest-only|--self-test]" >&2; exit 64 ;;
esac

TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
RESULTS=()
# Every failed check's own line ("FAIL name: why"), named by its stage.
FAILS=()
LOG=$(mktemp /tmp/bindsnoop-tests.XXXXXX)
trap 'rm -f "$LOG" "${MATRIX_LOG:-}" "${FETCH_LOG:-}"' EXIT
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

# Add one closing line "N passed, N failed, N skipped" to the totals.
tally() {
	local label=$1 line=$2 p f s
	read -r p f s <<<"$(counts_of "$line")"
	TOTAL_P=$((TOTAL_P + p)) TOTAL_F=$((TOTAL_F + f)) TOTAL_S=$((TOTAL_S + s))
	RESULTS+=("$label: $line")
}

# The kernel's state before a stage: the next kernel log record's number
# and the taint mask.
KMSG_OK=0
if [ -r /dev/kmsg ] && [ -n "$(kmsg_records | head -n 1)" ]; then
	KMSG_OK=1
fi
kernel_mark() {
	MARK_SEQ=$( ((KMSG_OK == 0)) || kmsg_next_seq)
	MARK_TAINT=$(</proc/sys/kernel/tainted)
}

# kernel_check LABEL: after a stage, a failing row "LABEL: kernel warning:
# ..." (with the log lines shown) if the kernel complained since
# kernel_mark. Another job on this machine can make the kernel complain
# too; it is reported all the same, as nothing tells the two apart.
kernel_check() {
	local label=$1 lines='' verdict
	if ((KMSG_OK == 1)); then
		lines=$(kmsg_since "$MARK_SEQ" | grep -E "$KERNEL_WARNING_RE")
	fi
	verdict=$(kernel_verdict "$MARK_TAINT" "$(</proc/sys/kernel/tainted)" "$lines")
	[ -n "$verdict" ] || return 0
	echo "$label: $verdict"
	[ -z "$lines" ] || head -n 40 <<<"$lines" | awk '{ print "  kernel: " $0 }'
	tally "$label: $verdict" "0 passed, 1 failed, 0 skipped"
}

# stage LABEL CMD...: run a suite, show its output, count its closing line
# and its exit status, and check the kernel's log and taint around it.
stage() {
	local label=$1 line rc f t0=$SECONDS
	shift
	echo "== $label"
	kernel_mark
	"$@" 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
	echo "== $label: $((SECONDS - t0)) s"
	if ! line=$(closing_line "$LOG"); then
		echo "$label: no closing line (the suite crashed?), exit status $rc"
		line="0 passed, 1 failed, 0 skipped"
	fi
	tally "$label" "$line"
	collect_fails "$label: " '^FAIL '
	read -r _ f _ <<<"$(counts_of "$line")"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		fail_row "$label: exit status $rc after \"$line\""
	fi
	kernel_check "$label"
}

# fail_row LABEL: a failing row of its own, named in the summary's list too.
fail_row() {
	echo "FAIL $1"
	tally "$1" "0 passed, 1 failed, 0 skipped"
	FAILS+=("FAIL $1")
}

# stage_script LABEL SCRIPT ARGS...: the stage, or a failing row when the
# script is missing or not executable (a stage left out is no pass).
stage_script() {
	local label=$1
	if [ ! -x "$2" ]; then
		echo "== $label"
		fail_row "$label: $2 is missing or not executable"
		return
	fi
	stage "$@"
}

# collect_fails PREFIX REGEX: the lines of $LOG that match, kept for the end.
collect_fails() {
	local l
	while IFS= read -r l; do
		FAILS+=("$1$l")
	done < <(grep -E -- "$2" "$LOG")
}

# shellcheck source=tests/lib/cmocka.sh
. tests/lib/cmocka.sh

# cmocka's own closing lines (one per test program) added up into ours; a
# program that printed no summary (it crashed) or that exits non-zero with
# no failed test (a leak check, say) is a failure of its own.
UNIT_PROGS=${UNIT_PROGS:-build/unit_tests build/unit_config build/unit_journal}
unit_tests() {
	local out rc prog line passed=0 failed=0 skipped=0 p f s
	for prog in $UNIT_PROGS; do
		out=$("$prog" 2>&1)
		rc=$?
		echo "$out"
		if ! line=$(cmocka_closing "$out"); then
			echo "FAIL $prog: no cmocka summary, exit status $rc"
			failed=$((failed + 1))
			continue
		fi
		read -r p f s <<<"$(counts_of "$line")"
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			echo "FAIL $prog: exit status $rc after \"$line\""
			f=1
		fi
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}

# bench --quick proves the harness runs to the end, on this kernel and in
# one qemu guest (6.12, fentry), with 2 rounds, small loops and a storm of
# 50,000 binds; it asserts no timing (the figures mean nothing) and writes
# no results file. In the guest it runs only the timed rows (--rows): the
# programs' own time (bpf_stats) and the start-up rows are left to make
# bench, to keep CI's time down.
BENCH_QUICK_ROWS='!(progs_*|startup)'
bench_quick() {
	if BENCH_NO_INSTALL=${BENCH_NO_INSTALL:-} bench/bench.sh --quick --rows "$BENCH_QUICK_ROWS"; then
		echo "1 passed, 0 failed, 0 skipped"
	else
		echo "0 passed, 1 failed, 0 skipped"
	fi
}

# Each backend's own run is kept in build/proof/host.BACKEND.log: with the
# guests' consoles, the evidence tests/paths-table.sh makes README's table of
# the ways a port is taken from.
host_e2e() {
	local kernel run backend
	kernel=$(uname -r)
	rm -rf build/proof
	mkdir -p build/proof
	for run in ${BACKENDS:-auto fentry kprobe tracepoint tracepoint+perfbuf}; do
		backend=${run%+perfbuf}
		if [ "$run" != "$backend" ]; then
			BINDSNOOP_FORCE_PERFBUF=1 stage_script "$kernel $run" tests/e2e.sh --backend "$backend"
		else
			stage_script "$kernel $run" tests/e2e.sh --backend "$backend"
			cp "$LOG" "build/proof/host.$run.log"
		fi
	done
}

# The guests print one "KERNEL BACKEND: N passed, N failed, N skipped" row
# each and check their own kernels; the host's kernel is checked around them.
# start_matrix runs it in the background (its output kept in MATRIX_LOG);
# vmtest waits for it (or runs it now) and counts its rows.
MATRIX_PID='' MATRIX_LOG='' MATRIX_T0=''
# The guests' kernels download while the host's stages run (network, not
# CPU); the matrix's own fetch then finds them in the cache (vmtest.sh
# locks it: it waits for this to end). vmtest() shows its output.
FETCH_PID='' FETCH_LOG=''
start_kernel_fetch() {
	FETCH_LOG=$(mktemp /tmp/bindsnoop-fetch.XXXXXX)
	tests/vmtest/vmtest.sh --fetch-kernels >"$FETCH_LOG" 2>&1 &
	FETCH_PID=$!
}

start_matrix() {
	MATRIX_LOG=$(mktemp /tmp/bindsnoop-matrix.XXXXXX)
	MATRIX_T0=$SECONDS
	kernel_mark
	MATRIX_SEQ=$MARK_SEQ MATRIX_TAINT=$MARK_TAINT
	tests/vmtest/run-matrix.sh >"$MATRIX_LOG" 2>&1 &
	MATRIX_PID=$!
}

vmtest() {
	local rc rows row counts failed_before=$TOTAL_F
	[ -n "$MATRIX_PID" ] || start_matrix
	echo "== qemu kernel matrix (started $((SECONDS - MATRIX_T0)) s ago)"
	if [ -n "$FETCH_PID" ]; then
		# A failed head start is no failure: the matrix fetched what it lacked.
		wait "$FETCH_PID" || echo "(vmtest.sh --fetch-kernels exited $?; the matrix fetched again)"
		sed 's/^/fetch: /' "$FETCH_LOG"
	fi
	wait "$MATRIX_PID"
	rc=$?
	cat "$MATRIX_LOG"
	cp "$MATRIX_LOG" "$LOG"
	rows=$(grep -E "^[^ ]+ [^ ]+: $CLOSING_RE( \\(.*\\))?\$" "$LOG")
	while IFS= read -r row; do
		[ -n "$row" ] || continue
		# A failed row's reason in parentheses stays in the label.
		counts=${row#*: }
		counts=${counts%% (*}
		tally "vm ${row%%:*}${row#*skipped}" "$counts"
	done <<<"$rows"
	[ -n "$rows" ] || tally "vmtest: no result rows" "0 passed, 1 failed, 0 skipped"
	# vmtest.sh names each failed check "KERNEL BACKEND: FAIL ...".
	collect_fails "vm " '^[^ ]+ [^ ]+: FAIL '

	# A failure that no row counted (a setup error, say).
	if [ "$rc" != 0 ] && [ "$TOTAL_F" = "$failed_before" ]; then
		tally "vmtest exit status $rc" "0 passed, 1 failed, 0 skipped"
	fi
	# The host's kernel over the whole time the matrix ran.
	MARK_SEQ=$MATRIX_SEQ MARK_TAINT=$MATRIX_TAINT
	kernel_check "qemu kernel matrix (host kernel)"
	echo "== qemu kernel matrix: $((SECONDS - MATRIX_T0)) s"
}

# ---- --self-test: the accounting above, on fake stages ----

# st_totals CMD...: "P F S" that this script's totals reach when CMD (a
# stage) runs alone, from zero; what the stage printed goes to $ST/out.
st_totals() {
	local TOTAL_P=0 TOTAL_F=0 TOTAL_S=0 RESULTS=() FAILS=()
	"$@" >"$ST/out" 2>&1
	echo "$TOTAL_P $TOTAL_F $TOTAL_S"
}

# st_case NAME "P F S" CMD...: one check: the totals after CMD are exactly these.
st_case() {
	local name=$1 want=$2 got
	shift 2
	got=$(st_totals "$@")
	if [ "$got" = "$want" ]; then
		pass "$name ($want)"
	else
		fail "$name" "totals '$got', want '$want'; the stage said: $(tr '\n' '|' <"$ST/out" | cut -c 1-300)"
	fi
}

self_test() {
	# The kernel checks are not the subject (and this stage has its own).
	# shellcheck disable=SC2317 # called by stage
	kernel_mark() { :; }
	# shellcheck disable=SC2317 # called by stage
	kernel_check() { :; }
	ST=$(mktemp -d /tmp/bindsnoop-run-self-test.XXXXXX) || exit 1
	# shellcheck disable=SC2064 # $ST is set now
	trap "rm -rf '$LOG' '$ST'" EXIT
	printf '#!/bin/sh\necho "ok   a"\necho "2 passed, 0 failed, 1 skipped"\n' >"$ST/green"
	printf '#!/bin/sh\necho "3 passed, 0 failed, 0 skipped"\nexit 1\n' >"$ST/green-then-exit-1"
	printf '#!/bin/sh\necho "FAIL x: y"\necho "0 passed, 1 failed, 0 skipped"\nexit 1\n' >"$ST/red"
	printf '#!/bin/sh\necho "ok   a"\n' >"$ST/no-closing-line"
	cp "$ST/green" "$ST/not-executable"
	# cmocka's summary lines, as cmocka 1.1 prints them.
	printf '#!/bin/sh\necho "[  PASSED  ] 2 test(s)."\necho "[  SKIPPED ] 1 test(s), listed below:"\necho "[  SKIPPED ] t3"\n' >"$ST/cmocka-skip"
	printf '#!/bin/sh\necho "[  PASSED  ] 4 test(s)."\nexit 1\n' >"$ST/cmocka-green-then-exit-1"
	printf '#!/bin/sh\necho "[  PASSED  ] 1 test(s)."\necho "[  FAILED  ] 1 test(s), listed below:"\necho "[  FAILED  ] t2"\nexit 1\n' >"$ST/cmocka-red"
	printf '#!/bin/sh\nkill -SEGV $$\n' >"$ST/cmocka-crash"
	chmod +x "$ST"/green* "$ST"/red "$ST"/no-closing-line "$ST"/cmocka-*

	st_case green_stage_counted "2 0 1" stage_script fake "$ST/green"
	st_case exit_1_after_green_line_fails "3 1 0" stage_script fake "$ST/green-then-exit-1"
	st_case red_stage_counted_once "0 1 0" stage_script fake "$ST/red"
	st_case no_closing_line_fails "0 1 0" stage_script fake "$ST/no-closing-line"
	st_case missing_script_fails "0 1 0" stage_script fake "$ST/missing"
	st_case not_executable_script_fails "0 1 0" stage_script fake "$ST/not-executable"
	UNIT_PROGS="$ST/cmocka-skip" st_case cmocka_skip_counted "2 0 1" stage unit unit_tests
	UNIT_PROGS="$ST/cmocka-green-then-exit-1" st_case cmocka_exit_1_fails "4 1 0" stage unit unit_tests
	UNIT_PROGS="$ST/cmocka-red" st_case cmocka_failure_counted_once "1 1 0" stage unit unit_tests
	UNIT_PROGS="$ST/cmocka-crash $ST/cmocka-skip" st_case cmocka_crash_fails "2 1 1" stage unit unit_tests
	# shellcheck disable=SC2016 # eval expands it
	st_case stages_add_up "5 1 1" eval 'stage_script a "$ST/green"; stage_script b "$ST/green-then-exit-1"'
	summary
	[ "$FAILED" = 0 ]
}

if [ "$MODE" = self-test ]; then
	self_test
	exit
fi
if [ "$MODE" = all ]; then
	start_kernel_fetch
	stage "run.sh self-test" tests/run.sh --self-test
fi
if [ "$MODE" != vmtest ]; then
	stage unit unit_tests
	# The suite's own verdicts first: what is broken on purpose must fail.
	stage_script "e2e self-test" tests/e2e-selftest.sh
	stage_script "vmtest rows self-test" tests/vmtest/rows-selftest.sh
	stage_script "paths table self-test" tests/paths-table.sh --self-test
	host_e2e
fi
if [ "$MODE" = all ]; then
	# The stages with time limits in their checks (signals, -d, stopping)
	# run first, with the machine to themselves; then the qemu matrix
	# starts in the background (TCG guests: most of the CPU time of a run)
	# and the stages that only build, fuzz, package or sample (the soak)
	# run beside it.
	stage_script demo tests/demo.sh --check
	stage_script sanitizers tests/sanitize.sh
	stage_script stress tests/stress.sh
	start_matrix
	stage_script soak tests/soak.sh --check
	stage_script fuzz tests/fuzz.sh "${FUZZ_SECONDS:-10}"
	stage_script package tests/package.sh
	stage_script "package arm64" tests/package-arm64.sh
	# bindsnoop.service in a guest with systemd as PID 1 (one TCG CPU, 1 to 2 min).
	stage_script "systemd service" tests/service.sh
	stage_script "trixie toolchain" tests/trixie.sh
	if [ -x bench/bench.sh ]; then
		stage "bench --quick" bench_quick
	else
		fail_row "bench --quick: bench/bench.sh is missing or not executable"
	fi
fi
if [ "$MODE" != host ]; then
	vmtest
fi
if [ "$MODE" = all ]; then
	# README's table of the ways a port is taken: what this run proved.
	stage_script "paths table" tests/paths-table.sh --check README.md
fi
if ((KMSG_OK == 0)); then
	tally "host kernel log check: /dev/kmsg not readable, only the taint was checked" \
		"0 passed, 0 failed, 1 skipped"
fi

echo "== summary"
printf '%s\n' "${RESULTS[@]}"
# Last but the total: a log's tail names what failed, not only how much.
if ((${#FAILS[@]} > 0)); then
	echo "failed checks (${#FAILS[@]}; the stages' output above has the rest):"
	printf '%s\n' "${FAILS[@]:0:15}" | cut -c 1-300
fi
echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped in $SECONDS s"
[ "$TOTAL_F" = 0 ]
