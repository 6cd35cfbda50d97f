#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The guests' suite for an ASan+UBSan build of bindsnoop (run-matrix.sh's
# sanitized rows): the e2e groups whose subject is bindsnoop's user space,
# run with ./bindsnoop-asan for the backend vmtest.sh names (--backend X,
# appended), then one more check: no sanitizer report. On this host only
# the tracepoint backend loads, so tests/sanitize.sh never runs the fentry
# and kprobe paths of user space (attach, fall-back, teardown) sanitized.
#
#   ./sanitized-suite.sh [GROUP...] --backend X
#
# Every group runs whatever the row (--scope all: init would leave out the
# buffer groups after the first ring-buffer row). Ends with "N passed,
# N failed, N skipped", e2e.sh's counts and that check.

cd "$(dirname "$0")" || exit 1
# It sets core_pattern (below), the whole machine's: in a guest only (/init names it).
[ "$(hostname)" = vmtest ] ||
	{ echo "sanitized-suite.sh: it sets core_pattern: a vmtest guest's only" >&2; exit 2; }
LOGS=/tmp/sanitizer-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
# The first report ends the process that made it with abort(), and the
# kernel hands that death to a core_pattern helper that notes it: a test
# that swallows a tracer's stderr, or takes a failed start for a backend
# the kernel lacks (a skip), cannot hide it. UBSan's reports (GCC 12's
# runtime, built with ASan) go to stderr whatever log_path says; ASan's go
# to a file as well.
deaths=$LOGS/deaths
# shellcheck disable=SC2016 # the helper's own $1 $2 $3
printf '#!/bin/sh\necho "$1 (pid $2) died of signal $3" >>%s\ncat >/dev/null\n' "$deaths" >"$LOGS/note-death"
chmod 755 "$LOGS/note-death"
echo "|$LOGS/note-death %e %p %s" >/proc/sys/kernel/core_pattern
# disable_coredump=0: else ASan sets RLIMIT_CORE to 0 (no matter for a
# pipe, but nothing is left to chance).
export ASAN_OPTIONS="log_path=$LOGS/asan:halt_on_error=1:abort_on_error=1:disable_coredump=0:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

groups=() backend=()
while [ $# -gt 0 ]; do
	case $1 in
	--backend) backend=(--backend "$2"); shift 2 ;;
	*) groups+=("$1"); shift ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || groups=(columns errors prefixes json count interval signals write_errors pipe)

# As it runs, but for e2e.sh's summary line: the one below replaces it.
summary_re='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'
: >/tmp/sanitized-e2e.log
BINDSNOOP=./bindsnoop-asan E2E_SCOPE=all ./tests/e2e.sh "${backend[@]}" "${groups[@]}" 2>&1 |
	while IFS= read -r line; do
		[[ $line =~ $summary_re ]] || printf '%s\n' "$line"
		printf '%s\n' "$line" >>/tmp/sanitized-e2e.log
	done
rc=${PIPESTATUS[0]}
read -r p _ f _ s _ < <(grep -E "$summary_re" /tmp/sanitized-e2e.log | tail -n 1)
if [ -z "$p" ]; then
	echo "FAIL sanitized_e2e: no summary line (exit $rc)"
	p=0 f=1 s=0
fi
reports=$(find "$LOGS" -type f -name 'asan.*' | sort)
if [ -z "$reports" ] && [ ! -s "$deaths" ]; then
	echo "ok   no_sanitizer_reports"
	p=$((p + 1))
else
	echo "FAIL no_sanitizer_reports: $(tr '\n' ';' <"$deaths" 2>/dev/null)"
	while IFS= read -r r; do [ -z "$r" ] || head -n 20 "$r"; done <<<"$reports" | sed 's/^/    | /'
	f=$((f + 1))
fi
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
