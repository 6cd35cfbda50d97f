#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/paths-table.sh: README's "every way a port is taken" table, made
# from what a test run proved rather than written by hand.
#
#   tests/paths-table.sh                  print the table
#   tests/paths-table.sh --check FILE     the table between FILE's markers
#                                         must be the one printed; else a
#                                         diff, and a failed check
#   tests/paths-table.sh --update FILE    write it there
#   tests/paths-table.sh --self-test      its own verdicts, on made-up logs
#
# The evidence: the e2e suite's "ok NAME" lines, from every qemu guest's
# console (build/vmtest/KERNEL.log, between "@@vmtest begin BACKEND" and
# "@@vmtest end BACKEND") and from the host's runs (build/proof/host.BACKEND.log,
# which tests/run.sh keeps). PATHS_LOGS="FILE..." names other logs.
#
# A cell lists the kernels on which every check of its row passed on that
# backend, in tests/vmtest/kernels' order, the host last; a row's second
# list of checks ("said") is what proves that a backend says at start that
# it does not see the way. A way no run proved is "no".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# way label | checks that prove a backend sees it | checks that prove it says it does not
ROWS=(
	"\`bind()\` (\`bind\`; s390x's glibc: \`socketcall\`)|paths_listen_after_bind_once paths_json_bind_then_listen|"
	"32-bit x86 \`socketcall(SYS_BIND)\`|compat32_socketcall|"
	"io_uring \`IORING_OP_BIND\` (\`io_uring\`, 6.11+)|paths_io_uring_bind paths_io_uring_bind_failed paths_json_io_uring|"
	"\`listen()\` on a socket without a port (\`listen\`)|paths_listen_autobind paths_listen_autobind_ipv6 paths_json_listen|"
	"io_uring \`IORING_OP_LISTEN\` without a port (\`listen\`, 6.11+)|paths_io_uring_listen paths_json_io_uring_listen|"
	"MPTCP \`listen()\` without a port, reported once|paths_listen_mptcp|"
	"\`connect()\` without a port (\`connect\`, \`--autobind\`)|paths_autobind_connect paths_autobind_connect_ipv6|"
	"\`sendto()\`, \`sendmsg()\` without a port (\`sendto\`, \`--autobind\`)|paths_autobind_sendto paths_autobind_sendto_ipv6|"
	"io_uring \`IORING_OP_CONNECT\` without a port (\`connect\`, \`--autobind\`, 6.0+)|paths_autobind_io_uring_connect paths_autobind_io_uring_connect_ipv6|paths_autobind_io_uring_said_not_seen paths_autobind_io_uring_said_at_start"
	"io_uring \`IORING_OP_SENDMSG\`, \`SEND_ZC\` without a port (\`sendto\`, \`--autobind\`, 6.0+)|paths_autobind_io_uring_sendto paths_autobind_io_uring_send_zc_ipv6|paths_autobind_io_uring_said_not_seen paths_autobind_io_uring_said_at_start"
	"SCTP \`sctp_bindx()\` (\`bindx\`: a row per address)|paths_bindx_two_addresses paths_bindx_port0_kernels_pick paths_bindx_ipv6 paths_bindx_failed paths_bindx_json|"
	"the kernel's own sockets, \`kernel_bind()\` (\`kernel\`)|paths_kernel_socket_vxlan|paths_kernel_socket_unseen_line"
)
BACKENDS=(fentry kprobe tracepoint)

# A run of auto is evidence for the backend it ran (the suite's gate says
# which: "ok backend_auto_runs_fentry"); the suite runs most groups once per
# kernel, in that row, and only the gate in the row of the backend it picked.
# shellcheck disable=SC2016 # awk code, for awk to expand
AUTO_RUNS='
	b == "auto" && match($0, /^ok +backend_auto_runs_[a-z]+$/) { b = substr($2, 19) }'

