# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/prefixes.sh: the e2e suite's prefixes group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# -t and -U: the prefix columns, in bcc's order. TIME(s) counts from the
# first event printed (bcc's %-9.6f of ts - start_ts): that one is 0.000000,
# the next one the time between the two binds. -P keeps other binds on this
# machine (another test's, say) from being the first.
group_prefixes() {
	tracer_start -t -U -P 4361,4362 || { fail prefixes "bindsnoop -t -U did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 made1 made2 l1 l2 t2 a b c d
	# Each bind happens while its workload runs: the first in [a, b], the second in [c, d].
	a=$EPOCHREALTIME
	wl -u 1234 -p 4361; p1=$WL_PID made1=$WL_EXIT:$WL_RC
	b=$EPOCHREALTIME
	sleep 0.2
	c=$EPOCHREALTIME
	wl -p 4362; p2=$WL_PID made2=$WL_EXIT:$WL_RC
	d=$EPOCHREALTIME
	tracer_stop
	require prefixes_both_bound "$made1 $made2" = "0:0 0:0"
	l1=$(lines_of "$p1")
	l2=$(lines_of "$p2")
	t2=${l2%% *}
	expect timestamp_first_is_zero "$p1" "$(printf '%-9s %6d ' 0.000000 1234)$(row "$p1" workload TCP 127.0.0.1 4361 ..... 0)"
	check timestamp_first_line_is_first "$(sed -n 2p "$TMP/out")" = "$l1"
	# The second: the time between the binds, in microseconds as bcc
	# prints them (1 us of slack for the rounding).
	local us=-1 lo=$((${c/./} - ${b/./})) hi=$((${d/./} - ${a/./}))
	[[ $t2 =~ ^([0-9]+)\.([0-9]{6})$ ]] && us=$((BASH_REMATCH[1] * 1000000 + 10#${BASH_REMATCH[2]}))
	check timestamp_seconds_between_binds "$us" -ge $((lo - 1)) -a "$us" -le $((hi + 1))
	expect timestamp_uid_root "$p2" "$(printf '%-9s %6d ' "$t2" 0)$(row "$p2" workload TCP 127.0.0.1 4362 ..... 0)"
	check prefixes_header "$(head -n 1 "$TMP/out")" = "$(printf '%-9s %6s ' 'TIME(s)' UID)$(header)"
}
