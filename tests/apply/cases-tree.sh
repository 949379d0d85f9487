# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Cases: what the tree holds: a git checkout that is dirty or busy, the
# series already or partly applied, changes of one's own where the series
# adds its lines. Sourced by tests/apply-cases.sh.

ac_case_git_uncommitted_change() {
	ac_tree git || return
	echo '# a change of my own' >>"$AC_T/Kconfig"
	ac_refused 1 'has uncommitted changes' 'commit or stash them' "$AC_T"
}

ac_case_git_untracked_in_samples() {
	ac_tree git || return
	mkdir -p "$AC_T/samples/mine" && echo '// mine' >"$AC_T/samples/mine/mine.c"
	ac_refused 1 'untracked files' 'commit or stash them' "$AC_T"
}

ac_case_git_mid_rebase() {
	ac_tree git &&
		ac_do "branch side" ac_g "$AC_T" checkout -q -b side &&
		ac_do "commit on side" ac_commit "$AC_T" notes.txt "side" "notes on side" &&
		ac_do "back to main" ac_g "$AC_T" checkout -q main &&
		ac_do "commit on main" ac_commit "$AC_T" notes.txt "main" "notes on main" &&
		ac_do "to side" ac_g "$AC_T" checkout -q side || return
	ac_g "$AC_T" rebase main >>"$AC_DIR/setup.log" 2>&1 && { ac_setup_failed "the rebase did not stop on a conflict"; return; }
	[[ -d $AC_T/.git/rebase-merge ]] || { ac_setup_failed "no rebase in progress"; return; }
	ac_refused 1 'middle of a git operation \(rebase-merge\)' 'git rebase --abort' "$AC_T"
}

ac_case_git_mid_am() {
	ac_tree git &&
		ac_do "commit notes" ac_commit "$AC_T" notes.txt "one" "notes" &&
		ac_do "commit notes again" ac_commit "$AC_T" notes.txt "two" "notes two" &&
		ac_do "format-patch" ac_g "$AC_T" format-patch -q -1 -o "$AC_DIR/mine" &&
		ac_do "reset" ac_g "$AC_T" reset -q --hard HEAD~1 &&
		ac_do "commit other notes" ac_commit "$AC_T" notes.txt "other" "other notes" || return
	ac_g "$AC_T" am "$AC_DIR"/mine/*.patch >>"$AC_DIR/setup.log" 2>&1 && { ac_setup_failed "git am did not fail"; return; }
	[[ -d $AC_T/.git/rebase-apply ]] || { ac_setup_failed "no git am in progress"; return; }
	ac_refused 1 'middle of a git operation \(rebase-apply\)' 'git am --abort' "$AC_T"
}

ac_case_git_detached_head() {
	ac_tree git && ac_do "detach HEAD" ac_g "$AC_T" checkout -q --detach || return
	ac_applies "$AC_T"
}

ac_case_plain_already_applied() {
	ac_tree plain all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_git_already_applied() {
	ac_tree git all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_plain_partly_applied() {
	ac_tree plain "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' "$AC_T"
}

ac_case_git_partly_applied() {
	ac_tree git "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' "$AC_T"
}

ac_case_plain_samples_kconfig_edited() {
	ac_tree plain && ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}

ac_case_plain_samples_makefile_edited() {
	ac_tree plain && ac_do "edit samples/Makefile" ac_edit_makefile "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}

ac_case_git_samples_kconfig_edited() {
	ac_tree plain && ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" &&
		ac_do "git tree" ac_gitify "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}
