#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/package.sh - the Debian package and `make install`, end to end.
#
# Run as root from anywhere: builds bindsnoop_*.deb from a copy of the tree
# in a temporary folder (dpkg-buildpackage writes to the parent folder, which
# must not be the repo's), lints it, installs it, checks the binary, the man
# page and the bash completion, traces one bind with the installed binary,
# removes the package again, then checks `make install`/`make uninstall`.
# One line per check, `ok NAME` or `FAIL NAME: why`, then the totals.

set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
PORT=4555
TMP=
TRACER=
INSTALLED_BY_US=
# shellcheck source=tests/lib/common.sh
. "$REPO/tests/lib/common.sh"
# shellcheck source=tests/lib/lintian.sh
. "$REPO/tests/lib/lintian.sh"

cleanup() {
	[ -n "$TRACER" ] && kill -KILL "$TRACER" 2>/dev/null
	# A failed run must not leave the package on the machine.
	[ -n "$INSTALLED_BY_US" ] && dpkg -r bindsnoop >/dev/null 2>&1
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	skip package "needs root (dpkg -i, and bindsnoop loads BPF programs)"
	summary
	exit 0
fi

# The packaging tools and the Build-Depends, installed only when missing.
TOOLS=(build-essential debhelper fakeroot lintian groff-base man-db)
missing=
for cmd in dpkg-buildpackage dh fakeroot lintian groff man; do
	command -v "$cmd" >/dev/null || missing=1
done
dpkg-checkbuilddeps "$REPO/debian/control" >/dev/null 2>&1 || missing=1
install_tools() {
	apt-get install -y --no-install-recommends "${TOOLS[@]}" >/dev/null &&
		apt-get build-dep -y "$REPO" >/dev/null
}
if [ -n "$missing" ]; then
	echo "# installing the packaging tools and Build-Depends"
	# A fresh machine may have no package lists yet: update once, then retry.
	if ! install_tools && ! { apt-get update -qq && install_tools; }; then
		fail deps "apt-get could not install ${TOOLS[*]} and the Build-Depends"
		summary
		exit 1
	fi
fi

TMP=$(mktemp -d /tmp/bindsnoop-package.XXXXXX)
VERSION=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)
SRC=$TMP/bindsnoop-$VERSION
ARCH=$(dpkg --print-architecture)
DEB=$TMP/bindsnoop_${VERSION}_$ARCH.deb
CHANGES=$TMP/bindsnoop_${VERSION}_$ARCH.changes

# ---- build ----

# The tree as it is (committed or not), less what a build makes or caches.
mkdir "$SRC"
tar -C "$REPO" --anchored --exclude=./.git --exclude=./.cache --exclude=./build \
	--exclude=./bindsnoop -cf - . | tar -C "$SRC" -xf -

