# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/vmtest/rows.sh (sourced by vmtest.sh and rows-selftest.sh): a guest's
# serial console -> one row per backend, "BACKEND<TAB>passed failed
# skipped<TAB>ok|fail<TAB>reason", with the kernel's verdict on each, a
# "boot" row before them and an "end" row after. Reads the marker lines
# tests/vmtest/init writes (see there); needs KERNEL_WARNING_RE and
# kernel_verdict (tests/lib/kernel.sh), and the globals backends (the
# backends asked for, in order) and suite_limit (seconds).

# The kernel log lines /init reported for backend B (or "boot") in LOG.
kernel_lines() {
	grep -F "@@vmtest kernel $2: " "$1" | sed 's/.*@@vmtest kernel [^ ]*: //'
}

# "BEFORE AFTER", the taint masks /init reported around backend B in LOG.
taint_around() {
	awk -v key="@@vmtest taint $2 before=" 'i = index($0, key) {
		split(substr($0, i + length(key)), f, /[ =]/)
		print f[1], f[3]
	}' "$1"
}

# Reads rows on stdin, writes them with the kernel's verdict: a backend
# whose run made the kernel warn or taint itself fails with one more failed
# test, and so does one with no kernel report from /init (nothing checked
# is no pass). The boot row before them fails only on a taint: the boot's
# own warnings are not ours, and are shown, not counted. The "end" row after
# them judges the rest of the console: what the kernel said after the last
# backend, and any oops or BUG the console shows at any time (with "quiet"
# only errors and worse reach it, each with its timestamp).
kernel_checks() {
	local log=$1 b counts state reason p f s before after verdict boots tainted=0 console
	# Once per boot: a backend that tainted the kernel made another.
	boots=$(taint_around "$log" boot | awk '{ print $2 }')
	for after in $boots; do
		((after == 0)) || tainted=$after
	done
	if [[ -z $boots ]]; then
		printf 'boot\t0 1 0\tfail\tno taint report from /init\n'
	elif ((tainted != 0)); then
		printf 'boot\t0 1 0\tfail\tkernel tainted before any backend ran: %s\n' \
			"$(kernel_verdict 0 "$tainted" "")"
	else
		printf 'boot\t1 0 0\tok\t\n'
	fi
	while IFS=$'\t' read -r b counts state reason; do
		before='' after=''
		read -r before after < <(taint_around "$log" "$b") || true
		verdict=''
		[[ -z $after ]] || verdict=$(kernel_verdict "$before" "$after" "$(kernel_lines "$log" "$b")")
		if [[ -z $after && $state == ok ]]; then
			verdict="no kernel report from /init for this backend"
		fi
		if [[ -n $verdict ]]; then
			read -r p f s <<<"$counts"
			counts="$p $((f + 1)) $s" state=fail reason=${reason:+$reason; }$verdict
		fi
		printf '%s\t%s\t%s\t%s\n' "$b" "$counts" "$state" "$reason"
	done
	before='' after=''
	read -r before after < <(taint_around "$log" end) || true
	# From the first backend on (the boot's own lines are the boot row's).
	console=$(awk '/@@vmtest begin /, 0' "$log" | grep -E '^\[ *[0-9]+\.[0-9]+\] ' | grep -E "$KERNEL_WARNING_RE" || true)
	verdict=''
	if [[ -z $after ]]; then
		verdict="no kernel report from /init after the last backend"
	else
		verdict=$(kernel_verdict "$before" "$after" "$(kernel_lines "$log" end)")
	fi
	[[ -z $console ]] || verdict="${verdict:+$verdict; }$(kernel_verdict 0 0 "$console") (on the console)"
	if [[ -n $verdict ]]; then
		printf 'end\t0 1 0\tfail\t%s\n' "$verdict"
	else
		printf 'end\t1 0 0\tok\t\n'
	fi
}

# Prints a row per backend from the suite's summary lines in LOG.
suite_rows() {
	local log=$1 reason=$2
	awk -v backends="$backends" -v reason="$reason" -v limit="$suite_limit" '
	BEGIN { n = split(backends, order, " ") }
	match($0, /@@vmtest begin [^ ]+/) {
		cur = substr($0, RSTART + 15, RLENGTH - 15)
		begun[cur] = 1
		next
	}
	match($0, /@@vmtest end [^ ]+ status=[0-9]+/) {
		split(substr($0, RSTART + 13), f, /[ =]/)
		ended[f[1]] = 1
		status[f[1]] = f[3]
		cur = ""
		next
	}
	cur != "" && /^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?[ \t]*$/ {
		line = $0
		sub(/^[A-Za-z0-9_-]+: /, "", line)
		split(line, f, /[ ,]+/)
		counts[cur] = f[1] " " f[3] " " (f[5] == "" ? 0 : f[5])
		failed[cur] = f[3]
	}
	END {
		for (i = 1; i <= n; i++) {
			b = order[i]
			if (!(b in begun)) {
				print b "\t0 1 0\tfail\tnot run: the guest stopped before it; " reason
			} else if (!(b in ended)) {
				print b "\t0 1 0\tfail\tno summary line: the guest stopped during it; " reason
			} else if (!(b in counts)) {
				why = "no summary line; the suite exited with status " status[b]
				if (status[b] == 137)
					why = "no summary line; the suite was killed after the " limit " s suite timeout"
				print b "\t0 1 0\tfail\t" why
			} else if (failed[b] != 0) {
				print b "\t" counts[b] "\tfail\t"
			} else if (status[b] != 0) {
				print b "\t" counts[b] "\tfail\tbut the suite exited with status " status[b]
			} else {
				print b "\t" counts[b] "\tok\t"
			}
		}
	}' "$log"
}

