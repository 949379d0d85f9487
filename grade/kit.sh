# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A grading kit: the grading kernel and what a guest needs, in one
# directory of about 80 MB (10 MB as .tar.xz), so that a machine with no
# kernel tree of its own (a CI job a submission) can grade. Sourced by
# grade.sh after kernel.sh.
#   make_kit DIR   write the kit of the kernel grade.sh has prepared
#   use_kit DIR    export the GRADE_ facts from a kit
# A kit holds:
#   facts            ARCH, HZ, KVER, MAKE (make's arch arguments), IMAGE
#   IMAGE            the kernel (bzImage, Image)
#   build/           its build directory for external modules, made by the
#                    kernel's own scripts/package/install-extmod-build (as
#                    the linux-headers packages are)
#   bin/             gen_init_cpio, the selftest, grade_probe and busybox

# make_kit DIR: the kit of the prepared kernel (GRADE_ facts) in DIR,
# which must not exist
make_kit() {
	local dir=$1 image
	image=$(basename "$GRADE_KERNEL")
	mkdir -p "$dir/bin" || return 1
	cp "$GRADE_KERNEL" "$dir/$image" &&
		cp "$GRADE_CPIO" "$GRADE_SELFTEST" "$GRADE_PROBE" "$GRADE_BUSYBOX" "$dir/bin/" || return 1
	# run from the object directory, as "make bindeb-pkg" runs it; CC is
	# the host's, so that the build's host programs stay the host's own
	(cd "$GRADE_KDIR" && srctree=$GTREE objtree=. SRCARCH=$(arch_image "$GRADE_ARCH" | cut -d/ -f2) \
		CC=gcc HOSTCC=gcc sh "$GTREE/scripts/package/install-extmod-build" "$dir/build") || return 1
	printf 'ARCH=%s\nHZ=%s\nKVER=%s\nMAKE=%s\nIMAGE=%s\n' "$GRADE_ARCH" "$GRADE_HZ" "$KVER" \
		"$GRADE_MAKE" "$image" >"$dir/facts"
}

# kit_fact DIR KEY: one fact of the kit in DIR
kit_fact() { sed -n "s/^$2=//p" "$1/facts"; }

# use_kit DIR: the GRADE_ facts of the kit in DIR, or exit 2 saying
# what is missing
use_kit() {
	local dir f
	dir=$(cd "$1" && pwd) || exit 2
	for f in facts build/Module.symvers bin/gen_init_cpio bin/osc_procfs_test bin/grade_probe bin/busybox; do
		[[ -e $dir/$f ]] ||
			{ warn "grade.sh: --kit $1 has no $f: make one with ./grade.sh --make-kit DIR"; exit 2; }
	done
	export GRADE_KDIR=$dir/build GRADE_CPIO=$dir/bin/gen_init_cpio GRADE_SELFTEST=$dir/bin/osc_procfs_test
	export GRADE_PROBE=$dir/bin/grade_probe GRADE_BUSYBOX=$dir/bin/busybox GRADE_ARCH GRADE_HZ GRADE_MAKE
	export GRADE_KERNEL
	GRADE_ARCH=$(kit_fact "$dir" ARCH) GRADE_HZ=$(kit_fact "$dir" HZ) GRADE_MAKE=$(kit_fact "$dir" MAKE)
	GRADE_KERNEL=$dir/$(kit_fact "$dir" IMAGE) KVER=$(kit_fact "$dir" KVER) ARCH=$GRADE_ARCH
	[[ -f $OSC_TOP/scripts/arch/$ARCH ]] || { warn "grade.sh: the kit's arch $ARCH has no facts in scripts/arch/"; exit 2; }
}
