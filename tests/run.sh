#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test suite: every check of the series, from checkpatch to booted
# kernels. This file is the runner: it plans the stages, runs each in a
# subshell of its own, counts its checks and prints the report. Each
# stage prints its name and time, each check one line. The runner's own
# lines are KTAP (tests/lib/ktap.sh): "KTAP version 1" and a plan line
# "1..S" for the S stages first, and a result line "ok N STAGE" or "not ok
# N STAGE" as each ends; a KTAP reader skips the other lines. Before the
# end, a table of the matrix: each kernel x arch x mode built and booted,
# with its result and times. The last line is "N passed, M failed"; the
# exit status is 0 only when nothing failed.
#
#   tests/run.sh            all stages
#   tests/run.sh STAGE...   only these (they build on the cache as it is),
#                           each line's source stage first where they read it
#   tests/run.sh --list     the stages, in order, with their cells
#
# Where things are:
#   tests/lib/check.sh      the checks a stage makes: ok, fail, skip, expect, needs
#   tests/lib/ktap.sh       KTAP: the parser of guest output and console logs,
#                           and this runner's plan and result lines
#   tests/lib/report.sh     the matrix table and the failed stages at the end
#   tests/lib/unpack.sh     the backport lines' sources unpacked in the background
#   tests/stages/*.sh       the stages, by topic: a stage is a function stage_NAME,
#                           a cell's stages cell_build_VARIANT and cell_boot_VARIANT
#   tests/apply-cases.sh, tests/mutations.sh, tests/grade-cases.sh
#                           the stages apply_cases, mutations, grade and grade_lines
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"
# shellcheck source=tests/lib/check.sh
. "$OSC_TOP/tests/lib/check.sh"
# shellcheck source=tests/lib/ktap.sh
. "$OSC_TOP/tests/lib/ktap.sh"
# shellcheck source=tests/lib/report.sh
. "$OSC_TOP/tests/lib/report.sh"
# shellcheck source=tests/lib/unpack.sh
. "$OSC_TOP/tests/lib/unpack.sh"
for stage_file in "$OSC_TOP"/tests/stages/*.sh; do
	# shellcheck source=/dev/null # each is checked on its own: the stage shellcheck
	. "$stage_file"
done
unset stage_file
# shellcheck source=tests/apply-cases.sh
. "$OSC_TOP/tests/apply-cases.sh"
# shellcheck source=tests/mutations.sh
. "$OSC_TOP/tests/mutations.sh"
# shellcheck source=tests/grade-cases.sh
. "$OSC_TOP/tests/grade-cases.sh"

# The stages come from kernel-lines and tests/matrix (plan_stages): for
# each line its own stages, LINE_STAGES (named with the line as a suffix
# on a backport line: apply_git_6_12; BASE_ONLY ones on the base line
# only), then its cells' build_CELL and boot_CELL; AFTER_BUILD_M follow
# the base line's build_m. same_code compares what the lines applied;
# mutations (tests/mutations.sh) breaks things on purpose and expects the
# suite to catch each.
LINE_STAGES=(source source_states checkpatch apply_plain apply_git apply_cases export)
BASE_ONLY=(source_states checkpatch)
AFTER_BUILD_M=(prefixes warnings menuconfig grade)
# STAGE_ROW[STAGE]: the matrix row of a cell's stage, STAGE_KIND[STAGE]
# its kind (build or boot); STAGE_LINE[STAGE]: the line a stage runs on
declare -A STAGE_ROW=() STAGE_KIND=() STAGE_LINE=()
STAGES=()
# STAGE: the stage running; STAGE_F0: FAILED when it began
STAGE='' STAGE_F0=0

# cur_line: the kernel line the stage runs on
cur_line() { echo "${SRC_LINE:-$OSC_BASE_LINE}"; }

# in_line LINE CMD...: CMD on LINE's cache paths, its stages' suffix set
in_line() {
	local SUFFIX=''
	[[ $1 == "$OSC_BASE_LINE" ]] || SUFFIX=_${1//./_}
	on_line "$@"
}

# line_suffix LINE: what LINE's stages add to their names ("" on the base
# line, _6_12 on 6.12)
line_suffix() { [[ $1 == "$OSC_BASE_LINE" ]] || echo "_${1//./_}"; }

# NO_SOURCE: the stages that read no line's kernel source
NO_SOURCE=(deps shellcheck grade_probe grade_logs docs)

# with_sources STAGE...: STAGES, these stages, and before the first that
# reads a line's source, that line's stage source (unless it is named):
# a stage named alone finds the source in the state the tests need
# (scripts/source.sh), whatever state make demo or grade.sh left it in
with_sources() {
	local s line src
	local -A named=()
	for s in "$@"; do named[$s]=1; done
	STAGES=()
	for s in "$@"; do
		if [[ " ${NO_SOURCE[*]} " != *" $s "* ]]; then
			line=${STAGE_LINE[$s]:-$OSC_BASE_LINE}
			src=source$(line_suffix "$line")
			[[ -n ${named[$src]:-} ]] || STAGES+=("$src")
			named[$src]=1
		fi
		STAGES+=("$s")
	done
}

# plan_stages: STAGES, in order: deps and shellcheck; then for each
# kernel line its LINE_STAGES (BASE_ONLY ones on the base line only) and
# the stages of its cells in the matrix's order, build_CELL then
# boot_CELL, AFTER_BUILD_M after the base line's build_m; then same_code,
# grade_lines and mutations
plan_stages() {
	local line sfx s i kind
	STAGES=(deps shellcheck grade_probe grade_logs)
	for line in "${OSC_LINES[@]}"; do
		sfx=$(line_suffix "$line")
		for s in "${LINE_STAGES[@]}"; do
			[[ -n $sfx && " ${BASE_ONLY[*]} " == *" $s "* ]] && continue
			STAGES+=("$s$sfx") && STAGE_LINE[$s$sfx]=$line
		done
		for i in "${!MX_CELL[@]}"; do
			[[ ${MX_LINE[i]} == "$line" ]] || continue
			for kind in build boot; do
				declare -F "cell_${kind}_${MX_VARIANT[i]}" >/dev/null || continue
				s=${kind}_${MX_CELL[i]}$sfx
				[[ -z ${STAGE_LINE[$s]:-} ]] || die "tests/matrix: two stages named $s"
				STAGES+=("$s") && STAGE_ROW[$s]=$i STAGE_KIND[$s]=$kind STAGE_LINE[$s]=$line
				[[ $s != build_m ]] || STAGES+=("${AFTER_BUILD_M[@]}")
			done
		done
	done
	STAGES+=(same_code grade_lines docs mutations)
}

# run_one STAGE: run STAGE on its line: a cell's stage, or a stage_NAME
# function
run_one() {
	local s=$1 line=${STAGE_LINE[$1]:-$OSC_BASE_LINE}
	if [[ -n ${STAGE_ROW[$s]:-} ]]; then
		in_line "$line" cell_stage "${STAGE_KIND[$s]}" "${STAGE_ROW[$s]}"
	else
		in_line "$line" "stage_${s%"$(line_suffix "$line")"}"
	fi
}

# stage_error STATUS COMMAND FILE LINE: the ERR trap of a stage. Once a
# check of the stage has failed, the stage is failed, and what returns 1
# because of it (the check, a helper that counted it, a "|| return 1")
# goes on as its caller sees fit. Before that, any command that fails
# where nothing tests its status is an error: the stage ends there.
stage_error() {
	((FAILED == STAGE_F0)) || return 0
	warn "  error: '$2' exited $1 (${3#"$OSC_TOP"/}, line $4); stage '$STAGE' ends here"
	exit "$1"
}

# stage_body STAGE: run STAGE with the ERR trap in every function it calls
stage_body() {
	STAGE=$1 STAGE_F0=$FAILED
	set -E
	trap 'stage_error $? "$BASH_COMMAND" "${BASH_SOURCE[0]}" "$LINENO"' ERR
	run_one "$1"
}

# run_stage STAGE N: run STAGE, the Nth of the plan, in a subshell, so
# that an error or a die ends the stage and not the suite; its checks are
# counted from RESULTS. The stage fails when one of its checks failed, or
# when it ended with a non-zero status: a stage that gives up without
# calling fail, or hits an error, is a failure of its own. Its end is a
# KTAP result line, with "# SKIP" when it passed and only skipped checks.
run_stage() {
	local s=$1 t0 t rc n_ok n_fail n_skip directive=''
	t0=$(now_s)
	say "== $s"
	: >"$RESULTS"
	set +e
	(stage_body "$s")
	rc=$?
	set -e
	read -r n_ok n_fail n_skip < <(check_tally "$RESULTS")
	PASSED=$((PASSED + n_ok)) FAILED=$((FAILED + n_fail)) SKIPPED=$((SKIPPED + n_skip))
	if ((rc != 0 && n_fail == 0)); then
		RESULTS=/dev/null fail "stage '$s' ended with status $rc without a failed check (an error above, or a step that gave up)"
	elif ((rc != 0)); then
		say "  (stage '$s' ended with status $rc)"
	fi
	STAGE_OK[$s]=$((rc == 0 && n_fail == 0))
	t=$(elapsed "$t0")
	note_cell "$s" "$t" "${STAGE_OK[$s]}"
	say "== $s: $t s$( ((STAGE_OK[$s])) || echo ", FAILED")"
	((!STAGE_OK[$s] || n_ok || !n_skip)) || directive=SKIP
	ktap_result "${STAGE_OK[$s]}" "$2" "$s" "$directive"
}

# main [STAGE...]: the planned stages, or those named, then the report
main() {
	local s t0 n=0
	t0=$(now_s)
	plan_stages
	for s in "$@"; do
		[[ -n ${STAGE_LINE[$s]:-} ]] || declare -F "stage_$s" >/dev/null ||
			die "no stage '$s'; the stages: ${STAGES[*]}"
	done
	(($#)) && with_sources "$@"
	set_paths
	mkdir -p "$OUT"
	RESULTS=$OUT/stage-results.$$
	trap '[[ -z $UNPACK_PID ]] || kill "$UNPACK_PID" 2>/dev/null || :' EXIT
	ktap_plan "${#STAGES[@]}"
	for s in "${STAGES[@]}"; do
		n=$((n + 1))
		run_stage "$s" "$n"
		[[ $s != source ]] || start_unpack
	done
	rm -f "$RESULTS"
	matrix_table
	failed_stages
	say "total: $(elapsed "$t0") s"
	((SKIPPED == 0)) || say "$SKIPPED skipped (see the SKIP lines: not run here, not counted as passed)"
	say "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

# list_stages: the stages in order, a cell's with its row of the matrix
list_stages() {
	local s i
	plan_stages
	for s in "${STAGES[@]}"; do
		i=${STAGE_ROW[$s]:-}
		if [[ -n $i ]]; then
			printf '%-22s %s %s %s, %s\n' "$s" "$(cell_kernel "$i")" "${MX_CELL[i]}" "${MX_ARCH[i]}" "$(cell_what "$i")"
		else
			printf '%-22s %s\n' "$s" "${STAGE_LINE[$s]:-}"
		fi
	done
}

if [[ ${1:-} == --list ]]; then
	list_stages
else
	with_lock main "$@"
fi
