#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The Debian 13 (trixie) toolchain (gcc 14, clang 19, libbpf 1.5, bpftool
# 7.5), in a trixie chroot made from this machine's own Debian mirror
# (tests/lib/apt-mirror.sh):
#   build_gcc, build_clang  bindsnoop, the workload and the unit tests built
#                           with Debian's hardening flags, warnings as errors
#                           on the user side (CFLAGS) and the BPF side
#                           (BPF_CFLAGS); no warning in the build log
#   sources_*               tests/fuzz/*.c and bench/*.c compile clean too
#   libbpf                  the binary loads trixie's libbpf, not another one
#   unit                    the cmocka unit tests, each one counted
#   e2e                     tests/e2e.sh --backend tracepoint with the
#                           trixie-built binary on this kernel, over the ring
#                           buffer and over the forced perf buffer
#   mounts_private          none of the chroot's mounts is seen outside
#
#   tests/trixie.sh [--startup [RUNS]]
#
# --startup also measures start-up (exec to the header, bench/startup.c) of
# the trixie build and of the same sources built on this machine (both with
# their release's hardening flags), runs of the two interleaved, and prints the medians of RUNS (11) each; reported, never
# asserted (a start that prints no header is a failure).
#
# As root. Everything after the host checks runs in a private mount
# namespace: the chroot's /proc, /sys, /dev, a fresh bpffs (the suite's pins
# stay private) and tracefs are never visible outside it and go away with its
# last process, whatever the exit path (kill -9 included); a trap detaches
# them earlier on a normal exit.
#
# TRIXIE_CACHE (default /var/tmp/bindsnoop-trixie-cache, outside the tree)
# keeps the chroot. It is made again (mmdebstrap, 30 to 80 s) when it is
# missing, when its package list or mirror changed, when it is older than
# TRIXIE_MAX_AGE_DAYS (7), or with TRIXIE_REFRESH=1. Logs: $TRIXIE_CACHE/logs.
# Ends with "N passed, N failed, N skipped"; exit status 1 on any failure.

set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD

SUITE=trixie
STARTUP_RUNS=
PART=host
case ${1:-} in
--startup)
	STARTUP_RUNS=${2:-11}
	[[ $STARTUP_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "tests/trixie.sh: --startup $STARTUP_RUNS: need a number of runs" >&2; exit 64; }
	;;
--in-namespace) PART=namespace STARTUP_RUNS=${2:-} ;;	# part one starts part two so
"") ;;
*) echo "usage: tests/trixie.sh [--startup [RUNS]]" >&2; exit 64 ;;
esac

CACHE=$(realpath -m "${TRIXIE_CACHE:-/var/tmp/bindsnoop-trixie-cache}")
MAX_AGE_DAYS=${TRIXIE_MAX_AGE_DAYS:-7}
[[ $MAX_AGE_DAYS =~ ^[0-9]+$ ]] || { echo "tests/trixie.sh: TRIXIE_MAX_AGE_DAYS=$MAX_AGE_DAYS: need a number of days" >&2; exit 64; }
ROOT=$CACHE/root
STAMP=$CACHE/stamp
LOGS=$CACHE/logs
COUNTS=$LOGS/counts
MOUNTED_MARK=$LOGS/mounted	# part two mounted something

# BUILD; the rest is what the unit tests and the e2e suite run (cmocka, jq,
# ip, unshare/setpriv, capsh, awk, mount), dpkg-buildflags, and on x86-64 the
# 32-bit libc for the workload's 32-bit build (the e2e compat32 cases).
# shellcheck source=tests/lib/packages.sh
. tests/lib/packages.sh
MULTILIB=
EXTRA_TARGETS=
if [ "$(uname -m)" = x86_64 ]; then
	MULTILIB=gcc-multilib
	EXTRA_TARGETS=workload32
fi
# shellcheck disable=SC2086 # BUILD is a list
PACKAGES=$(printf '%s\n' $BUILD libcmocka-dev jq iproute2 util-linux libcap2-bin strace mawk dpkg-dev mount $MULTILIB | sort -u | tr '\n' ' ')
PACKAGES=${PACKAGES% }

# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