# "KERNEL BACKEND CHECK" for every check that passed, from every log.
evidence() {
	local f name
	if [ -n "${PATHS_LOGS:-}" ]; then
		# shellcheck disable=SC2086 # a list of files on purpose
		set -- $PATHS_LOGS
	else
		set -- build/vmtest/*.log build/proof/host.*.log
	fi
	for f in "$@"; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .log)
		case $name in
		host.*)
			# One backend's run on the host: host.BACKEND.log.
			awk -v k=host -v b="${name#host.}" "$AUTO_RUNS"'
				/^ok +[a-z0-9_]+$/ { print k, b, $2 }' "$f"
			;;
		*)
			# A guest's console; only the kernels of tests/vmtest/kernels.
			awk -v n="$name" '$1 == n { f = 1 } END { exit !f }' tests/vmtest/kernels || continue
			awk -v k="$name" '
				/^@@vmtest begin / { b = $3; next }
				/^@@vmtest end / { b = ""; next }'"$AUTO_RUNS"'
				b != "" && /^ok +[a-z0-9_]+$/ { print k, b, $2 }' "$f"
			;;
		esac
	done | sort -u
}

# The kernels in their order: tests/vmtest/kernels', then the host.
kernel_order() {
	awk '!/^#/ && NF { print $1 }' tests/vmtest/kernels
	echo host
}

# cell EVIDENCE BACKEND CHECKS...: the kernels where every check passed.
cell() {
	local ev=$1 b=$2 k c all out=''
	shift 2
	[ $# -gt 0 ] || return 0
	while read -r k; do
		all=1
		for c in "$@"; do
			grep -qxF "$k $b $c" <<<"$ev" || { all=0; break; }
		done
		[ "$all" = 1 ] && out+="${out:+, }$k"
	done < <(kernel_order)
	echo "$out"
}

table() {
	local ev row label seen said b yes no checks
	ev=$(evidence)
	echo "| way (\`via\`) | fentry | kprobe | tracepoint | checks (\`tests/e2e/\`) |"
	echo "| --- | --- | --- | --- | --- |"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label seen said <<<"$row"
		printf '| %s |' "$label"
		for b in "${BACKENDS[@]}"; do
			# shellcheck disable=SC2086 # lists of check names
			yes=$(cell "$ev" "$b" $seen)
			# shellcheck disable=SC2086
			no=$(cell "$ev" "$b" $said)
			if [ -n "$yes" ] && [ -n "$no" ]; then
				printf ' %s; not seen, said at start: %s |' "$yes" "$no"
			elif [ -n "$yes" ]; then
				printf ' %s |' "$yes"
			elif [ -n "$no" ]; then
				printf ' not seen, said at start: %s |' "$no"
			else
				printf ' no |'
			fi
		done
		# shellcheck disable=SC2016 # markdown's backquotes, not a command
		checks=$(sed -E 's/([a-z0-9_]+)/`\1`/g; s/ /, /g' <<<"$seen${said:+ $said}")
		printf ' %s |\n' "$checks"
	done
}

# The lines of FILE between the markers, and FILE with new ones there.
BEGIN='<!-- paths-table: made by tests/paths-table.sh from the last run; do not edit -->'
END='<!-- end of paths-table -->'

between() {
	awk -v b="$BEGIN" -v e="$END" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$1"
}

# The generator's own verdicts, on made-up logs: a check that failed, one
# of a row's checks missing, a backend's run cut short, and the host.
self_test() {
	local d got want rc=0
	d=$(mktemp -d /tmp/bindsnoop-paths-table.XXXXXX)
	printf '%s\n' '@@vmtest begin fentry' 'ok   paths_listen_autobind' 'ok   paths_listen_autobind_ipv6' \
		'ok   paths_json_listen' 'ok   paths_kernel_socket_vxlan' '@@vmtest end fentry status=0' \
		'@@vmtest begin tracepoint' 'ok   paths_listen_autobind' 'FAIL paths_listen_autobind_ipv6: x' \
		'ok   paths_json_listen' 'ok   paths_kernel_socket_unseen_line' '@@vmtest end tracepoint status=1' \
		'ok   paths_json_io_uring' >"$d/6.1.log"
	printf '%s\n' 'ok   paths_listen_autobind' 'ok   paths_listen_autobind_ipv6' 'ok   paths_json_listen' \
		'ok   paths_kernel_socket_vxlan' >"$d/host.tracepoint.log"
	# auto's run counts for the backend it ran
	printf '%s\n' '@@vmtest begin auto' 'ok   backend_auto' 'ok   backend_auto_runs_kprobe' \
		'ok   paths_io_uring_bind' 'ok   paths_io_uring_bind_failed' 'ok   paths_json_io_uring' \
		'@@vmtest end auto status=0' >"$d/6.12.log"
	# not a kernel of tests/vmtest/kernels: left out
	cp "$d/6.1.log" "$d/9.9.log"
	got=$(PATHS_LOGS="$d/6.1.log $d/6.12.log $d/9.9.log $d/host.tracepoint.log" table)
	want="| \`listen()\` on a socket without a port (\`listen\`) | 6.1 | no | host |"
	grep -qF "$want " <<<"$got" || { echo "FAIL paths_table_self_test_listen: want a row starting $want in: $got"; rc=1; }
	want="| the kernel's own sockets, \`kernel_bind()\` (\`kernel\`) | 6.1 | no | host; not seen, said at start: 6.1 |"
	grep -qF "$want " <<<"$got" || { echo "FAIL paths_table_self_test_kernel: want a row starting $want in: $got"; rc=1; }
	# a check outside a backend's run proves nothing
	want="| io_uring \`IORING_OP_BIND\` (\`io_uring\`, 6.11+) | no | 6.12 | no |"
	grep -qF "$want " <<<"$got" || { echo "FAIL paths_table_self_test_outside_run_and_auto: want a row starting $want in: $got"; rc=1; }
	rm -rf "$d"
	if [ "$rc" = 0 ]; then echo "3 passed, 0 failed, 0 skipped"; else echo "0 passed, 1 failed, 0 skipped"; fi
	return "$rc"
}

case ${1:-} in
'')
	table
	;;
--self-test)
	self_test
	;;
--check)
	file=${2:?--check FILE}
	grep -qxF "$BEGIN" "$file" || { echo "FAIL paths_table: $file has no marker line $BEGIN"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	if diff <(between "$file") <(table) >/tmp/bindsnoop-paths-table.diff; then
		echo "ok   paths_table: $file's table is what this run proved"
		echo "1 passed, 0 failed, 0 skipped"
	else
		cat /tmp/bindsnoop-paths-table.diff
		echo "FAIL paths_table: $file's table is not what this run proved (diff above: < $file, > this run); tests/paths-table.sh --update $file after a full run"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	;;
--update)
	file=${2:?--update FILE}
	grep -qxF "$BEGIN" "$file" || { echo "tests/paths-table.sh: $file has no marker line $BEGIN" >&2; exit 1; }
	new=$(table)
	awk -v b="$BEGIN" -v e="$END" -v t="$new" '
		$0 == b { print; print t; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$file" >"$file.new"
	mv "$file.new" "$file"
	;;
*)
	echo "usage: tests/paths-table.sh [--check FILE | --update FILE | --self-test]" >&2
	exit 64
	;;
esac
