#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, everything the demo and the tests need on Debian 12.
# Safe to run again: packages already present are left as they are.
#
#   scripts/deps.sh            what make demo needs (the base kernel line)
#   scripts/deps.sh --matrix   also what the test matrix needs: the other
#                              kernel lines, each arch's cross compiler,
#                              QEMU and busybox (scripts/arch/), Debian's own
#                              kernel with its headers, and a
#                              sparse new enough for 7.3 (built from
#                              Debian's source package into the cache)
#   scripts/deps.sh --sparse   what make demo needs, and that sparse
#                              (what make quick needs)
#
# A kernel line whose Debian suite is not this machine's release (7.3 is
# in trixie-backports) is fetched with apt-get download through a private
# sources list and state directory (a temporary one), on the mirror this
# machine's apt already uses, and unpacked into the cache with dpkg -x:
# the machine's apt configuration is never changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/matrix.sh
. "$OSC_TOP/scripts/matrix.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev libncurses-dev
	cpio kmod xz-utils git patch
	qemu-system-x86 busybox-static
	sparse python3-ply python3-git
	tmux shellcheck rsync openssl jq bubblewrap
)
# OSC_DISTRO_HEADERS (lib.sh): Debian's headers for its own kernel;
# they pull in the kernel image itself, /boot/vmlinuz-*
# (and each arch of the matrix its own: matrix_arches, arch_fact)
MATRIX_PACKAGES=("$OSC_DISTRO_HEADERS" file)

# the Debian suite whose sparse source build_sparse builds
SPARSE_SUITE=sid
APT_TMP=''
# APT_ARCH: the one architecture a private apt state fetches lists and
# packages of (never the machine's dpkg list of foreign architectures,
# which these scripts leave as they found it)
APT_ARCH=$(dpkg --print-architecture)
SUDO=()
((EUID == 0)) || SUDO=(sudo)
UPDATED=0

apt_update() {
	((UPDATED)) && return 0
	"${SUDO[@]}" apt-get update -q
	UPDATED=1
}

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf '%s\n' "$p"
	done
}

