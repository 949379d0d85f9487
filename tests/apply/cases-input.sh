# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # it sets the AC_ globals of tests/apply/lib.sh, which other files read
# Cases: the command line, the path, and the kernel version it names.
# Sourced by tests/apply-cases.sh.

ac_case_no_argument() {
	ac_tree plain || return
	AC_CWD=$AC_T # run from inside a kernel tree: no default to "."
	ac_refused 2 'no KERNEL_DIR given' "name the top directory of a Linux $(ac_lines_re or) source tree"
}

ac_case_unknown_option() {
	ac_tree plain || return
	ac_refused 2 'unknown option --revert' '--reverse' --revert "$AC_T"
}

ac_case_nonexistent_path() {
	AC_T=$AC_DIR
	ac_refused 1 'no-such-linux does not exist' 'give the top directory of a Linux source tree' \
		"$AC_DIR/no-such-linux"
}

ac_case_a_file() {
	AC_T=$AC_DIR
	ac_do "a file" cp "$AC_MINI/Makefile" "$AC_DIR/linux.mk" || return
	ac_refused 1 'linux.mk is not a directory' 'give the top directory of a Linux source tree' \
		"$AC_DIR/linux.mk"
}

ac_case_not_a_kernel_tree() {
	AC_T=$AC_DIR/src
	ac_do "a directory of something else" mkdir -p "$AC_T/samples" || return
	printf 'all:\n\ttrue\n' >"$AC_T/Makefile"
	echo 'a project' >"$AC_T/README"
	ac_refused 1 'is not a Linux source tree' 'give the top directory of a Linux source tree' "$AC_T"
}

ac_case_plain_path_with_spaces() {
	ac_tree plain 0 "$AC_DIR/my kernels/linux $AC_LINE" || return
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_path_with_spaces() {
	ac_tree git 0 "$AC_DIR/my kernels/linux $AC_LINE" || return
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

# the tree's line picks its series: the base series, or its backport
ac_case_series_of_its_line() {
	local dir=${OSC_LINE_DIR[$AC_LINE]}
	[[ $dir == . ]] && dir='' || dir=$dir/
	ac_tree plain 0 "$AC_DIR/linux-$AC_LINE" || return
	ac_applies "$AC_T"
	ac_says "names the tree's version and the series for its line" \
		"Linux ${AC_LINE//./\\.}\\.[0-9]+, a plain tree; series of [0-9]+ patches from ${dir//./\\.}patches/\$"
}

ac_case_other_version() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" || return
	ac_refused 1 "is Linux 6\\.6\\.0; the series supports the $(ac_lines_re and) lines" 'add --force' "$AC_T"
}

ac_case_other_version_forced() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" || return
	if [[ $AC_LINE == "$OSC_BASE_LINE" ]]; then
		ac_applies --force "$AC_T"
	else # the base series, in another line's context: whole or not at all
		ac_refused 1 'does not apply' 'Nothing was changed' --force "$AC_T"
	fi
	ac_says "says it tries an unsupported version" 'not a supported line.*trying anyway'
}

ac_case_other_version_forced_not_fitting() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" &&
		ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' --force "$AC_T"
}

# --force on a line the series does not list applies the base series; the
# command it then prints to take the series off works as printed
ac_case_other_version_forced_undo_plain() { ac_forced_undo plain; }
ac_case_other_version_forced_undo_git() { ac_forced_undo git; }

# ac_forced_undo KIND: on a KIND tree that says it is Linux 6.6.0, in a
# path with a space, apply.sh --force, then the undo command it printed
ac_forced_undo() {
	ac_other_version_tree "$1" "$AC_DIR/my kernels/linux-6.6" || return
	if [[ $AC_LINE == "$OSC_BASE_LINE" ]]; then
		ac_undo_as_printed --force "$AC_T"
	else # the base series, in another line's context, does not apply: nothing to undo
		ac_refused 1 'does not apply' 'Nothing was changed' --force "$AC_T"
		ac_says_not "prints no command to take the series off" 'take the series off'
	fi
}
