#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# `make demo`: bindsnoop for a few seconds while the workload binds with every
# option, so a new user sees every column filled on one screen. As root.
# With --check (used by the test suite) it also verifies that each kind of
# line showed up, and ends with "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
OUT=$(mktemp /tmp/bindsnoop-demo.XXXXXX)
trap 'rm -f "$OUT" "$OUT.err"' EXIT
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

"$BINDSNOOP" -t -U -E -w -d 4 >"$OUT" 2>"$OUT.err" &
tracer=$!
wait_banner "$OUT.err" "$tracer"
# One bind per feature: options, device, protocols, families, failures.
"$WORKLOAD" -o F -a 192.0.2.1 >/dev/null
"$WORKLOAD" -o T >/dev/null
"$WORKLOAD" -o N >/dev/null
"$WORKLOAD" -o Rr -p 8080 >/dev/null
"$WORKLOAD" -d lo -t udp >/dev/null
"$WORKLOAD" -f 6 -a ::1 -t udp >/dev/null
"$WORKLOAD" -f 6 -a 127.0.0.1 >/dev/null
"$WORKLOAD" -u 65534 -p 80 >/dev/null
"$WORKLOAD" -p 8081 -D >/dev/null
wait "$tracer"
cat "$OUT"

[ "${1:-}" = --check ] || exit 0
for want in ' F\.\.\.\. ' ' \.T\.\.\. ' ' \.\.N\.\. ' ' \.\.\.Rr ' ' 1 lo$' '::1 ' '::ffff:127\.0\.0\.1 ' \
	'^[0-9.]+ +65534 EACCES ' 'EADDRINUSE '; do
	if grep -Eq "$want" "$OUT"; then
		pass "demo shows /$want/"
	else
		fail "demo shows /$want/" "not in the output above"
	fi
done
summary
[ "$FAILED" = 0 ]
