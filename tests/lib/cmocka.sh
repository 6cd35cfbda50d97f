# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# cmocka's own summary lines of a unit test run ($1, its output), turned into
# our closing line "N passed, N failed, N skipped" (a skip() in a test is
# cmocka's "[  SKIPPED ] N test(s), listed below:"); nothing when there is
# no summary (the binary crashed or is not cmocka's). Sourced by
# tests/run.sh and tests/trixie.sh.
cmocka_closing() {
	local passed failed skipped
	passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' <<<"$1")
	failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' <<<"$1")
	skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:/\1/p' <<<"$1")
	[ -n "$passed$failed$skipped" ] &&
		echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
}
