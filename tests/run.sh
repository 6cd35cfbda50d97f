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
#                           the benchmark harness (quick), and the qemu kernel
#                           matrix
#   tests/run.sh --vmtest-only
#
# Each stage ends with its own "N passed, N failed, N skipped" line; this
# script adds them up and closes with the total. A backend the kernel cannot
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
"") ;;
*) echo "usage: tests/run.sh [--all|--vmtest-only]" >&2; exit 64 ;;
esac

TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
RESULTS=()
# Every failed check's own line ("FAIL name: why"), named by its stage.
FAILS=()
LOG=$(mktemp /tmp/bindsnoop-tests.XXXXXX)
trap 'rm -f "$LOG" "${MATRIX_LOG:-}"' EXIT
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh

# Add one closing line "N passed, N failed, N skipped" to the totals.
tally() {
	local label=$1 line=$2 p f s
	read -r p _ f _ s _ <<<"${line//,/}"
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

# stage LABEL CMD...: run a suite, show its output, count its closing line,
# and check the kernel's log and taint around it.
stage() {
	local label=$1 line t0=$SECONDS
	shift
	echo "== $label"
	kernel_mark
	"$@" 2>&1 | tee "$LOG"
	echo "== $label: $((SECONDS - t0)) s"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOG" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$label: no closing line (the suite crashed?)"
		line="0 passed, 1 failed, 0 skipped"
	fi
	tally "$label" "$line"
	collect_fails "$label: " '^FAIL '
	kernel_check "$label"
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

# cmocka's own closing lines (one pair per test program), turned into ours.
unit_tests() {
	local out prog line passed=0 failed=0 p f
	for prog in build/unit_tests build/unit_config; do
		out=$("$prog" 2>&1)
		echo "$out"
		# A program that printed no summary crashed: no closing line, the stage fails.
		line=$(cmocka_closing "$out") || return 1
		read -r p _ f _ <<<"${line//,/}"
		passed=$((passed + p)) failed=$((failed + f))
	done
	echo "$passed passed, $failed failed, 0 skipped"
}

# The harness must run to the end; its timings are reported, never asserted.
bench_quick() {
	if BENCH_NO_INSTALL=${BENCH_NO_INSTALL:-} bench/bench.sh --quick; then
		echo "1 passed, 0 failed, 0 skipped"
	else
		echo "0 passed, 1 failed, 0 skipped"
	fi
}

host_e2e() {
	local kernel run backend
	kernel=$(uname -r)
	for run in ${BACKENDS:-auto fentry kprobe tracepoint tracepoint+perfbuf}; do
		backend=${run%+perfbuf}
		if [ "$run" != "$backend" ]; then
			stage "$kernel $run" env BINDSNOOP_FORCE_PERFBUF=1 tests/e2e.sh --backend "$backend"
		else
			stage "$kernel $run" tests/e2e.sh --backend "$backend"
		fi
	done
}

# The guests print one "KERNEL BACKEND: N passed, N failed, N skipped" row
# each and check their own kernels; the host's kernel is checked around them.
# start_matrix runs it in the background (its output kept in MATRIX_LOG);
# vmtest waits for it (or runs it now) and counts its rows.
MATRIX_PID= MATRIX_LOG= MATRIX_T0=
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
	wait "$MATRIX_PID"
	rc=$?
	cat "$MATRIX_LOG"
	cp "$MATRIX_LOG" "$LOG"
	rows=$(grep -E '^[^ ]+ [^ ]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped( \(.*\))?$' "$LOG")
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

if [ "$MODE" != vmtest ]; then
	stage unit unit_tests
	# The suite's own verdicts first: what is broken on purpose must fail.
	stage "e2e self-test" tests/e2e-selftest.sh
	host_e2e
fi
if [ "$MODE" = all ]; then
	# The stages with time limits in their checks (signals, -d, stopping)
	# run first, with the machine to themselves; then the qemu matrix
	# starts in the background (TCG guests: most of the CPU time of a run)
	# and the stages that only build, fuzz or package run beside it.
	stage demo tests/demo.sh --check
	stage sanitizers tests/sanitize.sh
	stage stress tests/stress.sh
	start_matrix
	[ -x tests/fuzz.sh ] && stage fuzz tests/fuzz.sh "${FUZZ_SECONDS:-10}"
	[ -x tests/package.sh ] && stage package tests/package.sh
	[ -x tests/package-arm64.sh ] && stage "package arm64" tests/package-arm64.sh
	[ -x tests/trixie.sh ] && stage "trixie toolchain" tests/trixie.sh
	[ -x bench/bench.sh ] && stage "bench --quick" bench_quick
fi
if [ "$MODE" != host ]; then
	vmtest
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
