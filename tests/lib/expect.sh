# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/lib/expect.sh (sourced by tests/e2e.sh, here and in the guests):
# what this kernel must do, so that a skip is a claim the suite can check.
#
#   expect_init           read this kernel's expectations: a qemu guest's
#                         from tests/expectations (E2E_KERNEL names it), the
#                         host's worked out from what the host offers
#   expect_verdict ITEM   loads | refused | absent | present
#   expect_reason ITEM    the REGEX of a refusal, the REASON of an absence
#   expect_auto           the backend auto must pick
#   expect_host_table N   the host's verdicts as table lines for kernel N
#   EXPECT_SOURCE         where the expectations came from, for messages

declare -A EXPECT_VERDICT=() EXPECT_REASON=()
EXPECT_SOURCE=
EXPECT_ITEMS="fentry kprobe tracepoint typed mptcp udplite udplite6 compat32 iouring iouring_connect postbind sctp"

expect_verdict() {
	local v=${EXPECT_VERDICT[$1]:-}
	if [ -n "$v" ]; then
		echo "$v"
	else
		case $1 in
		fentry | kprobe | tracepoint | typed) echo loads ;;
		*) echo present ;;
		esac
	fi
}

expect_reason() { echo "${EXPECT_REASON[$1]:-}"; }

expect_auto() {
	local b
	for b in fentry kprobe tracepoint; do
		[ "$(expect_verdict "$b")" = loads ] && { echo "$b"; return 0; }
	done
	echo none
}

# expect_table FILE NAME: the first line of FILE for NAME (or a glob over
# it) and each item.
expect_table() {
	local file=$1 name=$2 glob item verdict reason
	while read -r glob item verdict reason; do
		case $glob in '' | \#*) continue ;; esac
		# shellcheck disable=SC2254 # a glob on purpose
		case $name in $glob) ;; *) continue ;; esac
		[ -z "${EXPECT_VERDICT[$item]:-}" ] || continue
		case " $EXPECT_ITEMS " in
		*" $item "*) ;;
		*) echo "tests/lib/expect.sh: $file: $glob $item: unknown item" >&2; return 1 ;;
		esac
		case $verdict in
		loads | present) ;;
		refused | absent) [ -n "$reason" ] || {
			echo "tests/lib/expect.sh: $file: $glob $item $verdict: no reason" >&2
			return 1
		} ;;
		*) echo "tests/lib/expect.sh: $file: $glob $item: unknown verdict $verdict" >&2; return 1 ;;
		esac
		EXPECT_VERDICT[$item]=$verdict EXPECT_REASON[$item]=$reason
	done <"$file"
}

# kernel_config_has OPTION: =y or =m in this kernel's config, where one is
# readable (/proc/config.gz, /boot/config-RELEASE); 2 when none is.
kernel_config_has() {
	local cfg
	if [ -r /proc/config.gz ]; then
		cfg=$(zcat /proc/config.gz 2>/dev/null)
	elif [ -r "/boot/config-$(uname -r)" ]; then
		cfg=$(cat "/boot/config-$(uname -r)")
	else
		return 2
	fi
	grep -Eq "^$1=(y|m)$" <<<"$cfg"
}

