# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# tests/lib/debian-apt.sh (sourced): a private apt setup for any Debian
# suite and architecture, fetched from this machine's own mirrors
# (tests/lib/apt-mirror.sh). It has its own sources list, lists, cache and
# an empty dpkg status under one folder, so the host's apt configuration
# and dpkg database are never touched, whatever the architecture.
#
# Also the architecture names each tool uses: the kernel's and ours
# (x86, arm64, powerpc, s390, riscv: vmlinux/ARCH, make ARCH=), Debian's, the GNU
# triplet, the ELF machine number.

# shellcheck disable=SC2034 # for the scripts that source this file
# arch_facts ARCH: sets DEB_ARCH, TRIPLET, ELF_MACHINE, FLAVOUR (of
# Debian's kernel packages: linux-image-6.1.0-57-FLAVOUR) and ENDIAN
# (little, big) for ARCH; fails for an architecture we know nothing about.
arch_facts() {
	case $1 in
	x86) DEB_ARCH=amd64 TRIPLET=x86_64-linux-gnu ELF_MACHINE=62 FLAVOUR=amd64 ENDIAN=little ;;
	arm64) DEB_ARCH=arm64 TRIPLET=aarch64-linux-gnu ELF_MACHINE=183 FLAVOUR=arm64 ENDIAN=little ;;
	powerpc) DEB_ARCH=ppc64el TRIPLET=powerpc64le-linux-gnu ELF_MACHINE=21 FLAVOUR=powerpc64le ENDIAN=little ;;
	s390) DEB_ARCH=s390x TRIPLET=s390x-linux-gnu ELF_MACHINE=22 FLAVOUR=s390x ENDIAN=big ;;
	riscv) DEB_ARCH=riscv64 TRIPLET=riscv64-linux-gnu ELF_MACHINE=243 FLAVOUR=riscv64 ENDIAN=little ;;
	*) return 1 ;;
	esac
}

# This machine's architecture in our naming.
host_arch() {
	case $(uname -m) in
	x86_64) echo x86 ;;
	aarch64) echo arm64 ;;
	ppc64le) echo powerpc ;;
	s390x) echo s390 ;;
	riscv64) echo riscv ;;
	*) uname -m ;;
	esac
}

# This machine's Debian release (bookworm, ...): what "the host's suite"
# means for an architecture the host's own apt does not carry.
host_suite() {
	(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
}

# arch_suite ARCH: the Debian release whose ARCH packages stand in for this
# machine's (the guests' tools, the cross build's sysroot): this machine's
# own, unless ARCH is not an official architecture of it. riscv64 is one
# from Debian 13 (trixie) on: Debian 12's archive has no riscv64 lists.
arch_suite() {
	local host first order=" buster bullseye bookworm trixie forky duke "
	host=$(host_suite) || return 1
	case $1 in
	riscv) first=trixie ;;
	*) first= ;;
	esac
	# A release after the last one named here knows them all.
	if [[ -n $first && $order == *" $host "* && ${order%% "$host" *} != *" $first"* &&
		$host != "$first" ]]; then
		echo "$first"
	else
		echo "$host"
	fi
}

# debian_apt_suites SUITE: the suites a setup for SUITE lists, one a line
# with the mirror that serves it ("archive NAME" or "security NAME"). A
# release (trixie) comes with its -security suite; a backports suite
# (trixie-backports) has none of its own and needs its release (and that
# one's -security) for what its packages depend on; sid (unstable) and
# experimental have no -security suite (a listed one that is not there
# fails apt-get update as a whole: 404 for its Release file).
debian_apt_suites() {
	local suite=$1
	case $suite in
	*-backports | *-backports-sloppy)
		echo "archive ${suite%%-backports*}"
		echo "security ${suite%%-backports*}-security"
		[[ $suite != *-sloppy ]] || echo "archive ${suite%-sloppy}"
		echo "archive $suite"
		;;
	sid | unstable | experimental | rc-buggy)
		echo "archive $suite" ;;
	*)
		echo "archive $suite"
		echo "security $suite-security"
		;;
	esac
}

