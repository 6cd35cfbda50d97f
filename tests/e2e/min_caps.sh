# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/min_caps.sh: the e2e suite's min_caps group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# The smallest capability set that works, as a non-root user (bindsnoop.8, PRIVILEGES).
group_min_caps() {
	if ! command -v capsh >/dev/null; then
		fail min_caps "capsh not installed (Debian libcap2-bin)"
		return
	fi
	local caps=cap_bpf,cap_perfmon,cap_dac_read_search
	# Debian's kernels restrict perf_event_open() to CAP_SYS_ADMIN with
	# perf_event_paranoid=3; kprobes and tracepoints attach through it, fexit does not.
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -gt 2 ] &&
		[ "$(backend_in_use)" != fentry ]; then
		caps=$caps,cap_sys_admin
	fi
	# Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK (64 KiB for a user);
	# libbpf raises it, which takes CAP_SYS_RESOURCE.
	if [ "$(kernel_version)" -lt 5011 ]; then
		caps=$caps,cap_sys_resource
	fi
	cp "$BINDSNOOP" "$TMP/bindsnoop-caps"
	chmod 755 "$TMP" "$TMP/bindsnoop-caps"
	capsh --caps="$caps+eip cap_setpcap,cap_setuid,cap_setgid+ep" --keep=1 --user=nobody \
		--addamb="$caps" -- -c "exec $TMP/bindsnoop-caps --backend $BACKEND -d 2" \
		>"$TMP/caps.out" 2>"$TMP/caps.err" &
	local runner=$!
	wait_banner "$TMP/caps.err" "$runner"
	wl; local p=$WL_PID port=$WL_PORT
	wait "$runner"
	local rc=$?
	check min_caps_exit_0 "$rc" = 0
	# The tracepoint backend's view of the kernel's own sockets is a cgroup
	# program, which takes CAP_NET_ADMIN (or CAP_SYS_ADMIN): without it,
	# bindsnoop says at start what it does not see, and why.
	local want_err="Tracing binds ... Hit Ctrl-C to end"
	if [ "$(backend_in_use)" = tracepoint ] && [[ $caps != *cap_sys_admin* ]]; then
		want_err="$(unseen_line "loading the cgroup post_bind program that sees them takes CAP_NET_ADMIN")
$want_err"
	elif [ -n "$(unseen_line)" ]; then
		want_err="$(unseen_line)
$want_err"
	fi
	check min_caps_stderr "$(cat "$TMP/caps.err")" = "$want_err"
	if [ "$(awk -v pid="$p" '$(NF-6) == pid' "$TMP/caps.out")" = "$(row "$p" workload TCP 127.0.0.1 "$port" ..... 0)" ]; then
		pass min_caps_traces
	else
		fail min_caps_traces "stdout: $(cat "$TMP/caps.out") stderr: $(cat "$TMP/caps.err")"
	fi
}
