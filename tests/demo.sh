#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# `make demo`: bindsnoop for a few seconds while the workload binds with every
# option, so a new user sees every column filled on one screen. As root.
# With --check (used by the test suite) it also verifies each bind's line,
# every field (TIME(s) for its form), and ends with "N passed, N failed,
# N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1
BINDSNOOP=${BINDSNOOP:-./bindsnoop}
WORKLOAD=${WORKLOAD:-build/workload}
OUT=$(mktemp /tmp/bindsnoop-demo.XXXXXX)
trap 'rm -f "$OUT" "$OUT.err" "$OUT.wl"' EXIT
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

"$BINDSNOOP" -t -U -E -w -d 4 >"$OUT" 2>"$OUT.err" &
tracer=$!
wait_banner "$OUT.err" "$tracer"
# One bind per feature: options, device, protocols, families, failures.
# Each in a network namespace of its own (-N), where no service holds its
# port; their reports ("pid=N ... port=N rc=X ...") give the lines' values.
: >"$OUT.wl"
demo_bind() { "$WORKLOAD" -N "$@" >>"$OUT.wl" 2>&1; }
demo_bind -o F -a 192.0.2.1
demo_bind -o T
demo_bind -o N
demo_bind -o Rr -p 8080
demo_bind -d lo -t udp
demo_bind -f 6 -a ::1 -t udp
demo_bind -f 6 -a 127.0.0.1
demo_bind -u 65534 -p 80
demo_bind -p 8081 -D
wait "$tracer"
cat "$OUT"

[ "${1:-}" = --check ] || exit 0
# The workloads' reports, in the order above: pid and port of each.
mapfile -t pids < <(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$OUT.wl")
mapfile -t ports < <(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$OUT.wl")
if [ "${#pids[@]}" != 9 ]; then
	fail demo_workloads "9 reports expected: $(cat "$OUT.wl")"
	summary
	exit 1
fi
# expect_lines NAME PID LINE...: PID made exactly these lines, in this
# order. LINE is all of it after TIME(s), which is checked for its form: a
# time since the first event, bcc's six decimals, within the 4 s run.
expect_lines() {
	local name=$1 pid=$2 got want rest l
	shift 2
	want=$(printf '%s\n' "$@")
	got=$(awk -v pid="$pid" '$(NF - 7) == pid' "$OUT")
	rest=$(while IFS= read -r l; do
		[[ $l =~ ^[0-4]\.[0-9]{6}\ \ (.*)$ ]] && echo "${BASH_REMATCH[1]}" || echo "bad TIME(s): $l"
	done <<<"$got")
	if [ "$rest" = "$want" ]; then
		pass "demo_$name"
	else
		fail "demo_$name" "$(printf 'expected (after TIME(s)):\n%s\ngot:\n%s' "$want" "$got")"
	fi
}
# After TIME(s): UID, RC, the -w row, IFNAME.
line() {
	local uid=$1 rc=$2 ifname=$3
	shift 3
	printf '%6d %-13s %s %s' "$uid" "$rc" "$(row_wide "$@")" "$ifname"
}
p=("${pids[@]}") n=("${ports[@]}")
expect_lines freebind "${p[0]}" "$(line 0 0 - "${p[0]}" workload TCP 192.0.2.1 "${n[0]}" F.... 0)"
expect_lines transparent "${p[1]}" "$(line 0 0 - "${p[1]}" workload TCP 127.0.0.1 "${n[1]}" .T... 0)"
expect_lines no_port "${p[2]}" "$(line 0 0 - "${p[2]}" workload TCP 127.0.0.1 0 ..N.. 0)"
expect_lines reuse "${p[3]}" "$(line 0 0 - "${p[3]}" workload TCP 127.0.0.1 8080 ...Rr 0)"
expect_lines device_udp "${p[4]}" "$(line 0 0 lo "${p[4]}" workload UDP 127.0.0.1 "${n[4]}" ..... 1)"
expect_lines ipv6_udp "${p[5]}" "$(line 0 0 - "${p[5]}" workload UDP ::1 "${n[5]}" ..... 0)"
expect_lines ipv4_mapped "${p[6]}" "$(line 0 0 - "${p[6]}" workload TCP ::ffff:127.0.0.1 "${n[6]}" ..... 0)"
expect_lines eacces "${p[7]}" "$(line 65534 EACCES - "${p[7]}" workload TCP 127.0.0.1 80 ..... 0)"
expect_lines eaddrinuse "${p[8]}" "$(line 0 0 - "${p[8]}" workload TCP 127.0.0.1 8081 ..... 0)" \
	"$(line 0 EADDRINUSE - "${p[8]}" workload TCP 127.0.0.1 8081 ..... 0)"
check demo_header "$(head -n 1 "$OUT")" = "$(printf '%-9s %6s %-13s %10s %-12.12s %-4s %-39s %-5s %5s %2s %s' 'TIME(s)' UID RC PID COMM PROT ADDR PORT OPTS IF IFNAME)"
summary
[ "$FAILED" = 0 ]