# The host's row, from the host's own interfaces (and another tool's view of
# the kernel where bindsnoop's own probe would be the only witness): each
# verdict printed with its evidence.
expect_host() {
	local info major minor
	EXPECT_SOURCE="the host (expectations worked out from what it offers)"
	# fentry: bpftrace loads its own test program for kfunc/fentry probes.
	if ! command -v bpftrace >/dev/null; then
		echo "tests/lib/expect.sh: bpftrace missing (Debian bpftrace): cannot tell whether this host takes fentry" >&2
		return 1
	fi
	info=$(bpftrace --info 2>&1)
	if grep -Eq '^ *(kfunc|fentry): yes' <<<"$info"; then
		EXPECT_VERDICT[fentry]=loads
		echo "# expect fentry loads: bpftrace --info: kfunc/fentry: yes"
	else
		EXPECT_VERDICT[fentry]=refused
		EXPECT_REASON[fentry]='refused a test fexit program'
		echo "# expect fentry refused: bpftrace --info: kfunc/fentry: no"
	fi
	# kprobe: the kernel's kprobe PMU or tracefs interface.
	if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ] ||
		[ -e /sys/kernel/debug/tracing/kprobe_events ]; then
		EXPECT_VERDICT[kprobe]=loads
		echo "# expect kprobe loads: the kernel has a kprobe PMU or kprobe_events"
	else
		EXPECT_VERDICT[kprobe]=refused
		EXPECT_REASON[kprobe]='no kprobes'
		echo "# expect kprobe refused: no /sys/bus/event_source/devices/kprobe, no kprobe_events"
	fi
	if kernel_config_has CONFIG_FTRACE_SYSCALLS || [ -d /sys/kernel/tracing/events/syscalls ]; then
		EXPECT_VERDICT[tracepoint]=loads
		echo "# expect tracepoint loads: CONFIG_FTRACE_SYSCALLS"
	else
		EXPECT_VERDICT[tracepoint]=refused
		EXPECT_REASON[tracepoint]='sys_exit_bind|syscall tracepoints|tracefs'
		echo "# expect tracepoint refused: no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"
	fi
	IFS=. read -r major minor _ <<<"$(uname -r)"
	if ((major < 6 || (major == 6 && minor < 2))); then
		EXPECT_VERDICT[typed]=absent EXPECT_REASON[typed]="bpf_rdonly_cast() is Linux 6.2+"
	elif [ "$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)" != 1 ]; then
		EXPECT_VERDICT[typed]=refused EXPECT_REASON[typed]='refused'
	fi
	echo "# expect typed $(expect_verdict typed): kernel $major.$minor, bpf_jit_enable $(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)"
	[ -d /proc/sys/net/mptcp ] ||
		EXPECT_VERDICT[mptcp]=absent EXPECT_REASON[mptcp]="no /proc/sys/net/mptcp: kernel built without MPTCP"
	[ -e /proc/net/udplite ] ||
		EXPECT_VERDICT[udplite]=absent EXPECT_REASON[udplite]="no /proc/net/udplite: kernel without UDP-Lite"
	[ -e /proc/net/udplite6 ] ||
		EXPECT_VERDICT[udplite6]=absent EXPECT_REASON[udplite6]="no /proc/net/udplite6: kernel without UDP-Lite over IPv6"
	# io_uring's bind and listen: Linux 6.11+, and rings allowed (io_uring_disabled below 2).
	if ((major < 6 || (major == 6 && minor < 11))); then
		EXPECT_VERDICT[iouring]=absent EXPECT_REASON[iouring]="IORING_OP_BIND and IORING_OP_LISTEN are Linux 6.11+"
	elif [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 2 ]; then
		EXPECT_VERDICT[iouring]=absent EXPECT_REASON[iouring]="kernel.io_uring_disabled is 2: no rings"
	fi
	# io_uring's connect and sends under --autobind: the tracepoints name the
	# request at submission and completion from 6.0 (5.10's completion has none).
	if ((major < 6)); then
		EXPECT_VERDICT[iouring_connect]=absent EXPECT_REASON[iouring_connect]="io_uring's tracepoints name the request from Linux 6.0 (5.10's io_uring_complete has none)"
	elif [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 2 ]; then
		EXPECT_VERDICT[iouring_connect]=absent EXPECT_REASON[iouring_connect]="kernel.io_uring_disabled is 2: no rings"
	fi
	# The tracepoint backend's cgroup post_bind program reads the socket with
	# bpf_probe_read_kernel(), which lockdown's confidentiality mode takes away.
	if grep -q '\[confidentiality\]' /sys/kernel/security/lockdown 2>/dev/null; then
		EXPECT_VERDICT[postbind]=absent EXPECT_REASON[postbind]="lockdown=confidentiality: no kernel reads"
	fi
	expect_host_sctp
	local rc=0
	kernel_config_has CONFIG_IA32_EMULATION || rc=$?
	if [ "$(uname -m)" != x86_64 ]; then
		EXPECT_VERDICT[compat32]=absent EXPECT_REASON[compat32]="32-bit x86 programs run on x86-64 only"
	elif [ "$rc" = 1 ]; then
		EXPECT_VERDICT[compat32]=absent EXPECT_REASON[compat32]="kernel built without CONFIG_IA32_EMULATION"
	fi
	echo "# expect mptcp $(expect_verdict mptcp), udplite $(expect_verdict udplite), udplite6 $(expect_verdict udplite6), compat32 $(expect_verdict compat32), iouring $(expect_verdict iouring), iouring_connect $(expect_verdict iouring_connect), postbind $(expect_verdict postbind) (lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null || echo none)), sctp $(expect_verdict sctp)"
}

# SCTP on the host: loaded or built in (/proc/net/sctp), or a module of
# this kernel that can load (an SCTP socket() loads it); else absent, as the
# kernel's config or its missing module says (a kernel without modules
# cannot load one: this test machine's 6.18).
expect_host_sctp() {
	local rc=0 release dep
	[ -d /proc/net/sctp ] && return
	kernel_config_has CONFIG_IP_SCTP || rc=$?
	if [ "$rc" = 1 ]; then
		EXPECT_VERDICT[sctp]=absent EXPECT_REASON[sctp]="kernel built without SCTP (CONFIG_IP_SCTP unset)"
		return
	fi
	release=$(uname -r)
	for dep in "/lib/modules/$release/modules.dep" "/usr/lib/modules/$release/modules.dep"; do
		grep -Eq '(^|/)sctp\.ko(\.[a-z]+)?:' "$dep" 2>/dev/null || continue
		[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 1 ] || return
		EXPECT_VERDICT[sctp]=absent EXPECT_REASON[sctp]="kernel.modules_disabled is 1: the sctp module cannot load"
		return
	done
	EXPECT_VERDICT[sctp]=absent EXPECT_REASON[sctp]="no /proc/net/sctp and no sctp module for $release"
}

# expect_host_table NAME: the host's worked-out verdicts as lines of the
# table for kernel NAME, for a run that cannot work them out itself (the
# trixie chroot has no bpftrace): EXPECTATIONS=FILE E2E_KERNEL=NAME.
expect_host_table() {
	local item
	expect_host >/dev/null || return 1
	for item in $EXPECT_ITEMS; do
		printf '%s %s %s %s\n' "$1" "$item" "$(expect_verdict "$item")" "$(expect_reason "$item")"
	done
}

expect_init() {
	local table=${EXPECTATIONS:-tests/expectations}
	EXPECT_VERDICT=() EXPECT_REASON=()
	if [ -z "${E2E_KERNEL:-}" ]; then
		expect_host
		return
	fi
	[ -r "$table" ] || { echo "tests/lib/expect.sh: $table: missing" >&2; return 1; }
	EXPECT_SOURCE="$table for kernel $E2E_KERNEL"
	expect_table "$table" "$E2E_KERNEL" || return 1
	local item
	for item in $EXPECT_ITEMS; do
		echo "# expect $item $(expect_verdict "$item")${EXPECT_REASON[$item]:+ (${EXPECT_REASON[$item]})}"
	done
}
