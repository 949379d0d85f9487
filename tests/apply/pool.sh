# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # it sets the AC_ globals of tests/apply/lib.sh, which other files read
# The stage apply_cases: the cases' work directory and mini tree, each case
# begun and ended in a directory of its own, run by a pool of workers, one
# per core. Sourced by tests/apply-cases.sh.

# AC_WORKERS: how many cases run at once, one per core (each case has a
# directory, mounts and PATH of its own)
AC_WORKERS=${AC_WORKERS:-$(nproc)}
# AC_LIST: the cases, by name (ac_case_NAME), in the order they run
# (ac_cases_in_order, when the stage begins); AC_CASES: how many ran,
# AC_BROKEN: those that did not hold; AC_NEXT: the number of the case
# running; AC_FAILED0: FAILED when it began
AC_LIST=() AC_CASES=0 AC_BROKEN=() AC_NEXT=0 AC_FAILED0=0

# ac_begin NAME: a new case, in a directory of its own
ac_begin() {
	AC_NEXT=$((AC_NEXT + 1))
	AC_CASE=$1 AC_DIR=$AC_WORK/$(printf '%02d' "$AC_NEXT")-$1 AC_T='' AC_PATH=$PATH AC_MOUNTS=() AC_PRISTINE=''
	AC_TOP=$OSC_TOP AC_PATCHES=("${AC_BASE_PATCHES[@]}") AC_SUBJECTS=("${AC_BASE_SUBJECTS[@]}")
	AC_CWD=$AC_DIR
	AC_FAILED0=$FAILED
	mkdir -p "$AC_DIR"
}