install_packages() {
	local missing
	mapfile -t missing < <(missing_packages "$@")
	if ((${#missing[@]} == 0)); then
		say "   all $# packages already installed"
		return 0
	fi
	say "   installing: ${missing[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get could not install: ${missing[*]} (check your network and apt sources, then run again)"
}

# machine_mirror: the URI this machine's apt uses for its own release
machine_mirror() {
	# shellcheck disable=SC2016 # $(...) are apt's fields, not the shell's
	apt-get indextargets --format '$(RELEASE) $(REPO_URI)' |
		awk -v rel="$(machine_release)" '$1 == rel { print $2; exit }'
}

# private_apt CMD ARGS...: apt-get or apt-cache CMD with the sources list
# and state in APT_TMP only (private_apt_setup makes them), for APT_ARCH
# only
private_apt() {
	local cmd=$1
	shift
	"$cmd" -q -o Dir::Etc::SourceList="$APT_TMP/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$APT_TMP/lists" -o Dir::Cache="$APT_TMP/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Architecture="$APT_ARCH" -o APT::Architectures="$APT_ARCH" "$@"
}

# private_apt_setup SUITE [deb-src]: a private apt state in a temporary
# APT_TMP (not in the cache: apt downloads as its own user, _apt), for
# SUITE on this machine's own mirror, its package lists fetched
private_apt_setup() {
	local suite=$1 kind=${2:-deb} mirror
	mirror=$(machine_mirror)
	[[ -n $mirror ]] || die "no apt source for this machine's release ($(machine_release)) to read a mirror from; add one and run again"
	[[ -z $APT_TMP ]] || rm -rf "$APT_TMP"
	APT_TMP=$(mktemp -d)
	trap 'rm -rf "$APT_TMP"' EXIT
	mkdir -p "$APT_TMP/lists/partial" "$APT_TMP/cache/archives/partial" "$APT_TMP/get"
	chmod -R a+rwX "$APT_TMP"
	printf '%s [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$kind" "$mirror" "$suite" >"$APT_TMP/sources.list"
	say "   $suite ($kind, $APT_ARCH) on $mirror, through a private apt state in $APT_TMP"
	private_apt apt-get update >"$APT_TMP/update.log" 2>&1 ||
		{ cat "$APT_TMP/update.log"; die "apt-get update of $suite failed (above); check the network and run again"; }
}

# fetch_line_source LINE: linux-source-LINE from LINE's suite, unpacked
# into the cache (line_tarball says where its tarball then is)
fetch_line_source() {
	local line=$1 pkg tarball dest
	pkg=$(line_pkg "$line") tarball=$(line_tarball "$line")
	dest=$OSC_CACHE/debian/$pkg
	if [[ -f $tarball ]]; then
		say "   $pkg already in $(dirname "$tarball")"
		return 0
	fi
	private_apt_setup "${OSC_LINE_SUITE[$line]}"
	(cd "$APT_TMP/get" && private_apt apt-get download "$pkg") >"$APT_TMP/download.log" 2>&1 ||
		{ cat "$APT_TMP/download.log"; die "could not download $pkg from ${OSC_LINE_SUITE[$line]} (above)"; }
	say "   unpacking $(cd "$APT_TMP/get" && ls -- *.deb) with dpkg -x"
	rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
	dpkg -x "$APT_TMP"/get/*.deb "$dest.tmp" || die "dpkg -x of $pkg failed; nothing was kept, run again"
	[[ -f $dest.tmp/${tarball#"$dest/"} ]] || die "$pkg holds no ${tarball##*/}; nothing was kept"
	rm -rf "$dest" && mv "$dest.tmp" "$dest"
	say "   $pkg in $(dirname "$tarball")"
}

# build_sparse: a sparse that the base line accepts. Linux 7.3's
# scripts/checker-valid.sh asks for __typeof_unqual__, which Debian 12's
# sparse 0.6.4 does not know; Debian's newest source package
# (SPARSE_SUITE) is built here into the cache (its binary package needs a
# newer glibc than Debian 12's).
build_sparse() {
	local bin src
	bin=$(sparse_bin)
	if [[ -x $bin ]]; then
		say "   sparse already built: $bin"
		return 0
	fi
	private_apt_setup "$SPARSE_SUITE" deb-src
	(cd "$APT_TMP/get" && private_apt apt-get source --download-only sparse) >"$APT_TMP/source.log" 2>&1 ||
		{ cat "$APT_TMP/source.log"; die "could not download the sparse source package from $SPARSE_SUITE (above)"; }
	tar -C "$APT_TMP/get" -xzf "$APT_TMP"/get/sparse_*.orig.tar.gz || die "cannot unpack $(ls "$APT_TMP"/get/sparse_*.orig.tar.gz)"
	src=$(ls -d "$APT_TMP"/get/sparse-*/)
	say "   building sparse from $(cd "$APT_TMP/get" && ls -- *.dsc)"
	make -C "$src" -s -j"$OSC_JOBS" sparse HAVE_LLVM=no HAVE_GTK=no HAVE_LIBXML=no HAVE_SQLITE=no \
		>"$APT_TMP/build.log" 2>&1 || { tail -n 20 "$APT_TMP/build.log"; die "building sparse failed (above)"; }
	mkdir -p "$(dirname "$bin")"
	cp "$src/sparse" "$bin.tmp" && mv "$bin.tmp" "$bin"
	say "   sparse in $bin"
}

# fetch_busybox ARCH: Debian's busybox-static for ARCH (the package its
# facts name, PACKAGE:DPKG-ARCH), from this machine's own release through
# a private apt state for that architecture, unpacked into the cache (not
# installed: it would replace the host's own busybox)
fetch_busybox() {
	local arch=$1 dest f pkg
	dest=$(arch_busybox "$arch")
	pkg=$(arch_fact "$arch" busybox)
	if [[ -x $dest ]]; then
		say "   busybox for $arch already in $dest"
		return 0
	fi
	APT_ARCH=${pkg##*:} private_apt_setup "$(machine_release)"
	(cd "$APT_TMP/get" && APT_ARCH=${pkg##*:} private_apt apt-get download "${pkg%%:*}") \
		>"$APT_TMP/download.log" 2>&1 ||
		{ cat "$APT_TMP/download.log"; die "could not download $pkg from Debian's archive (above)"; }
	dpkg -x "$APT_TMP"/get/*.deb "$APT_TMP/root" || die "dpkg -x of $pkg failed; nothing was kept, run again"
	mkdir -p "$(dirname "$dest")"
	for f in "$APT_TMP"/root/{bin,usr/bin}/busybox; do
		[[ ! -x $f ]] || cp "$f" "$dest.tmp"
	done
	[[ -x $dest.tmp ]] || die "$pkg holds no bin/busybox or usr/bin/busybox; nothing installed at $dest"
	mv "$dest.tmp" "$dest"
	say "   busybox for $arch in $dest"
}

main() {
	local line lines=("$OSC_BASE_LINE") pkgs=("${PACKAGES[@]}") fetch=() arch more
	if [[ ${1:-} == --matrix ]]; then
		lines=("${OSC_LINES[@]}")
		pkgs+=("${MATRIX_PACKAGES[@]}")
		for arch in $(matrix_arches); do
			read -ra more <<<"$(arch_fact "$arch" packages)"
			pkgs+=("${more[@]}")
		done
	elif (($#)) && [[ $1 != --sparse ]]; then
		die "usage: scripts/deps.sh [--matrix | --sparse]"
	fi
	for line in "${lines[@]}"; do
		if own_suite "$line"; then pkgs+=("$(line_pkg "$line")"); else fetch+=("$line"); fi
	done
	install_packages "${pkgs[@]}"
	for line in "${fetch[@]}"; do fetch_line_source "$line"; done
	[[ ${1:-} != --sparse ]] || build_sparse
	[[ ${1:-} == --matrix ]] || return 0
	for arch in $(matrix_arches); do
		[[ $(arch_fact "$arch" busybox) == host ]] || fetch_busybox "$arch"
	done
	build_sparse
}

step "install packages" main "$@"
