#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The suite again under AddressSanitizer + UndefinedBehaviorSanitizer (unit
# tests and the e2e suite, as root on this kernel), and the user-space-only
# unit tests under valgrind. Any sanitizer report or valgrind error fails it.
# Ends with "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1

OUT=build/asan
LOGS=$OUT/logs
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

# result NAME STATUS [WHY]: a check passed by exit status 0.
result() {
	if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "${3:-exit status $2}"; fi
}

make --no-print-directory -s OUTPUT=$OUT BINARY=$OUT/bindsnoop CFLAGS="-g -O1 $SAN" \
	LDFLAGS="$SAN" $OUT/bindsnoop $OUT/workload $OUT/unit_tests $OUT/unit_config || exit 1
rm -rf "$LOGS"
mkdir -p "$LOGS"
# Reports go to files, so a report from a process whose stderr a test swallows still counts.
export ASAN_OPTIONS="log_path=$PWD/$LOGS/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$PWD/$LOGS/ubsan:print_stacktrace=1"

$OUT/unit_tests >/dev/null 2>&1 && $OUT/unit_config >/dev/null 2>&1
result "asan+ubsan unit tests" $?

BINDSNOOP=$OUT/bindsnoop WORKLOAD=$OUT/workload tests/e2e.sh --backend "${BACKEND:-auto}" >"$LOGS/e2e.log" 2>&1
rc=$?
result "asan+ubsan e2e ($(tail -n 1 "$LOGS/e2e.log"))" $rc "$(grep '^FAIL' "$LOGS/e2e.log" | head -n 5)"

reports=$(ls "$LOGS" | grep -E '^(asan|ubsan)\.' || true)
if [ -z "$reports" ]; then
	result "no sanitizer reports" 0
else
	result "no sanitizer reports" 1 "$(cat "$LOGS"/asan.* "$LOGS"/ubsan.* 2>/dev/null | head -n 40)"
fi

unset ASAN_OPTIONS UBSAN_OPTIONS
make --no-print-directory -s build/unit_tests build/unit_config || exit 1
for prog in unit_tests unit_config; do
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
		build/$prog >"$LOGS/valgrind-$prog.log" 2>&1
	result "valgrind $prog" $? "$(grep '==' "$LOGS/valgrind-$prog.log" | head -n 20)"
done

summary
[ "$FAILED" = 0 ]
