# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/lib/kernel.sh (sourced by tests/run.sh and tests/vmtest/vmtest.sh):
# what counts as the kernel complaining, and how to read the host's kernel
# log and taint exactly. A tracer must never hurt the kernel it runs on: a
# WARNING, BUG, Oops or a new taint bit during a run fails that run.

# Kernel log lines that mean the kernel hit something it should not have.
# (WARN() prints "WARNING:", BUG_ON() "kernel BUG at", an oops "Oops:" or
# "general protection fault", lockdep and KASAN "BUG:"/"WARNING:"; the
# stack dump is "Call Trace:" on x86, "Call trace:" on arm64.)
# The guest's /init greps with the same pattern (vmtest.sh passes it on).
# shellcheck disable=SC2034 # used by the scripts that source this file
KERNEL_WARNING_RE='WARNING:|BUG:|kernel BUG at|Oops|general protection|Call [Tt]race|UBSAN:'

# Prints the names of the taint bits set in MASK, as the kernel's letters
# (Documentation/admin-guide/tainted-kernels.rst): 512 -> W.
taint_letters() {
	local mask=$1 letters=PFSRMBUDAWCIOELKXTNJ i out=
	for ((i = 0; i < 64; i++)); do
		((mask >> i & 1)) || continue
		if ((i < ${#letters})); then
			out+=${letters:i:1}
		else
			out+=" bit$i"
		fi
	done
	printf '%s' "${out:-none}"
}

# kernel_verdict TAINT_BEFORE TAINT_AFTER LINES: one line saying what the
# kernel complained about (LINES: the matching log lines, newline
# separated), or nothing when it did not.
kernel_verdict() {
	local before=$1 after=$2 lines=$3 first n said=()
	if [[ -n $lines ]]; then
		# "[   12.345678] WARNING: ..." reads better without the time.
		first=$(head -n 1 <<<"$lines" | sed 's/^\[ *[0-9.]*\] //' | cut -c1-200)
		n=$(wc -l <<<"$lines")
		said+=("kernel warning: $first$( ((n == 1)) || printf ' (+%d more lines)' $((n - 1)))")
	fi
	if [[ $before != "$after" ]]; then
		said+=("kernel tainted: $before -> $after (new: $(taint_letters $((after & ~before))))")
	fi
	local IFS=';'
	[[ ${#said[@]} -eq 0 ]] || printf '%s\n' "${said[*]}" | sed 's/;/; /g'
}

# The host's kernel log through /dev/kmsg, whose records carry sequence
# numbers: "PRIO,SEQ,USEC,FLAGS;MESSAGE" (continuation lines, " KEY=VALUE",
# are skipped). Prints "SEQ<TAB>MESSAGE" for every record still in the
# buffer. Each read() returns one record; O_NONBLOCK ends the read at the
# newest one (dd then reports EAGAIN, which is the normal end here).
kmsg_records() {
	dd if=/dev/kmsg iflag=nonblock bs=16k status=none 2>/dev/null |
		awk '/^[0-9]/ {
			i = index($0, ";")
			split(substr($0, 1, i - 1), head, ",")
			print head[2] "\t" substr($0, i + 1)
		}'
}

# Prints the sequence number the next kernel log record will get.
kmsg_next_seq() {
	kmsg_records | awk -F '\t' '{ last = $1 } END { print last + 1 }'
}

# kmsg_since SEQ: the messages of the records numbered SEQ and later. If
# the oldest record left is newer than SEQ, the buffer wrapped and some
# records are gone unread; that is said in a line of its own that matches
# KERNEL_WARNING_RE on purpose: what cannot be checked does not pass.
kmsg_since() {
	kmsg_records | awk -F '\t' -v since="$1" '
		NR == 1 && $1 > since {
			print "WARNING: (tests/lib/kernel.sh) kernel log records " since "-" ($1 - 1) \
				" were overwritten before they were read"
		}
		$1 >= since { print substr($0, index($0, "\t") + 1) }'
}
