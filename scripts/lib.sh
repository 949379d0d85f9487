# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# Shared helpers for the osc-procfs scripts. Source it; do not run it.
#
# Everything heavy lives in a cache outside the checkout:
#   $OSC_CACHE/src/linux/     the pinned kernel, unpacked (a plain tree)
#   $OSC_CACHE/src/pristine.git  its contents as one commit, tag "pristine",
#                             used to reset that plain tree and to clone
#   $OSC_CACHE/src/linux-git/ a git checkout of it, where the series is
#                             applied as commits and the kernel is built
#   $OSC_CACHE/build/x86_64/  the object directory (make O=)
#   $OSC_CACHE/out/           kernels, modules, selftest, logs per mode

OSC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSC_CACHE=${OSC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/osc-procfs}
OSC_JOBS=${OSC_JOBS:-$(nproc)}
# The pinned kernel: Debian's linux-source package of the 6.12 LTS line.
OSC_KERNEL_PKG=linux-source-6.12
OSC_KERNEL_TARBALL=/usr/src/linux-source-6.12.tar.xz

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# now_s: seconds since the epoch, with centiseconds
now_s() { date +%s.%N | cut -c1-13; }

# elapsed START: seconds since START, one decimal
elapsed() { awk -v s="$1" -v e="$(now_s)" 'BEGIN { printf "%.1f", e - s }'; }

# step NAME CMD...: run one long step, print its name and how long it took
step() {
	local name=$1 t0 rc=0
	shift
	t0=$(now_s)
	say ">> $name ..."
	"$@" || rc=$?
	if ((rc)); then
		say ">> $name: FAILED after $(elapsed "$t0") s (exit $rc)"
	else
		say ">> $name: done in $(elapsed "$t0") s"
	fi
	return "$rc"
}

# kconfig_symbols: the symbols Kconfig.snippet defines, one per line
kconfig_symbols() { sed -n 's/^\(menu\)\{0,1\}config //p' "$OSC_TOP/Kconfig.snippet"; }

# with_lock CMD...: run CMD holding the cache's build lock, so two kernel
# builds never run at once on this machine
with_lock() {
	mkdir -p "$OSC_CACHE"
	(
		flock -w 3600 9 || die "another kernel build holds $OSC_CACHE/lock"
		"$@"
	) 9>"$OSC_CACHE/lock"
}
