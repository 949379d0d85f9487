# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # it sets the AC_ globals of tests/apply/lib.sh, which other files read
# Cases: faults while apply.sh runs: read-only and full disks, no inodes
# left, a write that fails, tools missing, and SIGINT, Ctrl-C and SIGKILL
# part way through. Sourced by tests/apply-cases.sh.

ac_case_plain_read_only() {
	ac_tree plain 0 "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' "$AC_T"
}

ac_case_git_read_only() {
	ac_tree git 0 "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' "$AC_T"
}

ac_case_plain_reverse_read_only() {
	ac_tree plain all "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' --reverse "$AC_T"
}

ac_case_plain_full_disk() {
	ac_do "a 4 MiB tmpfs" ac_tmpfs "$AC_DIR/disk" size=4m && ac_tree plain 0 "$AC_DIR/disk/linux" &&
		ac_do "fill it to 8 KiB" ac_fill "$AC_DIR/disk" 8 || return
	ac_refused 1 'has [0-9]+ KiB free, and writing the series needs about [0-9]+ KiB' 'Free some space' "$AC_T"
}

ac_case_git_full_disk() {
	ac_do "an 8 MiB tmpfs" ac_tmpfs "$AC_DIR/disk" size=8m && ac_tree git 0 "$AC_DIR/disk/linux" &&
		ac_do "fill it to 8 KiB" ac_fill "$AC_DIR/disk" 8 || return
	ac_refused 1 'has [0-9]+ KiB free, and writing the series needs about [0-9]+ KiB' 'Free some space' "$AC_T"
}

# Room for the bytes but not for the files: three inodes left, and the disk
# fills while the undo directory is written, before any file of the tree
# is touched
ac_case_plain_out_of_inodes() {
	local used
	ac_do "a tmpfs" ac_tmpfs "$AC_DIR/disk" size=8m && ac_tree plain 0 "$AC_DIR/disk/linux" || return
	used=$(df -Pi "$AC_DIR/disk" | awk 'NR == 2 { print $3 }')
	ac_do "leave 3 inodes" mount -o "remount,nr_inodes=$((used + 3))" "$AC_DIR/disk" || return
	ac_check_run 0 "$AC_T"
	ac_run "$AC_T"
	ac_rc 1
	ac_says "names the problem" 'No space left on device'
	ac_says "says the tree was restored" 'writing into .* failed .*restored as it was'
	ac_says "says what to do" 'Fix the cause and run again'
	ac_unchanged
}

# a copy of a new file beside its target fails part way through the files
ac_case_plain_write_fails() {
	ac_tree plain || return
	ac_wrap cp 6 '*.osc-new' fail
	ac_check_run 0 "$AC_T"
	ac_run "$AC_T"
	ac_rc 1
	ac_says "names the problem" 'cp: injected failure'
	ac_says "says the tree was restored" 'writing into .* failed .*restored as it was'
	ac_says "says what to do" 'Fix the cause and run again'
	ac_unchanged
}

ac_case_git_without_git() {
	ac_tree git || return
	AC_PATH=$(ac_path_without git)
	ac_refused 1 'is a git checkout but git is not installed' 'install git' "$AC_T"
}

ac_case_plain_without_patch() {
	ac_tree plain || return
	AC_PATH=$(ac_path_without patch)
	ac_refused 1 "'patch' is not installed" 'install it' "$AC_T"
}

ac_case_plain_without_git() {
	ac_tree plain || return
	AC_PATH=$(ac_path_without git)
	ac_applies "$AC_T"
}

ac_case_git_without_patch() {
	ac_tree git || return
	AC_PATH=$(ac_path_without patch)
	ac_applies "$AC_T"
}

# SIGINT to apply.sh alone while it copies the new files beside the old
ac_case_plain_sigint_while_staging() {
	ac_tree plain || return
	ac_interrupted_restores INT pid 130 cp 5 '*.osc-new' "$AC_T"
}

# Ctrl-C (SIGINT to the process group) while the files are renamed into
# place: the undo directory and the first eight files are in place
ac_case_plain_ctrl_c_while_renaming() {
	ac_tree plain || return
	ac_interrupted_restores INT group 130 mv 10 '*' "$AC_T"
}

# Ctrl-C while git am is part way, after the first half of the series (a
# post-applypatch hook waits)
ac_case_git_ctrl_c_during_am() {
	local hook part
	part=$(ac_part)
	ac_tree git || return
	mkdir -p "$AC_DIR/wrap"
	hook=$AC_T/.git/hooks/post-applypatch
	cat >"$hook" <<-EOF
		#!/bin/bash
		n=0
		[[ ! -e $AC_DIR/wrap/count ]] || read -r n <$AC_DIR/wrap/count
		echo \$((n + 1)) >$AC_DIR/wrap/count
		((n + 1 == $part)) || exit 0
		echo \$\$ >$AC_DIR/wrap/at
		while [[ ! -e $AC_DIR/wrap/go ]]; do sleep 0.05; done
	EOF
	chmod +x "$hook"
	ac_check_run 0 "$AC_T"
	ac_start "$AC_T"
	ac_wait_stop && ac_expect "git am was part way when interrupted ($part of ${#AC_PATCHES[@]} commits made)" \
		[ "$(git -C "$AC_T" rev-list --count HEAD)" == $((part + 1)) ]
	ac_interrupt INT group || return
	ac_rc 130
	ac_says "says it was interrupted and git am aborted" 'interrupted \(SIGINT\); git am was aborted; .* is as it was'
	ac_unchanged
}

# SIGKILL while the files are renamed into place (samples/Kconfig is, the
# rest are not): the next run puts the tree back, then applies the series
ac_case_plain_sigkill_while_renaming() {
	local expected
	ac_tree plain || return
	expected=$(ac_expected_applied "$AC_T")
	ac_killed mv 4 '*' "$AC_UNDO" "$AC_T" || return
	ac_expect "the kill came after samples/Kconfig was replaced" \
		[ "$(sha1sum <"$AC_T/samples/Kconfig")" != "$(sha1sum <"$AC_MINI/samples/Kconfig")" ]
	ac_expect "and before the first new file was in place" [ ! -e "$AC_T/samples/osc_procfs" ]
	ac_repairs 'was stopped part way and left .*\.osc-procfs-apply\.undo' \
		'repaired .*: an earlier run \(applying the series\) was stopped part way; it was undone' \
		'^applied [0-9]+ patches' "$expected" "$AC_T"
	ac_nothing_to_do 'already applied' "$AC_T"
}

# SIGKILL after the commit (every file in place, the undo directory renamed
# to .done) while that is removed: the next run finishes the removal
ac_case_plain_sigkill_while_cleaning_up() {
	local expected
	ac_tree plain || return
	expected=$(ac_expected_applied "$AC_T")
	ac_killed rm 1 "*/$AC_UNDO.done" "$AC_UNDO.done" "$AC_T" || return
	ac_same "the kill left every file of the series in place" "$expected" \
		"$(ac_files "$AC_T" | grep -v -F "/$AC_UNDO.done")"
	ac_repairs 'was stopped part way and left .*; it had put every file in place' \
		'repaired .*: an earlier run \(applying the series\) was stopped after every file was in place; it was finished' \
		'already applied' "$expected" "$AC_T"
	ac_nothing_to_do 'already applied' "$AC_T"
}