# ======================================================================
# Part two, in the private mount namespace (see the end for part one).
# ======================================================================

# The counts go back to part one through a file; part one prints the closing line.
save_counts() { echo "$PASSED $FAILED $SKIPPED" >"$COUNTS"; }
# A precondition failed: one line naming the cause, and stop.
die() { fail "${2:-trixie}" "$1"; save_counts; exit 1; }

# Makes $ROOT, unless the cached one was made from the same mirror and
# package list, not too long ago.
ensure_chroot() {
	local mirrors archive security want reason='' t0 err
	if ! mirrors=$(tests/lib/apt-mirror.sh 2>"$LOGS/apt-mirror.log"); then
		die "cannot tell this machine's Debian mirror: $(tail -n 1 "$LOGS/apt-mirror.log")" chroot
	fi
	archive=$(awk '$1 == "archive" { print $2 }' <<<"$mirrors")
	security=$(awk '$1 == "security" { print $2 }' <<<"$mirrors")
	want="$SUITE $archive $security $PACKAGES"
	if [ -n "${TRIXIE_REFRESH:-}" ]; then
		reason="TRIXIE_REFRESH is set"
	elif [ ! -s "$STAMP" ] || [ ! -d "$ROOT" ]; then
		reason="none in $CACHE"
	elif [ "$(<"$STAMP")" != "$want" ]; then
		reason="the package list or the mirror changed"
	elif [ -n "$(find "$STAMP" -mmin +$((MAX_AGE_DAYS * 1440)))" ]; then
		reason="the cached one is older than $MAX_AGE_DAYS days"
	fi
	if [ -z "$reason" ]; then
		note "chroot: cached, made $(date -u -r "$STAMP" '+%Y-%m-%d %H:%M UTC') ($ROOT)"
		return 0
	fi
	note "chroot: making one ($reason): mmdebstrap $SUITE from $archive"
	t0=$SECONDS
	rm -f "$STAMP"
	# --one-file-system: never follow a mount, should one be there after all.
	rm -rf --one-file-system "$ROOT" "$ROOT.new" || die "cannot remove the old chroot in $CACHE" chroot
	if ! mmdebstrap --variant=apt --mode=root \
		--aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--include="${PACKAGES// /,}" "$SUITE" "$ROOT.new" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive $SUITE main" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $security $SUITE-security main" \
		>"$LOGS/mmdebstrap.log" 2>&1; then
		err=$(grep -m1 -E '^E: ' "$LOGS/mmdebstrap.log" || tail -n 1 "$LOGS/mmdebstrap.log")
		rm -rf --one-file-system "$ROOT.new"
		die "mmdebstrap $SUITE from $archive failed: $err (log: $LOGS/mmdebstrap.log)" chroot
	fi
	mv "$ROOT.new" "$ROOT" || die "cannot move the new chroot into place ($ROOT)" chroot
	echo "$want" >"$STAMP"
	note "chroot: made in $((SECONDS - t0)) s ($ROOT)"
}

MOUNTED=
mount_chroot() {
	# unshare -m inside the chroot (the e2e suite's mntns case) makes / private,
	# which needs / to be a mount point.
	mount --bind "$ROOT" "$ROOT" || die "mount --bind $ROOT failed" mounts
	MOUNTED=1
	: >"$MOUNTED_MARK"
	mount -t proc proc "$ROOT/proc" || die "mounting proc in the chroot failed" mounts
	mount --rbind /sys "$ROOT/sys" || die "mounting /sys in the chroot failed" mounts
	mount --rbind /dev "$ROOT/dev" || die "mounting /dev in the chroot failed" mounts
	mount -t tmpfs tmpfs "$ROOT/tmp" || die "mounting a tmpfs on the chroot's /tmp failed" mounts
	mount -t bpf bpf "$ROOT/sys/fs/bpf" || die "mounting a bpffs on the chroot's /sys/fs/bpf failed" mounts
	if [ "$(stat -f -c %T "$ROOT/sys/kernel/tracing")" != tracefs ]; then
		mount -t tracefs tracefs "$ROOT/sys/kernel/tracing" || die "mounting tracefs in the chroot failed" mounts
	fi
}

