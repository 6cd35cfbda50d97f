# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# The Debian packages bindsnoop's build and tests need, sourced by
# tests/deps.sh (installs them on this machine) and tests/trixie.sh (BUILD
# goes into its Debian 13 chroot as well).
# shellcheck disable=SC2034 # used by the scripts that source this file
BUILD="clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libsystemd-dev make gcc pkg-config"
# shellcheck disable=SC2034
TEST="libcmocka-dev iproute2 util-linux jq valgrind strace libcap2-bin bpftrace linux-perf build-essential debhelper devscripts lintian fakeroot mandoc groff man-db mmdebstrap debian-archive-keyring"
# shellcheck disable=SC2034
VMTEST="qemu-system-x86 qemu-system-arm qemu-system-ppc qemu-system-misc binutils-aarch64-linux-gnu binutils-powerpc64le-linux-gnu binutils-s390x-linux-gnu binutils-riscv64-linux-gnu busybox-static zstd xz-utils cpio"
