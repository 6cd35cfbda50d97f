#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The test runner behind `make test` and `make check`.
#
#   tests/run.sh            unit tests, then the e2e suite on this kernel once
#                           per backend and once over the forced perf buffer
#   tests/run.sh --all      also: sanitizers + valgrind, fuzzing, the Debian
#                           package, the Debian 13 toolchain (tests/trixie.sh),
#                           the benchmark harness (quick), and the qemu kernel
#                           matrix
#   tests/run.sh --vmtest-only
#
# Each stage ends with its own "N passed, N failed, N skipped" line; this
# script adds them up and closes with the total. A backend the kernel cannot
# run is a skip with the kernel's reason. Exit status 1 on any failure.

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
LOG=$(mktemp /tmp/bindsnoop-tests.XXXXXX)
trap 'rm -f "$LOG"' EXIT

# Add one closing line "N passed, N failed, N skipped" to the totals.
tally() {
	local label=$1 line=$2 p f s
	read -r p _ f _ s _ <<<"${line//,/}"
	TOTAL_P=$((TOTAL_P + p)) TOTAL_F=$((TOTAL_F + f)) TOTAL_S=$((TOTAL_S + s))
	RESULTS+=("$label: $line")
}

# stage LABEL CMD...: run a suite, show its output, count its closing line.
stage() {
	local label=$1 line
	shift
	echo "== $label"
	"$@" 2>&1 | tee "$LOG"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOG" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$label: no closing line (the suite crashed?)"
		line="0 passed, 1 failed, 0 skipped"
	fi
	tally "$label" "$line"
}

# shellcheck source=tests/lib/cmocka.sh
. tests/lib/cmocka.sh

# cmocka's own closing lines, turned into ours.
unit_tests() {
	local out
	out=$(build/unit_tests 2>&1)
	echo "$out"
	cmocka_closing "$out"
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

# The guests print one "KERNEL BACKEND: N passed, N failed, N skipped" row each.
vmtest() {
	echo "== qemu kernel matrix"
	tests/vmtest/run-matrix.sh 2>&1 | tee "$LOG"
	local rc=${PIPESTATUS[0]} rows row
	rows=$(grep -E '^[^ ]+ [^ ]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOG")
	if [ -z "$rows" ]; then
		tally "vmtest" "0 passed, 1 failed, 0 skipped"
		return
	fi
	while IFS= read -r row; do
		tally "vm ${row%%:*}" "${row#*: }"
	done <<<"$rows"
	[ "$rc" = 0 ] || tally "vmtest exit status $rc" "0 passed, 1 failed, 0 skipped"
}

if [ "$MODE" != vmtest ]; then
	stage unit unit_tests
	host_e2e
fi
if [ "$MODE" = all ]; then
	stage demo tests/demo.sh --check
	stage sanitizers tests/sanitize.sh
	[ -x tests/fuzz.sh ] && stage fuzz tests/fuzz.sh "${FUZZ_SECONDS:-20}"
	stage stress tests/stress.sh
	[ -x tests/package.sh ] && stage package tests/package.sh
	[ -x tests/trixie.sh ] && stage "trixie toolchain" tests/trixie.sh
	[ -x bench/bench.sh ] && stage "bench --quick" bench_quick
fi
if [ "$MODE" != host ]; then
	vmtest
fi

echo "== summary"
printf '%s\n' "${RESULTS[@]}"
echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped"
[ "$TOTAL_F" = 0 ]
