#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# bench/prog-insns.sh [OBJECT...]: each BPF program's instruction count and
# a checksum of its instructions (jump offsets and block labels left out),
# one line a program, for the objects given (default: both builds of
# bindsnoop.bpf.c in build/). Comparing the output of two trees shows
# whether a change to the kernel side changed any program's code at all,
# before make bench measures what it costs: the same instructions in the
# same order cost the same on every kernel.
#
#   git stash; make; bench/prog-insns.sh >/tmp/before; git stash pop
#   make; bench/prog-insns.sh | diff /tmp/before -
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- build/bindsnoop.bpf.o build/bindsnoop_typed.bpf.o
# "PROGRAM<TAB>INSTRUCTION" for each instruction of each program of $1.
insns() {
	llvm-objdump -d --no-show-raw-insn "$1" | awk '
		/^[0-9a-f]+ <[A-Za-z_][A-Za-z0-9_]*>:$/ && $2 !~ /^<LBB/ { name = substr($2, 2, length($2) - 3); next }
		/^ *[0-9]+:\t/ && name != "" {
			insn = $0
			sub(/^ *[0-9]+:\t/, "", insn)
			sub(/ <[A-Za-z0-9_]+>$/, "", insn)
			gsub(/goto [+-][0-9]+/, "goto", insn)
			print name "\t" insn
		}'
}

for obj in "$@"; do
	[ -r "$obj" ] || { echo "bench/prog-insns.sh: $obj: no such object (make builds it)" >&2; exit 1; }
	all=$(insns "$obj")
	for prog in $(cut -f 1 <<<"$all" | awk '!seen[$0]++'); do
		body=$(awk -F '\t' -v p="$prog" '$1 == p { print $2 }' <<<"$all")
		printf '%-22s %-26s %6d insns  %s\n' "${obj##*/}" "$prog" "$(wc -l <<<"$body")" \
			"$(cksum <<<"$body" | cut -d ' ' -f 1)"
	done
done
