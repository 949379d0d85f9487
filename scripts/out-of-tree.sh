#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the four modules out of tree, the way the textbook's lab does it:
# against the headers of the kernel you run (or any kernel's build
# directory), with no kernel source tree of your own.
#
#   scripts/out-of-tree.sh [--kdir DIR] [DEST]
#
# --kdir  the kernel's build directory; by default the running kernel's,
#         /lib/modules/$(uname -r)/build (on Debian and Ubuntu from the
#         linux-headers-$(uname -r) package)
# DEST    where the sources and modules go; by default ./osc_procfs-out-of-tree.
#         It must not exist, or be the DEST of an earlier run (it is redone).
#
# The sources are taken from patches/ (only the samples/osc_procfs/ files)
# and built with the series' own Makefile, the options given as =m on
# make's command line:
#   make -C DIR M=DEST/samples/osc_procfs CONFIG_SAMPLE_OSC_SIMPLE=m ... modules
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

MARK=.osc-procfs-out-of-tree
KDIR='' DEST=''

usage() {
	cat >&2 <<'EOT'
usage: scripts/out-of-tree.sh [--kdir DIR] [DEST]

Build the four modules out of tree, against the headers of the kernel you
run (or any kernel's build directory), with no kernel source tree of your own.

--kdir  the kernel's build directory; by default the running kernel's,
        /lib/modules/$(uname -r)/build (on Debian and Ubuntu from the
        linux-headers-$(uname -r) package)
DEST    where the sources and modules go; by default ./osc_procfs-out-of-tree.
        It must not exist, or be the DEST of an earlier run (it is redone).
EOT
	exit 2
}

parse_args() {
	while (($#)); do
		case $1 in
		--kdir) (($# > 1)) || usage; KDIR=$2; shift ;;
		-h | --help) usage ;;
		-*) usage ;;
		*) [[ -z $DEST ]] || usage; DEST=$1 ;;
		esac
		shift
	done
	KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
	DEST=${DEST:-$PWD/osc_procfs-out-of-tree}
}

check_kdir() {
	[[ -f $KDIR/Makefile ]] && return 0
	if [[ $KDIR == /lib/modules/*/build ]]; then
		die "no kernel build directory at $KDIR. Install the headers of the running kernel (Debian/Ubuntu: sudo apt install linux-headers-$(uname -r); Fedora: sudo dnf install kernel-devel-$(uname -r)), or name one with --kdir"
	fi
	die "$KDIR is not a kernel build directory (no Makefile there); name the build directory of a configured kernel with --kdir"
}

# prepare_dest: an empty DEST, or the DEST of an earlier run, emptied
prepare_dest() {
	if [[ -e $DEST ]]; then
		[[ -d $DEST ]] || die "$DEST exists and is not a directory; name another DEST"
		if [[ -n $(ls -A "$DEST") && ! -f $DEST/$MARK ]]; then
			die "$DEST is not empty and was not made by this script; name another DEST (nothing was changed)"
		fi
		find "$DEST" -mindepth 1 -delete
	fi
	mkdir -p "$DEST"
	touch "$DEST/$MARK"
	DEST=$(cd "$DEST" && pwd)
}

# extract_sources: samples/osc_procfs/ as the series leaves it
extract_sources() {
	local p patches
	mapfile -t patches < <(series_patches "$OSC_TOP")
	for p in "${patches[@]}"; do
		# git apply as patch(1) would: DEST may sit inside a git work tree
		(cd "$DEST" && GIT_CEILING_DIRECTORIES=$(dirname "$DEST") \
			git apply --include='samples/osc_procfs/*' "$p") ||
			die "could not take samples/osc_procfs/ out of ${p#"$OSC_TOP"/}"
	done
	say "   sources: $(cd "$DEST/samples/osc_procfs" && echo *)"
}

build_modules() {
	local opts=() s
	for s in $(kconfig_symbols); do
		[[ $s == SAMPLE_OSC_PROCFS ]] || opts+=("CONFIG_$s=m")
	done
	say "   make -C $KDIR M=$DEST/samples/osc_procfs ${opts[*]} modules"
	make -C "$KDIR" M="$DEST/samples/osc_procfs" "${opts[@]}" modules >"$DEST/build.log" 2>&1 ||
		{ tail -n 30 "$DEST/build.log"; die "the build failed (whole log: $DEST/build.log)"; }
}

main() {
	local kver
	parse_args "$@"
	check_kdir
	prepare_dest
	step "take the module sources out of patches/" extract_sources
	step "build them against $KDIR" build_modules
	kver=$(make -s -C "$KDIR" kernelrelease 2>/dev/null || echo "?")
	say "modules for Linux $kver:"
	(cd "$DEST/samples/osc_procfs" && ls -1 ./*.ko) | sed "s|^\./|  $DEST/samples/osc_procfs/|"
	say "Next: sudo insmod $DEST/samples/osc_procfs/osc_hello.ko && cat /proc/hello"
	say "      (docs/out-of-tree.md, 'The two messages of the first load', explains the taint and signature messages)"
}

main "$@"
