#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Install, from Debian, what building and testing bindsnoop need; a no-op
# when everything is there. Runs as root (make check and .ci/run call it).

set -eu

BUILD="clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev make gcc pkg-config"
TEST="libcmocka-dev iproute2 util-linux jq valgrind libcap2-bin bpftrace linux-perf build-essential debhelper devscripts lintian fakeroot mandoc groff man-db"
VMTEST="qemu-system-x86 qemu-system-arm binutils-aarch64-linux-gnu busybox-static zstd xz-utils cpio"

missing=
for pkg in $BUILD $TEST ${WITH_VMTEST:+$VMTEST}; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "tests/deps.sh: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "tests/deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
