# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The cells of the matrix (tests/matrix) of the lab's own workflow, out of
# tree: scripts/out-of-tree.sh against a kernel's build directory, the
# modules loaded into that kernel: a kernel of the matrix (the variant
# oot), or Debian's own kernel of its line, as Debian ships it, with its
# headers (distro). tests/stages/cells.sh runs them (cell_stage). Sourced
# by tests/run.sh.

cell_build_oot() {
	local dir
	dir=$(mode_build_dir "$MODE")
	expect "the build directory $dir is configured =$OPTS" \
		[ "$(kconfig_state "$dir/.config" SAMPLE_OSC_HELLO)" = "$OPTS" ] || return 1
	build_oot_in "$dir" "$OUT/$CELL" "$(build_kver "$dir")"
}
cell_boot_oot() {
	boot_oot_in "$OUT/$MODE/$(basename "$(arch_image "$ARCH")")" "$OUT/$MODE/.config" "$OUT/$CELL" \
		"$OUT/boot-$CELL.log" "$(build_kver "$(mode_build_dir "$MODE")")"
}

distro_kver() {
	dpkg-query -W -f='${Depends}' "$OSC_DISTRO_HEADERS" | sed -n 's/^linux-headers-\([^ ]*\) .*/\1/p'
}

cell_build_distro() {
	local kver
	kver=$(distro_kver)
	expect "Debian's $OSC_DISTRO_HEADERS names a kernel release ($kver)" [ -n "$kver" ] || return 1
	expect "Debian's kernel image is there: /boot/vmlinuz-$kver" [ -f "/boot/vmlinuz-$kver" ]
	expect "Debian's headers are there: /lib/modules/$kver/build" [ -f "/lib/modules/$kver/build/Makefile" ] || return 1
	build_oot_in "/lib/modules/$kver/build" "$OUT/$CELL" "$kver"
}
cell_boot_distro() {
	local kver
	kver=$(distro_kver)
	boot_oot_in "/boot/vmlinuz-$kver" "/boot/config-$kver" "$OUT/$CELL" "$OUT/boot-$CELL.log" "$kver"
}

# out_of_tree KDIR DEST: build the modules out of tree against KDIR
out_of_tree() {
	"$OSC_TOP/scripts/out-of-tree.sh" --kdir "$1" "$2" >"$2.log" 2>&1 ||
		{ cat "$2.log"; return 1; }
}

# built_for DEST KVER: DEST's modules carry KVER's vermagic
built_for() { grep -q "^vermagic:  *$2 " <(modinfo "$1/samples/osc_procfs/osc_hello.ko"); }

# build_oot_in KDIR DEST KVER: the out-of-tree build and its checks
build_oot_in() {
	rm -rf "$2" "$2.log"
	expect "scripts/out-of-tree.sh builds the four modules against $1" \
		out_of_tree "$1" "$2" || return 1
	expect "the modules are built for $3 (vermagic)" built_for "$2" "$3"
}

# config_has CONFIG SYMBOL...: the kernel config file CONFIG sets one of
# the SYMBOLs =y
config_has() {
	local c=$1 sym
	shift
	for sym in "$@"; do [[ $(kconfig_state "$c" "$sym") == y ]] && return 0; done
	return 1
}

# oot_facts CONFIG: what the guest scenario is to expect of the kernel
# whose config file is CONFIG, as kernel command line words: its HZ,
# whether it checks module signatures (and so taints our unsigned modules
# E), whether it has /proc/sys to read the taint mask from
oot_facts() {
	local sig=0 mask=0
	config_has "$1" MODULE_SIG && sig=1
	config_has "$1" SYSCTL PROC_SYSCTL && mask=1
	echo "OSC_PROCFS_HZ=$(kconfig_state "$1" HZ) OSC_SIG_CHECKED=$sig OSC_TAINT_MASK=$mask"
}

# boot_oot_in KERNEL CONFIG DEST LOG KVER: boot KERNEL (its config file
# CONFIG) with DEST's modules and guest/out-of-tree.sh
boot_oot_in() {
	local kernel=$1 facts dest=$3 log=$4 m mods=()
	facts=$(oot_facts "$2")
	say "   the kernel's facts for the guest: $facts"
	for m in "$dest"/samples/osc_procfs/*.ko; do mods+=(--module "$m"); done
	if ! boot_mode --image "$kernel" --no-modules m "$OSC_TOP/guest/$SCENARIO.sh" "$log" \
		"$facts OSC_KVER=$5" --memory 1024 --warp "${mods[@]}"; then
		fail "boot $kernel and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# build_kver [DIR]: the release of the kernel built in object directory
# DIR (by default the =m kernel's, BUILD), as DIR says
build_kver() { cat "${1:-$BUILD}/include/config/kernel.release"; }