in_chroot() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"
}
# The same in the copy of the tree.
in_src() { in_chroot sh -c 'cd /src && exec "$@"' sh "$@"; }

# The tree as it is (uncommitted changes included), without anything built.
copy_tree() {
	if ! { rm -rf --one-file-system "$ROOT/src" && mkdir "$ROOT/src" &&
		tar -C "$TOP" --exclude-vcs --exclude=./build --exclude=./.cache --exclude=./bindsnoop -cf - . |
		tar -C "$ROOT/src" -xf -; }; then
		die "copying the tree into $ROOT/src failed" copy
	fi
}

# loaded_libbpf RUNNER BINARY: the file libbpf.so.1 resolves to for BINARY,
# "libbpf.so.1.5.0"; RUNNER is in_chroot or command.
loaded_libbpf() {
	local path
	path=$("$1" ldd "$2" | awk '$1 == "libbpf.so.1" { print $3 }')
	[ -n "$path" ] && "$1" readlink -f "$path" | sed 's|.*/||'
}

# The compiler's first error in a log, else make's, else its last line.
first_error() {
	grep -m1 -E ': (fatal )?error: ' "$1" || grep -m1 -F '***' "$1" || tail -n 1 "$1"
}

# build NAME CC OUTPUT BINARY: the tool, the workload and the unit tests,
# with Debian's flags for trixie packages and -Werror on both sides.
build() {
	local name=$1 cc=$2 out=$3 binary=$4 log=$LOGS/build-$1.log err bpf user missing
	if ! in_chroot make -C /src --no-print-directory -j"$(nproc)" V=1 CC="$cc" \
		OUTPUT="$out" BINARY="$binary" CFLAGS="$DEB_CFLAGS -Werror" LDFLAGS="$DEB_LDFLAGS" \
		BPF_CFLAGS=-Werror "$binary" "$out/workload" "$out/unit_tests" "$out/unit_config" "$out/floor" \
		${EXTRA_TARGETS:+"$out/$EXTRA_TARGETS"} >"$log" 2>&1; then
		err=$(first_error "$log")
		fail "build_$name" "make failed: $err (log: $log)"
		return 1
	fi
	pass "build_$name: $binary, $out/workload, $out/unit_tests, $out/unit_config, $out/floor${EXTRA_TARGETS:+, $out/$EXTRA_TARGETS}"
	if err=$(grep -m1 -i 'warning' "$log"); then
		fail "build_${name}_no_warnings" "$err (log: $log)"
	else
		pass "build_${name}_no_warnings"
	fi
	# Every compiler command (the BPF object, the objects, the links) had
	# -Werror: a Makefile that dropped the user's flags would pass the two
	# checks above.
	bpf=$(awk '$1 == "clang" && / -target bpf /' "$log" | wc -l)
	user=$(awk -v cc="$cc" '$1 == cc && !/ -target bpf /' "$log" | wc -l)
	missing=$(awk -v cc="$cc" '($1 == cc || $1 == "clang") && !/ -Werror( |$)/' "$log" | head -n 1)
	if [ "$bpf" = 0 ] || [ "$user" = 0 ]; then
		fail "build_${name}_werror_everywhere" "$bpf BPF and $user $cc commands in the log, need both (log: $log)"
	elif [ -n "$missing" ]; then
		fail "build_${name}_werror_everywhere" "no -Werror in: $missing"
	else
		pass "build_${name}_werror_everywhere: $bpf BPF and $user $cc commands"
	fi
}

