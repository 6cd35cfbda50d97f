# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/lib/lintian.sh: one verdict on lintian's run for tests/package.sh
# (native) and tests/package-arm64.sh (cross-built), after common.sh.

# lintian_verdict OUT ERR RC [WHAT]: lintian's stdout (file), stderr (file)
# and exit status as the check "lintian": its tags are shown; it passes with
# no error and no warning (the package's own overrides are in
# debian/bindsnoop.lintian-overrides). Its exit status: 0 clean, 1 errors
# found, 2 and up it could not run. As root it says "not recommended" on
# stderr, which is no reason. WHAT is added to the passing line.
lintian_verdict() {
	local out=$1 err=$2 rc=$3 what=${4:-} tags
	sed 's/^/#   lintian: /' "$out"
	tags=$(grep -cE '^[EW]:' "$out")
	if [ "$rc" -ge 2 ]; then
		fail lintian "exit status $rc: $(grep -v 'root privileges' "$err" | tail -n 1)"
	elif [ "$tags" != 0 ] || [ "$rc" != 0 ]; then
		fail lintian "$tags error(s) or warning(s), exit status $rc, see above"
	else
		pass "lintian: clean${what:+ $what} ($(grep -c '^[IP]:' "$out") info or pedantic tags)"
	fi
}
