#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/package-arm64.sh - the Debian package, cross-built for arm64 on this
# machine, and the binary in that .deb running in an arm64 guest:
#   chroot        a chroot of this machine's Debian release, made with
#                 mmdebstrap from this machine's own mirror
#                 (tests/lib/apt-mirror.sh), with arm64 as a foreign
#                 architecture inside it only
#   build_deps    `apt-get build-dep -a arm64` installed debian/control's
#                 Build-Depends for a cross build, and dpkg-checkbuilddeps
#                 -a arm64 agrees they are all there
#   build         dpkg-buildpackage -a arm64 -b -us -uc, in the chroot
#   lintian       no error and no warning (debian/bindsnoop.lintian-overrides
#                 is the package's own); lintian's output is shown
#   deb_arch      the .deb says Architecture: arm64
#   elf_aarch64   its /usr/sbin/bindsnoop is a 64-bit aarch64 ELF
#   guest_libs    in the guest, that binary (unpacked from the .deb) loads
#                 the arm64 libraries it needs from the chroot, copied into
#                 the payload, not any others
#   (the guest)   tests/e2e.sh's columns group with that binary in Debian
#                 12's 6.12 arm64 kernel under qemu (tests/vmtest/vmtest.sh):
#                 each bind's line compared whole with the expected row;
#                 its checks are counted here
#   host_dpkg_untouched, mounts_private
#                 this machine's dpkg has no new foreign architecture, and
#                 none of the chroot's mounts is left here
#
# As root. PACKAGE_ARM64_CACHE (default /var/tmp/bindsnoop-package-arm64-cache,
# outside the tree) keeps the chroot; it is made again when missing, when the
# mirror, the package list or debian/control changed, or with
# PACKAGE_ARM64_REFRESH=1. The guest's kernel and tools go to VMTEST_CACHE
# as for the qemu matrix. Logs: $PACKAGE_ARM64_CACHE/logs.
# Ends with "N passed, N failed, N skipped"; exit status 1 on any failure.

set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
# shellcheck source=tests/lib/lintian.sh
. tests/lib/lintian.sh
# shellcheck source=tests/lib/debian-apt.sh
. tests/lib/debian-apt.sh

CACHE=$(realpath -m "${PACKAGE_ARM64_CACHE:-/var/tmp/bindsnoop-package-arm64-cache}")
ROOT=$CACHE/root
STAMP=$CACHE/stamp
LOGS=$CACHE/logs
PAYLOAD=$CACHE/payload
SUITE=$(host_suite)
KERNEL=6.12-arm64
# The chroot's tools; the Build-Depends come from debian/control (build-dep).
# The cross C compiler alone, not crossbuild-essential-arm64: no C++ and no
# dpkg-cross for a C package, and neither dpkg-buildpackage nor apt-get
# build-dep asks for them.
PACKAGES="build-essential gcc-aarch64-linux-gnu debhelper dpkg-dev lintian"
started=$SECONDS

stop() { fail "$1" "$2"; summary; exit 1; }
# took T0: the seconds since T0, for the notes.
took() { echo "$((SECONDS - $1)) s"; }

