#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/vmtest/cross-build.sh ARCH [NAME...]
#
# Builds bindsnoop and the test workload (or the NAMEs given: bindsnoop,
# workload, floor, bindloop) for ARCH (arm64, powerpc, s390, riscv) into build/ARCH/, linked statically so that a guest needs no libraries
# for them. The compiler is clang (--target), the linker the GNU one of
# binutils-TRIPLET, and the target's C library, libbpf, libelf and zlib
# come from ARCH's Debian packages of this machine's release (riscv64:
# Debian 13's, the first release with that architecture), unpacked in
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
arch_facts "$arch" || die "$arch: not an architecture this knows (x86, arm64, powerpc, s390, riscv)"
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
# They are of this machine's release, or of the first with ARCH (riscv64:
# Debian 13, whose libgcc is 14, not 12): libgcc-N-dev, N of the gcc that
# release's "gcc" package depends on.
suite=$(arch_suite "$arch")
debian_apt_setup "$cache/sysroot/$arch/apt" "$suite" "$DEB_ARCH" || die "no private apt setup for $suite $DEB_ARCH"
if ! compgen -G "$cache/sysroot/$arch/apt/state/lists/*Packages*" >/dev/null; then
	debian_apt_update "$log" || { tail -n 5 "$log" >&2; die "apt-get update for $suite $DEB_ARCH failed (log: $log)"; }
