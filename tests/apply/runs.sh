# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # it sets the AC_ globals of tests/apply/lib.sh, which other files read
# apply.sh as a case runs it, and the runs the cases are made of: refused,
# nothing to do, applied, taken off again, each with --check first where
# it has one. Sourced by tests/apply-cases.sh.

# ac_run ARGS...: AC_TOP's apply.sh ARGS, run from AC_CWD with AC_PATH; sets
# AC_OUT, AC_RC and AC_CMD (ARGS with the case's directory left out)
ac_run() {
	AC_CMD="apply.sh $*"
	AC_CMD=${AC_CMD//$AC_DIR\//}
	AC_RC=0
	# shellcheck disable=SC2153 # AC_CWD is tests/apply/lib.sh's (ac_begin sets it), not a misspelt AC_CMD
	AC_OUT=$(cd "$AC_CWD" && PATH=$AC_PATH "$AC_TOP/apply.sh" "$@" 2>&1) || AC_RC=$?
}

# ac_run_printed LINE: LINE, a command apply.sh printed, run as a shell
# reads it, from AC_CWD with AC_PATH; AC_OUT, AC_RC and AC_CMD as ac_run
ac_run_printed() {
	AC_CMD="the printed '$1'"
	AC_CMD=${AC_CMD//$AC_DIR\//} && AC_CMD=${AC_CMD//$AC_TOP\//}
	AC_RC=0
	AC_OUT=$(cd "$AC_CWD" && PATH=$AC_PATH bash -c "$1" 2>&1) || AC_RC=$?
}

# ac_check_run STATUS ARGS...: apply.sh --check ARGS exits STATUS and
# changes nothing; AC_BEFORE is the tree before it
ac_check_run() {
	local rc=$1
	shift
	AC_BEFORE=$(ac_snap "$AC_T")
	ac_run --check "$@"
	ac_rc "$rc"
	ac_unchanged
}

# ac_refused STATUS PROBLEM TODO ARGS...: --check and the real run both
# exit STATUS, say PROBLEM and TODO (extended regexps) and change nothing
ac_refused() {
	local rc=$1 problem=$2 todo=$3 check
	shift 3
	for check in --check ''; do
		AC_BEFORE=$(ac_snap "$AC_T")
		ac_run ${check:+"$check"} "$@"
		ac_rc "$rc"
		ac_says "names the problem" "$problem"
		ac_says "says what to do" "$todo"
		ac_unchanged
	done
}

# ac_nothing_to_do WHAT ARGS...: --check and the real run exit 0, say
# WHAT (a regexp) and change nothing
ac_nothing_to_do() {
	local what=$1 check
	shift
	for check in --check ''; do
		AC_BEFORE=$(ac_snap "$AC_T")
		ac_run ${check:+"$check"} "$@"
		ac_rc 0
		ac_says "says so" "$what"
		ac_unchanged
	done
}

# ac_applies ARGS...: --check changes nothing, then apply.sh puts the
# whole series on AC_T, and a second run finds it already applied
ac_applies() {
	local expected head='' on='' others=''
	expected=$(ac_expected_applied "$AC_T") || { ac_setup_failed "the series does not apply to a copy of the tree with patch"; return 1; }
	if [[ -e $AC_T/.git ]]; then
		head=$(git -C "$AC_T" rev-parse HEAD)
		on=$(git -C "$AC_T" symbolic-ref -q HEAD || echo detached)
		others=$(ac_other_branches "$on")
	fi
	ac_check_run 0 "$@"
	ac_says "says the series applies cleanly" 'applies cleanly'
	ac_run "$@"
	ac_rc 0
	ac_says "says what it did" '^applied [0-9]+ patches'
	ac_says "says what to do next" 'Next steps'
	ac_same "the tree holds exactly the series' files and changes" "$expected" "$(ac_files "$AC_T")"
	[[ -z $head ]] || ac_git_applied "$head" "$on" "$others"
	ac_nothing_to_do 'already applied' "$@"
}

# ac_undo_as_printed ARGS...: apply.sh ARGS applies the series and prints
# one command to take it off; that command, run as printed, exits 0 and
# leaves the tree exactly as it was before apply.sh ARGS
ac_undo_as_printed() {
	local undo
	AC_BEFORE=$(ac_snap "$AC_T")
	ac_run "$@"
	ac_rc 0
	ac_says "says what it did" '^applied [0-9]+ patches'
	undo=$(sed -n 's/^To take the series off again: //p' <<<"$AC_OUT")
	if [[ -z $undo || $undo == *$'\n'* ]]; then
		ac_bad "$AC_CMD prints one command to take the series off (its output:)"
		ac_show "$AC_OUT"
		return 1
	fi
	ac_ok "$AC_CMD prints one command to take the series off"
	ac_run_printed "$undo"
	ac_rc 0
	ac_says "says what it did" 'took the series off'
	ac_unchanged
}

# ac_other_branches CURRENT: every branch but CURRENT, with its commit
ac_other_branches() {
	git -C "$AC_T" for-each-ref --format='%(refname) %(objectname)' refs/heads | awk -v cur="$1" '$1 != cur'
}

# ac_git_applied OLD_HEAD ON OTHERS: the series is the last commits on
# top of OLD_HEAD, HEAD is still ON, no other branch moved, tree clean
ac_git_applied() {
	local n=${#AC_PATCHES[@]}
	ac_expect "HEAD~$n is the HEAD from before" \
		[ "$(git -C "$AC_T" rev-parse "HEAD~$n")" == "$1" ]
	ac_same "the $n new commits carry the series' subjects, in order" \
		"$(printf '%s\n' "${AC_SUBJECTS[@]}")" "$(git -C "$AC_T" log --reverse --format=%s "$1..HEAD")"
	ac_expect "HEAD is still on $2" \
		[ "$(git -C "$AC_T" symbolic-ref -q HEAD || echo detached)" == "$2" ]
	ac_same "no other branch moved" "$3" "$(ac_other_branches "$2")"
	ac_expect "the work tree is clean" \
		[ -z "$(git -C "$AC_T" status --porcelain --untracked-files=all)" ]
}

# ac_reverses PRISTINE ARGS...: --reverse --check changes nothing, then
# --reverse leaves exactly the files PRISTINE lists, and a second run
# finds nothing to do
ac_reverses() {
	local pristine=$1 base=''
	shift
	[[ ! -e $AC_T/.git ]] || base=$(git -C "$AC_T" rev-parse "HEAD~${#AC_PATCHES[@]}")
	ac_check_run 0 --reverse "$@"
	ac_says "says the series can be taken off" 'can be taken off|would move HEAD back'
	ac_run --reverse "$@"
	ac_rc 0
	ac_says "says what it did" 'took the series off'
	ac_same "the tree's files are exactly as before the series" "$pristine" "$(ac_files "$AC_T")"
	if [[ -n $base ]]; then
		ac_expect "HEAD is back where it was before the series" [ "$(git -C "$AC_T" rev-parse HEAD)" == "$base" ]
		ac_expect "the work tree is clean" [ -z "$(git -C "$AC_T" status --porcelain --untracked-files=all)" ]
	fi
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$@"
}
