#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/e2e-selftest.sh: the e2e suite fails what it must. Each case runs
# tests/e2e.sh (one quick group) on this kernel with something broken on
# purpose and asserts the verdict: a backend that must load and does not,
# auto picking another backend, a refusal for another reason than the
# expectations give, a stale expectation, the perf buffer asked for and not
# used. And the one case where a refusal is a skip: the reason the
# expectations give. Ends with "N passed, N failed, N skipped".

set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
# shellcheck source=tests/lib/expect.sh
. tests/lib/expect.sh

TMP=$(mktemp -d /tmp/bindsnoop-selftest.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

# The backend this kernel's tracepoint row runs, and auto's pick.
expect_init >/dev/null || { fail expectations "cannot read this kernel's expectations"; summary; exit 1; }
AUTO=$(expect_auto)

# verdict NAME WANT_EXIT REGEX BACKEND [VAR=VALUE...]: the suite on BACKEND,
# its gate only (or GROUP), with VAR=VALUE in its environment, must exit WANT_EXIT
# and print a line matching REGEX.
verdict() {
	local name=$1 want_rc=$2 regex=$3 backend=$4 rc
	shift 4
	env "$@" tests/e2e.sh --backend "$backend" "${GROUP:-gate-only}" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -Eq -- "$regex" "$TMP/out"; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want_rc), no line /$regex/ in: $(grep -E '^(ok|FAIL|skip) ' "$TMP/out" | head -n 6 | tr '\n' '|')"
	fi
}

if [ "$AUTO" = none ]; then
	fail selftest "no backend loads here ($EXPECT_SOURCE): nothing to break"
	summary
	exit 1
fi
echo "# breaking $AUTO, the backend auto picks here ($EXPECT_SOURCE)"

# A load failure injected into a backend that must load: its row fails, and
# so does auto's (it falls back to another backend, or to none).
verdict must_load 1 "^FAIL backend_$AUTO: must load here" "$AUTO" \
	BINDSNOOP_TEST_FAIL_ATTACH="$AUTO:0"
verdict auto_must_pick 1 "^FAIL backend_auto(_runs_$AUTO)?: " auto \
	BINDSNOOP_TEST_FAIL_ATTACH="$AUTO:0"

# The expectations of a made-up kernel, "selftest", for the rest.
table() {
	printf 'selftest %s\n' "$@" >"$TMP/expectations"
}
# A refusal for the reason the expectations give is a skip, and the row
# passes; for another reason it fails.
table "$AUTO refused failure injected by BINDSNOOP_TEST_FAIL_ATTACH"
verdict refusal_as_expected 0 "^skip backend_$AUTO: refused, as " "$AUTO" \
	BINDSNOOP_TEST_FAIL_ATTACH="$AUTO:0" EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest
# The same refusal, but the process then dies of a signal: a crash, not a skip.
printf '#!/bin/sh\n"%s/bindsnoop" "$@"\nkill -ABRT $$\n' "$PWD" >"$TMP/crashing"
chmod +x "$TMP/crashing"
verdict refusal_then_crash 1 "^FAIL backend_$AUTO: exited with status 134" "$AUTO" \
	BINDSNOOP_TEST_FAIL_ATTACH="$AUTO:0" EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest \
	BINDSNOOP="$TMP/crashing"
table "$AUTO refused ENOMEM"
verdict refusal_other_reason 1 "^FAIL backend_$AUTO: refused, but not for the reason" "$AUTO" \
	BINDSNOOP_TEST_FAIL_ATTACH="$AUTO:0" EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest
# A backend that loads where the expectations say it cannot: the table is stale.
verdict stale_table 1 "^FAIL backend_$AUTO: loads here, but .* the table is stale" "$AUTO" \
	EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest
# The typed build said to be absent where it runs, or refused where it must run.
if [ "$(expect_verdict typed)" = loads ]; then
	table "typed absent not here"
	verdict typed_stale 1 "^FAIL backend_${AUTO}_probing_build: " "$AUTO" \
		EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest
	verdict typed_refused 1 "^FAIL backend_${AUTO}_typed_build: " "$AUTO" BINDSNOOP_TEST_REFUSE_TYPED=1
else
	skip typed_stale "$EXPECT_SOURCE: no typed build here ($(expect_verdict typed))"
	skip typed_refused "$EXPECT_SOURCE: no typed build here ($(expect_verdict typed))"
fi

# A kernel feature a case needs, said to be absent where the kernel has it.
table "udplite6 absent not here"
GROUP=columns verdict feature_stale 1 "^FAIL proto_udplite_v6: .*the table is stale" "$AUTO" \
	EXPECTATIONS="$TMP/expectations" E2E_KERNEL=selftest

# The perf buffer forced, but the hook that forces it ignored (a wrapper drops it).
printf '#!/bin/sh\nexec env -u BINDSNOOP_FORCE_PERFBUF "%s/bindsnoop" "$@"\n' "$PWD" >"$TMP/bindsnoop"
chmod +x "$TMP/bindsnoop"
verdict perf_buffer_used 1 "^FAIL backend_${AUTO}_events_over_perf_buffer: " "$AUTO" \
	BINDSNOOP_FORCE_PERFBUF=1 BINDSNOOP="$TMP/bindsnoop"

summary
[ "$FAILED" = 0 ]
