#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/lib/apt-mirror.sh: print the Debian mirrors this machine's own apt
# setup uses, as two lines:
#   archive URI     (the one serving the release suites: bookworm, ...)
#   security URI    (the one serving SUITE-security)
# read from deb822 .sources files and one-line sources.list entries. The
# qemu matrix and the chroot builds fetch other suites and architectures
# from the same places, so they work behind a local mirror or proxy, and no
# archive host name is written into the tree.
set -eu

etc=${APT_ETC:-/etc/apt}

# "URI SUITE..." for each enabled Debian entry, deb822 first.
entries() {
	local f
	for f in "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# Stanzas are separated by blank lines; keys are case-insensitive.
		awk 'BEGIN { IGNORECASE = 1 }
			function flush() {
				if (uris != "" && types ~ /(^| )deb( |$)/ && enabled !~ /^no$/)
					print uris "\t" suites
				uris = suites = types = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "uris:" { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "enabled:" { enabled = $2 }
			END { flush() }' "$f"
	done
	for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI SUITE COMPONENT...
		awk '$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				print $i "\t" $(i + 1)
			}' "$f"
	done
}

# Only entries for this machine's own Debian release count: a third-party
# repository (suite "nodistro", "stable", ...) is no Debian mirror.
codename=${APT_CODENAME:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
[ -n "$codename" ] || { echo "tests/lib/apt-mirror.sh: no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }

archive="" security=""
while IFS=$'\t' read -r uris suites; do
	for uri in $uris; do
		for suite in $suites; do
			case $suite in
			"$codename-security") [ -n "$security" ] || security=${uri%/} ;;
			"$codename") [ -n "$archive" ] || archive=${uri%/} ;;
			esac
		done
	done
done < <(entries)

if [ -z "$archive" ]; then
	echo "tests/lib/apt-mirror.sh: no Debian archive found in $etc's sources" >&2
	exit 1
fi
# A machine without a security entry: its archive may carry that suite too.
echo "archive $archive"
echo "security ${security:-$archive}"
