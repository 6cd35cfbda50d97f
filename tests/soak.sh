#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Soak: steady binds while two bindsnoop instances run, one printing every
# event to /dev/null, one counting (--count -P 4990). Their RSS and open
# file descriptors are sampled; after a settling time (the ring buffer's
# pages are first touched on its first lap, libc's buffers grow once) they
# must stay flat:
#   RSS    max - min over the settled samples <= 1024 kB
#   fds    one value over the settled samples
#   count  the --count table = the binds made; nothing lost
# The settled window must hold at least 100,000 binds (counted from the
# workload's own output), so a leak of 11 bytes or more per event (1 MiB /
# 100,000) breaks the RSS bound, and a leak of one fd per 100,000 events
# or faster breaks the fd rule. The size of leak the run could see is
# printed. A run with fewer than 6 settled samples fails: it would check
# nothing.
#
#   tests/soak.sh --check     75 s, sampled every 5 s, 15 s to settle
#                             (tests/run.sh --all, beside the qemu matrix:
#                             nothing here is timed)
#   tests/soak.sh [MINUTES]   default 10; `make soak` runs 60 (releases);
#                             sampled every 10 s, 60 s to settle
# SOAK_SECONDS=N sets the length in seconds instead (tests/stress.sh uses it
# to prove that a short run fails).
# Ends with "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1
if [ "${1:-}" = --check ]; then
	SECONDS_TOTAL=${SOAK_SECONDS:-75} SETTLE=15 EVERY=5
else
	[[ ${1:-10} =~ ^[1-9][0-9]*$ ]] || { echo "usage: tests/soak.sh [--check | MINUTES]" >&2; exit 64; }
	SECONDS_TOTAL=${SOAK_SECONDS:-$((${1:-10} * 60))} SETTLE=60 EVERY=10
fi
MIN_SAMPLES=6
RSS_BOUND_KB=1024
MIN_WINDOW_BINDS=100000
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
TMP=$(mktemp -d /tmp/bindsnoop-soak.XXXXXX) || exit 1
# shellcheck disable=SC2046 # one pid a word
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

"$BINDSNOOP" >/dev/null 2>"$TMP/trace.err" &
trace=$!
"$BINDSNOOP" --count -P 4990 >"$TMP/count.out" 2>"$TMP/count.err" &
count=$!
{ wait_banner "$TMP/trace.err" "$trace" && wait_banner "$TMP/count.err" "$count"; } ||
	{ fail started "bindsnoop did not start: $(cat "$TMP/trace.err" "$TMP/count.err")"; summary; exit 1; }

start=$(date +%s)
end=$((start + SECONDS_TOTAL))
made=0 next_sample=$start samples=0
: >"$TMP/samples"
while [ "$(date +%s)" -lt "$end" ]; do
	# Bursts of 10,000 binds on one port (SO_REUSEPORT so each succeeds),
	# 7,000-15,000 a second: a burst fits the ring buffer (4 MiB) whole.
	"$WORKLOAD" -q -n 10000 -o r -p 4990 >"$TMP/wl.out"
	made=$((made + $(workload_binds "$TMP/wl.out")))
	now=$(date +%s)
	if [ "$now" -ge "$next_sample" ]; then
		# seconds since start, binds made so far, then per instance: pid rss_kB fds
		echo "$((now - start)) $made $trace $(rss_kb "$trace") $(fd_count "$trace")" \
			"$count $(rss_kb "$count") $(fd_count "$count")" >>"$TMP/samples"
		samples=$((samples + 1))
		next_sample=$((now + EVERY))
	fi
	sleep 0.5
done
kill -INT "$trace" "$count"
wait "$trace"
rc_trace=$?
wait "$count"
rc_count=$?

echo "# $made binds in $SECONDS_TOTAL s, $samples samples every $EVERY s (s binds pid rss_kB fds pid rss_kB fds):"
sed 's/^/#   /' "$TMP/samples" | head -n 400
settled=$(awk -v s="$SETTLE" '$1 >= s' "$TMP/samples")
n=$(grep -c . <<<"$settled")
window=$(awk 'NR == 1 { first = $2 } { last = $2 } END { print last - first + 0 }' <<<"$settled")
check "enough_samples_$trace ($n after the first $SETTLE s, need $MIN_SAMPLES)" "$n" -ge "$MIN_SAMPLES"
check "enough_samples_$count ($n after the first $SETTLE s, need $MIN_SAMPLES)" "$n" -ge "$MIN_SAMPLES"
if [ "$n" -ge "$MIN_SAMPLES" ]; then
	check "window_binds ($window binds between the first and last settled sample, need $MIN_WINDOW_BINDS)" \
		"$window" -ge "$MIN_WINDOW_BINDS"
	echo "# a leak of $((RSS_BOUND_KB * 1024 / (window > 0 ? window : 1) + 1)) bytes or more per event, or one fd per $window events, would show"
	for col in 3 6; do
		read -r pid rss_min rss_max fds <<<"$(awk -v c="$col" '
			NR == 1 || $(c + 1) < min { min = $(c + 1) }
			$(c + 1) > max { max = $(c + 1) }
			{ pid = $c; fds[$(c + 2)] = 1 }
			END { n = 0; for (f in fds) n++; print pid, min + 0, max + 0, n }' <<<"$settled")"
		name=$([ "$pid" = "$trace" ] && echo trace || echo count)
		check "rss_flat_$name (${rss_min}-${rss_max} kB, bound $RSS_BOUND_KB kB)" \
			"$((rss_max - rss_min))" -le "$RSS_BOUND_KB"
		check "fds_constant_$name ($(awk -v c="$col" '{ print $(c + 2) }' <<<"$settled" | sort -un | tr '\n' ' ')fds)" \
			"$fds" = 1
	done
fi
counted=$(awk '$1 == "127.0.0.1" && $2 == 4990 { print $3 }' "$TMP/count.out")
check "count_exact (${counted:-no row} of $made)" "${counted:-0}" = "$made"
check "nothing_lost" "$(cat "$TMP/trace.err" "$TMP/count.err" | grep -c 'lost\|not traced\|not counted')" = 0
check exit_status_0 "$rc_trace $rc_count" = "0 0"
summary
[ "$FAILED" = 0 ]
