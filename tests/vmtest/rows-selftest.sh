#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/vmtest/rows-selftest.sh: the guests' verdicts (rows.sh) on made-up
# consoles. A row must fail when its backend failed a check, exited
# non-zero, printed no summary, was never run, made the kernel warn or
# taint itself, or left no kernel report; and the "end" row when the kernel
# complained after the last backend, oopsed on the console at any time, or
# the guest never got to report after the last backend. Ends with
# "N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=tests/lib/kernel.sh
. "$here/../lib/kernel.sh"
# shellcheck source=tests/vmtest/rows.sh
. "$here/rows.sh"
backends="auto kprobe" suite_limit=300
log=$(mktemp /tmp/bindsnoop-rows-selftest.XXXXXX)
trap 'rm -f "$log"' EXIT

# console LINE...: the guest's console, one marker or output line each.
console() { printf '%s\n' "$@" >"$log"; }
# Under vmtest.sh's own shell options: a failing grep must not end it.
verdict() { (set -euo pipefail; suite_rows "$log" "" | kernel_checks "$log"); }

# A clean boot: every backend passed, no complaint.
good=(
	"@@vmtest ready uname=6.12.0 uptime=3.1" "@@vmtest taint boot before=0 after=0"
	"@@vmtest begin auto" "10 passed, 0 failed, 1 skipped" "@@vmtest end auto status=0 seconds=9"
	"@@vmtest taint auto before=0 after=0"
	"@@vmtest begin kprobe" "8 passed, 0 failed, 2 skipped" "@@vmtest end kprobe status=0 seconds=7"
	"@@vmtest taint kprobe before=0 after=0"
	"@@vmtest taint end before=0 after=0" "@@vmtest done"
)
console "${good[@]}"
check rows_clean "$(verdict | cut -f1,2,3 | tr '\t\n' ' |')" = \
	"boot 1 0 0 ok|auto 10 0 1 ok|kprobe 8 0 2 ok|end 1 0 0 ok|"

# with_line AFTER_REGEX LINE: the clean console with LINE after the first line matching.
with_line() {
	local l done=
	for l in "${good[@]}"; do
		printf '%s\n' "$l"
		if [ -z "$done" ] && [[ $l =~ $1 ]]; then
			printf '%s\n' "$2"
			done=1
		fi
	done >"$log"
}
# without REGEX: the clean console less the lines matching.
without() { printf '%s\n' "${good[@]}" | grep -Ev -- "$1" >"$log"; }
# row_state BACKEND: "ok" or "fail", from the verdict.
row_state() { verdict | awk -F '\t' -v b="$1" '$1 == b { print $3 }'; }

# edited SED-SCRIPT: the clean console, edited.
edited() { printf '%s\n' "${good[@]}" | sed -e "$1" >"$log"; }

# Each case: a console broken one way, and the row that must fail for it.
cases=(
	"rows_failed_check|kprobe|edited 's/^8 passed, 0 failed/8 passed, 1 failed/'"
	"rows_nonzero_exit|kprobe|edited 's/end kprobe status=0/end kprobe status=1/'"
	"rows_no_summary|kprobe|without '^8 passed'"
	"rows_not_run|kprobe|without kprobe"
	"rows_warning|kprobe|with_line '^@@vmtest end kprobe' '@@vmtest kernel kprobe: [ 5.1] WARNING: CPU: 0 PID: 9 at kernel/bpf/verifier.c:1 x'"
	"rows_taint|kprobe|edited 's/taint kprobe before=0 after=0/taint kprobe before=0 after=512/'"
	"rows_no_kernel_report|kprobe|without 'taint kprobe'"
	"rows_end_warning|end|with_line '^@@vmtest taint kprobe' '@@vmtest kernel end: [ 9.0] BUG: unable to handle page fault'"
	"rows_end_console_oops|end|with_line '^@@vmtest done' '[   10.000001] Oops: general protection fault'"
	"rows_end_no_report|end|without 'taint end'"
	"rows_end_taint|end|edited 's/taint end before=0 after=0/taint end before=0 after=128/'"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name row make <<<"$c"
	eval "$make"
	check "$name" "$(row_state "$row")" = fail
done
summary
[ "$FAILED" = 0 ]
