#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# extract-vmlinux.sh BZIMAGE OUT
#
# Writes the uncompressed ELF vmlinux that a bzImage carries to OUT.
# qemu can boot that ELF directly through its PVH entry point, which under
# TCG saves the ~3 s the bzImage spends decompressing itself.
#
# The compressed payload sits somewhere after the real-mode setup code; we
# look for each supported compressor's magic, decompress from every hit
# until one yields an ELF, and ignore what trails the stream (the kernel
# build appends the uncompressed size, and the decompressors complain).
set -euo pipefail

die() { printf 'extract-vmlinux: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: extract-vmlinux.sh BZIMAGE OUT"
image=$1 out=$2
[[ -r $image ]] || die "$image: cannot read"

# Byte offsets of every occurrence of a magic, given as a grep -P pattern.
magic_offsets() {
	LC_ALL=C grep -obUaP -- "$1" "$image" | cut -d: -f1 || true
}

# Decompress IMAGE from byte OFFSET with the given command to stdout.
# The status is ignored on purpose: trailing bytes make every one of these
# tools exit non-zero after it has written the whole, valid, output.
decompress_from() {
	local offset=$1; shift
	tail -c "+$((offset + 1))" "$image" | "$@" 2>/dev/null || true
}

# An ELF file, and a whole one: a stream cut short still starts with the
# ELF magic, but then the section header table (which the linker puts
# last) runs past the end of the file.
is_whole_elf() {
	local size shoff shentsize shnum
	[[ -s $1 && $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]] || return 1
	size=$(stat -c %s "$1")
	shoff=$(od -An -tu8 -j 40 -N 8 "$1" | tr -d ' ')
	shentsize=$(od -An -tu2 -j 58 -N 2 "$1" | tr -d ' ')
	shnum=$(od -An -tu2 -j 60 -N 2 "$1" | tr -d ' ')
	((shoff > 0 && shoff + shentsize * shnum <= size))
}

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# Kernels since 4.x pick one of these; 5.10 and 6.1 on Debian use xz,
# 6.12 zstd. gzip stays for older or custom builds.
try() {
	local pattern=$1 offset; shift
	for offset in $(magic_offsets "$pattern"); do
		decompress_from "$offset" "$@" >"$tmp"
		if is_whole_elf "$tmp"; then
			chmod 644 "$tmp"
			mv "$tmp" "$out"
			trap - EXIT
			return 0
		fi
	done
	return 1
}

try '\xFD\x37\x7A\x58\x5A\x00' xz -dc --single-stream ||
try '\x28\xB5\x2F\xFD'         zstd -dcq ||
try '\x1F\x8B\x08'             gzip -dc ||
	die "$image: no xz, zstd or gzip stream that decompresses to an ELF"
