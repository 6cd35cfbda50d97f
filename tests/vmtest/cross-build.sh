#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/vmtest/cross-build.sh ARCH [NAME...]
#
# Builds bindsnoop and the test workload (or the NAMEs given: bindsnoop,
# workload, floor, bindloop) for ARCH (arm64, powerpc, s390) into build/ARCH/, linked statically so that a guest needs no libraries
# for them. The compiler is clang (--target), the linker the GNU one of
# binutils-TRIPLET, and the target's C library, libbpf, libelf and zlib
# come from ARCH's Debian packages of this machine's release, unpacked in
# a folder of their own (VMTEST_CACHE/sysroot/ARCH): the host's dpkg gets
# no foreign architecture. Apt output goes to build/ARCH/sysroot.log.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/debian-apt.sh
. "$top/tests/lib/debian-apt.sh"

die() { printf 'cross-build.sh: %s\n' "$*" >&2; exit 1; }

[[ $# -ge 1 ]] || die "usage: tests/vmtest/cross-build.sh ARCH [NAME...]"
arch=$1
shift
names=("$@")
[[ $# -gt 0 ]] || names=(bindsnoop workload)
targets=()
for name in "${names[@]}"; do
	case $name in
	bindsnoop | workload | floor | bindloop | startup) targets+=("build/$arch/$name") ;;
	*) die "$name: not something this builds (bindsnoop, workload, floor, bindloop, startup)" ;;
	esac
done
arch_facts "$arch" || die "$arch: not an architecture this knows (x86, arm64, powerpc, s390)"
[[ -f $top/vmlinux/$arch/vmlinux.h ]] || die "$arch: no vmlinux/$arch/vmlinux.h (vmlinux/from-debian.sh $arch makes one)"
cache=$(realpath -m -- "${VMTEST_CACHE:-$top/.cache/vmtest}")
out=$top/build/$arch
mkdir -p "$out"
log=$out/sysroot.log
: >"$log"

if ! command -v "$TRIPLET-ld" >/dev/null; then
	echo "cross-build.sh: installing binutils-$TRIPLET"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"binutils-$TRIPLET" >>"$log" 2>&1 ||
		die "apt-get install binutils-$TRIPLET failed (log: $log)"
fi

# What the link needs: the C library and its start files, libgcc (and
# its crtbegin.o), the libraries bindsnoop links, their static archives.
debian_root "$cache/sysroot/$arch" "$(host_suite)" "$DEB_ARCH" "$log" \
	libc6-dev libgcc-12-dev libbpf-dev libelf-dev zlib1g-dev libzstd-dev ||
	{ tail -n 5 "$log" >&2; die "cannot fetch the $DEB_ARCH packages (log: $log)"; }
sysroot=$cache/sysroot/$arch/root

# The skeleton: bpftool opens the BPF object to list its maps and
# programs, and a libbpf before Linux 6.13's ("Support opening bpf objects
# of either endianness") refuses an object of the other byte order:
# "libbpf: elf: endianness mismatch", for s390's bpfeb object, from Debian
# 12's bpftool (7.1, libbpf 1.1) and Debian 13's (7.5, libbpf 1.5) alike.
# So for such a target, the bpftool of BPFTOOL_SUITE (default forky,
# Debian 14: 7.8, libbpf 1.8) is fetched for this machine's architecture
# into VMTEST_CACHE/bpftool and run through its own dynamic loader with its
# own libraries. BPFTOOL=... overrides.
target_endian=$ENDIAN
arch_facts "$(host_arch)" || die "$(host_arch): this machine's architecture is not one this knows"
bpftool=${BPFTOOL:-bpftool}
if [[ -z ${BPFTOOL:-} && $target_endian != "$ENDIAN" ]]; then
	bt_suite=${BPFTOOL_SUITE:-forky}
	bt=$cache/bpftool/$bt_suite-$DEB_ARCH
	debian_root "$bt" "$bt_suite" "$DEB_ARCH" "$log" bpftool ||
		{ tail -n 5 "$log" >&2; die "cannot fetch $bt_suite's bpftool for $DEB_ARCH (log: $log)"; }
	interp=$(readelf -l "$bt/root/usr/sbin/bpftool" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	# Unpacked without base-files' /lib64 -> usr/lib64 link: /usr has it.
	[[ -e $bt/root$interp || ! -e $bt/root/usr$interp ]] || interp=/usr$interp
	[[ -e $bt/root$interp ]] || die "$bt/root/usr/sbin/bpftool: no program interpreter '$interp' in $bt/root"
	bpftool=$out/bpftool-$bt_suite
	cat >"$bpftool" <<-EOF
		#!/bin/sh
		# $bt_suite's bpftool with its own loader and libraries (cross-build.sh).
		exec "$bt/root$interp" --library-path "$bt/root/usr/lib/$TRIPLET:$bt/root/lib/$TRIPLET" "$bt/root/usr/sbin/bpftool" "\$@"
	EOF
	chmod +x "$bpftool"
	"$bpftool" version >/dev/null || die "$bpftool does not run"
fi
arch_facts "$arch"

# pkg-config reads the target's .pc files and prefixes the sysroot.
export PKG_CONFIG_SYSROOT_DIR=$sysroot
export PKG_CONFIG_LIBDIR=$sysroot/usr/lib/$TRIPLET/pkgconfig:$sysroot/usr/share/pkgconfig
# A static libelf needs libzstd and zlib after it: --static lists them.
make -C "$top" --no-print-directory ARCH="$arch" OUTPUT="build/$arch" BINARY="build/$arch/bindsnoop" BPFTOOL="$bpftool" \
	CC="clang --target=$TRIPLET --sysroot=$sysroot" PKG_CONFIG="pkg-config --static" \
	LDFLAGS="-static" "${targets[@]}"
