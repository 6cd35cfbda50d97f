#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The host test suite: unit tests, then the end-to-end suite once per backend
# (and once over the forced perf buffer). A backend this kernel cannot run is
# reported as skipped with the kernel's reason. Closes with the total line
# "N passed, N failed, N skipped"; exits 1 on any failure.

set -u
cd "$(dirname "$0")/.." || exit 1

TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
RESULTS=()

# Add a suite's closing "N passed, N failed, N skipped" line to the totals.
tally() {
	local label=$1 log=$2 line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		line="0 passed, 1 failed, 0 skipped"
		echo "$label: no closing line (crashed?)"
	fi
	read -r p _ f _ s _ <<<"${line//,/}"
	TOTAL_P=$((TOTAL_P + p)) TOTAL_F=$((TOTAL_F + f)) TOTAL_S=$((TOTAL_S + s))
	RESULTS+=("$label: $line")
}

LOG=$(mktemp /tmp/bindsnoop-tests.XXXXXX)
trap 'rm -f "$LOG"' EXIT

echo "== unit tests"
build/unit_tests 2>&1 | tee "$LOG"
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$LOG")
failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$LOG")
if [ -n "$passed$failed" ]; then
	echo "${passed:-0} passed, ${failed:-0} failed, 0 skipped" >"$LOG"
else
	echo "0 passed, 1 failed, 0 skipped" >"$LOG"
fi
tally "unit" "$LOG"

kernel=$(uname -r)
for run in ${BACKENDS:-auto fentry kprobe tracepoint tracepoint+perfbuf}; do
	backend=${run%+perfbuf}
	echo "== e2e: $kernel $run"
	if [ "$run" != "$backend" ]; then
		BINDSNOOP_FORCE_PERFBUF=1 tests/e2e.sh --backend "$backend" 2>&1 | tee "$LOG"
	else
		tests/e2e.sh --backend "$backend" 2>&1 | tee "$LOG"
	fi
	tally "$kernel $run" "$LOG"
done

echo "== summary"
printf '%s\n' "${RESULTS[@]}"
echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped"
[ "$TOTAL_F" = 0 ]
