# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/compat32.sh: the e2e suite's compat32 group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# 32-bit x86 programs on x86-64: bind through socketcall(2) (what i386 glibc
# does) and through the direct bind syscall, a failure included; the syscall
# tracepoints skip these, so the tracepoint backend has a raw sys_exit program.
group_compat32() {
	local wl32=${WORKLOAD32:-build/workload32}
	if [ "$(uname -m)" != x86_64 ]; then
		check compat32_absent_off_x86_64 "$(expect_verdict compat32)" = absent
		skip compat32 "32-bit x86 programs run on x86-64 only (this is $(uname -m))"
		return
	fi
	if [ ! -x "$wl32" ]; then
		fail compat32 "$wl32 missing (make builds it with gcc -m32: gcc-multilib)"
		return
	fi
	"$wl32" -h >/dev/null 2>"$TMP/wl.err"
	feature_case compat32 compat32 || return
	tracer_start -E || { fail compat32 "bindsnoop -E did not start: $(cat "$TMP/err")"; return; }
	local p1 p2 p3 p4 port4
	WORKLOAD=$wl32 wl -C socketcall -p 4331 -o R; p1=$WL_PID
	WORKLOAD=$wl32 wl -C bind -f 6 -a ::1 -p 4332; p2=$WL_PID
	WORKLOAD=$wl32 wl -C socketcall -a 192.0.2.1 -p 4333; p3=$WL_PID
	WORKLOAD=$wl32 wl -t udp; p4=$WL_PID port4=$WL_PORT
	tracer_stop
	expect compat32_socketcall "$p1" "$(rc_col 0)$(row "$p1" workload32 TCP 127.0.0.1 4331 ...R. 0)"
	expect compat32_bind_syscall_ipv6 "$p2" "$(rc_col 0)$(row "$p2" workload32 TCP ::1 4332 ..... 0)"
	expect compat32_failed "$p3" "$(rc_col EADDRNOTAVAIL)$(row "$p3" workload32 TCP 192.0.2.1 4333 ..... 0)"
	expect compat32_libc_udp "$p4" "$(rc_col 0)$(row "$p4" workload32 UDP 127.0.0.1 "$port4" ..... 0)"
}
