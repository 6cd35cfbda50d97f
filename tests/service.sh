#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/service.sh - bindsnoop.service in a Debian system booted with
# systemd as PID 1: the package's unit, its sandbox and --journal, end to end.
#
# Builds the Debian package from the tree as it is, boots Debian 12's 6.12
# kernel under qemu (the kernel from the vmtest cache: vmtest.sh
# --fetch-kernels) with a bookworm root file system made by mmdebstrap from
# this machine's own mirror (tests/lib/apt-mirror.sh) and unpacked into the
# guest's memory (an initramfs: no disk, no modules), and runs
# tests/service-guest.sh there as a unit of its own: it installs the .deb
# and checks the service (the list of checks is at its top). Its lines come
# back over the serial console; this script adds the guest kernel's
# warnings and taint, and closes with "N passed, N failed, N skipped".
#
# SERVICE_CACHE (default REPO/.cache/service) keeps the root file system as
# a cpio archive; it is made again (mmdebstrap, about 40 s) when missing or
# when its package list or mirror changed. VMTEST_CACHE: the kernels.
# SERVICE_TIMEOUT (default 480): the guest's limit, boot to power-off (it
# takes 35 to 110 s: more when the qemu matrix shares the CPUs).
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh

SUITE=bookworm
KERNEL=6.12
# The guest's packages: systemd as PID 1, bindsnoop's libraries (so the .deb
# installs with dpkg -i alone), bpftool (what is left loaded), jq.
PACKAGES="systemd systemd-sysv libbpf1 libelf1 zlib1g libsystemd0 bpftool jq"
CACHE=$(realpath -m "${SERVICE_CACHE:-$TOP/.cache/service}")
VMTEST_CACHE=$(realpath -m "${VMTEST_CACHE:-$TOP/.cache/vmtest}")
export VMTEST_CACHE
TIMEOUT=${SERVICE_TIMEOUT:-480}
TMP=
QEMU_PID=

