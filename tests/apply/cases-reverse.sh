# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Cases: --reverse, and what an earlier run left in a plain tree (stray
# NAME.osc-orig files, an undo directory that is not the series').
# Sourced by tests/apply-cases.sh.

ac_case_plain_reverse() {
	ac_tree plain all || return
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_reverse() {
	ac_tree git all || return
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_reverse_not_on_top() {
	ac_tree git all && ac_do "a commit of my own on top" ac_commit "$AC_T" notes.txt "mine" "my notes" || return
	ac_refused 1 "the series' commits are in .* but not as its last [0-9]+ commits" \
		'Move them to the top \(git rebase -i.*git revert' --reverse "$AC_T"
	# shellcheck disable=SC2016 # a sed expression, not the shell's
	ac_says "says where they are" "$(printf '%s' "${AC_SUBJECTS[-1]}" | sed 's/[][\.*^$()/]/\\&/g') \(HEAD~1\)"
}

ac_case_git_reverse_uncommitted_change() {
	ac_tree git all || return
	echo '/* mine */' >>"$AC_T/samples/osc_procfs/osc_hello.c"
	ac_refused 1 'has uncommitted changes' 'commit or stash them' --reverse "$AC_T"
}

ac_case_plain_reverse_not_applied() {
	ac_tree plain || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
}

ac_case_git_reverse_not_applied() {
	ac_tree git || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
}

ac_case_plain_reverse_partly_applied() {
	ac_tree plain "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' --reverse "$AC_T"
}

# SIGTERM to apply.sh alone part way through --reverse
ac_case_plain_reverse_sigterm() {
	ac_tree plain all || return
	ac_interrupted_restores TERM pid 143 mv 5 '*' --reverse "$AC_T"
}

# SIGKILL part way through --reverse, after the first files were removed:
# the next --reverse puts them back, then takes the series off
ac_case_plain_reverse_sigkill() {
	ac_tree plain all || return
	ac_killed rm 3 '*/osc_procfs/*' "$AC_UNDO" --reverse "$AC_T" || return
	ac_expect "the kill came after the first files were removed" [ ! -e "$AC_T/samples/osc_procfs/Kconfig" ]
	ac_repairs 'run \(taking off the series\) was stopped part way' 'repaired .* it was undone' \
		'took the series off' "$AC_PRISTINE" --reverse "$AC_T"
}

ac_case_plain_leftovers_without_journal() {
	ac_tree plain && ac_do "a stray .osc-orig" cp -p "$AC_T/samples/Kconfig" "$AC_T/samples/Kconfig.osc-orig" || return
	ac_refused 1 'holds samples/Kconfig\.osc-orig' 'keep the one you want' "$AC_T"
}

# an undo directory that lists a path outside the series
ac_case_plain_foreign_journal() {
	ac_tree plain && ac_do "a foreign undo directory" mkdir -p "$AC_T/$AC_UNDO/orig" || return
	printf 'apply\n' >"$AC_T/$AC_UNDO/what"
	printf '../../etc/passwd\n' >"$AC_T/$AC_UNDO/new"
	ac_refused 1 'not this series. undo directory' 'Repair .* by hand' "$AC_T"
}
