#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, everything the demo and the tests need on Debian 12.
# Safe to run again: packages already present are left as they are.
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

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf '%s\n' "$p"
	done
}

install_packages() {
	local sudo=()
	((EUID == 0)) || sudo=(sudo)
	say "installing: $*"
	"${sudo[@]}" apt-get update -q
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@"
}

main() {
	local missing
	mapfile -t missing < <(missing_packages)
	if ((${#missing[@]} == 0)); then
		say "all ${#PACKAGES[@]} packages already installed"
		return 0
	fi
	install_packages "${missing[@]}" ||
		die "apt-get could not install: ${missing[*]} (check your network and apt sources, then run again)"
}

step "install packages" main
