# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Cases: the series restructured (ac_use_series): squashed into one
# patch, or cut into one patch per file. Each of those patches applies to
# a pristine tree as it is, so a trial that takes the series off first
# must not mistake it for applied (GNU patch --batch -R applies such a
# patch forward). Sourced by tests/apply-cases.sh.

# ac_use_series SHAPE: the case runs AC_WORK/top-SHAPE's apply.sh and series
# (made by the first case that asks for it, under a lock: the cases of two
# workers may ask at once)
ac_use_series() {
	AC_TOP=$AC_WORK/top-$1
	(
		flock 8 || exit 1
		[[ -d $AC_TOP ]] || ac_do "the series restructured ($1)" ac_restructure "$1" "$AC_TOP" ||
			{ rm -rf "$AC_TOP" "$AC_WORK/restructure-$1"; exit 1; }
	) 8>"$AC_WORK/restructure.lock" || return 1
	ac_read_series "$AC_TOP/${OSC_LINE_DIR[$AC_LINE]}"
}

# ac_restructure SHAPE TOP: at TOP, a copy of apply.sh and kernel-lines, and
# as this line's series the real one made over with git (never committed):
# squashed into one patch (SHAPE one) or cut into one patch per file it
# touches (per-file)
ac_restructure() {
	local top=$2 g=$AC_WORK/restructure-$1 dir f files=() n=0
	dir=$top/${OSC_LINE_DIR[$AC_LINE]}
	mkdir -p "$dir/patches" && cp "$OSC_TOP/apply.sh" "$OSC_TOP/kernel-lines" "$top/" &&
		ac_mini "$g" && ac_gitify "$g" && ac_g "$g" am -q "${AC_BASE_PATCHES[@]}" &&
		ac_g "$g" reset -q --soft "HEAD~${#AC_BASE_PATCHES[@]}" || return 1
	if [[ $1 == one ]]; then
		files=(.)
	else
		mapfile -t files < <(ac_g "$g" diff --cached --name-only)
	fi
	for f in "${files[@]}"; do
		ac_g "$g" commit -q -m "osc_procfs: the series' changes to ${f/#./every file}" -- "$f" || return 1
		n=$((n + 1))
	done
	ac_g "$g" format-patch -q -o "$dir/patches" "HEAD~$n" && (cd "$dir/patches" && ls) >"$dir/series"
}

# as it is, so a trial that takes the series off first must not mistake it
# for applied (GNU patch --batch -R applies such a patch forward).

# ac_restructured SHAPE KIND: on a pristine KIND tree, the series as SHAPE:
# --reverse finds nothing to take off; apply.sh applies it, then finds it
# applied; --reverse takes it off
ac_restructured() {
	ac_use_series "$1" && ac_tree "$2" || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

# ac_restructured_applied SHAPE KIND: a KIND tree with the series as SHAPE
# applied by patch or git am: apply.sh finds it already applied
ac_restructured_applied() {
	ac_use_series "$1" && ac_tree "$2" all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_one_patch_plain() { ac_restructured one plain; }
ac_case_one_patch_git() { ac_restructured one git; }
ac_case_one_patch_plain_applied() { ac_restructured_applied one plain; }
ac_case_one_patch_git_applied() { ac_restructured_applied one git; }
ac_case_per_file_plain() { ac_restructured per-file plain; }
ac_case_per_file_git() { ac_restructured per-file git; }
ac_case_per_file_plain_applied() { ac_restructured_applied per-file plain; }
ac_case_per_file_git_applied() { ac_restructured_applied per-file git; }
