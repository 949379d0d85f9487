# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The report at the end of a run: the table of the matrix's cells that
# ran, each with its result and build and boot times (noted as its stages
# end: note_cell), and the stages that failed. Also the columns of a cell
# that tests/run.sh --list prints. Sourced by tests/run.sh.

# The cells that ran (their rows of tests/matrix), with their results and
# times, for the table at the end
declare -A CELL_OK=() CELL_BUILD=() CELL_BOOT=()
CELLS=()

# cell_kernel I: the kernel column of row I in the table: its line, or
# Debian's kernel of it
cell_kernel() { if [[ ${MX_KERNEL[$1]} == debian ]]; then echo "Debian ${MX_LINE[$1]}"; else echo "${MX_LINE[$1]}"; fi; }

# cell_hz I: the tick rate of the kernel row I's cell builds or boots
cell_hz() { frags_hz "${MX_FRAGS[$1]}"; }

# cell_what I: the mode column of row I in the table
cell_what() {
	local i=$1 o="=${MX_OPTS[$1]}"
	case ${MX_VARIANT[i]} in
	plain) echo "$o, HZ=$(cell_hz "$i")" ;;
	debug) echo "debug $o, HZ=$(cell_hz "$i")" ;;
	sig) echo "$o, module.sig_enforce=1" ;;
	oot) echo "out of tree, its build dir" ;;
	distro) echo "out of tree, Debian's kernel" ;;
	kselftest) echo "$o, run_kselftest.sh" ;;
	wrap) echo "$o, across the tick wrap" ;;
	*) echo "${MX_VARIANT[i]} $o" ;;
	esac
}

# note_cell STAGE SECONDS OK: add a cell stage's time and result to its
# row of the table
note_cell() {
	local i=${STAGE_ROW[$1]:-}
	[[ -n $i ]] || return 0
	[[ -n ${CELL_OK[$i]:-} ]] || { CELLS+=("$i") && CELL_OK[$i]=1; }
	(($3)) || CELL_OK[$i]=0
	if [[ ${STAGE_KIND[$1]} == build ]]; then CELL_BUILD[$i]=$2; else CELL_BOOT[$i]=$2; fi
}

# matrix_table: the cells that ran, as tests/matrix lists them
matrix_table() {
	local i
	((${#CELLS[@]})) || return 0
	say "matrix (tests/matrix; build and boot times in seconds; a boot includes its guest checks):"
	printf '  %-12s %-12s %-7s %-30s %-6s %7s %7s\n' kernel cell arch mode result build boot
	for i in "${CELLS[@]}"; do
		printf '  %-12s %-12s %-7s %-30s %-6s %7s %7s\n' "$(cell_kernel "$i")" "${MX_CELL[i]}" "${MX_ARCH[i]}" \
			"$(cell_what "$i")" "$( ((CELL_OK[$i])) && echo pass || echo FAIL)" \
			"${CELL_BUILD[$i]:--}" "${CELL_BOOT[$i]:--}"
	done
}

# failed_stages: name the stages that failed, if any
failed_stages() {
	local s bad=()
	for s in "${STAGES[@]}"; do [[ ${STAGE_OK[$s]:-0} == 1 ]] || bad+=("$s"); done
	((${#bad[@]} == 0)) || say "failed stages: ${bad[*]}"
}
