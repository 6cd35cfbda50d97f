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

is_elf() {
	[[ -s $1 && $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]
}

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# Kernels since 4.x pick one of these; 5.10 and 6.1 on Debian use xz,
# 6.12 zstd. gzip stays for older or custom builds.
try() {
	local name=$1 pattern=$2 offset; shift 2
	for offset in $(magic_offsets "$pattern"); do
		decompress_from "$offset" "$@" >"$tmp"
		if is_elf "$tmp"; then
			mv "$tmp" "$out"
			trap - EXIT
			return 0
		fi
	done
	return 1
}

try xz   '\xFD\x37\x7A\x58\x5A\x00' xz -dc --single-stream ||
try zstd '\x28\xB5\x2F\xFD'         zstd -dcq ||
try gzip '\x1F\x8B\x08'             gzip -dc ||
	die "$image: no xz, zstd or gzip stream that decompresses to an ELF"
