#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# vmlinux/from-debian.sh ARCH [SUITE [PACKAGE]]
#
# Writes vmlinux/ARCH/vmlinux.h from the BTF of a Debian kernel package:
# downloads PACKAGE (a linux-image-* package or meta package; default
# linux-image-6.12-FLAVOUR: amd64, arm64, powerpc64le, s390x, riscv64) for
# ARCH from SUITE (default: this machine's release, or the first release
# with ARCH: trixie for riscv64) through a private apt setup
# (tests/lib/debian-apt.sh), cuts the BTF blob out of the kernel image (in
# /boot; from 7.0 on, in linux-binary-RELEASE's
# /usr/lib/modules/RELEASE/vmlinuz), and dumps it as C with
# bpftool. The first line of the header names the kernel and this command.
#
# The BTF blob of a kernel image is the .BTF section, copied as it is:
# a 24-byte header (magic 0xeb9f in the kernel's byte order, version 1,
# flags, header length, then offset and length of the type and the string
# sections), the types, the strings. Images that are compressed (no blob
# in the file itself) are unpacked with tests/vmtest/extract-vmlinux.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/lib/debian-apt.sh
. "$top/tests/lib/debian-apt.sh"

die() { printf 'vmlinux/from-debian.sh: %s\n' "$*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 3 ]] || die "usage: vmlinux/from-debian.sh ARCH [SUITE [PACKAGE]]"
arch=$1
arch_facts "$arch" || die "$arch: not an architecture this knows (x86, arm64, powerpc, s390, riscv)"
suite=${2:-$(arch_suite "$arch")}
package=${3:-linux-image-6.12-$FLAVOUR}
command -v bpftool >/dev/null || die "bpftool not found: apt-get install bpftool"

work=$(mktemp -d /var/tmp/bindsnoop-vmlinux.XXXXXX)
trap 'rm -rf "$work"' EXIT
log=$work/apt.log

debian_apt_setup "$work/apt" "$suite" "$DEB_ARCH" || die "no private apt setup for $suite $DEB_ARCH"
debian_apt_update "$log" || { tail -n 5 "$log" >&2; die "apt-get update for $suite $DEB_ARCH failed"; }
# A meta package names the versioned image package it depends on; its
# newest version's (apt's candidate would be the release's, not the
# backported one, for SUITE-backports).
image_pkg=$package
newest=$(apt-cache "${DEBIAN_APT[@]}" madison "$package" 2>/dev/null |
	awk -F '|' '{ gsub(/ /, "", $2); print $2 }' | sort -rV | head -n 1)
dep=$(apt-cache "${DEBIAN_APT[@]}" depends "$package${newest:+=$newest}" 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
[[ -z $dep ]] || image_pkg=$dep
mkdir "$work/deb"
(cd "$work/deb" && apt-get "${DEBIAN_APT[@]}" download -q "$image_pkg" >>"$log" 2>&1) ||
	{ tail -n 3 "$log" >&2; die "apt-get download $image_pkg ($suite $DEB_ARCH) failed"; }
deb=$(echo "$work"/deb/"${image_pkg}"_*.deb)
version=$(dpkg-deb -f "$deb" Version)
release=${image_pkg#linux-image-}
# From 7.0 on, linux-image-RELEASE holds no files: the image is
# /usr/lib/modules/RELEASE/vmlinuz in linux-binary-RELEASE, of the same version.
if dpkg-deb -f "$deb" Depends | tr ',|' '\n' | awk '{ print $1 }' | grep -qxF "linux-binary-$release"; then
	(cd "$work/deb" && apt-get "${DEBIAN_APT[@]}" download -q "linux-binary-$release=$version" >>"$log" 2>&1) ||
		{ tail -n 3 "$log" >&2; die "apt-get download linux-binary-$release ($suite $DEB_ARCH) failed"; }
	mkdir -p "$work/boot"
	dpkg-deb --fsys-tarfile "$work/deb/linux-binary-${release}_"*.deb |
		tar -x -O "./usr/lib/modules/$release/vmlinuz" >"$work/boot/vmlinuz-$release" ||
		die "linux-binary-$release has no /usr/lib/modules/$release/vmlinuz"
else
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./boot
fi
image=$(compgen -G "$work/boot/vmlinu[xz]-$release" | head -n 1) ||
	die "$image_pkg has no /boot/vmlinuz-$release or vmlinux-$release"

# Prints the offset and size of the first well-formed BTF blob in FILE.
find_btf() {
	local file=$1 magic endian off hdr type_off type_len str_off str_len size
	for magic in '\x9F\xEB\x01\x00:little' '\xEB\x9F\x01\x00:big'; do
		endian=${magic#*:}
		while read -r off; do
			read -r hdr type_off type_len str_off str_len < <(
				od -An -w20 -tu4 --endian="$endian" -j $((off + 4)) -N 20 "$file")
			# What pahole writes for a kernel: the types right after
			# the header, the strings right after the types.
			((hdr == 24 && type_off == 0 && str_off == type_len && type_len > 0 && str_len > 0)) || continue
			size=$((hdr + str_off + str_len))
			((off + size <= $(stat -c %s "$file"))) || continue
			echo "$off $size"
			return 0
		done < <(LC_ALL=C grep -obUaP -- "${magic%:*}" "$file" | cut -d: -f1)
	done
	return 1
}

# s390's vmlinuz compresses a raw image (objcopy -O binary), not an ELF,
# so extract-vmlinux.sh finds nothing there; the BTF blob is in the raw
# image all the same. Prints the file, holding a BTF blob, that one of
# the compressed streams in FILE unpacks to.
find_btf_in_stream() {
	local file=$1 magic tool off n=0
	for magic in '\xFD\x37\x7A\x58\x5A\x00:xz -dc --single-stream' '\x28\xB5\x2F\xFD:zstd -dcq' '\x1F\x8B\x08:gzip -dc'; do
		read -ra tool <<<"${magic#*:}"
		while read -r off; do
			n=$((n + 1))
			# Trailing bytes make each of these exit non-zero after a whole stream.
			tail -c "+$((off + 1))" "$file" | "${tool[@]}" >"$work/stream.$n" 2>/dev/null || true
			if find_btf "$work/stream.$n" >/dev/null; then
				echo "$work/stream.$n"
				return 0
			fi
			rm -f "$work/stream.$n"
		done < <(LC_ALL=C grep -obUaP -- "${magic%%:*}" "$file" | cut -d: -f1)
	done
	return 1
}

btf=$work/btf
if ! where=$(find_btf "$image"); then
	if "$top/tests/vmtest/extract-vmlinux.sh" "$image" "$work/vmlinux" 2>/dev/null; then
		image=$work/vmlinux
	else
		image=$(find_btf_in_stream "$image") ||
			die "$image: no BTF in it, nor in anything it unpacks to"
	fi
	where=$(find_btf "$image") || die "$image_pkg: no BTF in its kernel image"
fi
read -r off size <<<"$where"
dd if="$image" of="$btf" bs=64K skip="$off" count="$size" iflag=skip_bytes,count_bytes status=none

out=$top/vmlinux/$arch/vmlinux.h
mkdir -p "$top/vmlinux/$arch"
{
	printf '/* Generated from the BTF of Linux %s (%s, Debian package %s %s) with: vmlinux/from-debian.sh %s %s %s */\n' \
		"$release" "$DEB_ARCH" "$image_pkg" "$version" "$arch" "$suite" "$package"
	bpftool btf dump file "$btf" format c
} >"$out.tmp" || die "bpftool cannot read the BTF cut out of $image_pkg"
mv "$out.tmp" "$out"
echo "vmlinux/from-debian.sh: $out from $image_pkg $version ($((size / 1024)) KiB of BTF)"
