#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# vmtest.sh: boot Debian kernels under qemu and run the e2e suite inside
# each one, once per backend, then print a kernel x backend result matrix.
#
# Each kernel boots once; /init (tests/vmtest/init) runs every backend in
# that boot and frames each run with "@@vmtest" marker lines on the serial
# console, which is all this script reads back. See README.md beside it.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: tests/vmtest/vmtest.sh --payload [ARCH=]DIR [options]

  --payload [ARCH=]DIR folder copied to /suite in the guests of ARCH
                       (x86, arm64, ...; default: this machine's); one for
                       each architecture of the kernels chosen
  --kernels "A B"      kernel names from tests/vmtest/kernels (default: all)
  --arches "A B"       only the kernels of these architectures (x86 arm64)
  --fetch-kernels      only download the kernels chosen into the cache,
                       then exit (no --payload needed): a head start for
                       a run that boots them later
  --prepare            fetch the kernels and the guests' tools into the
                       cache and build the initramfs, then exit (boot
                       nothing), e.g. ahead of a run without the network
  --print-arches       print the architectures of the kernels chosen, one
                       a line, and exit (no --payload needed)
  --backends "A B"     backends to run; "X+perfbuf" runs backend X with
                       BINDSNOOP_FORCE_PERFBUF=1
                       (default: "auto fentry kprobe tracepoint kprobe+perfbuf")
  --suite [ARCH=]CMD   command run in /suite (default: ./tests/e2e.sh);
                       ARCH=CMD: in the guests of ARCH only (repeatable);
                       "--backend X" is appended
  --modules "A B"      kernel modules (and their dependencies) to load in
                       the guest before the suite, e.g. "sctp"
  --host-tools "A B"   commands to put into the guest (with their
                       libraries) besides bash and jq, e.g. "ss ip"; they
                       shadow busybox applets of the same name. The host's
                       own for x86 guests; for another architecture, the
                       same Debian package's build for it
  --timeout SEC        wall-clock limit for one boot (default: 60 + the
                       suite timeout for each backend)
  --suite-timeout SEC  limit for one backend's suite run (default: 450)
  -j N                 boot N kernels at once (default: number of CPUs)
  --refresh            resolve the meta packages again; download what changed
  -v                   verbose: stream the guest consoles (also V=1)
  -h, --help           this text

Environment: VMTEST_CACHE (default: REPO/.cache/vmtest) holds the kernels,
VMTEST_OUT (default: REPO/build/vmtest) the initramfs and the console logs,
VMTEST_CPU qemu's -cpu (default: qemu64 for x86, max,pauth=off for arm64),
VMTEST_APPEND extra kernel arguments, VMTEST_QEMU_ARGS extra qemu arguments
(split on blanks).
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$top/tests/lib/kernel.sh"
# shellcheck source=tests/lib/debian-apt.sh
. "$top/tests/lib/debian-apt.sh"
# shellcheck source=tests/vmtest/rows.sh
. "$here/rows.sh"
# Absolute from here on: the script works in other folders too (apt
# downloads into a temporary one), and a relative VMTEST_OUT once sent the
# fetch log there (found only on a machine with an empty kernel cache).
cache=$(realpath -m -- "${VMTEST_CACHE:-$top/.cache/vmtest}")
out=$(realpath -m -- "${VMTEST_OUT:-$top/build/vmtest}")

declare -A payloads=() suites=()
print_arches=
fetch_kernels=
prepare=
arch_filter=
this_arch=$(host_arch)
kernel_names=
backends="auto fentry kprobe tracepoint kprobe+perfbuf"
suite=./tests/e2e.sh
modules=
host_tools=
boot_limit=
# The auto row runs every group (the others only the kernel's): 275-301 s
# seen for it on arm64 and 7.x under TCG while the machine was shared.
suite_limit=450
jobs=$(nproc)
refresh=
verbose=${V:-0}
[[ $verbose == 1 ]] || verbose=0
# A kernel that has not reached /init by then will not: under TCG all
# three boot in under 10 s here.
ready_limit=90

say() { printf 'vmtest: %s\n' "$*"; }
warn() { printf 'vmtest: %s\n' "$*" >&2; }
die() { warn "$*"; exit 2; }

# Runs a command with its output kept in LOG; shows that output only if
# the command fails, or always when verbose.
quietly() {
	local log=$1; shift
	if [[ $verbose == 1 ]]; then
		"$@" 2>&1 | tee -a "$log"
		return "${PIPESTATUS[0]}"
	fi
	if ! "$@" >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		return 1
	fi
}

now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		--payload) add_payload "${2:?--payload needs a folder}"; shift ;;
		--kernels) kernel_names=${2?}; shift ;;
		--arches) arch_filter=${2?}; shift ;;
		--print-arches) print_arches=1 ;;
		--prepare) prepare=1 ;;
		--fetch-kernels) fetch_kernels=1 ;;
		--backends) backends=${2?}; shift ;;
		--suite) add_suite "${2:?--suite needs a command}"; shift ;;
		--modules) modules=${2?}; shift ;;
		--host-tools) host_tools=${2?}; shift ;;
		--timeout) boot_limit=${2?}; shift ;;
		--suite-timeout) suite_limit=${2?}; shift ;;
		-j) jobs=${2?}; shift ;;
		-j*) jobs=${1#-j} ;;
		--refresh) refresh=1 ;;
		-v|--verbose) verbose=1 ;;
		-h|--help) usage; exit 0 ;;
		*) usage >&2; die "unknown argument: $1" ;;
		esac
		shift
	done
	[[ -n $print_arches || -n $fetch_kernels || ${#payloads[@]} -gt 0 ]] ||
		{ usage >&2; die "--payload is required"; }
	local opt
	for opt in "--timeout ${boot_limit:-1}" "--suite-timeout $suite_limit" "-j $jobs"; do
		[[ ${opt#* } =~ ^[1-9][0-9]*$ ]] || die "$opt: not a positive number"
	done
	# The per-backend limit catches a hung suite; this one a hung guest.
	: "${boot_limit:=$((60 + suite_limit * $(wc -w <<<"$backends")))}"
	local b
	for b in $backends; do
		[[ $b =~ ^[A-Za-z0-9_-]+(\+perfbuf)?$ ]] ||
			die "--backends: $b: not a backend name"
	done
	[[ -n ${backends// /} ]] || die "--backends: empty list"
	local first arch
	for arch in "${!payloads[@]}"; do
		first=$(suite_of "$arch")
		[[ $first != *"'"* ]] || die "--suite: no single quotes, please"
		first=${first%% *}
		[[ -x ${payloads[$arch]}/${first#./} ]] ||
			warn "warning: ${payloads[$arch]}/${first#./} is not an executable file"
	done
}

# --suite CMD, or ARCH=CMD for the guests of one architecture only.
add_suite() {
	if [[ $1 =~ ^([a-z0-9]+)=(.+)$ ]]; then
		suites[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	else
		suite=$1
	fi
}

suite_of() { printf '%s' "${suites[$1]:-$suite}"; }

# --payload DIR or ARCH=DIR.
add_payload() {
	local arch=$this_arch dir=$1
	if [[ $1 =~ ^([a-z0-9]+)=(.+)$ ]]; then
		arch=${BASH_REMATCH[1]} dir=${BASH_REMATCH[2]}
	fi
	arch_facts "$arch" || die "--payload $1: $arch: not an architecture (x86, arm64, powerpc, s390, riscv)"
	[[ -d $dir ]] || die "--payload $1: $dir: not a folder"
	payloads[$arch]=$(cd "$dir" && pwd)
}

# qemu_facts ARCH: sets qemu (the binary), qemu_pkg (its Debian package),
# qemu_args (machine and CPU) and console (the kernel's serial console).
qemu_facts() {
	case $1 in
	x86)
		qemu=qemu-system-x86_64 qemu_pkg=qemu-system-x86 console=ttyS0
		# Under TCG, "max" lets glibc and the kernel pick AVX2 code
		# paths that qemu emulates slowly: the e2e suite ran 25-35%
		# longer than with qemu64.
		qemu_args=(-machine "q35,accel=tcg" -cpu "${VMTEST_CPU:-qemu64}")
		;;
	arm64)
		# Debian's arm64 kernels boot on "virt" with a PL011 console
		# and need no modules for it. Emulated pointer authentication
		# made every boot and the suite 3-6 times slower.
		qemu=qemu-system-aarch64 qemu_pkg=qemu-system-arm console=ttyAMA0
		qemu_args=(-machine "virt,accel=tcg" -cpu "${VMTEST_CPU:-max,pauth=off}")
		;;
	# SLOF loads the ppc64el vmlinux ELF as it is; s390x boots its
	# vmlinuz. Debian 13's 6.12 kernels (Debian 12's 6.1 have no BTF):
	# /init after 4-5 s and 7 s.
	powerpc)
		qemu=qemu-system-ppc64 qemu_pkg=qemu-system-ppc console=hvc0
		qemu_args=(-machine "pseries,accel=tcg" ${VMTEST_CPU:+-cpu "$VMTEST_CPU"})
		;;
	s390)
		qemu=qemu-system-s390x qemu_pkg=qemu-system-misc console=ttysclp0
		qemu_args=(-machine "s390-ccw-virtio,accel=tcg" ${VMTEST_CPU:+-cpu "$VMTEST_CPU"})
		;;
	# Debian 13's riscv64 /boot/vmlinux-* is an Image with an EFI
	# header, which qemu loads as it is; OpenSBI (qemu's own, -bios
	# default) starts it. /init after about 2 s.
	riscv)
		qemu=qemu-system-riscv64 qemu_pkg=qemu-system-misc console=ttyS0
		qemu_args=(-machine "virt,accel=tcg" -bios default ${VMTEST_CPU:+-cpu "$VMTEST_CPU"})
		;;
	*) return 1 ;;
	esac
}

# --- host tools ------------------------------------------------------------

# Debian packages this script needs, and one command of each to check.
host_packages=(
	qemu-system-x86:qemu-system-x86_64 busybox-static:busybox
	zstd:zstd xz-utils:xz cpio:cpio jq:jq
)

ensure_host_tools() {
	local want=() entry pkg arch
	[[ -z $modules ]] || host_packages+=(kmod:depmod)
	for arch in $(k_arch_list); do
		qemu_facts "$arch"
		host_packages+=("$qemu_pkg:$qemu")
		# Libraries of another architecture are found with readelf.
		[[ $arch == "$this_arch" ]] || host_packages+=(binutils:readelf)
	done
	for entry in "${host_packages[@]}"; do
		pkg=${entry%%:*}
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'ok installed' || ! command -v "${entry#*:}" >/dev/null; then
			want+=("$pkg")
		fi
	done
	[[ ${#want[@]} -gt 0 ]] || return 0
	say "installing ${want[*]}"
	local log=$out/apt-install.log
	: >"$log"
	local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
		--no-install-recommends "${want[@]}")
	if ! "${install[@]}" >>"$log" 2>&1; then
		# Lists may be missing or stale on a fresh machine. A failing
		# third-party source must not stop us, so update's status is not
		# checked; the second install says whether it was enough.
		apt-get update -q >>"$log" 2>&1 || true
		quietly "$log" "${install[@]}" || die "apt-get install ${want[*]} failed (log: $log)"
	fi
}

# --- kernels ---------------------------------------------------------------

# Fills the arrays k_names, k_sources, k_metas from the kernels file,
# restricted to --kernels (and --arches) when given, in the order asked for,
# and kernel_arch[NAME].
declare -a k_names=() k_sources=() k_metas=()
declare -A kernel_arch=()
read_kernel_list() {
	local name source meta arch rest all=() want
	declare -A source_of=() meta_of=() arch_of=()
	while read -r name source meta arch rest; do
		[[ -n $name && $name != \#* ]] || continue
		[[ -n $meta && -z $rest ]] || die "$here/kernels: bad line: $name $source $meta $arch $rest"
		: "${arch:=x86}"
		if ! arch_facts "$arch" || ! qemu_facts "$arch"; then
			die "$here/kernels: $name: $arch: not an architecture vmtest.sh can boot (x86, arm64, powerpc, s390, riscv)"
		fi
		all+=("$name")
		source_of[$name]=$source
		meta_of[$name]=$meta
		arch_of[$name]=$arch
	done <"$here/kernels"
	for want in ${kernel_names:-${all[*]}}; do
		[[ -n ${source_of[$want]:-} ]] ||
			die "--kernels: $want: not in $here/kernels (have: ${all[*]})"
		[[ -z $arch_filter || " $arch_filter " == *" ${arch_of[$want]} "* ]] || continue
		k_names+=("$want")
		k_sources+=("${source_of[$want]}")
		k_metas+=("${meta_of[$want]}")
		kernel_arch[$want]=${arch_of[$want]}
	done
	[[ ${#k_names[@]} -gt 0 ]] || die "--arches $arch_filter: none of the kernels chosen is of these"
}

# The architectures of the kernels chosen, each once, in their order.
k_arch_list() {
	local name
	for name in "${k_names[@]}"; do
		printf '%s\n' "${kernel_arch[$name]}"
	done | awk '!seen[$0]++'
}

# Sets apt_opts to the options that point apt at SOURCE for ARCH: nothing
# for the host's own setup ("system" on this machine's architecture), else
# a private setup (tests/lib/debian-apt.sh) in apt_dir; "system" for
# another architecture is this machine's release.
declare -a apt_opts=()
apt_dir=
apt_setup() {
	local source=$1 arch=$2 suite=$1
	apt_opts=() apt_dir=
	[[ $source != system || $arch != "$this_arch" ]] || return 0
	[[ $suite != system ]] || suite=$(arch_suite "$arch")
	arch_facts "$arch"
	apt_dir=$cache/apt/$suite-$DEB_ARCH
	debian_apt_setup "$apt_dir" "$suite" "$DEB_ARCH" || die "cannot tell this machine's Debian mirror"
	apt_opts=("${DEBIAN_APT[@]}")
}

apt_update() {
	local log=$1
	if [[ -z $apt_dir ]]; then
		apt-get update -q >>"$log" 2>&1 || true
	else
		debian_apt_update "$log" || { tail -n 5 "$log" >&2; die "apt-get update for $apt_dir failed (log: $log)"; }
	fi
}

# Downloads PKG's .deb into DIR, with the apt setup that apt_setup chose.
apt_download() {
	local dir=$1 pkg=$2 log=$3
	# APT::Sandbox::User: the _apt user may not write to DIR.
	(cd "$dir" && quietly "$log" apt-get "${apt_opts[@]}" -q \
		-o APT::Sandbox::User=root download "$pkg")
}

# Prints the versioned linux-image packages that META's versions depend
# on, newest first. The lists may name a package whose file the archive
# does not have (bullseye-security listed linux-image-5.10.0-46-arm64, its
# pool had no file), so the older ones are the fall-back.
meta_images() {
	local version named first series flavour
	named=$(for version in $(apt-cache "${apt_opts[@]}" madison "$1" 2>/dev/null |
		awk -F '|' '{ gsub(/ /, "", $2); print $2 }'); do
		apt-cache "${apt_opts[@]}" depends "$1=$version" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
	done)
	[[ -n $named ]] || return 0
	first=${named%%$'\n'*}
	{
		printf '%s\n' "$named"
		# A mirror that lags behind its own lists (trixie's ppc64el and
		# s390x 6.12.117 and .118 answered 404, .113 was there) needs
		# older builds of the series than the meta package's versions
		# name: the lists' other linux-image-MAJOR.MINOR.N+ABI-FLAVOUR
		# packages, newest first.
		if [[ $first =~ ^linux-image-([0-9]+[.][0-9]+)[.][0-9]+([+][a-z0-9]+-.+)$ ]]; then
			series=${BASH_REMATCH[1]} flavour=${BASH_REMATCH[2]}
			apt-cache "${apt_opts[@]}" pkgnames "linux-image-$series." 2>/dev/null |
				awk -v f="$flavour" 'substr($0, length($0) - length(f) + 1) == f' | sort -rV
		fi
	} | awk '!seen[$0]++'
}

# Makes $cache/kernels/NAME hold: the kernel image (x86: bzImage and, when
# it extracts, vmlinux; other architectures: Image, /boot's vmlinuz as it
# is), config, package, release, kernel.deb, and "source" written last,
# which marks the folder complete and records the kernels line it came
# from.
fetch_kernel() {
	local name=$1 source=$2 meta=$3 arch=$4
	local dir=$cache/kernels/$name line="$2 $3 $4"
	if [[ -z $refresh && -s $dir/source && $(<"$dir/source") == "$line" ]]; then
		say "kernel $name: $(<"$dir/release") (cached)"
		return 0
	fi
	local log=$out/fetch-$name.log
	: >"$log"
	apt_setup "$source" "$arch"
	if [[ -n $apt_dir ]] &&
		{ [[ -n $refresh ]] || ! compgen -G "$apt_dir/state/lists/*Packages*" >/dev/null; }; then
		apt_update "$log"
	fi
	local pkgs pkg cached=
	pkgs=$(meta_images "$meta")
	if [[ -z $pkgs ]]; then
		apt_update "$log"
		pkgs=$(meta_images "$meta")
	fi
	[[ -n $pkgs ]] || die "kernel $name: $meta ($source, $arch) depends on no linux-image-* package"
	[[ ! -s $dir/package ]] || cached=$(<"$dir/package")
	if [[ $cached == "${pkgs%%$'\n'*}" ]]; then
		printf '%s\n' "$line" >"$dir/source"
		say "kernel $name: $(<"$dir/release") (cached, still current)"
		return 0
	fi

	local tmp got='' updated=''
	tmp=$(mktemp -d "$cache/kernels/.$name.XXXXXX")
	chmod 755 "$tmp"
	for pkg in $pkgs; do
		if [[ $pkg == "$cached" ]]; then
			got=cached
			break
		fi
		say "kernel $name: downloading $pkg"
		if apt_download "$tmp" "$pkg" "$log" 2>/dev/null; then
			got=$pkg
			break
		fi
		# Stale lists name a version the archive no longer has: once.
		if [[ -z $updated ]]; then
			updated=1
			apt_update "$log"
			apt_download "$tmp" "$pkg" "$log" 2>/dev/null && { got=$pkg; break; }
		fi
		warn "kernel $name: $pkg is in the lists, but the archive has no file for it; trying an older one (log: $log)"
	done
	if [[ $got == cached ]]; then
		rm -rf "$tmp"
		printf '%s\n' "$line" >"$dir/source"
		say "kernel $name: $(<"$dir/release") (cached)"
		return 0
	fi
	[[ -n $got ]] || die "kernel $name: none of $(tr '\n' ' ' <<<"$pkgs")could be downloaded (log: $log)"
	pkg=$got
	mv "$tmp"/*.deb "$tmp/kernel.deb"
	local release=${pkg#linux-image-} image
	unpack_kernel "$name" "$tmp" "$release" "$log"
	# ppc64el's is an ELF vmlinux, the others a vmlinuz.
	image=$(compgen -G "$tmp/boot/vmlinu[xz]-$release" | head -n 1) ||
		die "kernel $name: $pkg has no /boot/vmlinuz-$release"
	mv "$tmp/boot/config-$release" "$tmp/config" 2>/dev/null || true
	if [[ $arch == x86 ]]; then
		mv "$image" "$tmp/bzImage"
		if ! "$here/extract-vmlinux.sh" "$tmp/bzImage" "$tmp/vmlinux" 2>>"$log"; then
			warn "kernel $name: no vmlinux extracted, will boot the bzImage"
		fi
	else
		mv "$image" "$tmp/Image"
	fi
	rm -rf "${tmp:?}/boot"
	printf '%s\n' "$pkg" >"$tmp/package"
	printf '%s\n' "$release" >"$tmp/release"
	printf '%s\n' "$line" >"$tmp/source"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	say "kernel $name: $release"
}

# unpack_kernel NAME DIR RELEASE LOG: puts the kernel image and its config
# of DIR/kernel.deb (linux-image-RELEASE) into DIR/boot, as
# vmlinu[xz]-RELEASE and config-RELEASE. Two layouts:
# - up to 6.x, linux-image-RELEASE holds /boot (the image, the config) and
#   /lib/modules/RELEASE (or /usr/lib/...): all in kernel.deb;
# - from 7.0, linux-image-RELEASE is empty and depends on
#   linux-binary-RELEASE (/usr/lib/modules/RELEASE/vmlinuz),
#   linux-base-RELEASE (config, System.map, modules.builtin, .order) and
#   linux-modules-RELEASE (the modules, 100 MB, fetched only for
#   --modules: its name goes to DIR/modules.package). The other two are
#   downloaded beside kernel.deb, the same version; base.deb is kept.
# Only the image and the config are unpacked; the modules stay in a .deb.
unpack_kernel() {
	local name=$1 dir=$2 release=$3 log=$4 version deps part
	# The package names it depends on, one a line.
	deps=$(dpkg-deb -f "$dir/kernel.deb" Depends | tr ',|' '\n' | awk '{ print $1 }')
	if ! grep -qxF "linux-binary-$release" <<<"$deps"; then
		dpkg-deb --fsys-tarfile "$dir/kernel.deb" | tar -x -C "$dir" ./boot ||
			die "kernel $name: cannot unpack linux-image-$release"
		return 0
	fi
	version=$(dpkg-deb -f "$dir/kernel.deb" Version)
	mkdir -p "$dir/split" "$dir/boot"
	for part in binary base; do
		say "kernel $name: downloading linux-$part-$release (7.x layout)"
		apt_download "$dir/split" "linux-$part-$release=$version" "$log" ||
			die "kernel $name: cannot download linux-$part-$release $version (log: $log)"
		mv "$dir"/split/*.deb "$dir/$part.deb"
	done
	rmdir "$dir/split"
	dpkg-deb --fsys-tarfile "$dir/binary.deb" | tar -x -C "$dir" "./usr/lib/modules/$release/vmlinuz" ||
		die "kernel $name: linux-binary-$release has no /usr/lib/modules/$release/vmlinuz"
	# The image is all it has.
	rm "$dir/binary.deb"
	dpkg-deb --fsys-tarfile "$dir/base.deb" | tar -x -C "$dir" "./usr/lib/modules/$release/config" ||
		warn "kernel $name: linux-base-$release has no /usr/lib/modules/$release/config"
	mv "$dir/usr/lib/modules/$release/vmlinuz" "$dir/boot/vmlinuz-$release"
	[[ ! -f $dir/usr/lib/modules/$release/config ]] ||
		mv "$dir/usr/lib/modules/$release/config" "$dir/boot/config-$release"
	rm -rf "${dir:?}/usr"
	grep -qxF "linux-modules-$release" <<<"$deps" &&
		printf 'linux-modules-%s=%s\n' "$release" "$version" >"$dir/modules.package"
	return 0
}

# Prints, in load order, the module files (relative to the release's
# /lib/modules folder, decompressed) that --modules needs on kernel NAME,
# resolving them once from the .deb into $cache/kernels/NAME/modules.
kernel_modules() {
	local name=$1 dir=$cache/kernels/$1 m
	local release tree='' status=0
	release=$(<"$dir/release")
	for m in $modules; do
		[[ ! -f $dir/modules/$m.order ]] || continue
		if [[ -z $tree ]]; then
			tree=$(mktemp -d "$cache/.modules.XXXXXX")
			unpack_modules "$name" "$tree" "$release" || { status=1; break; }
		fi
		resolve_module "$tree" "$release" "$m" "$dir/modules" || { status=1; break; }
	done
	[[ -z $tree ]] || rm -rf "$tree"
	[[ $status == 0 ]] || return 1
	for m in $modules; do
		cat "$dir/modules/$m.order"
	done | awk '!seen[$0]++'
}

# unpack_modules NAME TREE RELEASE: TREE/lib/modules/RELEASE holds the
# kernel's modules with a modules.dep, from kernel.deb (up to 6.x, under
# /lib or /usr/lib), or from linux-base-RELEASE (modules.builtin, .order)
# and linux-modules-RELEASE (7.x), the latter downloaded the first time
# into the kernel's folder as modules.deb.
unpack_modules() {
	local name=$1 tree=$2 release=$3 dir=$cache/kernels/$1 deb m
	local log=$out/fetch-$name.log source arch
	if [[ -s $dir/modules.package ]]; then
		if [[ ! -s $dir/modules.deb ]]; then
			# "SOURCE META ARCH", the kernels line it came from.
			read -r source _ arch <"$dir/source"
			apt_setup "$source" "$arch"
			m=$(<"$dir/modules.package")
			# stdout is kernel_modules' list.
			warn "kernel $name: downloading ${m%%=*} for --modules"
			mkdir -p "$tree/.deb"
			apt_download "$tree/.deb" "$m" "$log" >&2 || { warn "kernel $name: cannot download $m (log: $log)"; return 1; }
			mv "$tree"/.deb/*.deb "$dir/modules.deb.tmp" && mv "$dir/modules.deb.tmp" "$dir/modules.deb"
			rm -rf "$tree/.deb"
		fi
		set -- "$dir/base.deb" "$dir/modules.deb"
	else
		set -- "$dir/kernel.deb"
	fi
	for deb; do
		# /lib/modules up to Debian 12, /usr/lib/modules from Debian 13.
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree" ./lib/modules ./usr/lib/modules 2>/dev/null
		[[ -d $tree/lib/modules/$release || -d $tree/usr/lib/modules/$release ]] ||
			{ warn "kernel $name: no /lib/modules/$release in $deb"; return 1; }
	done
	# The host's depmod and modprobe (-b, -d) look in BASE/lib/modules.
	if [[ -d $tree/usr/lib/modules && ! -e $tree/lib ]]; then
		ln -s usr/lib "$tree/lib"
	fi
	# The package leaves modules.dep to its postinst.
	depmod -b "$tree" "$release"
}

resolve_module() {
	local tree=$1 release=$2 m=$3 dest=$4 line path rel
	local base=$tree/lib/modules/$release/
	local order=()
	local deps
	deps=$(modprobe -d "$tree" -S "$release" --show-depends "$m" 2>&1) || {
		warn "module $m: not found for $release: $deps"
		return 1
	}
	while read -r line; do
		[[ $line == insmod\ * ]] || continue # "builtin X" needs nothing
		path=${line#insmod }
		path=${path%% *}
		rel=${path#"$base"}
		rel=${rel%.xz}
		rel=${rel%.zst}
		rel=${rel%.gz}
		mkdir -p "$dest/$(dirname "$rel")"
		# busybox insmod hands the file to init_module as is, so the
		# guest gets plain .ko files.
		case $path in
		*.xz) xz -dc "$path" >"$dest/$rel" ;;
		*.zst) zstd -dcq "$path" >"$dest/$rel" ;;
		*.gz) gzip -dc "$path" >"$dest/$rel" ;;
		*) cp "$path" "$dest/$rel" ;;
		esac
		order+=("$rel")
	done <<<"$deps"
	printf '%s\n' "${order[@]}" >"$dest/$m.order"
}

# --- initramfs ---------------------------------------------------------------

# Copies FILE into the root at the same path, following symlinks.
copy_file() {
	local root=$1 file=$2
	[[ ! -e $root$file ]] || return 0
	mkdir -p "$root$(dirname "$file")"
	cp -L "$file" "$root$file"
}

# Copies the shared libraries and the dynamic loader that ELF needs.
copy_libs() {
	local root=$1 elf=$2 lib
	local deps
	deps=$(ldd "$elf" 2>/dev/null) || return 0 # static, or not for us
	if grep -q 'not found' <<<"$deps"; then
		warn "warning: $elf needs libraries the host lacks:"
		grep 'not found' <<<"$deps" >&2
	fi
	# "libz.so.1 => /lib/.../libz.so.1 (0x...)", and the loader as
	# "/lib64/ld-linux-x86-64.so.2 (0x...)".
	while read -r lib; do
		copy_file "$root" "$lib"
	done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }' <<<"$deps")
}

# Prints the ELF machine number of FILE (62 x86-64, 183 aarch64, ...) if it
# is an executable or a shared object, else fails (BPF objects are ELF
# too, relocatable ones, and need no libraries).
elf_machine() {
	local head type machine
	head=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n')
	[[ ${head:0:8} == 7f454c46 ]] || return 1
	# EI_DATA (byte 5) is 1 for little endian; e_type at 16, e_machine at 18.
	if [[ ${head:10:2} == 01 ]]; then
		type=$((16#${head:34:2}${head:32:2})) machine=$((16#${head:38:2}${head:36:2}))
	else
		type=$((16#${head:32:4})) machine=$((16#${head:36:4}))
	fi
	((type == 2 || type == 3)) && echo "$machine"
}

# --- the guest's tools for another architecture --------------------------------

# The Debian package that holds command TOOL on this machine.
tool_package() {
	local path p
	path=$(command -v "$1") || return 1
	# dpkg knows the path the package ships, from before or after the /usr merge.
	for p in "$path" "$(realpath "$path")" "${path#/usr}"; do
		dpkg-query -S "$p" 2>/dev/null |
			awk -F ': ' '!/^diversion/ { sub(/:.*/, "", $1); print $1; found = 1; exit }
				END { exit !found }' && return 0
	done
	return 1
}

# Unpacks ARCH's Debian packages of the guest's tools (busybox, bash, jq
# and the packages that hold --host-tools on this machine), with what they
# depend on, into $cache/userland/ARCH/root, and sets uroot to it.
uroot=
fetch_userland() {
	local arch=$1 pkgs=(busybox-static bash jq) tool pkg log=$out/userland-$1.log
	for tool in $host_tools; do
		pkg=$(tool_package "$tool") || die "--host-tools: $tool: no Debian package on this machine holds it"
		pkgs+=("$pkg")
	done
	: >"$log"
	# This machine's release, or the first that has ARCH (riscv64: trixie).
	debian_root "$cache/userland/$arch" "$(arch_suite "$arch")" "$DEB_ARCH" "$log" "${pkgs[@]}" ||
		{ tail -n 5 "$log" >&2; die "cannot fetch the $DEB_ARCH packages ${pkgs[*]} (log: $log)"; }
	uroot=$cache/userland/$arch/root
}

# Prints the file PATH names in $uroot, its symlinks followed inside it
# (an absolute link is relative to $uroot), or fails.
in_uroot() {
	local path=$1 link n=0
	while [[ -L $uroot$path ]]; do
		((n++ < 40)) || return 1
		link=$(readlink "$uroot$path")
		[[ $link == /* ]] || link=$(dirname "$path")/$link
		path=$(realpath -m -s -- "$link")
	done
	[[ -e $uroot$path ]] && printf '%s\n' "$path"
}

# Copies PATH of $uroot to the same path under ROOT, whose /bin, /sbin and
# /lib lead into /usr.
copy_from_uroot() {
	local root=$1 path=$2 real
	[[ ! -e $root$path ]] || return 0
	real=$(in_uroot "$path") || return 1
	mkdir -p "$root$(dirname "$path")"
	cp "$uroot$real" "$root$path"
}

# Copies from $uroot what ELF needs to run: its program interpreter and
# the libraries it names (DT_NEEDED), and theirs.
copy_uroot_libs() {
	local root=$1 elf=$2 interp lib dir found
	interp=$(readelf -lW "$elf" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	if [[ -n $interp ]] && ! copy_from_uroot "$root" "$interp"; then
		warn "warning: ${elf#"$root"}: its interpreter $interp is in none of the $DEB_ARCH packages"
	fi
	for lib in $(readelf -dW "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		found=
		for dir in "/lib/$TRIPLET" "/usr/lib/$TRIPLET" /lib /usr/lib; do
			if in_uroot "$dir/$lib" >/dev/null; then
				found=$dir/$lib
				break
			fi
		done
		if [[ -z $found ]]; then
			warn "warning: ${elf#"$root"} needs $lib, which none of the $DEB_ARCH packages has"
			continue
		fi
		[[ ! -e $root$found ]] || continue
		copy_from_uroot "$root" "$found"
		copy_uroot_libs "$root" "$root$found"
	done
}

# Copies command TOOL of $uroot, and what it needs, into ROOT.
copy_uroot_tool() {
	local root=$1 tool=$2 dir
	for dir in /usr/bin /usr/sbin /bin /sbin; do
		in_uroot "$dir/$tool" >/dev/null || continue
		copy_from_uroot "$root" "$dir/$tool"
		copy_uroot_libs "$root" "$root$dir/$tool"
		return 0
	done
	return 1
}

# --- initramfs ------------------------------------------------------------------

# Builds $out/base-ARCH.cpio: busybox, bash, jq, --host-tools and their
# libraries (this machine's own for its architecture; ARCH's Debian
# packages for another), /init, /etc, and ARCH's payload in /suite.
build_base_initramfs() {
	local arch=$1 root=$out/rootfs-$1 cpio=$out/base-$1.cpio
	arch_facts "$arch"
	rm -rf "$root"
	mkdir -p "$root"/usr/{bin,sbin,lib,lib64}
	# The usr-merged layout of the host, so every shebang and ldd path
	# that is valid there is valid here.
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	mkdir -p "$root"/{dev,proc,sys,tmp,run,root,etc,suite}
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

	# /init makes busybox's applet links when it starts; only the shell
	# it runs in is needed before.
	local busybox tool path tools=()
	if [[ $arch == "$this_arch" ]]; then
		busybox=$(command -v busybox)
		copy_file "$root" "$busybox"
		[[ $busybox == /usr/bin/busybox ]] || ln -s "$busybox" "$root/usr/bin/busybox"
		copy_libs "$root" "$busybox"
		for tool in bash jq $host_tools; do
			path=$(command -v "$tool") || die "$tool: not on the host"
			copy_file "$root" "$path"
			copy_libs "$root" "$path"
			tools+=("${path##*/}")
		done
	else
		fetch_userland "$arch"
		copy_uroot_tool "$root" busybox || die "busybox: not in busybox-static:$DEB_ARCH"
		[[ -e $root/usr/bin/busybox ]] || die "busybox-static:$DEB_ARCH: no /bin/busybox"
		for tool in bash jq $host_tools; do
			copy_uroot_tool "$root" "$tool" ||
				die "$tool: not in the $DEB_ARCH build of $(tool_package "$tool")"
			tools+=("$tool")
		done
	fi
	ln -s busybox "$root/usr/bin/sh"

	install -m 755 "$here/init" "$root/init"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
	echo vmtest >"$root/etc/hostname"
	local f
	for f in /etc/protocols /etc/services; do
		[[ ! -f $f ]] || cp "$f" "$root$f"
	done
	cat >"$root/etc/vmtest.conf" <<-EOF
		KERNEL_WARNING_RE='$KERNEL_WARNING_RE'
		SUITE='$(suite_of "$arch")'
		TIMEOUT=$suite_limit
		TOOLS='${tools[*]}'
	EOF

	copy_payload "$root/suite" "$arch"

	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$cpio"
	say "initramfs $arch: $(du -m "$cpio" | cut -f1) MB ($(du -sm "$root/suite" | cut -f1) MB payload)"
}

# Copies ARCH's payload to DEST, with the libraries its programs need.
# A program built for another machine is a setup error, said here rather
# than as "exec format error" in every row.
copy_payload() {
	local dest=$1 arch=$2 src=${payloads[$2]:-} excludes=(--exclude=./.git) d file machine
	[[ -n $src ]] || die "no payload for $arch: --payload $arch=DIR"
	# Never pack our own cache or output, should the payload be the repo.
	for d in "$cache" "$out"; do
		if [[ $d == "$src"/* ]]; then
			excludes+=("--exclude=./${d#"$src"/}")
		fi
	done
	tar -C "$src" "${excludes[@]}" -cf - . | tar -C "$dest" -xf -
	while IFS= read -r -d '' file; do
		machine=$(elf_machine "$file") || continue
		# x86-64 kernels run 32-bit x86 programs too (EM_386: the e2e compat32
		# cases' static workload32, which needs no libraries).
		if ((machine == 3 && ELF_MACHINE == 62)); then
			continue
		fi
		((machine == ELF_MACHINE)) ||
			die "payload $src: ${file#"$dest"/} is for ELF machine $machine, the $arch guests need $ELF_MACHINE"
		if [[ $arch == "$this_arch" ]]; then
			copy_libs "${dest%/suite}" "$file"
		else
			copy_uroot_libs "${dest%/suite}" "$file"
		fi
	done < <(find "$dest" -type f -print0)
}

declare -A initrds=()
# Prints the initrd for kernel NAME: the base one, plus a second cpio
# archive with the kernel's modules when --modules asks for any (the
# kernel unpacks concatenated archives in turn).
initrd_for() {
	local name=$1 base=$out/base-${kernel_arch[$1]}.cpio
	if [[ -z $modules ]]; then
		printf '%s\n' "$base"
		return 0
	fi
	local dir=$cache/kernels/$name release root=$out/modroot-$name list rel
	release=$(<"$dir/release")
	list=$(kernel_modules "$name") || return 1
	rm -rf "$root"
	mkdir -p "$root/etc"
	: >"$root/etc/vmtest.modules"
	while read -r rel; do
		[[ -n $rel ]] || continue
		mkdir -p "$root/usr/lib/modules/$release/$(dirname "$rel")"
		cp "$dir/modules/$rel" "$root/usr/lib/modules/$release/$rel"
		printf '/lib/modules/%s/%s\n' "$release" "$rel" >>"$root/etc/vmtest.modules"
	done <<<"$list"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out/modules-$name.cpio"
	cat "$base" "$out/modules-$name.cpio" >"$out/initrd-$name.cpio"
	printf '%s\n' "$out/initrd-$name.cpio"
}

# --- booting -----------------------------------------------------------------

# Boots IMAGE once with INITRD to run BACKENDS, console to LOG. Returns 0
# if the guest got as far as /init, and sets vm_status (qemu's or
# timeout's exit status) and vm_why (empty, or why the boot ended early).
vm_status=0 vm_why=
run_vm() {
	local name=$1 image=$2 initrd=$3 log=$4 todo=$5
	local start=$SECONDS pid streamer=
	vm_status=0 vm_why=
	: >"$log"
	qemu_facts "${kernel_arch[$name]}"
	# shellcheck disable=SC2086 # VMTEST_QEMU_ARGS: options, split on purpose
	timeout -k 10 "$boot_limit" "$qemu" "${qemu_args[@]}" -smp 1 -m 1G \
		-nodefaults -nographic -no-reboot -serial stdio \
		-kernel "$image" -initrd "$initrd" \
		-append "console=$console quiet panic=-1 vmtest.kernel=$name vmtest.backends=${todo// /,} ${VMTEST_APPEND:-}" \
		${VMTEST_QEMU_ARGS:-} </dev/null >"$log" 2>&1 &
	pid=$!
	# timeout keeps qemu out of the terminal's process group, so an
	# interrupted vmtest.sh has to stop it itself.
	trap 'kill "$pid" 2>/dev/null; exit 130' INT TERM
	if [[ $verbose == 1 ]]; then
		tail -n +1 -f --pid="$pid" "$log" | sed -u "s/\r\$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/^/[$name] /" &
		streamer=$!
	fi
	while kill -0 "$pid" 2>/dev/null; do
		! grep -q '@@vmtest ready' "$log" || break
		if ((SECONDS - start > ready_limit)); then
			vm_why="no /init after ${ready_limit} s"
			kill "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.5
	done
	wait "$pid" || vm_status=$?
	trap - INT TERM
	[[ -z $streamer ]] || wait "$streamer" || true
	if [[ -n $vm_why ]]; then
		:
	elif grep -q 'Kernel panic' "$log"; then
		vm_why=$(grep -m1 -o 'Kernel panic.*' "$log" | tr -d '\r')
	elif [[ $vm_status == 124 || $vm_status == 137 ]]; then
		vm_why="timed out after ${boot_limit} s"
	elif [[ $vm_status != 0 ]]; then
		# qemu's own complaint, if any, is the last thing it printed.
		vm_why="qemu exited with status $vm_status: $(tail -n 1 "$log" | tr -d '\r' | cut -c1-160)"
	elif ! grep -q -e '@@vmtest done' -e '@@vmtest reboot' "$log"; then
		vm_why="the guest powered off early"
	fi
	grep -q '@@vmtest ready' "$log"
}

# Boots kernel NAME, runs all backends, and writes one line per backend to
# $out/NAME.rows: "BACKEND<TAB>passed failed skipped<TAB>ok|fail<TAB>reason".
# Also writes $out/NAME.info: release, how it booted, seconds.
test_kernel() {
	local name=$1 dir=$cache/kernels/$1
	local log=$out/$name.log initrd=${initrds[$1]} image how start
	start=$(now)
	rm -f "$log.pvh"
	if [[ ${kernel_arch[$name]} != x86 ]]; then
		image=$dir/Image how=Image
	elif [[ -s $dir/vmlinux ]]; then
		image=$dir/vmlinux how=vmlinux
	else
		image=$dir/bzImage how=bzImage
	fi
	say "booting $name ($(<"$dir/release"), $how)"
	# A backend that taints the kernel ends the boot; the backends left
	# run in the next one, in the same log.
	local todo=$backends part=$log.boot b left
	: >"$log"
	while :; do
		if ! run_vm "$name" "$image" "$initrd" "$part" "$todo" && [[ $how == vmlinux ]]; then
			warn "$name: the vmlinux did not boot through PVH (${vm_why:-no /init}); trying the bzImage"
			mv "$part" "$log.pvh"
			how=bzImage image=$dir/bzImage
			run_vm "$name" "$image" "$initrd" "$part" "$todo" || true
		fi
		# The guest console is a terminal: drop its carriage returns and
		# any colour codes, which would hide the suite's summary line.
		sed -i 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$part"
		cat "$part" >>"$log"
		grep -qx '@@vmtest reboot' "$part" || break
		left=
		for b in $todo; do
			grep -qxF "@@vmtest begin $b" "$part" || left+="${left:+ }$b"
		done
		[[ -n $left ]] || break
		say "$name: the kernel is tainted; booting it again for: $left"
		todo=$left
	done
	rm -f "$part"
	local wall
	wall=$(elapsed "$start")
	local release
	release=$(sed -n 's/.*@@vmtest ready uname=\([^ ]*\).*/\1/p' "$log" | head -n 1)
	local booted=1
	[[ -n $release ]] || { booted=0 release=$(<"$dir/release"); }
	local to_init
	to_init=$(sed -n 's/.*@@vmtest ready .*uptime=\([0-9.]*\).*/\1/p' "$log" | head -n 1)
	printf '%s\t%s\t%s\t%s\t%s\n' "$release" "$how" "$wall" "${to_init:-?}" "$booted" \
		>"$out/$name.info"
	if [[ $booted == 0 ]]; then
		write_rows "$name" "" "kernel did not boot: ${vm_why:-no /init}"
	else
		write_rows "$name" "$log" "$vm_why"
	fi
	say "$name: $release done in ${wall} s (kernel to /init ${to_init:-?} s)"
}

# Turns the marker lines of LOG into rows, a "boot" row first; without
# LOG every row fails with REASON.
write_rows() {
	local name=$1 log=$2 reason=$3 b
	if [[ -z $log ]]; then
		for b in boot $backends; do
			printf '%s\t0 1 0\tfail\t%s\n' "$b" "$reason"
		done >"$out/$name.rows"
		return 0
	fi
	suite_rows "$log" "$reason" | kernel_checks "$log" >"$out/$name.rows"
}

# On a failed row, show that backend's part of the guest console.
show_failure() {
	local name=$1 backend=$2 log=$out/$1.log
	# The boot row's reasons are in the kernel lines below the matrix.
	[[ -s $log && $backend != boot && $backend != end ]] || return 0
	local part
	# Exact names: "kprobe" must not pick up "kprobe+perfbuf".
	part=$(awk -v begin="@@vmtest begin $backend" -v end="@@vmtest end $backend " '
		(i = index($0, begin)) && substr($0, i + length(begin)) == "" { on = 1; next }
		index($0, end) { on = 0 }
		on' "$log")
	# The failed checks first, each on a line naming the kernel and the
	# backend ("KERNEL BACKEND: FAIL ..."): tests/run.sh repeats these
	# at the very end of its output, where a CI log's tail shows them.
	grep '^FAIL ' <<<"$part" | head -n 20 | while IFS= read -r line; do
		printf '%s %s: %s\n' "$(<"$cache/kernels/$name/release")" "$backend" "$line"
	done
	printf '%s\n' "--- $name $backend: guest console (last 40 lines of this backend's run) ---"
	tail -n 40 <<<"$part"
}

report() {
	local name release how wall to_init booted b counts state reason
	local p f s total_p=0 total_f=0 total_s=0 bad=0
	echo
	say "boot timings (wall = qemu start to exit, all backends):"
	for name in "${k_names[@]}"; do
		IFS=$'\t' read -r release how wall to_init booted <"$out/$name.info"
		printf '  %-24s %-8s to /init %5s s   wall %6s s\n' "$release" "$how" "$to_init" "$wall"
	done
	echo
	for name in "${k_names[@]}"; do
		IFS=$'\t' read -r release how wall to_init booted <"$out/$name.info"
		while IFS=$'\t' read -r b counts state reason; do
			read -r p f s <<<"$counts"
			total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
			if [[ $state == ok ]]; then
				printf '%s %s: %d passed, %d failed, %d skipped\n' "$release" "$b" "$p" "$f" "$s"
			else
				bad=1
				printf '%s %s: %d passed, %d failed, %d skipped%s\n' "$release" "$b" "$p" "$f" "$s" \
					"${reason:+ ($reason)}"
			fi
		done <"$out/$name.rows"
	done
	if [[ $bad == 1 ]]; then
		echo
		# Enough to start on; the logs have the rest.
		local shown=0 cut_short
		for name in "${k_names[@]}"; do
			cut_short=0
			while IFS=$'\t' read -r b counts state reason; do
				[[ $state != ok ]] || continue
				case $reason in
				"not run"* | "kernel did not boot"*) cut_short=1; continue ;;
				"no summary line: the guest"*) cut_short=1 ;;
				esac
				if ((shown++ < 6)); then
					show_failure "$name" "$b"
				fi
			done <"$out/$name.rows"
			# A guest that died or hung: show how its console ends.
			if [[ $cut_short == 1 && -s $out/$name.log ]]; then
				printf '%s\n' "--- $name: end of the console log ---"
				tail -n 30 "$out/$name.log"
			fi
		done
		say "console logs: $out/*.log"
	fi
	# The kernel's complaints, by backend ("boot": before any ran). Those
	# of a backend failed its row above; the log has the kernel's whole log
	# of that run too, on the "@@vmtest dmesg BACKEND:" lines.
	local warnings
	for name in "${k_names[@]}"; do
		warnings=$(grep -h '@@vmtest kernel ' "$out/$name.log" 2>/dev/null) || continue
		echo
		say "$name: kernel warnings ($(wc -l <<<"$warnings") matching line(s); all of them and the rest of that kernel log in $out/$name.log):"
		head -n 20 <<<"$warnings" | awk '{ sub(/.*@@vmtest kernel /, "  "); print }'
	done
	totals="$total_p $total_f $total_s"
	return "$bad"
}

main() {
	parse_args "$@"
	read_kernel_list
	if [[ -n $print_arches ]]; then
		k_arch_list
		return 0
	fi
	local t0 arch
	t0=$(now)
	for arch in $(k_arch_list); do
		[[ -n $fetch_kernels || -n ${payloads[$arch]:-} ]] ||
			die "kernels for $arch chosen, but no payload for them: --payload $arch=DIR"
	done
	mkdir -p "$cache/kernels" "$out"
	# Two runs would share the initramfs and the logs in $out. A fetch
	# alone builds and boots nothing there (only the cache's lock below):
	# it must not wait for a matrix that boots for a quarter of an hour
	# (tests/service.sh's fetch of the kernel the matrix fetched already).
	if [[ -z $fetch_kernels ]]; then
		exec 9>"$out/.lock"
		if ! flock -n 9; then
			say "waiting for the other vmtest.sh that uses $out"
			flock 9
		fi
	fi
	ensure_host_tools
	# The cache (kernels, guest tools, apt lists) is shared with other
	# runs of other output folders (bench/vm.sh's): one fills it at a time.
	exec 8>"$cache/.lock"
	if ! flock -n 8; then
		say "waiting for the other vmtest.sh that fills $cache"
		flock 8
	fi
	local i
	for i in "${!k_names[@]}"; do
		fetch_kernel "${k_names[$i]}" "${k_sources[$i]}" "${k_metas[$i]}" "${kernel_arch[${k_names[$i]}]}"
	done
	if [[ -n $fetch_kernels ]]; then
		say "fetched ${#k_names[@]} kernel(s) in $(elapsed "$t0") s (--fetch-kernels)"
		return 0
	fi
	for arch in $(k_arch_list); do
		build_base_initramfs "$arch"
	done
	local name
	for name in "${k_names[@]}"; do
		initrds[$name]=$(initrd_for "$name") || die "$name: cannot build its initrd"
	done
	flock -u 8
	if [[ -n $prepare ]]; then
		say "prepared ${#k_names[@]} kernel(s) in $(elapsed "$t0") s (--prepare: none booted)"
		return 0
	fi

	local running=0
	trap 'kill $(jobs -p) 2>/dev/null; exit 130' INT TERM
	for name in "${k_names[@]}"; do
		rm -f "$out/$name.rows" "$out/$name.info"
		if ((running >= jobs)); then
			wait -n || true
			running=$((running - 1))
		fi
		test_kernel "$name" &
		running=$((running + 1))
	done
	wait || true
	trap - INT TERM
	for name in "${k_names[@]}"; do
		[[ -s $out/$name.info ]] || printf '%s\t-\t?\t?\t0\n' \
			"$(<"$cache/kernels/$name/release")" >"$out/$name.info"
		[[ -s $out/$name.rows ]] || write_rows "$name" "" "vmtest.sh itself failed for this kernel"
	done

	local status=0 totals p f s
	report || status=1
	echo
	say "${#k_names[@]} kernel(s) in $(elapsed "$t0") s"
	# Last, so that it is the run's closing line.
	read -r p f s <<<"$totals"
	printf 'vmtest: %d passed, %d failed, %d skipped\n' "$p" "$f" "$s"
	return "$status"
}

# One line: bash has read all of it before main runs, so an edit to this
# file during a run cannot feed the rest of the run new lines.
main "$@"; exit