[ "$(id -u)" = 0 ] || { skip package_arm64 "needs root (mmdebstrap, chroot, qemu's initramfs)"; summary; exit 0; }
case $CACHE/ in
"$TOP"/*) stop cache "PACKAGE_ARM64_CACHE=$CACHE is inside the source tree, which is copied into the chroot" ;;
esac
if ! command -v mmdebstrap >/dev/null; then
	note "installing mmdebstrap (apt-get)"
	{ apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
			apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null 2>&1; }; } ||
		stop chroot "mmdebstrap is not installed and apt-get install mmdebstrap failed"
fi
mkdir -p "$LOGS" || stop cache "cannot make $LOGS"
exec 9>"$CACHE/lock"
if ! flock -n 9; then
	note "waiting for another tests/package-arm64.sh using $CACHE"
	flock -w 1200 9 || stop cache "$CACHE/lock: still held by another run after 20 minutes"
fi
rm -f "$LOGS"/*.log "$LOGS"/*.rc
FOREIGN_BEFORE=$(dpkg --print-foreign-architectures | sort | tr '\n' ' ')

# Every command in the chroot gets a mount namespace of its own, with /proc
# and /dev mounted in it: they go away with its last process, however it ends.
in_chroot() {
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
	unshare --mount --propagation private -- sh -c '
		root=$1; shift
		mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" || exit 125
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"' sh "$ROOT" "$@"
}

# ---- the chroot ----

# Makes $ROOT with mmdebstrap (in a mount namespace of its own too), unless
# the cached one came from the same mirror, packages and debian/control.
# apt-get build-dep runs in mmdebstrap's customize hook, where the
# chroot's apt has its sources and the network; its status goes to
# $LOGS/build-dep.status, kept with the chroot.
ensure_chroot() {
	local mirrors archive security want t0=$SECONDS err
	mirrors=$(tests/lib/apt-mirror.sh 2>"$LOGS/apt-mirror.log") ||
		stop chroot "cannot tell this machine's Debian mirror: $(tail -n 1 "$LOGS/apt-mirror.log")"
	archive=$(awk '$1 == "archive" { print $2 }' <<<"$mirrors")
	security=$(awk '$1 == "security" { print $2 }' <<<"$mirrors")
	want="$SUITE $archive $security $PACKAGES $(sha256sum <debian/control | cut -c1-16)"
	if [ -z "${PACKAGE_ARM64_REFRESH:-}" ] && [ -d "$ROOT" ] && [ -s "$STAMP" ] &&
		[ "$(<"$STAMP")" = "$want" ]; then
		pass "chroot: cached, made $(date -u -r "$STAMP" '+%Y-%m-%d %H:%M UTC')"
		return
	fi
	note "chroot: mmdebstrap $SUITE (amd64, foreign arm64) from $archive"
	rm -f "$STAMP" "$CACHE/build-dep.status"
	# --one-file-system: never follow a mount, should one be there after all.
	rm -rf --one-file-system "$ROOT" "$ROOT.new" || stop chroot "cannot remove the old chroot in $CACHE"
	mkdir -p "$CACHE/control/debian" && cp debian/control "$CACHE/control/debian/" ||
		stop chroot "cannot copy debian/control to $CACHE/control"
	# shellcheck disable=SC2016 # "$1" is the chroot, in mmdebstrap's hook
	if ! unshare --mount --propagation private -- mmdebstrap --variant=apt --mode=root \
		--architectures=amd64,arm64 \
		--aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt=force-unsafe-io \
		--include="${PACKAGES// /,}" \
		--customize-hook='mkdir -p "$1/root/control" && cp -r '"$CACHE/control/debian"' "$1/root/control/"' \
		--customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y \
			--no-install-recommends -a arm64 /root/control >'"$LOGS/build-dep.out"' 2>&1;
			echo $? >'"$CACHE/build-dep.status" \
		"$SUITE" "$ROOT.new" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive $SUITE main" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $security $SUITE-security main" \
		>"$LOGS/mmdebstrap.log" 2>&1; then
		err=$(grep -m1 -E '^E: ' "$LOGS/mmdebstrap.log" || tail -n 1 "$LOGS/mmdebstrap.log")
		rm -rf --one-file-system "$ROOT.new"
		stop chroot "mmdebstrap $SUITE from $archive failed: $err (log: $LOGS/mmdebstrap.log)"
	fi
	mv "$ROOT.new" "$ROOT" || stop chroot "cannot move the new chroot into place ($ROOT)"
	echo "$want" >"$STAMP"
	pass "chroot: made in $(took "$t0") ($(du -sm "$ROOT" | cut -f1) MB, $ROOT)"
}

# ---- the build ----

check_build_deps() {
	local status out
	status=$(cat "$CACHE/build-dep.status" 2>/dev/null)
	if [ "$status" != 0 ]; then
		fail build_deps "apt-get build-dep -a arm64 exited with status ${status:-unknown}: $(grep -m1 '^E: ' "$LOGS/build-dep.out" 2>/dev/null) (log: $LOGS/build-dep.out)"
		return 1
	fi
	if ! out=$(in_chroot dpkg-checkbuilddeps -a arm64 /root/control/debian/control 2>&1); then
		fail build_deps "dpkg-checkbuilddeps -a arm64: $out"
		return 1
	fi
	pass "build_deps: apt-get build-dep -a arm64 installed them; $(in_chroot dpkg-query -W -f='${Package}:${Architecture} ${Version}\n' \
		clang bpftool libbpf-dev:arm64 pkg-config:arm64 | tr '\n' ' ')"
}

VERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
DEB=bindsnoop_${VERSION}_arm64.deb
CHANGES=bindsnoop_${VERSION}_arm64.changes

# The tree as it is (committed or not), less what a build makes or caches,
# in /build/bindsnoop-VERSION: dpkg-buildpackage writes to the folder above.
build_deb() {
	local t0=$SECONDS
	if ! { rm -rf --one-file-system "$ROOT/build" && mkdir -p "$ROOT/build/bindsnoop-$VERSION" &&
		tar -C "$TOP" --anchored --exclude=./.git --exclude=./.cache --exclude=./build \
			--exclude=./bindsnoop -cf - . | tar -C "$ROOT/build/bindsnoop-$VERSION" -xf -; }; then
		stop build "copying the tree into $ROOT/build failed"
	fi
	# No -dbgsym package: one package less to build and to lint.
	if in_chroot sh -c "cd /build/bindsnoop-$VERSION && DEB_BUILD_OPTIONS=noddebs \
		dpkg-buildpackage -a arm64 -b -us -uc" >"$LOGS/build.log" 2>&1 &&
		[ -f "$ROOT/build/$DEB" ]; then
		pass "build: $DEB in $(took "$t0"), $(grep -c -- '-gnu-gcc ' "$LOGS/build.log") aarch64-linux-gnu-gcc commands"
	else
		fail build "dpkg-buildpackage -a arm64 failed; the end of its log ($LOGS/build.log):"
		tail -n 20 "$LOGS/build.log" | sed 's/^/#   /'
		return 1
	fi
	# What the cross build must have used: the target's compiler and pkg-config.
	if grep -q 'aarch64-linux-gnu-gcc .*-c bindsnoop.c' "$LOGS/build.log" &&
		grep -q 'PKG_CONFIG=aarch64-linux-gnu-pkg-config' "$LOGS/build.log"; then
		pass build_cross_tools
	else
		fail build_cross_tools "no aarch64-linux-gnu-gcc compile or PKG_CONFIG=aarch64-linux-gnu-pkg-config in $LOGS/build.log"
	fi
}

lint() {
	local t0=$SECONDS rc
	in_chroot lintian -I -L +pedantic "/build/$CHANGES" >"$LOGS/lintian.out" 2>"$LOGS/lintian.err"
	rc=$?
	lintian_verdict "$LOGS/lintian.out" "$LOGS/lintian.err" "$rc" "in $(took "$t0")"
}

# elf_desc FILE: "64-bit little-endian machine N" from FILE's ELF header.
elf_desc() {
	local head
	head=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n')
	[ "${head:0:8}" = 7f454c46 ] || { echo "not an ELF file"; return; }
	echo "$((${head:8:2} * 32))-bit $([ "${head:10:2}" = 01 ] && echo little || echo big)-endian machine $((16#${head:38:2}${head:36:2}))"
}

check_deb() {
	local arch desc
	arch=$(dpkg-deb -f "$ROOT/build/$DEB" Architecture)
	if [ "$arch" = arm64 ]; then pass deb_arch; else fail deb_arch "Architecture: '$arch'"; fi
	rm -rf "$PAYLOAD" && mkdir -p "$PAYLOAD/pkg" && dpkg-deb -x "$ROOT/build/$DEB" "$PAYLOAD/pkg" ||
		stop unpack "dpkg-deb -x $DEB failed"
	desc=$(elf_desc "$PAYLOAD/pkg/usr/sbin/bindsnoop")
	if [ "$desc" = "64-bit little-endian machine 183" ]; then
		pass "elf_aarch64: usr/sbin/bindsnoop is $desc (EM_AARCH64)"
	else
		fail elf_aarch64 "usr/sbin/bindsnoop: $desc"
	fi
}

# ---- the guest ----

LIBDIRS="/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu"
# needed_libs ELF: the sonames ELF needs (in the chroot's arm64 tree), and
# theirs, each once; glibc's own (libc, the loader) are left out.
needed_libs() {
	local elf=$1 lib dir
	for lib in $(in_chroot readelf -dW "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		case $lib in libc.so.* | ld-linux-*) continue ;; esac
		for dir in $LIBDIRS; do
			[ -e "$ROOT$dir/$lib" ] || continue
			echo "$dir/$lib"
			needed_libs "$dir/$lib"
			break
		done
	done | awk '!seen[$0]++'
}

# The payload: the unpacked .deb, the libraries its binary needs taken from
# the chroot (glibc is the guest's own, Debian 12's libc6:arm64 as here),
# a static arm64 workload built in the chroot, e2e.sh and a wrapper that
# points both at them.
make_payload() {
	local libs lib
	mkdir -p "$PAYLOAD/lib" "$PAYLOAD/build" "$PAYLOAD/tests/lib"
	libs=$(needed_libs "/build/bindsnoop-$VERSION/debian/bindsnoop/usr/sbin/bindsnoop")
	[ -n "$libs" ] || stop payload "readelf found no library that usr/sbin/bindsnoop needs"
	for lib in $libs; do
		cp -L "$ROOT$lib" "$PAYLOAD/lib/" || stop payload "cannot copy $lib from the chroot"
	done
	echo "$libs" | sed 's|.*/||' >"$PAYLOAD/libs.expected"
	note "payload libraries from the chroot: $(tr '\n' ' ' <"$PAYLOAD/libs.expected")"
	if ! in_chroot make -C "/build/bindsnoop-$VERSION" --no-print-directory ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- LDFLAGS=-static OUTPUT=build/guest build/guest/workload \
		>"$LOGS/workload.log" 2>&1; then
		stop payload "building the arm64 workload failed: $(tail -n 1 "$LOGS/workload.log")"
	fi
	cp "$ROOT/build/bindsnoop-$VERSION/build/guest/workload" "$PAYLOAD/build/"
	copy_e2e_suite "$PAYLOAD"
	# /init runs it in /suite as "./packaged.sh --backend auto".
	cat >"$PAYLOAD/packaged.sh" <<-'EOF'
		#!/bin/sh
		# The .deb's binary, with the libraries beside it; e2e.sh's columns group.
		export BINDSNOOP=/suite/pkg/usr/sbin/bindsnoop LD_LIBRARY_PATH=/suite/lib
		LD_TRACE_LOADED_OBJECTS=1 "$BINDSNOOP" | sed 's/^[[:space:]]*/# ld: /'
		exec ./tests/e2e.sh "$@" columns
	EOF
	chmod 755 "$PAYLOAD/packaged.sh"
}

