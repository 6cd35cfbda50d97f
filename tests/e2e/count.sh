# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/count.sh: the e2e suite's count group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# --count: exact per address/port counts from the kernel's table, most first.
group_count() {
	tracer_start --count -P 4401,4402 || { fail count "bindsnoop --count did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4401 -n 5
	wl -q -p 4402 -n 3 -t udp
	wl -q -f 6 -a ::1 -p 4402 -n 2
	wl -q -p 4403 -n 4
	tracer_stop
	local want
	want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
		printf '%-32s %20s     %-10d\n' 127.0.0.1 4401 5 127.0.0.1 4402 3 ::1 4402 2)
	if [ "$(cat "$TMP/out")" = "$want" ]; then
		pass count_table
	else
		fail count_table "$(printf 'expected:\n%s\ngot:\n%s' "$want" "$(cat "$TMP/out")" | sed 's/^/    | /')"
	fi
	check count_exit_0 "$TRACER_RC" = 0
	# More keys than the table holds (a test hook: 2 keys): ten binds, each
	# a new port, in order. The probing build's hash map holds 2 keys; the
	# typed build's slots (6.2+ kernels, all backends) are twice as many,
	# rounded up to a power of two: 4, every one of them reached by a
	# bind's probes. The first binds fill it; each later one is refused
	# and reported. BINDSNOOP_TEST_REFUSE_TYPED makes it the probing build;
	# the typed one runs where the expectations say it loads.
	local kind held made refused i
	for kind in probing typed; do
		held=2
		if [ "$kind" = typed ]; then
			if [ "$(expect_verdict typed)" != loads ]; then
				skip count_full_typed "no typed build here: $EXPECT_SOURCE says it is $(expect_verdict typed) ($(expect_reason typed))"
				continue
			fi
			held=4
		fi
		if [ "$kind" = typed ]; then
			BINDSNOOP_TEST_COUNT_ENTRIES=2 tracer_start --count -P 4410-4419
		else
			BINDSNOOP_TEST_REFUSE_TYPED=1 BINDSNOOP_TEST_COUNT_ENTRIES=2 tracer_start --count -P 4410-4419
		fi || { fail "count_full_$kind" "did not start: $(cat "$TMP/err")"; continue; }
		made=$("$WORKLOAD" -N -q -p 4410 -n 10 -s 2>"$TMP/wl.err")
		require "count_full_${kind}_ten_binds" "$?:$made" = "0:binds=10 failed=0 total=10"
		tracer_stop
		want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
			for ((i = 0; i < held; i++)); do printf '%-32s %20s     %-10d\n' 127.0.0.1 $((4410 + i)) 1; done)
		check "count_full_${kind}_table" "$(cat "$TMP/out")" = "$want"
		# The refused ones as they come (one line a poll round that saw
		# some: their sum), then the total.
		refused=$(awk '/^Tracing binds/ { next }
			match($0, /^bindsnoop: [0-9]+ binds not counted: --count table full$/) { n += $2; next }
			{ other = other $0 "|" }
			END { print n + 0 " " other }' "$TMP/err")
		check "count_full_${kind}_refused_reported" "$refused" = \
			"$((10 - held)) $(unseen_line | sed 's/$/|/')bindsnoop: in total 0 events lost, 0 binds not traced, $((10 - held)) binds not counted|"
		check "count_full_${kind}_exit_0" "$TRACER_RC" = 0
	done
	# -E: a failed bind counts under the address and port it asked for
	# (-D: the workload's own first bind, which succeeds, holds the port).
	tracer_start --count -E -P 4420 || { fail count_errors "did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4420 -D -n 3
	wl -q -f 6 -a ::1 -p 4420 -n 2
	tracer_stop
	want=$(printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
		printf '%-32s %20s     %-10d\n' 127.0.0.1 4420 4 ::1 4420 2)
	check count_errors_table "$(cat "$TMP/out")" = "$want"
}
