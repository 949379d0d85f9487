# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # KVER is grade.sh's
# A grading kit: the grading kernel's directory made movable, in one
# directory of about 80 MB (10 MB as .tar.xz), so that a machine with no
# kernel tree of its own (a CI job a submission) can grade. Sourced by
# grade.sh after kernel.sh.
#   make_kit DIR   write the kit of the kernel grade.sh has prepared
#   use_kit DIR    export what grade/submission.sh needs from a kit
# A kit is a kernel directory (scripts/lib.sh) whose paths are its own:
#   facts            ARCH, HZ, KVER, MAKE, and the paths below
#   IMAGE            the kernel (bzImage, Image)
#   build/           its build directory for external modules, made by the
#                    kernel's own scripts/package/install-extmod-build (as
#                    the linux-headers packages are)
#   bin/             gen_init_cpio, grade_probe and busybox

# make_kit DIR: the kit of the prepared kernel (GRADE_DIR, GRADE_PROBE) in
# DIR, which must not exist
make_kit() {
	local dir=$1 from=$GRADE_DIR image arch k
	image=$(kernel_fact "$from" IMAGE) arch=$(kernel_fact "$from" ARCH)
	mkdir -p "$dir/bin" || return 1
	cp "$(kernel_path "$from" IMAGE)" "$dir/$image" &&
		cp "$(kernel_path "$from" CPIO)" "$(kernel_path "$from" BUSYBOX)" "$GRADE_PROBE" "$dir/bin/" || return 1
	# run from the object directory, as "make bindeb-pkg" runs it; CC is
	# the host's, so that the build's host programs stay the host's own
	(cd "$(kernel_path "$from" BUILD)" && srctree=$GTREE objtree=. SRCARCH=$(arch_image "$arch" | cut -d/ -f2) \
		CC=gcc HOSTCC=gcc sh "$GTREE/scripts/package/install-extmod-build" "$dir/build") || return 1
	{
		for k in ARCH HZ KVER MAKE; do printf '%s=%s\n' "$k" "$(kernel_fact "$from" "$k")"; done
		printf 'IMAGE=%s\nCPIO=bin/gen_init_cpio\n' "$image"
		printf 'BUSYBOX=bin/busybox\nPROBE=bin/grade_probe\nBUILD=build\n'
	} >"$dir/facts"
}

# use_kit DIR: GRADE_DIR and GRADE_PROBE from the kit in
# DIR, ARCH and KVER for the report; or exit 2 saying what is missing
use_kit() {
	local dir f
	dir=$(cd "$1" && pwd) || exit 2
	for f in facts build/Module.symvers bin/gen_init_cpio bin/grade_probe bin/busybox; do
		[[ -e $dir/$f ]] ||
			{ warn "grade.sh: --kit $1 has no $f: make one with ./grade.sh --make-kit DIR"; exit 2; }
	done
	export GRADE_DIR=$dir GRADE_PROBE
	GRADE_PROBE=$(kernel_path "$dir" PROBE)
	ARCH=$(kernel_fact "$dir" ARCH) KVER=$(kernel_fact "$dir" KVER)
	[[ -f $OSC_TOP/scripts/arch/$ARCH ]] || { warn "grade.sh: the kit's arch $ARCH has no facts in scripts/arch/"; exit 2; }
}
