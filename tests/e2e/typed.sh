# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/typed.sh: the e2e suite's typed group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# Where the kernel has bpf_rdonly_cast() (6.2+) the backend's programs come
# from the typed build (-v says so); when the kernel refuses that, from the
# probing build, with the reason, and they trace the same line.
group_typed() {
	local used
	# The gate checked that the typed build runs where it must, and not elsewhere.
	if [ "$(expect_verdict typed)" != loads ]; then
		skip typed "no typed build to refuse: $EXPECT_SOURCE says it is $(expect_verdict typed) ($(expect_reason typed))"
		return
	fi
	used=$CHOSEN
	BINDSNOOP_TEST_REFUSE_TYPED=1 tracer_start -v ||
		{ fail typed_refused "did not start: $(cat "$TMP/err")"; return; }
	wl; local p=$WL_PID port=$WL_PORT
	tracer_stop
	check typed_refused_reported "$(grep -c "^bindsnoop: backend $used: typed reads (bpf_rdonly_cast) refused: the kernel refused the programs: failure injected by BINDSNOOP_TEST_REFUSE_TYPED; probing instead$" "$TMP/err")" = 1
	check typed_refused_probes "$(grep -c "^bindsnoop: backend $used: .*typed reads (bpf_rdonly_cast)$" "$TMP/err")" = 0
	expect typed_refused_traces "$p" "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)"
}
