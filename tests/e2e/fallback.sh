# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/fallback.sh: the e2e suite's fallback group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# A backend that fails half-attached leaves nothing behind before the next is tried.
group_fallback() {
	if ! command -v "$BPFTOOL" >/dev/null; then
		fail fallback_cleans_up "bpftool not installed"
		return
	fi
	local first=$CHOSEN
	# The gate held auto to the expectations: it runs their first backend.
	if [ "$first" = tracepoint ]; then
		skip fallback_cleans_up "needs fentry or kprobe to fall back from; $EXPECT_SOURCE: fentry $(expect_verdict fentry), kprobe $(expect_verdict kprobe)"
		return
	fi
	BINDSNOOP_TEST_FAIL_ATTACH="$first:1" tracer_start -v ||
		{ fail fallback_cleans_up "no fallback after an injected failure: $(cat "$TMP/err")"; return; }
	local progs
	progs=$(our_objects)
	wl; local p=$WL_PID port=$WL_PORT
	tracer_stop
	check fallback_reported "$(grep -c "^bindsnoop: backend $first skipped: attaching .*: failure injected" "$TMP/err")" = 1
	local pattern="name fexit_"
	[ "$first" = kprobe ] && pattern="name kr?e?t?probe_"
	if echo "$progs" | grep -Eq "$pattern"; then
		fail fallback_cleans_up "programs of $first still loaded: $progs"
	else
		pass fallback_cleans_up
	fi
	expect fallback_traces "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
}