# The C sources the Makefile does not build, with the warnings their own
# scripts use (tests/fuzz.sh, bench/bench.sh).
build_other_sources() {
	local cc=$1 f log=$LOGS/sources-$1.log bad=
	: >"$log"
	for f in "$ROOT"/src/tests/fuzz/*.c "$ROOT"/src/bench/*.c; do
		f=${f#"$ROOT"/src/}
		# The floor is the Makefile's (a BPF object and its skeleton): built above.
		case $f in bench/floor.c | *.bpf.c) continue ;; esac
		# shellcheck disable=SC2086 # the flags, split on purpose
		in_src "$cc" $DEB_CFLAGS -Wall -Wextra -Werror \
			-I. -Ibuild -c "$f" -o /dev/null >>"$log" 2>&1 || bad="$bad $f"
	done
	if [ -n "$bad" ]; then
		fail "sources_$cc" "tests/fuzz or bench sources do not compile cleanly:$bad: $(first_error "$log")"
	else
		pass "sources_$cc: tests/fuzz/*.c bench/*.c, -Wall -Wextra -Werror"
	fi
}

# The binary must run with trixie's libbpf: the one libbpf-dev built against.
check_libbpf() {
	local so want
	so=$(loaded_libbpf in_chroot /src/bindsnoop)
	want=$(in_chroot pkg-config --modversion libbpf)
	if [ "$so" = "libbpf.so.$want" ]; then
		pass "libbpf: bindsnoop loads $so, libbpf-dev is $want"
	else
		fail libbpf "bindsnoop loads '${so:-no libbpf.so.1}', libbpf-dev is $want"
	fi
}

unit() {
	local out rc closing f prog
	# shellcheck source=tests/lib/cmocka.sh
	. tests/lib/cmocka.sh
	for prog in unit_tests unit_config; do
		out=$(in_chroot /src/build/$prog 2>&1)
		rc=$?
		echo "$out" >"$LOGS/$prog.log"
		closing=$(cmocka_closing "$out")
		if [ -z "$closing" ]; then
			fail "$prog" "no cmocka summary from build/$prog: $(tail -n 1 <<<"$out") (log: $LOGS/$prog.log)"
			continue
		fi
		add_counts "$closing"
		note "$prog (cmocka, gcc build): $closing"
		# cmocka lists the failed tests by name.
		sed -n "s/^\[  FAILED  \] \([a-z].*\)/FAIL $prog \1/p" <<<"$out"
		read -r _ f _ <<<"$(counts_of "$closing")"
		[ "$rc" = 0 ] || [ "$f" != 0 ] || fail "$prog" "exit status $rc with no failed test (log: $LOGS/$prog.log)"
		if in_chroot /src/build/clang/$prog >"$LOGS/$prog-clang.log" 2>&1; then
			pass "${prog}_clang: the clang build's $prog"
		else
			fail "${prog}_clang" "$(grep -m1 -E 'FAILED|ERROR' "$LOGS/$prog-clang.log") (log: $LOGS/$prog-clang.log)"
		fi
	done
}

# e2e LABEL [VAR=VALUE]: the host suite with the trixie-built binary, its
# cases counted as ours; its closing line is shown as "# e2e LABEL: ...".
e2e() {
	local label=$1 log=$LOGS/e2e-$1.log rc closing f
	shift
	in_chroot "$@" /src/tests/e2e.sh --backend tracepoint >"$log" 2>&1
	rc=$?
	grep -vE "^$CLOSING_RE\$" "$log"
	if ! closing=$(closing_line "$log"); then
		fail "e2e_$label" "no closing line (exit status $rc; log: $log)"
		return
	fi
	note "e2e $label: $closing"
	add_counts "$closing"
	read -r _ f _ <<<"$(counts_of "$closing")"
	[ "$rc" = 0 ] || [ "$f" != 0 ] || fail "e2e_$label" "exit status $rc with no failed case"
}

# Start-up of both builds, interleaved so that a busy moment hits both.
startup_compare() {
	local runs=$1 host host_bin=$LOGS/host/bindsnoop host_so trixie_so i backend args build where name so
	local med min max kb failed
	# The same sources built on this machine, outside the tree, with this
	# release's hardening flags as the trixie build has trixie's.
	local flags=(env DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get) cflags cppflags ldflags
	if ! cflags=$("${flags[@]}" CFLAGS) || ! cppflags=$("${flags[@]}" CPPFLAGS) || ! ldflags=$("${flags[@]}" LDFLAGS); then
		die "dpkg-buildflags failed on this machine (dpkg-dev)" startup
	fi
	rm -rf "$LOGS/host"
	make -C "$TOP" --no-print-directory -s OUTPUT="$LOGS/host" BINARY="$host_bin" \
		CFLAGS="$cflags $cppflags" LDFLAGS="$ldflags" "$host_bin" >"$LOGS/build-host.log" 2>&1 ||
		die "building bindsnoop on this machine failed (log: $LOGS/build-host.log)" startup
	cc -O2 -g -Wall -Wextra "$TOP/bench/startup.c" -o "$LOGS/startup.host" ||
		die "building bench/startup.c on this machine failed" startup
	in_src gcc -O2 -g -Wall -Wextra -Werror bench/startup.c -o build/startup ||
		die "building bench/startup.c in the chroot failed" startup
	host=$(. /etc/os-release && echo "${VERSION_CODENAME:-host}")
	host_so=$(loaded_libbpf command "$host_bin")
	trixie_so=$(loaded_libbpf in_chroot /src/bindsnoop)
	# shellcheck source=bench/lib.sh
	. bench/lib.sh
	for backend in auto tracepoint; do
		args=(--backend "$backend")
		: >"$LOGS/startup-host-$backend.log" && : >"$LOGS/startup-chroot-$backend.log"
		for ((i = 0; i < runs; i++)); do
			"$LOGS/startup.host" -n 1 -- "$host_bin" "${args[@]}" >>"$LOGS/startup-host-$backend.log"
			in_chroot /src/build/startup -n 1 -- /src/bindsnoop "${args[@]}" >>"$LOGS/startup-chroot-$backend.log"
		done
		for build in "host $host $host_so" "chroot $SUITE $trixie_so"; do
			read -r where name so <<<"$build"
			if failed=$(grep -m1 '^startup_ns=failed' "$LOGS/startup-$where-$backend.log"); then
				fail "startup_${name}_$backend" "bindsnoop printed no header: $failed"
				continue
			fi
			read -r med min max < <(sed -n 's/^startup_ns=\([0-9]*\) .*/\1/p' "$LOGS/startup-$where-$backend.log" |
				awk '{ print $1 / 1e6 }' | sort -g | median_min_max)
			read -r kb _ < <(sed -n 's/.* maxrss_kb=\([0-9]*\) .*/\1/p' "$LOGS/startup-$where-$backend.log" |
				sort -g | median_min_max)
			printf '# start-up, exec to header, --backend %-10s %-8s build (%s): median %5.1f ms (min %5.1f, max %5.1f) of %d, peak RSS %.1f MB\n' \
				"$backend" "$name" "$so" "$med" "$min" "$max" "$runs" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
		done
	done
}