# ac_end: unmount what the case mounted, stop what it started, count it
ac_end() {
	local i
	[[ -z $AC_PID ]] || kill -KILL -- "-$AC_PID" 2>/dev/null || true
	AC_PID=''
	for ((i = ${#AC_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${AC_MOUNTS[i]}" 2>/dev/null || umount -l "${AC_MOUNTS[i]}" ||
			ac_bad "cannot unmount ${AC_MOUNTS[i]}"
	done
	AC_MOUNTS=()
	AC_CASES=$((AC_CASES + 1))
	((FAILED == AC_FAILED0)) || AC_BROKEN+=("$AC_CASE")
	ac_mounted_under "$AC_DIR" || rm -rf "$AC_DIR"
}

# ac_mounted_under DIR: something is still mounted inside DIR
ac_mounted_under() {
	local m
	m=$(findmnt -rn -o TARGET)
	grep -qF -- "$1/" <<<"$m"
}

# ac_prepare: the mini tree, the series and its subjects
ac_prepare() {
	AC_WORK=$(mktemp -d "${TMPDIR:-/tmp}/osc-apply-cases.XXXXXX") || return 1
	# the cases' files on a tmpfs of their own: on disk, a cold run's cases
	# wait behind the writeback of the kernel source unpacked just before
	mount -t tmpfs -o size=2g,mode=0700 osc-apply-cases "$AC_WORK" || return 1
	AC_MINI=$AC_WORK/mini
	mkdir -p "$AC_MINI"
	git --git-dir="$PGIT" archive pristine "${AC_MINI_PATHS[@]}" | tar -C "$AC_MINI" -xf - || return 1
	AC_LINE=${SRC_LINE:-$OSC_BASE_LINE}
	[[ $(make -s -C "$AC_MINI" kernelversion) == "$AC_LINE".* ]] || return 1
	ac_read_series "$(line_series "$AC_LINE")"
	AC_BASE_PATCHES=("${AC_PATCHES[@]}") AC_BASE_SUBJECTS=("${AC_SUBJECTS[@]}")
	((${#AC_PATCHES[@]} > 1)) || { warn "the cases need a series of two patches or more, to apply part of it"; return 1; }
}

ac_cleanup() {
	local m
	while IFS= read -r m; do umount -l "$m" || warn "cannot unmount $m"; done < <(findmnt -rn -o TARGET | awk -v w="$AC_WORK/" 'index($0, w) == 1' | sort -r)
	if findmnt -rn -o TARGET | grep -qxF -- "$AC_WORK"; then
		umount "$AC_WORK" || umount -l "$AC_WORK" || warn "cannot unmount $AC_WORK"
	fi
	ac_mounted_under "$AC_WORK" || rm -rf "$AC_WORK"
}

# ac_cases_in_order: the cases: NAME of every function ac_case_NAME (so
# only a case's name begins with ac_case_), in the order they were
# written: by their file's place in AC_FILES (tests/apply-cases.sh), then
# by line; a case in a file AC_FILES does not name comes last
ac_cases_in_order() {
	local i fn line file
	local -A rank=()
	for i in "${!AC_FILES[@]}"; do rank[${AC_FILES[i]}]=$i; done
	shopt -s extdebug # declare -F NAME then says where NAME was defined
	while IFS= read -r fn; do
		read -r fn line file < <(declare -F "$fn")
		file=${file##*/} && file=${file%.sh}
		printf '%s %s %s\n' "${rank[$file]:-${#AC_FILES[@]}}" "$line" "${fn#ac_case_}"
	done < <(compgen -A function ac_case_) | sort -k1,1n -k2,2n | cut -d' ' -f3
	shopt -u extdebug
}

# ac_unlisted: the files of tests/apply/ that AC_FILES does not name (not
# sourced: their cases would not run), as words
ac_unlisted() {
	local f out=()
	for f in "$OSC_TOP"/tests/apply/*.sh; do
		f=${f##*/} && f=${f%.sh}
		[[ " ${AC_FILES[*]} " == *" $f "* ]] || out+=("tests/apply/$f.sh")
	done
	echo "${out[*]}"
}

stage_apply_cases() {
	needs source || return 1
	local c mask rc i k pids=() unlisted
	unlisted=$(ac_unlisted)
	[[ -z $unlisted ]] || fail "apply cases: AC_FILES in tests/apply-cases.sh does not name $unlisted, so no case there runs; add it to AC_FILES"
	mapfile -t AC_LIST < <(ac_cases_in_order)
	((${#AC_LIST[@]})) || { fail "apply cases: no case found (no function ac_case_NAME in tests/apply/cases-*.sh)"; return 1; }
	if ((EUID != 0)); then
		skip "apply cases: ${#AC_LIST[@]} cases not run: they mount tmpfs file systems (full, out of inodes, read-only), which needs root; run the tests as root"
		return 0
	fi
	mask=$(umask)
	umask 022
	AC_CASES=0 AC_NEXT=0 AC_BROKEN=()
	if ! ac_prepare; then
		fail "apply cases: make a mini tree from $PGIT and read the series"
		ac_cleanup
		umask "$mask"
		return 1
	fi
	for ((k = 0; k < AC_WORKERS; k++)); do
		ac_worker "$k" &
		pids+=($!)
	done
	for ((k = 0; k < AC_WORKERS; k++)); do
		rc=0
		wait "${pids[k]}" || rc=$?
		((rc == 0)) || fail "apply cases: worker $k ended with status $rc (an error above)"
	done
	for ((i = 0; i < ${#AC_LIST[@]}; i++)); do
		c=$AC_WORK/case-$i
		if [[ -f $c.out ]]; then cat "$c.out"; else fail "apply cases: case ${AC_LIST[i]} did not run"; fi
		[[ ! -f $c.broken ]] || AC_BROKEN+=("${AC_LIST[i]}")
		[[ ! -f $c.done ]] || AC_CASES=$((AC_CASES + 1))
	done
	ac_cleanup
	umask "$mask"
	if ((${#AC_BROKEN[@]} == 0 && AC_CASES == ${#AC_LIST[@]})); then
		say "apply.sh: $AC_CASES cases, all held ($AC_WORKERS at a time)"
	else
		say "apply.sh: $AC_CASES of ${#AC_LIST[@]} cases ran, ${#AC_BROKEN[@]} did not hold: ${AC_BROKEN[*]}"
	fi
}

# ac_worker K: run the cases of AC_LIST whose index is K modulo
# AC_WORKERS, each with its output in AC_WORK/case-I.out (printed in the
# order of AC_LIST once all are done), and case-I.done, or case-I.broken
# if it did not hold. The cases are independent: each has its own
# directory, mounts and PATH.
ac_worker() {
	local k=$1 i rc
	for ((i = k; i < ${#AC_LIST[@]}; i += AC_WORKERS)); do
		AC_NEXT=$i
		{
			ac_begin "${AC_LIST[i]}"
			rc=0
			"ac_case_${AC_LIST[i]}" || rc=$?
			((rc == 0 || FAILED > AC_FAILED0)) || ac_bad "the case ended with status $rc without a failed check"
			ac_end
		} >"$AC_WORK/case-$i.out" 2>&1
		((${#AC_BROKEN[@]} == 0)) || { : >"$AC_WORK/case-$i.broken" && AC_BROKEN=(); }
		: >"$AC_WORK/case-$i.done"
	done
}
