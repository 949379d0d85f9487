#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, everything the demo and the tests need on Debian 12.
# Safe to run again: packages already present are left as they are.
#
#   scripts/deps.sh            what make demo needs (the pinned kernel line)
#   scripts/deps.sh --matrix   also what the test matrix needs: the other
#                              kernel lines, the arm64 cross compiler, QEMU
#                              for arm64 and its busybox, Debian's own
#                              kernel with its headers, openssl
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	"$OSC_KERNEL_PKG"
	build-essential bc bison flex libelf-dev libssl-dev libncurses-dev
	cpio kmod xz-utils git patch
	qemu-system-x86 busybox-static
	sparse python3-ply python3-git
	tmux shellcheck
)
# OSC_DISTRO_HEADERS (lib.sh): Debian's headers for its own 6.12 kernel;
# they pull in the kernel image itself, /boot/vmlinuz-*
MATRIX_PACKAGES=(
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	"$OSC_DISTRO_HEADERS" openssl file
)

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
	local line pkgs=("${PACKAGES[@]}")
	if [[ ${1:-} == --matrix ]]; then
		for line in "${OSC_LINES[@]:1}"; do pkgs+=("$(line_pkg "$line")"); done
		pkgs+=("${MATRIX_PACKAGES[@]}")
	elif (($#)); then
		die "usage: scripts/deps.sh [--matrix]"
	fi
	install_packages "${pkgs[@]}"
	[[ ${1:-} != --matrix ]] || fetch_busybox arm64
}

step "install packages" main "$@"