cleanup() {
	[ -z "$QEMU_PID" ] || kill -KILL "$QEMU_PID" 2>/dev/null
	[ -z "$TMP" ] || rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT

# die NAME WHY: a failed setup is one failing check, then the totals.
die() {
	fail "$1" "$2"
	summary
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	skip service "needs root (mmdebstrap, dpkg-buildpackage's build dependencies)"
	summary
	exit 0
fi
for tool in mmdebstrap qemu-system-x86_64 cpio dpkg-buildpackage; do
	command -v "$tool" >/dev/null ||
		die setup "$tool not installed (make check installs it: tests/deps.sh)"
done
if [ "$(uname -m)" != x86_64 ]; then
	skip service "the guest is x86-64 and this machine is $(uname -m): qemu would emulate it whole"
	summary
	exit 0
fi
TMP=$(mktemp -d /tmp/bindsnoop-service.XXXXXX) || exit 1
mkdir -p "$CACHE"
t_start=$SECONDS

# ---- the kernel and the package (side by side) ----

tests/vmtest/vmtest.sh --fetch-kernels --kernels "$KERNEL" >"$TMP/fetch.log" 2>&1 &
fetch=$!

VERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
DEB=$TMP/bindsnoop_${VERSION}_amd64.deb
mkdir "$TMP/src"
tar -C "$TOP" --anchored --exclude=./.git --exclude=./.cache --exclude=./build \
	--exclude=./bindsnoop -cf - . | tar -C "$TMP/src" -xf -
if (cd "$TMP/src" && DEB_BUILD_OPTIONS="noddebs ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc) >"$TMP/build.log" 2>&1 && [ -f "$DEB" ]; then
	pass "package_built"
else
	wait "$fetch"
	die package_built "dpkg-buildpackage: $(tail -n 3 "$TMP/build.log" | tr '\n' ' ')"
fi
# The workload the guest binds with (bookworm's libc, as this machine's).
make -s -C "$TMP/src" build/workload >"$TMP/make.log" 2>&1 ||
	die workload_built "$(tail -n 1 "$TMP/make.log")"

wait "$fetch" || die kernel "vmtest.sh --fetch-kernels --kernels $KERNEL: $(tail -n 1 "$TMP/fetch.log")"
BZIMAGE=$VMTEST_CACHE/kernels/$KERNEL/bzImage
[ -f "$BZIMAGE" ] || die kernel "no $BZIMAGE after the fetch"

# ---- the root file system (cached) ----

read -r _ archive < <(tests/lib/apt-mirror.sh | grep '^archive ')
read -r _ security < <(tests/lib/apt-mirror.sh | grep '^security ')
[ -n "${archive:-}" ] || die rootfs "tests/lib/apt-mirror.sh found no Debian mirror"
ROOTFS=$CACHE/rootfs.cpio
STAMP=$CACHE/rootfs.stamp
# What the archive is made of; a change makes it again. v1: this script's layout.
want="v1 $SUITE $archive $security $PACKAGES"
if [ ! -s "$ROOTFS" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
	note "rootfs: making one: mmdebstrap $SUITE from $archive"
	t0=$SECONDS
	rm -f "$STAMP" "$ROOTFS"
	dir=$TMP/rootfs
	# No documentation, no apt lists: the archive lives in the guest's RAM.
	# shellcheck disable=SC2016 # mmdebstrap's hook expands $1 (the root)
	if ! mmdebstrap --variant=minbase --mode=root \
		--aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--include="${PACKAGES// /,}" \
		--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
		"$SUITE" "$dir" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive $SUITE main" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive $SUITE-updates main" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $security $SUITE-security main" \
		>"$CACHE/mmdebstrap.log" 2>&1; then
		die rootfs "mmdebstrap: $(grep -m1 -E '^E: ' "$CACHE/mmdebstrap.log" || tail -n 1 "$CACHE/mmdebstrap.log") (log: $CACHE/mmdebstrap.log)"
	fi
	# A quiet console: no login prompt, no timers that run apt.
	for unit in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer \
		apt-daily-upgrade.timer; do
		ln -sf /dev/null "$dir/etc/systemd/system/$unit"
	done
	echo bindsnoop-guest >"$dir/etc/hostname"
	(cd "$dir" && find . -xdev -print0 | cpio --null -o -H newc --quiet) >"$ROOTFS.new" ||
		die rootfs "cpio of the root file system failed"
	mv "$ROOTFS.new" "$ROOTFS"
	echo "$want" >"$STAMP"
	rm -rf --one-file-system "$dir"
	note "rootfs: made in $((SECONDS - t0)) s ($(du -m "$ROOTFS" | cut -f1) MB)"
fi
pass rootfs

# ---- this run's files: a second archive the kernel unpacks over the first ----

extra=$TMP/extra
mkdir -p "$extra/root/svc" "$extra/etc/systemd/system/multi-user.target.wants"
cp "$DEB" "$extra/root/svc/bindsnoop.deb"
cp "$TMP/src/build/workload" tests/service-guest.sh tests/lib/common.sh tests/lib/kernel.sh \
	"$extra/root/svc/"
# The figure README states (the guest asserts that systemd-analyze prints it).
exposure=$(sed -n 's/.*exposure of \([0-9]\.[0-9]\) ("OK").*/\1/p' README.md | head -n 1)
[ -n "$exposure" ] || die readme_exposure 'README.md states no figure as: exposure of N.N ("OK")'
echo "$exposure" >"$extra/root/svc/exposure"
cat >"$extra/etc/systemd/system/svc-test.service" <<'EOF'
[Unit]
Description=bindsnoop.service's test (tests/service-guest.sh)
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/bash /root/svc/service-guest.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
ExecStopPost=/bin/systemctl poweroff --force --force
[Install]
WantedBy=multi-user.target
EOF
ln -s ../svc-test.service "$extra/etc/systemd/system/multi-user.target.wants/svc-test.service"
# journald's rate limit made small, so that the guest's soak (12,000 binds a
# burst) runs far past it: what the unit's own LogRateLimitBurst= must
# lift. journald scales the burst by the free space (a few times 100 here).
mkdir -p "$extra/etc/systemd/journald.conf.d"
printf '[Journal]\nRateLimitIntervalSec=30s\nRateLimitBurst=100\n' \
	>"$extra/etc/systemd/journald.conf.d/svc-test.conf"
(cd "$extra" && find . -print0 | cpio --null -o -H newc --quiet) >"$TMP/extra.cpio" ||
	die initramfs "cpio of this run's files failed"
cat "$ROOTFS" "$TMP/extra.cpio" >"$TMP/initrd"

# ---- boot ----

console=$TMP/console.log
# systemd from the initramfs as PID 1 (no /etc/initrd-release: the real
# system); loglevel=5: the kernel's warnings reach the console; log_buf_len:
# the guest judges its kernel log since boot, none of it may be lost.
t0=$SECONDS
qemu-system-x86_64 -machine pc,accel=tcg -cpu "${VMTEST_CPU:-qemu64}" -smp 1 -m 1536 \
	-nodefaults -display none -no-reboot -serial "file:$console" \
	-kernel "$BZIMAGE" -initrd "$TMP/initrd" \
	-append "console=ttyS0 rdinit=/lib/systemd/systemd panic=-1 loglevel=5 log_buf_len=1M systemd.show_status=0 systemd.log_level=warning" \
	>"$TMP/qemu.log" 2>&1 &
QEMU_PID=$!
while kill -0 "$QEMU_PID" 2>/dev/null && ((SECONDS - t0 < TIMEOUT)); do
	sleep 1
done
if kill -0 "$QEMU_PID" 2>/dev/null; then
	kill -KILL "$QEMU_PID"
	wait "$QEMU_PID" 2>/dev/null
	QEMU_PID=
	fail guest "no power-off within $TIMEOUT s; the console's end:"
	tail -n 30 "$console" | sed 's/^/#   /'
else
	wait "$QEMU_PID"
	QEMU_PID=
fi
note "guest: $((SECONDS - t0)) s from boot to power-off"

# The guest's own lines: "ok ...", "FAIL ...", "skip ...", its closing line.
tr -d '\r' <"$console" >"$TMP/console.txt"
guest_lines=$(grep -E '^(ok   |FAIL |skip |# )' "$TMP/console.txt")
[ -z "$guest_lines" ] || echo "$guest_lines"
if ! line=$(closing_line "$TMP/console.txt"); then
	fail guest_ran "no closing line from tests/service-guest.sh; the console's end:"
	tail -n 30 "$TMP/console.txt" | sed 's/^/#   /'
else
	read -r p f s <<<"$(counts_of "$line")"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
fi
# The guest kernel's complaints, as the console carried them.
warnings=$(grep -E "$KERNEL_WARNING_RE" "$TMP/console.txt" | grep -v '^FAIL ')
if [ -z "$warnings" ]; then
	pass guest_kernel_quiet
else
	fail guest_kernel_quiet "$(head -n 3 <<<"$warnings" | tr '\n' '|')"
fi
note "service stage: $((SECONDS - t_start)) s"
summary
[ "$FAILED" = 0 ]
