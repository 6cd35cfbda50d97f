#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Soak (not in CI): MINUTES of steady binds (default 10) while two bindsnoop
# instances run, one printing every event to /dev/null, one counting. Every
# 10 s their RSS and open file descriptors are sampled. At the end: RSS must
# not have grown by more than 1 MiB after the first minute, the fd count must
# be constant, and the --count table must equal the binds made.
#
#   tests/soak.sh [MINUTES]
#
# It needs at least 6 samples after the first minute (a run of 2 minutes or
# more) and fails otherwise: a shorter run would check nothing.
# SOAK_SECONDS=N sets the length in seconds instead (tests/stress.sh uses it
# to prove that a short run fails).

set -u
cd "$(dirname "$0")/.." || exit 1
MINUTES=${1:-10}
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
TMP=$(mktemp -d /tmp/bindsnoop-soak.XXXXXX) || exit 1
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

"$BINDSNOOP" >/dev/null 2>"$TMP/trace.err" &
trace=$!
"$BINDSNOOP" --count -P 4990 >"$TMP/count.out" 2>"$TMP/count.err" &
count=$!
sleep 2

end=$(($(date +%s) + ${SOAK_SECONDS:-$((MINUTES * 60))}))
made=0 next_sample=0 samples=0
: >"$TMP/samples"
while [ "$(date +%s)" -lt "$end" ]; do
	# ~10,000 binds a second on one port (SO_REUSEPORT so each succeeds).
	out=$("$WORKLOAD" -q -n 10000 -o r -p 4990)
	made=$((made + $(echo "$out" | sed -n 's/^binds=\([0-9]*\) .*/\1/p')))
	if [ "$(date +%s)" -ge "$next_sample" ]; then
		for pid in $trace $count; do
			echo "$pid $(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status) $(ls /proc/$pid/fd | wc -l)"
		done >>"$TMP/samples"
		samples=$((samples + 1))
		next_sample=$(($(date +%s) + 10))
	fi
	sleep 0.5
done
kill -INT "$trace" "$count"
wait "$trace" "$count"

echo "# $made binds in $((${SOAK_SECONDS:-$((MINUTES * 60))})) s, $samples samples (pid rss_kB fds):"
sort -n "$TMP/samples" | uniq -c | sed 's/^/#   /' | head -n 40
for pid in $trace $count; do
	# The first minute settles (libc buffers, page cache of the maps); after it, flat.
	settled=$(awk -v p="$pid" '$1 == p' "$TMP/samples" | tail -n +7)
	check "enough_samples_$pid ($(grep -c . <<<"$settled") after the first minute, need 6)" \
		"$(grep -c . <<<"$settled")" -ge 6
	rss_min=$(echo "$settled" | awk 'NR == 1 || $2 < m { m = $2 } END { print m + 0 }')
	rss_max=$(echo "$settled" | awk '$2 > m { m = $2 } END { print m + 0 }')
	fds=$(echo "$settled" | awk '{ print $3 }' | sort -u | wc -l)
	check "rss_flat_$pid (${rss_min}-${rss_max} kB)" "$((rss_max - rss_min))" -le 1024
	check "fds_constant_$pid" "$fds" -le 1
done
counted=$(awk '$1 == "127.0.0.1" && $2 == 4990 { print $3 }' "$TMP/count.out")
check "count_exact ($counted of $made)" "${counted:-0}" = "$made"
check "nothing_lost" "$(cat "$TMP/trace.err" "$TMP/count.err" | grep -c 'lost\|not traced\|not counted')" = 0
summary
[ "$FAILED" = 0 ]