# debian_apt_setup DIR SUITE DEB_ARCH: creates (or reuses) the setup in DIR
# for SUITE and the suites it goes with (debian_apt_suites), and sets the
# array DEBIAN_APT to the apt options that select it (and DEBIAN_APT_DIR to
# DIR).
debian_apt_setup() {
	local dir=$1 suite=$2 arch=$3 mirrors archive security
	DEBIAN_APT=() DEBIAN_APT_DIR=$dir
	mirrors=$("$(dirname "${BASH_SOURCE[0]}")/apt-mirror.sh") || return 1
	archive=$(awk '$1 == "archive" { print $2 }' <<<"$mirrors")
	security=$(awk '$1 == "security" { print $2 }' <<<"$mirrors")
	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" || return 1
	debian_apt_suites "$suite" | while read -r where name; do
		[[ $where == security ]] && where=$security || where=$archive
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $where $name main"
	done >"$dir/sources.list"
	[[ -e $dir/state/status ]] || : >"$dir/state/status"
	DEBIAN_APT=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null
		-o "Dir::State=$dir/state"
		-o "Dir::State::status=$dir/state/status"
		-o "Dir::Cache=$dir/cache"
		-o "APT::Architecture=$arch"
		-o "APT::Architectures=$arch"
		-o Acquire::Languages=none
		# The _apt user may not write to the folders we download into.
		-o APT::Sandbox::User=root
	)
}

# debian_apt_update LOG: apt-get update for the setup. An index that the
# mirror serves out of step with its Release file (this machine's mirror did
# so for bookworm-security's ppc64el Packages) leaves that suite out, with a
# warning, as long as another list came down: what is needed may be there.
debian_apt_update() {
	local log=$1
	apt-get "${DEBIAN_APT[@]}" update -q >>"$log" 2>&1 && return 0
	compgen -G "$DEBIAN_APT_DIR/state/lists/*Packages*" >/dev/null || return 1
	{
		echo "warning: apt-get update left some suites out, going on without them (log: $log):"
		grep -E '^(E|W): Failed to fetch' "$log" | sort -u | cut -c1-200
	} >&2
}

# debian_root DIR SUITE DEB_ARCH LOG PKG...: DIR/root holds the files of
# PKG and of everything they depend on, for DEB_ARCH, unpacked (dpkg-deb
# -x, no maintainer scripts run). apt resolves the dependencies against an
# empty dpkg status, downloads into DIR/apt, and DIR/root is unpacked again
# only when that set of packages changed. Output of apt goes to LOG.
debian_root() {
	local dir=$1 suite=$2 arch=$3 log=$4 debs stamp deb
	shift 4
	debian_apt_setup "$dir/apt" "$suite" "$arch" || return 1
	if ! compgen -G "$dir/apt/state/lists/*Packages*" >/dev/null; then
		debian_apt_update "$log" || return 1
	fi
	# Stale lists name versions the archive no longer has: update, retry.
	if ! debian_root_download "$@" >>"$log" 2>&1; then
		debian_apt_update "$log" && debian_root_download "$@" >>"$log" 2>&1 || return 1
	fi
	debs=$(debian_root_debs "$@") || return 1
	stamp=$(printf '%s\n' "$debs" | xargs -n 1 basename)
	if [[ -d $dir/root && -f $dir/root.packages && $(<"$dir/root.packages") == "$stamp" ]]; then
		return 0
	fi
	rm -rf "$dir/root" "$dir/root.packages"
	mkdir -p "$dir/root"
	for deb in $debs; do
		dpkg-deb -x "$deb" "$dir/root" || return 1
	done
	printf '%s\n' "$stamp" >"$dir/root.packages"
}

debian_root_download() {
	apt-get "${DEBIAN_APT[@]}" install -q -y --download-only --no-install-recommends "$@"
}

# The .deb files of PKG... and their dependencies, from the setup's cache:
# what a simulated install would unpack ("Inst NAME (VERSION ...").
debian_root_debs() {
	local plan archives name version files
	plan=$(apt-get "${DEBIAN_APT[@]}" install -q -s --no-install-recommends "$@") || return 1
	archives=$(apt-config "${DEBIAN_APT[@]}" shell a Dir::Cache::archives/d) || return 1
	eval "$archives"
	while read -r name version; do
		# The archive's file name spells the epoch's colon as %3a.
		# shellcheck disable=SC2154 # $a is set by the eval above
		files=$(compgen -G "$a/${name}_${version//:/%3a}_*.deb") || {
			echo "debian-apt.sh: $name $version was not downloaded" >&2
			return 1
		}
		printf '%s\n' "$files"
	done < <(awk '$1 == "Inst" { sub(/^\(/, "", $3); print $2, $3 }' <<<"$plan")
}