fi
gcc_major=$(apt-cache "${DEBIAN_APT[@]}" depends gcc 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^gcc-[0-9]+$/ { sub(/^gcc-/, "", $2); print $2; exit }')
[[ -n $gcc_major ]] || die "$suite $DEB_ARCH: its gcc package depends on no gcc-N (log: $log)"
debian_root "$cache/sysroot/$arch" "$suite" "$DEB_ARCH" "$log" \
	libc6-dev "libgcc-$gcc_major-dev" libbpf-dev libelf-dev zlib1g-dev libzstd-dev ||
	{ tail -n 5 "$log" >&2; die "cannot fetch the $DEB_ARCH packages of $suite (log: $log)"; }
sysroot=$cache/sysroot/$arch/root

# foreign_tool SUITE PACKAGE PATH: a script, printed, that runs PATH of
# SUITE's PACKAGE for this machine's architecture (fetched with what it
# depends on into VMTEST_CACHE/tools/SUITE-DEB_ARCH) through that
# release's own dynamic loader and libraries: a program of a newer Debian
# than this machine's, without installing it. Needs the host's arch_facts.
foreign_tool() {
	local t_suite=$1 pkg=$2 path=$3 dir interp wrapper
	dir=$cache/tools/$t_suite-$DEB_ARCH
	debian_root "$dir" "$t_suite" "$DEB_ARCH" "$log" "$pkg" ||
		{ tail -n 5 "$log" >&2; die "cannot fetch $t_suite's $pkg for $DEB_ARCH (log: $log)"; }
	interp=$(readelf -l "$dir/root$path" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	# Unpacked without base-files' /lib64 -> usr/lib64 link: /usr has it.
	[[ -e $dir/root$interp || ! -e $dir/root/usr$interp ]] || interp=/usr$interp
	[[ -e $dir/root$interp ]] || die "$dir/root$path: no program interpreter '$interp' in $dir/root"
	wrapper=$out/$(basename "$path")-$t_suite
	cat >"$wrapper" <<-EOF
		#!/bin/sh
		# $t_suite's $path ($pkg) with its own loader and libraries (cross-build.sh).
		exec "$dir/root$interp" --library-path "$dir/root/usr/lib/$TRIPLET:$dir/root/lib/$TRIPLET" "$dir/root$path" "\$@"
	EOF
	chmod +x "$wrapper"
	printf '%s\n' "$wrapper"
}

# The skeleton: bpftool opens the BPF object to list its maps and
# programs, and a libbpf before Linux 6.13's ("Support opening bpf objects
# of either endianness") refuses an object of the other byte order:
# "libbpf: elf: endianness mismatch", for s390's bpfeb object, from Debian
# 12's bpftool (7.1, libbpf 1.1) and Debian 13's (7.5, libbpf 1.5) alike.
# So for such a target, the bpftool of BPFTOOL_SUITE (default forky,
# Debian 14: 7.8, libbpf 1.8) is fetched for this machine's architecture
# and run through its own dynamic loader with its own libraries
# (foreign_tool). BPFTOOL=... overrides.
target_endian=$ENDIAN target_triplet=$TRIPLET
arch_facts "$(host_arch)" || die "$(host_arch): this machine's architecture is not one this knows"
bpftool=${BPFTOOL:-bpftool}
if [[ -z ${BPFTOOL:-} && $target_endian != "$ENDIAN" ]]; then
	bpftool=$(foreign_tool "${BPFTOOL_SUITE:-forky}" bpftool /usr/sbin/bpftool)
	"$bpftool" version >/dev/null || die "$bpftool does not run"
fi
# The linker: binutils-TRIPLET of the sysroot's release. A sysroot of a
# newer release than this machine's (riscv64: Debian 13's) has objects
# that this machine's linker cannot link: Debian 12's riscv64-linux-gnu-ld
# (2.40) dies of a segmentation fault on Debian 13's libc.a (GCC 14's
# R_RISCV_SET_ULEB128 and SUB_ULEB128 relocations, which lld 14 does not
# know either: "unknown relocation (60)"). That release's ld then, the
# same way as bpftool above.
ld=
if [[ $suite != "$(host_suite)" ]]; then
	ld=$(foreign_tool "$suite" "binutils-$target_triplet" "/usr/bin/$target_triplet-ld.bfd")
	"$ld" --version >/dev/null || die "$ld does not run"
fi
arch_facts "$arch"

# Debian's clang 14 (Debian 12) knows no multiarch folders for riscv64:
# it searches neither usr/include/riscv64-linux-gnu (bits/wordsize.h) nor
# usr/lib/riscv64-linux-gnu (crt1.o, libc.a). Where the target's
# include search lacks that folder, it is named: -isystem for the headers,
# -B for the start files, -L for the libraries.
cc=(clang "--target=$TRIPLET" "--sysroot=$sysroot")
ldflags=(-static)
[[ -z $ld ]] || ldflags+=("--ld-path=$ld")
if ! "${cc[@]}" -E -v -x c /dev/null 2>&1 >/dev/null | grep -qF "$sysroot/usr/include/$TRIPLET"; then
	cc+=(-isystem "$sysroot/usr/include/$TRIPLET" -B "$sysroot/usr/lib/$TRIPLET")
	ldflags+=(-L "$sysroot/usr/lib/$TRIPLET")
fi

# Debian 13's static libelf.a calls elfutils' internal search tree
# functions (eu_search_tree_init, ...) but has none of them, nor has any
# other static library of that release: tests/vmtest/eu-search.c stands
# in, linked in only when the sysroot's libelf.a needs it.
ldlibs=
libelf_a=$sysroot/usr/lib/$TRIPLET/libelf.a
libelf_syms=
[[ ! -f $libelf_a ]] || libelf_syms=$("$TRIPLET-nm" "$libelf_a" 2>/dev/null) || true
if grep -q ' U eu_search_tree_init$' <<<"$libelf_syms" && ! grep -q ' T eu_search_tree_init$' <<<"$libelf_syms"; then
	"${cc[@]}" -O2 -Wall -c "$here/eu-search.c" -o "$out/eu-search.o"
	ldlibs=$out/eu-search.o
fi

# pkg-config reads the target's .pc files and prefixes the sysroot.
export PKG_CONFIG_SYSROOT_DIR=$sysroot
export PKG_CONFIG_LIBDIR=$sysroot/usr/lib/$TRIPLET/pkgconfig:$sysroot/usr/share/pkgconfig
# A static libelf needs libzstd and zlib after it: --static lists them.
make -C "$top" --no-print-directory ARCH="$arch" OUTPUT="build/$arch" BINARY="build/$arch/bindsnoop" BPFTOOL="$bpftool" \
	CC="${cc[*]}" PKG_CONFIG="pkg-config --static" \
	LDFLAGS="${ldflags[*]}" LDLIBS="$ldlibs" "${targets[@]}"
