#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Fuzz the pure user-space code (format.c, trace_helpers.c) with libFuzzer,
# ASan and UBSan: one harness per tests/fuzz/fuzz_*.c, each stating the
# property it checks at its top.
#
#   tests/fuzz.sh [SECONDS]       SECONDS per harness (default: $FUZZ_SECONDS, else 60);
#                                 0 only replays the seeds
#   tests/fuzz.sh --make-corpus   rewrite the seeds in tests/fuzz/corpus/
#
# Each harness runs on a copy of its committed seeds, in build/fuzz/, so a run
# never changes the repository; crash inputs are kept in build/fuzz/artifacts/.
# Ends with "N passed, N failed, 0 skipped"; exits 1 on any failure.

set -u
cd "$(dirname "$0")/.." || exit 1

CLANG=${CLANG:-clang}
OUT=build/fuzz
FUZZ_CFLAGS=(-g -O1 '-fsanitize=fuzzer,address,undefined' -fno-sanitize-recover=undefined
	-Wall -Wextra -I. -Ibuild)
LIBS=(-lbpf -lelf -lz)

usage() {
	echo "usage: tests/fuzz.sh [SECONDS] | --make-corpus" >&2
	exit 64
}

if [ "${1:-}" = --make-corpus ]; then
	mkdir -p "$OUT" || exit 1
	"$CLANG" -g -Wall -Wextra -I. -Ibuild tests/fuzz/make_corpus.c "${LIBS[@]}" \
		-o "$OUT/make_corpus" && "$OUT/make_corpus" tests/fuzz/corpus
	exit
fi
DURATION=${1:-${FUZZ_SECONDS:-60}}
case $DURATION in
'' | *[!0-9]*) usage ;;
esac
[ $# -le 1 ] || usage

# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

mkdir -p "$OUT/artifacts" || exit 1
started=$(date +%s)

for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$OUT/$name
	log=$OUT/$name.log

	if ! "$CLANG" "${FUZZ_CFLAGS[@]}" "$src" format.c trace_helpers.c "${LIBS[@]}" -o "$bin" \
		>"$log" 2>&1; then
		fail "$name" "build failed: $(grep -m1 'error' "$log" || head -n 1 "$log")"
		echo "  log: $log"
		continue
	fi

	# A fresh copy each run: the seeds stay as committed, finds stay in build/.
	rm -rf "$OUT/corpus/$name"
	mkdir -p "$OUT/corpus/$name" || exit 1
	[ -d "tests/fuzz/corpus/$name" ] && cp -R "tests/fuzz/corpus/$name/." "$OUT/corpus/$name/"

	if [ "$DURATION" = 0 ]; then
		limit=-runs=0
	else
		limit=-max_total_time=$DURATION
	fi
	"$bin" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$name-" "$OUT/corpus/$name" >"$log" 2>&1
	rc=$?

	runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [^ ]*' "$log" | tail -n 1)
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "  $name: ${cov:-no coverage reported}; log $log"
	if [ "$rc" = 0 ] && [ -n "$runs" ]; then
		pass "$name (${runs} runs)"
		continue
	fi
	# What went wrong: the harness's own verdict, else the sanitizer's.
	why=$(grep -m1 '^property violated: ' "$log" ||
	      grep -m1 'runtime error: ' "$log" ||
	      grep -m1 'ERROR: ' "$log")
	fail "$name" "${why:-exit status $rc}"
	if [ -n "$artifact" ]; then
		echo "  input: $artifact"
		echo "  reproduce: $bin $artifact"
	fi
done

echo "  total time: $(($(date +%s) - started)) s"
summary
[ "$FAILED" = 0 ]
