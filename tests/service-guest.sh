#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/service-guest.sh - runs inside tests/service.sh's guest (Debian 12,
# systemd as PID 1), as root, from /root/svc (the .deb, the workload,
# tests/lib/common.sh and kernel.sh, the exposure figure README states):
#
#   the package installs the unit, neither enabled nor started;
#   systemd-analyze verify passes and systemd-analyze security prints
#   README's figure;
#   systemctl enable --now returns once tracing is live: a bind made the
#   moment it returns is in the journal;
#   that bind's entry holds exactly the fields of the bind the workload
#   made (pid, port, options, owner: this test's own unit), and a failed
#   bind's too (-E), with BIND_RESULT=EADDRINUSE;
#   the service runs as a dynamic user with exactly the capabilities the
#   unit declares, no new privileges and a seccomp filter;
#   24,000 binds in two bursts, far more than journald's rate limit allows
#   (made small by tests/service.sh): all in the journal, as the unit lifts
#   the limit, none lost; RSS and fds flat between them;
#   its own errors reach the journal at PRIORITY=3;
#   systemctl stop leaves no BPF program, map or link behind, nor does
#   removing the package while the service runs (it stops it);
#   the kernel logged no warning since boot and is not tainted.
#
# One line per check, then "N passed, N failed, N skipped".
set -u
cd /root/svc || exit 1
# shellcheck source=tests/lib/common.sh
. ./common.sh
# shellcheck source=tests/lib/kernel.sh
. ./kernel.sh
# The boot's console chatter is not ours: our lines start a fresh line.
echo
# The kernel is judged over the whole boot, not only over this script.
taint_before=0
kmsg_mark=0

# field JSON KEY: a field of one journalctl -o json entry, as text (a
# repeated field is a JSON array: its values joined by blanks).
field() {
	jq -r --arg k "$2" '.[$k] | if type == "array" then join(" ") else . // "(none)" end' <<<"$1"
}

# entry_for QUERY...: the first journal entry that matches, waiting up to 10 s.
entry_for() {
	local i got
	for i in $(seq 1 50); do
		got=$(journalctl -o json --no-pager "$@" 2>/dev/null | head -n 1)
		[ -n "$got" ] && { echo "$got"; return 0; }
		sleep 0.2
	done
	return 1
}

