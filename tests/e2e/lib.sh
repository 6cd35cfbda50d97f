# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/lib.sh: helpers of more than one group of the e2e suite
# (sourced by tests/e2e.sh before the groups).

# filter_case NAME OPTION...: the workload waiting in the background (wl_bg)
# is the target; with these filter options bindsnoop shows its bind, exactly,
# and not the bind of another workload made meanwhile.
filter_case() {
	local name=$1 target=$WL_BG other other_made
	shift
	tracer_start "$@" || { fail "$name" "bindsnoop $* did not start: $(cat "$TMP/err")"; return; }
	wl; other=$WL_PID other_made=$WL_EXIT:$WL_RC
	wl_go
	tracer_stop
	expect "${name}_match" "$target" "$(row "$target" workload TCP 127.0.0.1 "$WL_PORT" ..... 0)"
	expect_none "${name}_other" "$other" "$other_made"
}

# u64 as the 8 hex bytes bpftool takes for a key or value: in this
# machine's byte order (s390x is big endian), which od tells from 1 as a u32.
u64_hex() {
	local order=big
	[ "$(printf '\1\0\0\0' | od -An -tu4 | tr -d ' ')" != 1 ] || order=little
	printf '%016x' "$1" | sed 's/../& /g' | awk -v order="$order" '{
		for (i = 1; i <= 8; i++) printf "%s ", order == "big" ? $i : $(9 - i) }'
}

# A pinned hash map like bcc's users make, holding one id.
pin_id_map() {
	local path=$1 id=$2
	mkdir -p /sys/fs/bpf 2>/dev/null
	rm -f "$path"
	# u64_hex prints 8 words on purpose
	# shellcheck disable=SC2046
	$BPFTOOL map create "$path" type hash key 8 value 8 entries 128 name idset >/dev/null &&
		$BPFTOOL map update pinned "$path" key hex $(u64_hex "$id") value hex $(u64_hex 1) &&
		PINNED="$PINNED $path"
}

make_cgroup() {
	local root
	root=$(cgroup2_root)
	[ -n "$root" ] || return 1
	CGROUP_DIR=$root/bindsnoop-e2e-$$
	mkdir -p "$CGROUP_DIR"
}

# The backend auto picks here (or the one asked for).
backend_in_use() {
	if [ "$BACKEND" != auto ]; then
		echo "$BACKEND"
		return
	fi
	# The gate held auto to it.
	echo "$CHOSEN"
}

# unseen_line [REASON]: the line bindsnoop starts with when the backend in
# use does not see every way of taking a port this kernel has (backends.c,
# report_unseen), as this kernel's expectations say it must read; nothing
# where it sees them all. The tracepoint backend sees the kernel's own
# sockets through a cgroup post_bind program, where the kernel lets that
# program read them (the expectations item postbind); REASON: another
# reason it does not (the min_caps group's missing CAP_NET_ADMIN). On
# ppc64el it has no program for socketcall(SYS_BIND), which that
# architecture has (glibc binds with bind(2) there; s390x's glibc binds
# with socketcall, and the tracepoint backend follows it there).
#
# The tracepoint backend sees a 32-bit x86 program's bind (a raw sys_exit
# program), not its listen() or SCTP bindx (the syscalls:* tracepoints skip
# 32-bit syscalls): where such programs run (compat32), the line ends with
# those, "listen, bindx from 32-bit x86 programs" (bindx where SCTP is);
# where io_uring has IORING_OP_LISTEN (iouring), "io_uring listen without a
# completion or on a fixed file" (io_uring.bpf.h follows it from those).
unseen_line() {
	local ways='' why=${1:-} partly=''
	[ "$(backend_in_use)" = tracepoint ] || return 0
	[ "$(uname -m)" = ppc64le ] && ways=socketcall
	if [ -z "$why" ] && [ "$(expect_verdict postbind)" = absent ]; then
		why="this kernel does not let cgroup post_bind programs read the socket (bpf_probe_read_kernel, bpf_get_current_task)"
	fi
	[ -n "$why" ] && ways+="${ways:+, }kernel (the kernel's own sockets: $why)"
	if [ "$(expect_verdict compat32)" = present ]; then
		partly=listen
		[ "$(expect_verdict sctp)" = present ] && partly+=", bindx"
		ways+="${ways:+; }$partly from 32-bit x86 programs"
	fi
	# Its io_uring listen: from the completion and the request's file only.
	[ "$(expect_verdict iouring)" = present ] &&
		ways+="${ways:+; }io_uring listen without a completion or on a fixed file"
	[ -n "$ways" ] || return 0
	echo "bindsnoop: backend tracepoint does not see ports taken by: $ways"
}

# banner_lines: what bindsnoop writes on stderr before any event: that line
# where there is one, then the banner.
banner_lines() {
	unseen_line
	echo "Tracing binds ... Hit Ctrl-C to end"
}

# libc_bind_via: JSON's via for a bind made through libc here: s390x's
# glibc binds with socketcall(SYS_BIND), every other one with bind(2).
libc_bind_via() {
	if [ "$(uname -m)" = s390x ]; then echo socketcall; else echo bind; fi
}
