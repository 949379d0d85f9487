#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, everything the demo and the tests need on Debian 12.
# Safe to run again: packages already present are left as they are.
#
#   scripts/deps.sh            what make demo needs (the base kernel line)
#   scripts/deps.sh --matrix   also what the test matrix needs: the other
#                              kernel lines, the arm64 cross compiler, QEMU
#                              for arm64 and its busybox, Debian's own
#                              kernel with its headers, openssl
#
# A kernel line whose Debian suite is not this machine's release (7.3 is
# in trixie-backports) is fetched with apt-get download through a private
# sources list and state directory in the cache, on the mirror this
# machine's apt already uses, and unpacked there with dpkg -x: the
# machine's apt configuration is never changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev libncurses-dev
	cpio kmod xz-utils git patch
	qemu-system-x86 busybox-static
	sparse python3-ply python3-git
	tmux shellcheck
)
# OSC_DISTRO_HEADERS (lib.sh): Debian's headers for its own kernel;
# they pull in the kernel image itself, /boot/vmlinuz-*
MATRIX_PACKAGES=(
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	"$OSC_DISTRO_HEADERS" openssl file
)

APT_TMP=''
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

# private_apt DIR CMD ARGS...: run apt-get or apt-cache CMD with the
# sources list and state under DIR only
private_apt() {
	local dir=$1 cmd=$2
	shift 2
	"$cmd" -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::State::status=/dev/null "$@"
}

# fetch_line_source LINE: linux-source-LINE from LINE's suite, unpacked
# into the cache (line_tarball says where its tarball then is)
fetch_line_source() {
	local line=$1 pkg suite mirror dir tarball
	pkg=$(line_pkg "$line") suite=${OSC_LINE_SUITE[$line]} tarball=$(line_tarball "$line")
	if [[ -f $tarball ]]; then
		say "   $pkg already in $(dirname "$tarball")"
		return 0
	fi
	mirror=$(machine_mirror)
	[[ -n $mirror ]] || die "no apt source for this machine's release ($(machine_release)) to read a mirror from; add one and run again"
	dir=$(mktemp -d) # not in the cache: apt downloads as its own user, _apt
	APT_TMP=$dir
	trap 'rm -rf "$APT_TMP"' EXIT
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/deb"
	chmod -R a+rwX "$dir"
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$mirror" "$suite" >"$dir/sources.list"
	say "   fetching $pkg from $suite on $mirror (a private apt state in $dir)"
	private_apt "$dir" apt-get update >"$dir/update.log" 2>&1 ||
		{ cat "$dir/update.log"; die "apt-get update of $suite failed (above); check the network and run again"; }
	(cd "$dir/deb" && private_apt "$dir" apt-get download "$pkg") >"$dir/download.log" 2>&1 ||
		{ cat "$dir/download.log"; die "could not download $pkg from $suite (above)"; }
	say "   unpacking $(cd "$dir/deb" && ls -- *.deb) with dpkg -x"
	rm -rf "$OSC_CACHE/debian/$pkg.tmp" && mkdir -p "$OSC_CACHE/debian/$pkg.tmp"
	dpkg -x "$dir"/deb/*.deb "$OSC_CACHE/debian/$pkg.tmp" ||
		die "dpkg -x of $pkg failed; nothing was kept, run again"
	[[ -f $OSC_CACHE/debian/$pkg.tmp/${tarball#"$OSC_CACHE/debian/$pkg/"} ]] ||
		die "$pkg holds no ${tarball##*/}; nothing was kept"
	rm -rf "$OSC_CACHE/debian/$pkg"
	mv "$OSC_CACHE/debian/$pkg.tmp" "$OSC_CACHE/debian/$pkg"
	say "   $pkg in $(dirname "$tarball")"
}

# fetch_busybox ARCH: Debian's busybox-static for ARCH, unpacked into the
# cache (not installed: it would replace the host's own busybox)
fetch_busybox() {
	local arch=$1 dest tmp f
	dest=$(arch_busybox "$arch")
	if [[ -x $dest ]]; then
		say "   busybox for $arch already in $dest"
		return 0
	fi
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		say "   adding the $arch architecture to dpkg, for its package lists"
		"${SUDO[@]}" dpkg --add-architecture "$arch" || die "dpkg --add-architecture $arch failed"
		UPDATED=0
	fi
	apt_update
	tmp=$(mktemp -d)
	chmod 777 "$tmp" # apt downloads as its own user, _apt, who must write here
	if ! (cd "$tmp" && apt-get download -q "busybox-static:$arch" &&
		dpkg -x busybox-static_*.deb root); then
		rm -rf "$tmp"
		die "could not fetch busybox-static:$arch from Debian's archive"
	fi
	mkdir -p "$(dirname "$dest")"
	for f in "$tmp"/root/{bin,usr/bin}/busybox; do
		[[ ! -x $f ]] || cp "$f" "$dest"
	done
	rm -rf "$tmp"
	[[ -x $dest ]] || die "busybox-static:$arch holds no bin/busybox or usr/bin/busybox; nothing installed at $dest"
	say "   busybox for $arch in $dest"
}

main() {
	local line lines=("$OSC_BASE_LINE") pkgs=("${PACKAGES[@]}") fetch=()
	if [[ ${1:-} == --matrix ]]; then
		lines=("${OSC_LINES[@]}")
		pkgs+=("${MATRIX_PACKAGES[@]}")
	elif (($#)); then
		die "usage: scripts/deps.sh [--matrix]"
	fi
	for line in "${lines[@]}"; do
		if own_suite "$line"; then pkgs+=("$(line_pkg "$line")"); else fetch+=("$line"); fi
	done
	install_packages "${pkgs[@]}"
	for line in "${fetch[@]}"; do fetch_line_source "$line"; done
	[[ ${1:-} != --matrix ]] || fetch_busybox arm64
}

step "install packages" main "$@"