# expect_fields NAME JSON KEY=VALUE...: every field exactly so.
expect_fields() {
	local name=$1 json=$2 kv bad=
	shift 2
	for kv in "$@"; do
		local got
		got=$(field "$json" "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || bad+="${kv%%=*}='$got' (want '${kv#*=}') "
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "$bad"; fi
}

# Every BPF program, map and link loaded, but systemd's own: PID 1 loads
# sd_fw_* (IPAddressDeny=) and sd_devices (PrivateDevices=) for the
# sandbox it puts the unit in, and keeps or reloads them as it likes.
bpf_objects() {
	{ bpftool prog show; bpftool map show; bpftool link show; } 2>/dev/null |
		awk '/^[0-9]+:/ && !/ name sd_/' | sort
}

# ---- the package ----

if out=$(dpkg -i bindsnoop.deb 2>&1); then
	pass package_installs
else
	fail package_installs "$(tail -n 2 <<<"$out" | tr '\n' ' ')"
	summary
	exit 1
fi
check package_does_not_enable "$(systemctl is-enabled bindsnoop.service 2>&1)" = disabled
check package_does_not_start "$(systemctl is-active bindsnoop.service 2>&1)" = inactive

# verify: no man(1) in this guest (no documentation at all), so --man=no;
# tests/package.sh checks the man page.
out=$(systemd-analyze verify --man=no bindsnoop.service 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ -z "$out" ]; then
	pass systemd_analyze_verify
else
	fail systemd_analyze_verify "exit $rc: $(tr '\n' ' ' <<<"$out")"
fi
want=$(<exposure)
got=$(systemd-analyze security bindsnoop.service 2>&1 |
	sed -n 's/.*Overall exposure level for bindsnoop.service: \([0-9.]*\) .*/\1/p')
check "systemd_analyze_security_exposure_$want" "$got" = "$want"
note "systemd-analyze security: exposure $got"

# ---- start: returns when tracing is live ----

objects_before=$(bpf_objects)
t0=$(date +%s%N)
out=$(systemctl enable --now bindsnoop.service 2>&1)
rc=$?
t1=$(date +%s%N)
# The bind right after start returns, before anything else: READY=1 came
# after the attach, so it must be seen.
wl=$(./workload -p 4601 -o Rr 2>&1)
check enable_now_exit_0 "$rc" = 0
note "systemctl enable --now: $(((t1 - t0) / 1000000)) ms ($out)"
check service_active "$(systemctl is-active bindsnoop.service)" = active
check service_type_notify "$(systemctl show -p Type --value bindsnoop.service)" = notify
check service_status_names_backend "$(systemctl show -p StatusText --value bindsnoop.service)" = "tracing binds (fentry backend)"
check service_enabled "$(systemctl is-enabled bindsnoop.service)" = enabled

pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$wl")
ppid=$(sed -n 's/.* ppid=\([0-9]*\).*/\1/p' <<<"$wl")
unit=svc-test.service
if [ -z "$pid" ]; then
	fail bind_in_journal "workload said: $wl"
elif json=$(entry_for BIND_PID="$pid" BIND_PORT=4601); then
	pass bind_in_journal
	expect_fields bind_entry_fields "$json" BIND_PID="$pid" BIND_TID="$pid" BIND_PPID="$ppid" \
		BIND_UID=0 BIND_GID=0 BIND_COMM=workload BIND_PCOMM=bash BIND_PROTOCOL=TCP \
		BIND_PROTOCOL_NUM=6 BIND_FAMILY=ipv4 BIND_ADDRESS=127.0.0.1 BIND_PORT=4601 \
		BIND_OPTIONS=...Rr "BIND_OPTION=SO_REUSEADDR SO_REUSEPORT" BIND_IFINDEX=0 \
		BIND_IFNAME="(none)" BIND_RET=0 BIND_RESULT=0 BIND_UNIT="$unit" \
		BIND_CGROUP="/system.slice/$unit" BIND_OWNER="$unit" BIND_CONTAINER_ID="(none)" \
		BIND_VIA=bind \
		PRIORITY=6 MESSAGE_ID=bf79dc5cc88b43669d600639b812d90d SYSLOG_IDENTIFIER=bindsnoop \
		_SYSTEMD_UNIT=bindsnoop.service \
		MESSAGE="$(rc_col 0)$(row "$pid" workload TCP 127.0.0.1 4601 ...Rr 0) $unit"
	expect_fields bind_entry_ids "$json" \
		BIND_NETNS_ID="$(stat -L -c %i /proc/self/ns/net)" \
		BIND_MNTNS_ID="$(stat -L -c %i /proc/self/ns/mnt)" \
		BIND_CGROUP_ID="$(stat -c %i "/sys/fs/cgroup/system.slice/$unit")"
else
	fail bind_in_journal "no entry BIND_PID=$pid BIND_PORT=4601 within 10 s; the unit's journal: $(journalctl -u bindsnoop --no-pager -o cat | tail -n 5 | tr '\n' '|')"
fi

# -E: the bind that fails, on a port the workload holds first.
wl=$(./workload -p 4602 -D 2>&1)
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$wl")
if [ -n "$pid" ] && json=$(entry_for BIND_PID="$pid" BIND_PORT=4602 BIND_RESULT=EADDRINUSE); then
	expect_fields failed_bind_entry "$json" BIND_PID="$pid" BIND_COMM=workload \
		BIND_ADDRESS=127.0.0.1 BIND_PORT=4602 BIND_RET=-98 BIND_RESULT=EADDRINUSE \
		BIND_OPTIONS=..... PRIORITY=6
else
	fail failed_bind_entry "no BIND_RESULT=EADDRINUSE entry for pid ${pid:-?} (workload: $wl)"
fi
entries=$(journalctl -o json --no-pager BIND_PORT=4601 | wc -l)
check one_entry_per_bind "$entries" = 1

# ---- a short soak, far past journald's rate limit (RateLimitBurst=100 here) ----

# soak_batch PORT: N binds on PORT; every one must reach the journal. The
# wait ends when all are there, or when the count has not grown for 10 s
# (journald is done: what is missing was dropped).
n=12000
soak_batch() {
	local port=$1 wl got=0 last=-1 still=0
	wl=$(./workload -p "$port" -n "$n" -q 2>&1)
	while [ "$got" -lt "$n" ] && [ "$still" -lt 20 ]; do
		sleep 0.5
		got=$(journalctl -o cat --no-pager BIND_PORT="$port" | wc -l)
		if [ "$got" = "$last" ]; then still=$((still + 1)); else still=0; fi
		last=$got
	done
	check "soak_${port}_${n}_binds_${n}_entries" "$got:$wl" = "$n:binds=$n failed=0 total=$n"
}
main=$(systemctl show -p MainPID --value bindsnoop.service)
t0=$SECONDS
# The first batch warms up what is touched once (the ring's pages, the heap).
soak_batch 4603
rss0=$(rss_kb "$main") fds0=$(fd_count "$main")
soak_batch 4604
rss1=$(rss_kb "$main")
check soak_no_loss_entry "$(journalctl -o cat --no-pager -u bindsnoop.service PRIORITY=4 | wc -l)" = 0
check soak_fds_flat "$(fd_count "$main")" = "$fds0"
check soak_rss_flat_within_256_kB "$((rss1 - rss0))" -le 256
note "soak: 2 x $n binds in $((SECONDS - t0)) s, RSS $rss0 -> $rss1 kB, $fds0 fds"

# ---- the sandbox it runs in ----

main=$(systemctl show -p MainPID --value bindsnoop.service)
# CAP_DAC_READ_SEARCH (2), CAP_PERFMON (38), CAP_BPF (39): the unit's set.
caps=$(printf '%016x' $(((1 << 2) | (1 << 38) | (1 << 39))))
status=$(cat "/proc/$main/status" 2>/dev/null)
for c in CapEff CapPrm CapBnd CapAmb; do
	check "caps_${c}_declared_set" "$(awk -v k="$c:" '$1 == k { print $2 }' <<<"$status")" = "$caps"
done
uid=$(awk '$1 == "Uid:" { print $2 }' <<<"$status")
check runs_as_dynamic_user "${uid:-0}" -ge 61184
check no_new_privs "$(awk '$1 == "NoNewPrivs:" { print $2 }' <<<"$status")" = 1
check seccomp_filter "$(awk '$1 == "Seccomp:" { print $2 }' <<<"$status")" = 2
# The first bind above was traced under exactly this set (same process).
check same_process_traced "$(systemctl show -p NRestarts --value bindsnoop.service)" = 0

# ---- stop: nothing left ----

systemctl stop bindsnoop.service
check stopped_cleanly "$(systemctl show -p Result --value bindsnoop.service)" = success
left=$(none_left all)
check no_bindsnoop_objects_left -z "$left"
objects_after=$(bpf_objects)
if [ "$objects_after" = "$objects_before" ]; then
	pass bpf_objects_as_before_start
else
	fail bpf_objects_as_before_start "before: $(tr '\n' '|' <<<"$objects_before") after: $(tr '\n' '|' <<<"$objects_after")"
fi
check tracing_live_entry_names_fentry "$(journalctl -o json --no-pager -u bindsnoop.service \
	SYSLOG_IDENTIFIER=bindsnoop BIND_BACKEND=fentry | wc -l)" = 1

# ---- its errors: PRIORITY=3 ----

# The unit itself with a bad option (a drop-in): exit 64, one line at err.
mkdir -p /run/systemd/system/bindsnoop.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/bindsnoop --journal -P 0\nRestart=no\n' \
	>/run/systemd/system/bindsnoop.service.d/bad.conf
systemctl daemon-reload
systemctl start bindsnoop.service 2>/dev/null
check bad_option_fails_start "$(systemctl show -p ExecMainStatus --value bindsnoop.service)" = 64
got=$(journalctl -o cat --no-pager -u bindsnoop.service PRIORITY=3 _PID="$(systemctl show -p ExecMainPID --value bindsnoop.service)")
check error_at_priority_err "$got" = "bindsnoop: -P 0: port out of range 1-65535"
rm -rf /run/systemd/system/bindsnoop.service.d
systemctl daemon-reload
systemctl reset-failed bindsnoop.service

# ---- removal: the package stops the service it shipped ----

systemctl start bindsnoop.service
check restarted_for_removal "$(systemctl is-active bindsnoop.service)" = active
if out=$(dpkg -r bindsnoop 2>&1); then
	pass package_removes
else
	fail package_removes "$(tail -n 2 <<<"$out" | tr '\n' ' ')"
fi
check removal_stops_service "$(systemctl is-active bindsnoop.service)" = inactive
left=$(none_left all)
check removal_leaves_no_bindsnoop_objects -z "$left"

# ---- the kernel ----

lines=$(kmsg_since "$kmsg_mark" | grep -E "$KERNEL_WARNING_RE")
verdict=$(kernel_verdict "$taint_before" "$(</proc/sys/kernel/tainted)" "$lines")
check kernel_no_warning_or_taint -z "$verdict"
summary