start=$(date +%s)
# Source and binary: lintian then checks debian/copyright and the source too.
# No -dbgsym package: one package less to build and to lint.
if (cd "$SRC" && DEB_BUILD_OPTIONS="noddebs ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc) >"$TMP/build.log" 2>&1 && [ -f "$DEB" ]; then
	pass "build ($(($(date +%s) - start)) s)"
else
	fail build "dpkg-buildpackage failed; the end of its log:"
	tail -n 20 "$TMP/build.log" | sed 's/^/#   /'
	summary
	exit 1
fi

contents=$(dpkg-deb -c "$DEB" | awk '{ print $1, $6 }')
for want in '-rwxr-xr-x ./usr/sbin/bindsnoop' \
	    '-rw-r--r-- ./usr/share/man/man8/bindsnoop.8.gz' \
	    '-rw-r--r-- ./usr/share/bash-completion/completions/bindsnoop' \
	    '-rw-r--r-- ./lib/systemd/system/bindsnoop.service' \
	    '-rw-r--r-- ./usr/share/doc/bindsnoop/copyright'; do
	if grep -qxF -- "$want" <<<"$contents"; then
		pass "deb_has ${want#* ./}"
	else
		fail "deb_has ${want#* ./}" "not in the .deb (or wrong mode)"
	fi
done

lintian -I -L +pedantic "$CHANGES" >"$TMP/lintian.out" 2>"$TMP/lintian.err"
lintian_verdict "$TMP/lintian.out" "$TMP/lintian.err" $?

# ---- install ----

if dpkg -s libbpf-tools >/dev/null 2>&1; then
	# Installing would remove it (Conflicts + Replaces): not for a test to do.
	skip install "libbpf-tools is installed and conflicts with bindsnoop"
	INSTALL_OK=
elif dpkg -i "$DEB" >"$TMP/dpkg.log" 2>&1; then
	INSTALLED_BY_US=1
	INSTALL_OK=1
	pass install
else
	INSTALL_OK=
	fail install "dpkg -i: $(tail -n 1 "$TMP/dpkg.log")"
fi

if [ -n "$INSTALL_OK" ]; then
	got=$(/usr/sbin/bindsnoop --version 2>&1)
	if [ "$got" = "bindsnoop $VERSION" ]; then
		pass version
	else
		fail version "expected 'bindsnoop $VERSION', got '$got'"
	fi

	page=$(man -w bindsnoop 2>/dev/null)
	if [ "$page" = /usr/share/man/man8/bindsnoop.8.gz ]; then
		pass man_found
	else
		fail man_found "man -w bindsnoop: '$page'"
	fi
	warnings=$(zcat /usr/share/man/man8/bindsnoop.8.gz |
		groff -man -ww -Tutf8 2>&1 >/dev/null)
	if [ -z "$warnings" ] && [ -f /usr/share/man/man8/bindsnoop.8.gz ]; then
		pass man_renders_clean
	else
		fail man_renders_clean "groff -ww: ${warnings:-no page}"
	fi

	got=$(bash -c 'source /usr/share/bash-completion/completions/bindsnoop &&
		COMP_WORDS=(bindsnoop --backend k) COMP_CWORD=2 && _bindsnoop &&
		echo "${COMPREPLY[*]}"' 2>&1)
	if [ "$got" = kprobe ]; then
		pass completion
	else
		fail completion "--backend k completed to '$got', expected 'kprobe'"
	fi

	# ---- one bind, traced by the installed binary ----

	if make -s -C "$SRC" build/workload >"$TMP/make.log" 2>&1; then
		/usr/sbin/bindsnoop >"$TMP/out" 2>"$TMP/err" &
		TRACER=$!
		if wait_banner "$TMP/err" "$TRACER"; then
			# shellcheck disable=SC2016 # $0 and $1 are the inner sh's.
			wl=$(unshare -n sh -c 'ip link set lo up && exec "$0" -p "$1"' \
				"$SRC/build/workload" "$PORT" 2>&1)
			pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$wl")
			sleep 0.3
			kill -INT "$TRACER"
			wait "$TRACER"
			rc=$?
			TRACER=
			want=$(row "${pid:-0}" workload TCP 127.0.0.1 "$PORT" ..... 0)
			if [ -z "$pid" ]; then
				fail e2e_bind "workload said: $wl"
			elif grep -qxF -- "$want" "$TMP/out"; then
				pass e2e_bind
			else
				fail e2e_bind "no line '$want' in: $(grep -F workload "$TMP/out")"
			fi
			if [ "$rc" = 0 ]; then
				pass e2e_sigint_exit_0
			else
				fail e2e_sigint_exit_0 "exit status $rc: $(tail -n 1 "$TMP/err")"
			fi
		else
			kill -KILL "$TRACER" 2>/dev/null
			wait "$TRACER" 2>/dev/null
			TRACER=
			fail e2e_bind "bindsnoop did not start: $(tail -n 1 "$TMP/err")"
		fi
	else
		fail e2e_bind "make build/workload: $(tail -n 1 "$TMP/make.log")"
	fi

	# ---- remove ----

	if dpkg -r bindsnoop >"$TMP/dpkg.log" 2>&1 && [ ! -e /usr/sbin/bindsnoop ] &&
	   [ ! -e /usr/share/man/man8/bindsnoop.8.gz ] &&
	   [ ! -e /usr/share/bash-completion/completions/bindsnoop ] &&
	   [ ! -e /lib/systemd/system/bindsnoop.service ]; then
		INSTALLED_BY_US=
		pass remove
	else
		fail remove "dpkg -r left files or failed: $(tail -n 1 "$TMP/dpkg.log")"
	fi
fi

# ---- make install / make uninstall ----

# In the copy, where dpkg-buildpackage left ./bindsnoop: nothing is rebuilt.
# PREFIX=/usr/local: the unit's ExecStart= follows SBINDIR.
ROOT=$TMP/root
if make -s -C "$SRC" install DESTDIR="$ROOT" PREFIX=/usr/local >"$TMP/make.log" 2>&1; then
	got=$(cd "$ROOT" && find . -type f -printf '%m %p\n' | sort)
	want=$(printf '%s\n' '644 ./usr/local/lib/systemd/system/bindsnoop.service' \
		'644 ./usr/local/share/bash-completion/completions/bindsnoop' \
		'644 ./usr/local/share/man/man8/bindsnoop.8' '755 ./usr/local/sbin/bindsnoop')
	if [ "$got" = "$want" ]; then
		pass make_install
	else
		fail make_install "installed: $(tr '\n' ' ' <<<"$got")"
	fi
	got=$(grep '^ExecStart=' "$ROOT/usr/local/lib/systemd/system/bindsnoop.service" 2>&1)
	if [ "$got" = "ExecStart=/usr/local/sbin/bindsnoop --journal -E --owner" ]; then
		pass make_install_unit_execstart
	else
		fail make_install_unit_execstart "got '$got'"
	fi
else
	fail make_install "$(tail -n 1 "$TMP/make.log")"
fi
if make -s -C "$SRC" uninstall DESTDIR="$ROOT" PREFIX=/usr/local >"$TMP/make.log" 2>&1; then
	left=$(find "$ROOT" -type f 2>/dev/null)
	if [ -z "$left" ]; then
		pass make_uninstall
	else
		fail make_uninstall "left: $(tr '\n' ' ' <<<"$left")"
	fi
else
	fail make_uninstall "$(tail -n 1 "$TMP/make.log")"
fi

summary
[ "$FAILED" = 0 ]
