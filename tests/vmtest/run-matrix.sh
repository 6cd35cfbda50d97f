#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# `make vmtest`: the e2e suite that runs on the host, unchanged, inside
# Debian's 5.10, 6.1 and 6.12 kernels under qemu, once per backend and once
# over the forced perf buffer. Prints one "KERNEL BACKEND: N passed, ..." row
# per kernel x backend (vmtest.sh does the booting; see README.md here).

set -eu
cd "$(dirname "$0")/../.."

payload=build/vmtest/payload
rm -rf "$payload"
mkdir -p "$payload/build" "$payload/tests"
cp bindsnoop "$payload/"
cp build/workload "$payload/build/"
# The 32-bit workload (static) for the compat cases, where the host builds one.
[ ! -x build/workload32 ] || cp build/workload32 "$payload/build/"
cp tests/e2e.sh "$payload/tests/"
mkdir -p "$payload/tests/lib" && cp tests/lib/common.sh "$payload/tests/lib/"

# The guest is busybox; the suite also uses these host tools (copied in with
# their libraries): bpftool for pinned maps and leftovers, setpriv and capsh
# for the privilege cases, util-linux unshare for namespaces.
# All kernels at once (-j 3 on 2 cores): no core idles while the last kernel runs alone.
exec tests/vmtest/vmtest.sh --payload "$payload" -j "${VMTEST_JOBS:-3}" \
	--host-tools "bpftool setpriv capsh unshare" \
	--backends "${VMTEST_BACKENDS:-auto fentry kprobe tracepoint kprobe+perfbuf}" "$@"
