#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# `make vmtest`: the e2e suite that runs on the host, unchanged, inside
# Debian's 5.10, 6.1 and 6.12 kernels and trixie-backports' newest (7.x)
# under qemu, for x86 and arm64 (and trixie's 6.12 for ppc64el, s390x and
# riscv64), once per backend and once over the
# forced perf buffer. Prints one "KERNEL
# BACKEND: N passed, ..." row per kernel x backend (vmtest.sh does the
# booting; see README.md here). Arguments go to vmtest.sh (--kernels ...).

set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/debian-apt.sh
. tests/lib/debian-apt.sh
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

# One payload per architecture of the kernels chosen: this machine's build
# as it is, a static cross build (tests/vmtest/cross-build.sh) for another.
payloads=()
for arch in $(tests/vmtest/vmtest.sh --print-arches "$@"); do
	payload=build/vmtest/payload-$arch
	rm -rf "$payload"
	mkdir -p "$payload/build" "$payload/tests"
	if [ "$arch" = "$(host_arch)" ]; then
		cp bindsnoop "$payload/"
		cp build/workload "$payload/build/"
		# The 32-bit workload (static) for the compat cases, where the host builds one.
		[ ! -x build/workload32 ] || cp build/workload32 "$payload/build/"
	else
		tests/vmtest/cross-build.sh "$arch"
		cp "build/$arch/bindsnoop" "$payload/"
		cp "build/$arch/workload" "$payload/build/"
	fi
	copy_e2e_suite "$payload"
	payloads+=(--payload "$arch=$payload")
done

# ppc64el, s390x and riscv64 run every backend too, but by default (CI) only the
# groups that prove the hooks and the byte order: columns (every protocol,
# address family, port and option letter, exact lines), json, count, and
# typed (which build of the BPF object the kernel takes, and that the
# probing one traces when the typed one is refused). Their
# whole suite takes 7-8 minutes a guest under TCG (s390x has no BPF JIT),
# which would take .ci/run past its 25 minutes. VMTEST_SMOKE_ARCHES=""
# runs the whole suite everywhere (tests/vmtest/README.md: the last such run).
smoke=()
for arch in ${VMTEST_SMOKE_ARCHES-powerpc s390 riscv}; do
	smoke+=(--suite "$arch=./tests/e2e.sh columns json count typed")
done

# The guest is busybox; the suite also uses these tools (copied in with
# their libraries): bpftool for pinned maps and leftovers, setpriv and capsh
# for the privilege cases, util-linux unshare for namespaces, strace for the
# banner group (a reader slowed down on purpose), iproute2's ip for the
# existing group's VXLAN device (busybox's ip knows no dstport), whose
# module (vxlan, with udp_tunnel and ip6_udp_tunnel) every guest loads;
# and sctp, for the paths group's bindx cases (tests/expectations: sctp).
tools="bpftool setpriv capsh unshare strace ip"
modules="vxlan sctp"

# The sanitized rows: an ASan+UBSan build of bindsnoop (tests/sanitize.sh's
# flags) through the user-space groups, on the fentry and kprobe backends
# that this host cannot load, in one 6.12 x86 guest beside the matrix
# (tests/vmtest/sanitized-suite.sh: any report fails the row). Rows are
# renamed "BACKEND+asan" here (vmtest.sh names a row by its backend). Run
# when the kernels chosen include 6.12 (x86); VMTEST_SANITIZED=0: never.
sanitized=${VMTEST_SANITIZED:-1}
want_kernels='' want_arches='' san_extra=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[$i]} in
	--kernels) want_kernels=${args[$((i + 1))]:-} ;;
	--arches) want_arches=${args[$((i + 1))]:-} ;;
	--prepare | --refresh | -v) san_extra+=("${args[$i]}") ;;
	esac
done
[[ -z $want_kernels || " $want_kernels " == *" 6.12 "* ]] || sanitized=0
[[ -z $want_arches || " $want_arches " == *" x86 "* ]] || sanitized=0
[ "$(host_arch)" = x86 ] || sanitized=0
san_pid=
if [ "$sanitized" != 0 ]; then
	san=build/vmtest/payload-sanitized-x86
	SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
	make --no-print-directory -s OUTPUT=build/asan BINARY=build/asan/bindsnoop CFLAGS="-g -O1 $SAN" \
		LDFLAGS="$SAN" build/asan/bindsnoop
	rm -rf "$san"
	mkdir -p "$san/build"
	cp build/asan/bindsnoop "$san/bindsnoop-asan"
	cp build/workload "$san/build/"
	copy_e2e_suite "$san"
	cp tests/vmtest/sanitized-suite.sh "$san/"
	san_log=$(mktemp /tmp/bindsnoop-sanitized.XXXXXX)
	# Its own output folder (vmtest.sh locks one per run); the kernel cache is shared.
	VMTEST_OUT=$PWD/build/vmtest-sanitized tests/vmtest/vmtest.sh --payload "x86=$san" \
		--kernels 6.12 --backends "fentry kprobe" --suite ./sanitized-suite.sh \
		--host-tools "$tools" -j 1 "${san_extra[@]}" >"$san_log" 2>&1 &
	san_pid=$!
fi

# Three kernels at once on 2 cores: no core idles while the last kernel runs alone.
status=0
tests/vmtest/vmtest.sh "${payloads[@]}" "${smoke[@]}" -j "${VMTEST_JOBS:-3}" \
	--host-tools "$tools" --modules "$modules" \
	--backends "${VMTEST_BACKENDS:-auto fentry kprobe tracepoint kprobe+perfbuf}" "$@" || status=1
if [ -n "$san_pid" ]; then
	wait "$san_pid" || status=1
	echo
	echo "vmtest: the sanitized rows (ASan+UBSan bindsnoop, tests/vmtest/sanitized-suite.sh):"
	# "KERNEL BACKEND: ..." rows and failed checks, as the sanitized ones.
	sed -E 's/^([^ ]+) (boot|fentry|kprobe|end): /\1 \2+asan: /; s/^vmtest: ([0-9]+ passed)/vmtest: sanitized rows: \1/' "$san_log"
	rm -f "$san_log"
fi
exit "$status"