in_namespace() {
	local t0=$SECONDS
	trap '[ -n "$MOUNTED" ] && umount -R -l "$ROOT" 2>/dev/null' EXIT
	ensure_chroot
	mount_chroot
	copy_tree
	note "$SUITE: gcc $(in_chroot gcc -dumpfullversion), clang $(in_chroot clang -dumpversion)," \
		"libbpf $(in_chroot pkg-config --modversion libbpf), $(in_chroot bpftool version | head -n 1)," \
		"libelf $(in_chroot pkg-config --modversion libelf)"
	local flags=(env DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get) cflags cppflags
	if ! cflags=$(in_src "${flags[@]}" CFLAGS) || ! cppflags=$(in_src "${flags[@]}" CPPFLAGS) ||
		! DEB_LDFLAGS=$(in_src "${flags[@]}" LDFLAGS); then
		die "dpkg-buildflags failed in the chroot" build
	fi
	# The Makefile has no CPPFLAGS (as in debian/rules): they ride in CFLAGS.
	DEB_CFLAGS="$cflags $cppflags"
	note "flags (dpkg-buildflags, hardening=+all): CFLAGS=$DEB_CFLAGS -Werror BPF_CFLAGS=-Werror LDFLAGS=$DEB_LDFLAGS"
	note "build (at $((SECONDS - t0)) s)"
	if build gcc gcc build bindsnoop; then
		check_libbpf
	fi
	build clang clang build/clang build/clang/bindsnoop
	build_other_sources gcc
	build_other_sources clang
	if [ -x "$ROOT/src/bindsnoop" ] && [ -x "$ROOT/src/build/unit_tests" ]; then
		note "unit (at $((SECONDS - t0)) s)"
		unit
		# The chroot has no bpftrace to work the host's expectations out
		# with: they are worked out here and handed in as a table.
		if (. tests/lib/expect.sh && expect_host_table host) >"$ROOT/src/tests/host.expectations"; then
			note "e2e, ring buffer (at $((SECONDS - t0)) s)"
			e2e ringbuf EXPECTATIONS=/src/tests/host.expectations E2E_KERNEL=host
			note "e2e, perf buffer (at $((SECONDS - t0)) s)"
			e2e perfbuf EXPECTATIONS=/src/tests/host.expectations E2E_KERNEL=host BINDSNOOP_FORCE_PERFBUF=1
		else
			fail e2e "cannot work out this host's expectations (tests/lib/expect.sh)"
		fi
	else
		fail tests "not run: the gcc build failed"
	fi
	[ -n "$STARTUP_RUNS" ] && startup_compare "$STARTUP_RUNS"
	note "done (at $((SECONDS - t0)) s)"
	save_counts
}

