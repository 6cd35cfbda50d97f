# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/interval.sh: the e2e suite's interval group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# --count -i: a table every interval, each counting only its own interval.
group_interval() {
	local k rows
	# Every table starts empty: 160 keys over the run, in a table that holds 64
	# (a test hook), four batches of 40 new keys, each in its own interval.
	BINDSNOOP_TEST_COUNT_ENTRIES=64 tracer_start --count -i 0.5 -P 4800-4959 ||
		{ fail interval_fresh_tables "did not start: $(cat "$TMP/err")"; return; }
	for k in 0 1 2 3; do
		wl -q -p $((4800 + 40 * k)) -n 40 -s
		sleep 0.7
	done
	tracer_stop
	rows=$(awk '$1 == "127.0.0.1" && $2 >= 4800 && $2 <= 4959' "$TMP/out")
	# A table each interval (the batches are 0.7 s apart, the interval 0.5 s).
	check interval_several_tables "$(grep -c '^LADDR  ' "$TMP/out")" -ge 5
	# Each key once (counted in one table only, no table repeats an earlier
	# one), with its one bind; none refused although the run saw more keys
	# than a table holds.
	check interval_fresh_tables_every_key "$(awk '{ print $2 }' <<<"$rows" | sort -u | wc -l)" = 160
	check interval_fresh_tables_each_once "$(awk '$3 == 1' <<<"$rows" | wc -l)" = 160
	check interval_fresh_tables_none_refused "$(grep -c 'not counted' "$TMP/err")" = 0
	# --count --json: the table as one object.
	tracer_start --count -j -P 4701 || { fail count_json "did not start: $(cat "$TMP/err")"; return; }
	wl -q -p 4701 -n 2
	wl -q -f 6 -a ::1 -p 4701 -n 4
	tracer_stop
	check count_json "$(jq -c .counts "$TMP/out" 2>&1)" = '[{"family":"ipv6","address":"::1","port":4701,"binds":4},{"family":"ipv4","address":"127.0.0.1","port":4701,"binds":2}]'
}
