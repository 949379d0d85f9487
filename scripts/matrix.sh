# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# The kernels, read from ./kernels, and the test matrix, read from
# tests/matrix; sourced after lib.sh by the scripts that build, boot or
# install for them (kernel.sh, deps.sh).

# The kernels, from the one place that states them, ./kernels: kernel
# I's fields in KN_NAME[I], KN_LINE[I] (a line of OSC_LINES, "base"
# resolved), KN_ARCH, KN_OPTS, KN_OBJDIR ("" for the line's own),
# KN_FRAGS (space separated); KN_ROW[LINE/NAME] is I.
declare -A KN_ROW=()
KN_NAME=() KN_LINE=() KN_ARCH=() KN_OPTS=() KN_OBJDIR=() KN_FRAGS=()

# The test matrix, from the one place that states it, tests/matrix: row
# I's fields in MX_CELL[I], MX_LINE[I], MX_VARIANT, MX_KERNEL (its kernel's
# name in ./kernels, or "debian") and MX_SCENARIO, with its kernel's
# MX_ARCH, MX_OPTS and MX_FRAGS; MX_BUILDS[I] is 1 where the cell's
# variant builds its kernel (plain, debug), MX_BUILDER[I] the cell that
# builds the kernel cell I boots; MX_ROW[LINE/CELL] is I.
declare -A MX_ROW=()
MX_CELL=() MX_LINE=() MX_ARCH=() MX_VARIANT=() MX_OPTS=() MX_KERNEL=() MX_FRAGS=() MX_SCENARIO=()
MX_BUILDS=() MX_BUILDER=()
# the variants whose build stage builds the cell's kernel
MX_BUILDING_VARIANTS=" plain debug "

# table_error FILE N WHY: a row of FILE that cannot be used
table_error() {
	printf 'error: %s, line %s: %s\n' "$1" "$2" "$3" >&2
	exit 1
}

# load_kernels: read ./kernels into the KN_ arrays, checking each row
load_kernels() {
	local n=0 i name line arch opts objdir frags extra f
	while read -r name line arch opts objdir frags extra; do
		n=$((n + 1))
		[[ -n $name && $name != \#* ]] || continue
		[[ -n $frags && -z $extra ]] || table_error kernels "$n" "6 fields, not what is there"
		[[ $line != base ]] || line=$OSC_BASE_LINE
		[[ -n ${OSC_LINE_DIR[$line]:-} ]] || table_error kernels "$n" "line $line is not in kernel-lines"
		[[ -z ${KN_ROW[$line/$name]:-} ]] || table_error kernels "$n" "kernel $name is already on line $line"
		[[ -f $OSC_TOP/scripts/arch/$arch ]] || table_error kernels "$n" "no facts for arch $arch (scripts/arch/$arch)"
		[[ $opts == [myn] ]] || table_error kernels "$n" "opts $opts: m, y or n"
		[[ $objdir != - ]] || objdir=''
		if [[ $frags == - ]]; then frags=''; else frags=${frags//,/ }; fi
		for f in $frags; do
			[[ $f == kselftest || -f $OSC_TOP/configs/$f.config ]] || table_error kernels "$n" "no fragment configs/$f.config"
		done
		i=${#KN_NAME[@]}
		KN_ROW[$line/$name]=$i
		KN_NAME[i]=$name KN_LINE[i]=$line KN_ARCH[i]=$arch KN_OPTS[i]=$opts KN_OBJDIR[i]=$objdir KN_FRAGS[i]=$frags
	done <"$OSC_TOP/kernels"
}

# load_matrix: read tests/matrix into the MX_ arrays, checking each row
load_matrix() {
	local n=0 i k cell line variant kernel scenario extra builder
	while read -r cell line variant kernel scenario extra; do
		n=$((n + 1))
		[[ -n $cell && $cell != \#* ]] || continue
		[[ -n $scenario && -z $extra ]] || table_error tests/matrix "$n" "5 fields, not what is there"
		[[ $line != base ]] || line=$OSC_BASE_LINE
		[[ -n ${OSC_LINE_DIR[$line]:-} ]] || table_error tests/matrix "$n" "line $line is not in kernel-lines"
		[[ -z ${MX_ROW[$line/$cell]:-} ]] || table_error tests/matrix "$n" "cell $cell is already on line $line"
		[[ $scenario == - || -f $OSC_TOP/guest/$scenario.sh ]] ||
			table_error tests/matrix "$n" "no scenario guest/$scenario.sh"
		i=${#MX_CELL[@]}
		MX_ROW[$line/$cell]=$i
		MX_CELL[i]=$cell MX_LINE[i]=$line MX_VARIANT[i]=$variant MX_KERNEL[i]=$kernel MX_SCENARIO[i]=$scenario
		MX_BUILDS[i]=0 MX_BUILDER[i]=''
		if [[ $kernel == debian ]]; then
			MX_ARCH[i]=x86_64 MX_OPTS[i]=m MX_FRAGS[i]=''
			continue
		fi
		k=${KN_ROW[$line/$kernel]:-}
		[[ -n $k ]] || table_error tests/matrix "$n" "kernel $kernel: not a kernel of line $line in ./kernels"
		MX_ARCH[i]=${KN_ARCH[k]} MX_OPTS[i]=${KN_OPTS[k]} MX_FRAGS[i]=${KN_FRAGS[k]}
		builder=${kernel//-/_}
		if [[ $MX_BUILDING_VARIANTS == *" $variant "* ]]; then
			[[ $cell == "$builder" ]] || table_error tests/matrix "$n" "cell $cell builds kernel $kernel: name it $builder"
			MX_BUILDS[i]=1
		else
			[[ -n ${MX_ROW[$line/$builder]:-} ]] ||
				table_error tests/matrix "$n" "kernel $kernel: no earlier cell of line $line builds it (a plain or debug cell $builder)"
			MX_BUILDER[i]=$builder
		fi
	done <"$OSC_TOP/tests/matrix"
}
load_kernels
load_matrix

# kn_row LINE NAME: the row of kernel NAME on LINE, or an error that says so
kn_row() {
	[[ -n ${KN_ROW[$1/$2]:-} ]] || { warn "no kernel '$2' on line $1 in ./kernels"; return 1; }
	echo "${KN_ROW[$1/$2]}"
}

# mx_row LINE CELL: the row of CELL on LINE, or an error that says so
mx_row() {
	[[ -n ${MX_ROW[$1/$2]:-} ]] || { warn "no cell '$2' on line $1 in tests/matrix"; return 1; }
	echo "${MX_ROW[$1/$2]}"
}

# frags_hz FRAGMENTS: the tick rate a row's fragments give its kernel: N
# from configs/hz-N.config, or the kernel's default, 250
frags_hz() {
	local f
	for f in $1; do
		[[ $f != hz-* ]] || { echo "${f#hz-}"; return; }
	done
	echo 250
}

# matrix_arches: the arches of the kernels, each once
matrix_arches() { printf '%s\n' "${KN_ARCH[@]}" | sort -u; }

# The line of the Debian kernel the distro case boots (Debian 12's own):
# the line of the matrix's cell that boots Debian's kernel
OSC_DISTRO_LINE=''
for _i in "${!MX_KERNEL[@]}"; do
	[[ ${MX_KERNEL[_i]} != debian ]] || OSC_DISTRO_LINE=${MX_LINE[_i]}
done
unset _i
# Debian's headers for its own kernel of that line (a meta package: it
# depends on the headers of the current release, linux-headers-REL)
OSC_DISTRO_HEADERS=linux-headers-$OSC_DISTRO_LINE-amd64
