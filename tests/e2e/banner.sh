# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/banner.sh: the e2e suite's banner group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# A bind made the moment the banner is out is printed, over the ring and the
# perf buffer, even when the reader is slow to open (strace delays its
# epoll_create1() by 0.3 s): the reader is open before the programs are
# attached. (A perf event array has no CPU's buffer until its reader opens
# them; a bind in between was lost and reported as "buffer full".)
group_banner() {
	if ! command -v strace >/dev/null; then
		fail banner "strace not installed (Debian strace; the guests get the host's)"
		return
	fi
	local perfbuf name p tracer
	for perfbuf in 0 1; do
		name=banner_ring_buffer
		[ "$perfbuf" = 1 ] && name=banner_perf_buffer
		wl_bg || { fail "$name" "workload did not get ready"; return; }
		: >"$TMP/out"
		: >"$TMP/err"
		# LeakSanitizer cannot run under ptrace (tests/sanitize.sh's build): no leak check here.
		BINDSNOOP_FORCE_PERFBUF=$perfbuf ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -qq -o /dev/null -e trace=epoll_create1 \
			-e inject=epoll_create1:delay_enter=300000 \
			"$BINDSNOOP" --backend "$BACKEND" -p "$WL_BG" >"$TMP/out" 2>"$TMP/err" &
		tracer=$!
		if ! wait_banner "$TMP/err" "$tracer"; then
			fail "$name" "did not start: $(cat "$TMP/err")"
			kill -KILL "$WL_BG" "$tracer" 2>/dev/null
			wait 2>/dev/null
			return
		fi
		p=$WL_BG
		wl_go
		# SIGINT to bindsnoop itself (strace would pass it on, but also stop)
		kill -INT "$(child_pid "$tracer" bindsnoop)" 2>/dev/null
		wait "$tracer" 2>/dev/null
		expect "$name" "$p" "$(row "$p" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
		check "${name}_nothing_lost" "$(grep -c 'events lost: ' "$TMP/err")" = 0
	done
}