# The guest's console, its "# ld:" lines, its checks (printed and counted
# as ours), and its row.
run_guest() {
	local t0=$SECONDS out=$CACHE/vmtest-out rc row f lib got bad=
	rm -rf "$out"
	VMTEST_OUT=$out tests/vmtest/vmtest.sh --payload "arm64=$PAYLOAD" --kernels "$KERNEL" \
		--backends auto --suite ./packaged.sh --suite-timeout 240 -j 1 >"$LOGS/vmtest.log" 2>&1
	rc=$?
	row=$(grep -E "^[^ ]+ auto: $CLOSING_RE" "$LOGS/vmtest.log" | tail -n 1)
	if [ -z "$row" ]; then
		fail guest "vmtest.sh exit status $rc, no row: $(tail -n 1 "$LOGS/vmtest.log") (log: $LOGS/vmtest.log)"
		return
	fi
	# The backend's part of the console.
	awk '/@@vmtest begin auto$/ { on = 1; next } /@@vmtest end auto / { on = 0 } on' \
		"$out/$KERNEL.log" >"$LOGS/guest.log"
	for lib in $(cat "$PAYLOAD/libs.expected"); do
		got=$(awk -v l="$lib" '$3 == l { print $5 }' "$LOGS/guest.log")
		[ "$got" = "/suite/lib/$lib" ] || bad="$bad $lib => ${got:-not loaded}"
	done
	if [ -n "$bad" ]; then
		fail guest_libs "the packaged binary did not load the chroot's libraries:$bad"
	else
		pass "guest_libs: $(tr '\n' ' ' <"$PAYLOAD/libs.expected")from /suite/lib"
	fi
	grep -E '^(ok|FAIL|skip|pre|#) ' "$LOGS/guest.log" | grep -v '^# ld: '
	add_counts "${row#*: }"
	read -r _ f _ <<<"$(counts_of "${row#*: }")"
	note "guest: $row, in $(took "$t0") ($(awk '/boot timings/ { getline; print $3, $4, $5, $6, $7, $8, $9 }' "$LOGS/vmtest.log" | tr -s ' '))"
	[ "$rc" = 0 ] || [ "$f" != 0 ] || fail guest "vmtest.sh exit status $rc with no failed check (log: $LOGS/vmtest.log)"
}

t0=$SECONDS
ensure_chroot
note "chroot at $(took "$t0")"
if check_build_deps && build_deb; then
	note "build at $(took "$t0")"
	lint
	check_deb
	note "lintian and checks at $(took "$t0")"
	make_payload
	run_guest
	note "guest at $(took "$t0")"
fi

if [ "$(dpkg --print-foreign-architectures | sort | tr '\n' ' ')" = "$FOREIGN_BEFORE" ]; then
	pass "host_dpkg_untouched: foreign architectures here: ${FOREIGN_BEFORE:-none}"
else
	fail host_dpkg_untouched "was '$FOREIGN_BEFORE', now '$(dpkg --print-foreign-architectures | tr '\n' ' ')'"
fi
check_no_mounts_under "$ROOT" here
note "package-arm64 stage: $((SECONDS - started)) s"
summary
[ "$FAILED" = 0 ]
