# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# The test matrix, read from tests/matrix; sourced after lib.sh by the
# scripts that build, boot or install for it (kernel.sh, deps.sh).

# The test matrix, from the one place that states it, tests/matrix: row
# I's fields in MX_CELL[I], MX_LINE[I] (a line of OSC_LINES, "base"
# resolved), MX_ARCH, MX_VARIANT, MX_OPTS, MX_KERNEL, MX_FRAGS (space
# separated), MX_SCENARIO; MX_ROW[LINE/CELL] is I.
declare -A MX_ROW=()
MX_CELL=() MX_LINE=() MX_ARCH=() MX_VARIANT=() MX_OPTS=() MX_KERNEL=() MX_FRAGS=() MX_SCENARIO=()

# matrix_error N WHY: a row of tests/matrix that cannot be used
matrix_error() {
	printf 'error: tests/matrix, line %s: %s\n' "$1" "$2" >&2
	exit 1
}

# load_matrix: read tests/matrix into the MX_ arrays, checking each row
load_matrix() {
	local n=0 i cell line arch variant opts kernel frags scenario extra f
	while read -r cell line arch variant opts kernel frags scenario extra; do
		n=$((n + 1))
		[[ -n $cell && $cell != \#* ]] || continue
		[[ -n $scenario && -z $extra ]] || matrix_error "$n" "8 fields, not what is there"
		[[ $line != base ]] || line=$OSC_BASE_LINE
		[[ -n ${OSC_LINE_DIR[$line]:-} ]] || matrix_error "$n" "line $line is not in kernel-lines"
		[[ -z ${MX_ROW[$line/$cell]:-} ]] || matrix_error "$n" "cell $cell is already on line $line"
		[[ -f $OSC_TOP/scripts/arch/$arch ]] || matrix_error "$n" "no facts for arch $arch (scripts/arch/$arch)"
		[[ $opts == [myn] ]] || matrix_error "$n" "opts $opts: m, y or n"
		[[ $kernel == build || $kernel == debian || -n ${MX_ROW[$line/$kernel]:-} ]] ||
			matrix_error "$n" "kernel $kernel: build, debian, or a cell of an earlier row of line $line"
		if [[ $frags == - ]]; then frags=''; else frags=${frags//,/ }; fi
		for f in $frags; do
			[[ $f == kselftest || -f $OSC_TOP/configs/$f.config ]] || matrix_error "$n" "no fragment configs/$f.config"
		done
		[[ $scenario == - || -f $OSC_TOP/guest/$scenario.sh ]] ||
			matrix_error "$n" "no scenario guest/$scenario.sh"
		i=${#MX_CELL[@]}
		MX_ROW[$line/$cell]=$i
		MX_CELL[i]=$cell MX_LINE[i]=$line MX_ARCH[i]=$arch MX_VARIANT[i]=$variant MX_OPTS[i]=$opts
		MX_KERNEL[i]=$kernel MX_FRAGS[i]=$frags MX_SCENARIO[i]=$scenario
	done <"$OSC_TOP/tests/matrix"
}
load_matrix

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

# matrix_arches: the arches of the matrix's cells, each once
matrix_arches() { printf '%s\n' "${MX_ARCH[@]}" | sort -u; }

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
