#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The benchmark rows this machine's kernel cannot give (it has no kprobes
# and refuses fentry): bench/guest.sh inside Debian's x86 kernels (and
# arm64's 6.12, from a static cross build) under qemu, booted by tests/vmtest/vmtest.sh, one kernel at a time so the guests do
# not compete for the CPUs. bench/bench.sh calls it; run alone it prints
# the same lines:
#   RELEASE BACKEND ROW cpu=1.23 min=1.20 max=1.31 wall=1.40 untraced_us=.. traced_us=..
#   RELEASE BACKEND ROW skipped=REASON | failed=REASON
#
#   bench/vm.sh [--quick] [--kernels "6.1 6.12"] [--backends "fentry kprobe tracepoint"]
#               [--rows GLOB] [--rounds N]
#
# --quick (CI) proves it works: one kernel (6.12), fentry, one round, small loops.
# Without it: 5.10, 6.1, 6.12 (x86) and 6.12-arm64, 5 rounds.
# --rows GLOB runs only the guest rows whose name matches (bench/guest.sh
# names them), --rounds N that many rounds: a short look at some rows, e.g.
#   bench/vm.sh --kernels 6.1 --backends kprobe --rows 'bind' --rounds 3
# Exit status 1 when a guest did not boot or a row failed.

set -u
cd "$(dirname "$0")/.." || exit 1

QUICK=0 ROWS='*' KERNELS= BACKENDS= ROUNDS=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--kernels) KERNELS=$2; shift ;;
	--backends) BACKENDS=$2; shift ;;
	--rows) ROWS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "bench/vm.sh: $1: unknown argument" >&2; exit 64 ;;
	esac
	shift
done

OUT=build/vmbench
if [ "$QUICK" = 1 ]; then
	SUITE="./bench/guest.sh --rounds ${ROUNDS:-1} --binds 200 --ppids 2000"
	: "${KERNELS:=6.12}"
	# One backend: under -icount a guest runs at a third of wall speed here.
	: "${BACKENDS:=fentry}"
else
	SUITE="./bench/guest.sh --rounds ${ROUNDS:-5} --binds 5000 --ppids 200000"
	: "${BACKENDS:=fentry kprobe tracepoint}"
	# x86's three, and arm64 where every backend runs (fentry needs 6.4+ there).
	: "${KERNELS:=5.10 6.1 6.12 6.12-arm64}"
fi

[ -x ./bindsnoop ] || { echo "bench/vm.sh: ./bindsnoop is missing: run make" >&2; exit 1; }
[ -x build/floor ] || { echo "bench/vm.sh: build/floor is missing: run make build/floor" >&2; exit 1; }
rm -f "$OUT"/*.log
HOST_ARCH=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
payloads=()
for arch in $(tests/vmtest/vmtest.sh --print-arches --kernels "$KERNELS"); do
	payload=$OUT/payload-$arch
	rm -rf "$payload" && mkdir -p "$payload/build" "$payload/bench" || exit 1
	cp bench/guest.sh bench/lib.sh "$payload/bench/" || exit 1
	# In a file, not on the suite's command line: the guest splits and globs that.
	printf '%s\n' "$ROWS" >"$payload/bench/rows" || exit 1
	if [ "$arch" = "$HOST_ARCH" ]; then
		make -s --no-print-directory build/bindloop build/startup >/dev/null || exit 1
		cp ./bindsnoop "$payload/" && cp build/floor build/bindloop build/startup "$payload/build/" ||
			exit 1
	else
		# Static, as for the matrix: the guest has no libbpf.
		tests/vmtest/cross-build.sh "$arch" bindsnoop floor bindloop startup >"$OUT/cross-$arch.log" 2>&1 ||
			{ echo "bench/vm.sh: cross-build for $arch failed: see $OUT/cross-$arch.log" >&2; exit 1; }
		cp "build/$arch/bindsnoop" "$payload/" && cp "build/$arch/floor" "build/$arch/bindloop" "build/$arch/startup" "$payload/build/" ||
			exit 1
	fi
	payloads+=(--payload "$arch=$payload")
done

# sctp: bindsnoop hooks setsockopt where SCTP can take a port (bindx), as on
# any Debian machine, whose kernel ships the module.
VMTEST_QEMU_ARGS="-icount shift=0,sleep=off" VMTEST_OUT=$OUT tests/vmtest/vmtest.sh "${payloads[@]}" --suite "$SUITE" \
	--host-tools bpftool --modules sctp --backends "$BACKENDS" -j 1 --suite-timeout 900 --kernels "$KERNELS" \
	>"$OUT/vmtest.out" 2>&1
rc=$?

# Each guest's console: tag its @@bench lines with the release and the backend.
found=0
for log in "$OUT"/*.log; do
	[ -e "$log" ] || continue
	found=1
	awk '
		/@@vmtest ready uname=/ { sub(/.*uname=/, ""); release = $1 }
		/@@vmtest begin / { backend = $3 }
		/^@@bench / { $1 = ""; print release, backend $0 }
	' "$log"
done
if [ "$found" = 0 ] || [ "$rc" != 0 ]; then
	echo "bench/vm.sh: the guests did not all run (vmtest.sh exit $rc): see $OUT/vmtest.out" >&2
	tail -n 5 "$OUT/vmtest.out" >&2
	exit 1
fi