if [ "$PART" = namespace ]; then
	in_namespace
	exit 0
fi

# ======================================================================
# Part one, on the host: root, the host tool, the cache lock.
# ======================================================================

closing() {
	summary
	[ "$FAILED" = 0 ]
}
stop() { fail trixie "$1"; closing; exit 1; }

[ "$(id -u)" = 0 ] || stop "needs root (mmdebstrap, chroot, mounts)"
case $CACHE/ in
"$TOP"/*) stop "TRIXIE_CACHE=$CACHE is inside the source tree, which is copied into the chroot" ;;
esac
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			-o DPkg::Lock::Timeout=300 "$@" >/dev/null 2>&1
}
if ! command -v mmdebstrap >/dev/null; then
	note "installing mmdebstrap (apt-get)"
	apt_install mmdebstrap || stop "mmdebstrap is not installed and apt-get install mmdebstrap failed"
fi
# trixie's Release files are signed by its own keys; Debian 12's keyring has
# them from 2023.3+deb12u2 (April 2025) on.
trixie_keys() {
	[ -e /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] &&
		[ -e /usr/share/keyrings/debian-archive-trixie-stable.gpg ]
}
if ! trixie_keys; then
	note "debian-archive-keyring $(dpkg-query -W -f='${Version}' debian-archive-keyring 2>/dev/null) has no trixie keys: upgrading it (apt-get)"
	apt_install debian-archive-keyring
	trixie_keys || stop "debian-archive-keyring $(dpkg-query -W -f='${Version}' debian-archive-keyring 2>/dev/null) has no trixie keys (need 2023.3+deb12u2 or later)"
fi
mkdir -p "$LOGS" || stop "cannot make $LOGS"
exec 9>"$CACHE/lock"
if ! flock -n 9; then
	note "waiting for another tests/trixie.sh using $CACHE"
	flock -w 1200 9 || stop "$CACHE/lock: still held by another run after 20 minutes"
fi
rm -f "$COUNTS" "$MOUNTED_MARK" "$LOGS"/*.log
started=$SECONDS

# Part two's counts, the mount check, the closing line.
finish() {
	local p f s
	if [ -s "$COUNTS" ]; then
		read -r p f s <"$COUNTS"
		PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
	elif [ -z "$1" ]; then
		fail trixie "the chroot part ended without a result (exit status $2)"
	fi
	[ -n "$1" ] && fail trixie "interrupted by SIG$1 (exit status $2 of the chroot part)"
	# Its namespace is gone: none of its mounts may be left here.
	if [ -e "$MOUNTED_MARK" ]; then
		check_no_mounts_under "$ROOT" "outside the stage's namespace"
	fi
	note "trixie stage: $((SECONDS - started)) s"
	closing
	exit
}

# Part two runs in a session of its own, so that a signal to this script
# stops all of it (bash would wait for the suite to end): SIGTERM to its
# process group, whose shells then run their EXIT traps.
INNER=
# shellcheck disable=SC2317 # called by the traps below
on_signal() {
	local rc
	trap '' INT TERM HUP
	kill -TERM -- "-$INNER" 2>/dev/null
	wait "$INNER"
	rc=$?
	finish "$1" "$rc"
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP
setsid unshare --mount --propagation private -- "$BASH" "$0" --in-namespace "$STARTUP_RUNS" 9>&- &
INNER=$!
wait "$INNER"
finish "" "$?"
