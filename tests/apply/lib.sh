# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the files of tests/apply/
# The apply_cases stage's own checks (each an ok or fail of
# tests/lib/check.sh, named after the case), the snapshots of a tree they
# compare, and the mini trees the cases run apply.sh on. Sourced by
# tests/apply-cases.sh.

AC_MINI_PATHS=(Makefile Kconfig MAINTAINERS samples/Kconfig samples/Makefile
	tools/testing/selftests/Makefile scripts/Kbuild.include scripts/subarch.include
	'scripts/Makefile.*' arch/x86/Makefile arch/x86/Makefile_32.cpu)

# The case running: its name, directory, tree, PATH and working directory;
# the last run of apply.sh: its output, status and command, and the tree's
# snapshot before it
AC_WORK='' AC_MINI='' AC_LINE='' AC_CASE='' AC_DIR='' AC_CWD='' AC_T='' AC_PATH=''
AC_OUT='' AC_RC=0 AC_CMD='' AC_BEFORE='' AC_PRISTINE=''
# AC_TOP: the apply.sh a case runs (its directory also holds kernel-lines and
# the series); AC_PATCHES and AC_SUBJECTS: that series. By default the
# checkout's own (AC_BASE_*); the restructured cases switch to a copy of
# apply.sh with the series squashed into one patch or cut into one per file.
AC_TOP=$OSC_TOP
AC_PATCHES=() AC_SUBJECTS=() AC_BASE_PATCHES=() AC_BASE_SUBJECTS=()
# what a plain tree holds while apply.sh changes it: its undo directory,
# renamed to AC_UNDO.done once every file is in place
AC_UNDO=.osc-procfs-apply.undo

# --- checks ------------------------------------------------------------

ac_ok() { ok "$AC_CASE: $*"; }
ac_bad() { fail "$AC_CASE: $*"; }

# ac_show TEXT: TEXT indented under a FAIL line
ac_show() { head -n 40 <<<"$1" | sed 's/^/        | /'; }

# ac_expect WHAT CMD...: one check of the current case
ac_expect() {
	local what=$1
	shift
	if "$@"; then ac_ok "$what"; else ac_bad "$what"; fi
}

# ac_rc STATUS: the last run exited STATUS
ac_rc() {
	if [[ $AC_RC == "$1" ]]; then
		ac_ok "$AC_CMD exits $1"
	else
		ac_bad "$AC_CMD exits $1 (it exited $AC_RC; its output:)"
		ac_show "$AC_OUT"
	fi
}

# ac_says WHAT ERE: the last run's output matches ERE
ac_says() {
	if grep -Eq -- "$2" <<<"$AC_OUT"; then
		ac_ok "$AC_CMD $1"
	else
		ac_bad "$AC_CMD $1 (nothing matches /$2/ in its output:)"
		ac_show "$AC_OUT"
	fi
}

# ac_says_not WHAT RE: the last run's output has no line matching RE
ac_says_not() {
	if grep -Eq -- "$2" <<<"$AC_OUT"; then
		ac_bad "$AC_CMD $1 (its output matches /$2/:)"
		ac_show "$AC_OUT"
	else
		ac_ok "$AC_CMD $1"
	fi
}

# ac_same WHAT EXPECTED ACTUAL: two snapshots are equal
ac_same() {
	if [[ $2 == "$3" ]]; then
		ac_ok "$1"
	else
		ac_bad "$1; it differs (< expected, > found):"
		ac_show "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
	fi
}

# ac_unchanged: the case's tree is exactly as in AC_BEFORE
ac_unchanged() { ac_same "after $AC_CMD the tree is exactly as before" "$AC_BEFORE" "$(ac_snap "$AC_T")"; }

# ac_setup_failed WHAT: a case that cannot be set up fails, with why
ac_setup_failed() {
	ac_bad "cannot set up the case: $1"
	[[ ! -s $AC_DIR/setup.log ]] || ac_show "$(tail -n 20 "$AC_DIR/setup.log")"
	return 1
}

# ac_do WHAT CMD...: one step of setting up a case
ac_do() {
	local what=$1
	shift
	"$@" >>"$AC_DIR/setup.log" 2>&1 || ac_setup_failed "$what"
}

# --- snapshots ---------------------------------------------------------

# ac_files DIR: every path under DIR but .git, with type, mode, size and
# SHA-1 of its content
ac_files() {
	(
		cd "$1" || { echo "no directory $1"; exit 1; }
		find . -path ./.git -prune -o \( -type f -printf 'f %m %s %p\n' \) -o \
			\( -type l -printf 'l %p -> %l\n' \) -o -printf '%y %m %p\n' | LC_ALL=C sort
		find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha1sum
	)
}

# ac_gitstate DIR: for a git tree, what git says of it
ac_gitstate() {
	local d=$1 p path
	[[ -e $d/.git ]] || return 0
	printf 'status:\n%s\n' "$(GIT_OPTIONAL_LOCKS=0 git -C "$d" status --porcelain --untracked-files=all)"
	printf 'HEAD %s\n' "$(git -C "$d" rev-parse HEAD)"
	printf 'on %s\n' "$(git -C "$d" symbolic-ref -q HEAD || echo 'detached HEAD')"
	printf 'branches:\n%s\n' "$(git -C "$d" for-each-ref --format='%(refname) %(objectname)' refs/heads)"
	printf 'stash:\n%s\n' "$(git -C "$d" stash list)"
	for p in rebase-apply rebase-merge MERGE_HEAD CHERRY_PICK_HEAD; do
		path=$(git -C "$d" rev-parse --git-path "$p")
		[[ $path == /* ]] || path=$d/$path
		[[ ! -e $path ]] || printf 'in progress: %s\n' "$p"
	done
}

ac_snap() {
	ac_files "$1"
	ac_gitstate "$1"
}

# --- trees ---------------------------------------------------------------

# ac_mini DIR: a fresh mini tree at DIR
ac_mini() {
	mkdir -p "$(dirname "$1")" && cp -a "$AC_MINI" "$1"
}

# ac_tree KIND [N [DIR]]: AC_T, a fresh mini tree at DIR (AC_DIR/linux), a
# plain tree or a git checkout (KIND plain or git), with the first N patches
# of the series (all: every one) applied by patch or git am; AC_PRISTINE,
# its files before them
ac_tree() {
	local kind=$1 n=${2:-0}
	AC_T=${3:-$AC_DIR/linux}
	[[ $n != all ]] || n=${#AC_PATCHES[@]}
	ac_do "mini tree" ac_mini "$AC_T" || return
	[[ $kind == plain ]] || ac_do "git tree" ac_gitify "$AC_T" || return
	AC_PRISTINE=$(ac_files "$AC_T")
	if ((n == 0)); then
		return 0
	elif [[ $kind == plain ]]; then
		ac_do "apply $n patches with patch" ac_patch "$AC_T" "$n"
	else
		ac_do "git am $n patches" ac_am "$AC_T" "$n"
	fi
}

# ac_g DIR ARGS...: git in DIR, as the tests' own user
ac_g() {
	local d=$1
	shift
	GIT_AUTHOR_NAME="osc-procfs tests" GIT_AUTHOR_EMAIL=tests@osc-procfs.invalid \
		GIT_COMMITTER_NAME="osc-procfs tests" GIT_COMMITTER_EMAIL=tests@osc-procfs.invalid \
		git -C "$d" "$@"
}

# ac_gitify DIR: make the tree at DIR a git checkout with one commit, its
# files with the modes git gives them (the archive's are group-writable)
ac_gitify() {
	local d=$1
	chmod -R u+rwX,go-w "$d" &&
		ac_g "$d" init -q -b main &&
		ac_g "$d" config user.name "osc-procfs tests" &&
		ac_g "$d" config user.email tests@osc-procfs.invalid &&
		ac_g "$d" config commit.gpgsign false &&
		ac_g "$d" add -f -A . &&
		ac_g "$d" commit -q -m "Linux $AC_LINE (a few of its files)"
}

# ac_commit DIR FILE TEXT MESSAGE: write FILE and commit it
ac_commit() {
	printf '%s\n' "$3" >"$1/$2" && ac_g "$1" add -f "$2" && ac_g "$1" commit -q -m "$4"
}

# ac_patch DIR [N]: the first N patches of the series (all by default),
# applied with patch, not apply.sh
ac_patch() {
	local d=$1 n=${2:-${#AC_PATCHES[@]}} i
	for ((i = 0; i < n; i++)); do
		patch -d "$d" -p1 --batch --silent --fuzz=0 <"${AC_PATCHES[i]}" || return 1
	done
}

# ac_am DIR [N]: the first N patches as commits, with git am
ac_am() {
	local d=$1 n=${2:-${#AC_PATCHES[@]}}
	ac_g "$d" am -q "${AC_PATCHES[@]:0:n}"
}

# ac_expected_applied DIR: the files of DIR as the series makes them
ac_expected_applied() {
	local e=$AC_DIR/expected
	rm -rf "$e" && mkdir -p "$e" &&
		tar -C "$1" --exclude=./.git -cf - . | tar -C "$e" -xf - &&
		ac_patch "$e" && ac_files "$e"
}

# ac_series_fails DIR: the series does not apply to a copy of DIR
ac_series_fails() {
	local e=$AC_DIR/try
	rm -rf "$e" && mkdir -p "$e" && tar -C "$1" --exclude=./.git -cf - . | tar -C "$e" -xf - &&
		! ac_patch "$e" 2>/dev/null
}

# ac_edit_kconfig DIR: a sample of one's own, sourced where the series
# adds its line to samples/Kconfig
ac_edit_kconfig() {
	sed -i 's|^endif # SAMPLES$|source "samples/mine/Kconfig"\n\n&|' "$1/samples/Kconfig" &&
		grep -q 'samples/mine' "$1/samples/Kconfig"
}

# ac_edit_makefile DIR: the same in samples/Makefile: a line of one's
# own right after the line the series adds its own after
ac_edit_makefile() {
	local after f=$1/samples/Makefile
	# shellcheck disable=SC2016 # $(...) is make's, not the shell's
	after=$(grep -B1 '^+obj-$(CONFIG_SAMPLE_OSC_PROCFS)' "${AC_PATCHES[0]}" | head -n 1 | cut -c2-)
	[[ -n $after ]] || return 1
	# shellcheck disable=SC2016
	awk -v after="$after" '{ print } $0 == after { print "obj-$(CONFIG_SAMPLE_MINE)\t\t+= mine/" }' \
		"$f" >"$f.new" && mv "$f.new" "$f" && grep -q 'SAMPLE_MINE' "$f"
}

# ac_lines_re WORD: the supported lines as apply.sh lists them ("7.3,
# 6.12 and 6.1", WORD in place of "and"), as an extended regexp
ac_lines_re() {
	local n=${#OSC_LINES[@]} out=${OSC_LINES[0]} i
	for ((i = 1; i < n; i++)); do
		if ((i == n - 1)); then out+=" $1 "; else out+=", "; fi
		out+=${OSC_LINES[i]}
	done
	echo "${out//./\\.}"
}

# ac_other_version DIR: make the tree say it is Linux 6.6.0, a line the
# series does not support
ac_other_version() {
	sed -i 's/^VERSION = .*/VERSION = 6/; s/^PATCHLEVEL = .*/PATCHLEVEL = 6/; s/^SUBLEVEL = .*/SUBLEVEL = 0/' "$1/Makefile" &&
		[[ $(make -s -C "$1" kernelversion) == 6.6.0 ]]
}

# ac_other_version_tree KIND DIR: AC_T, a KIND mini tree at DIR that says
# it is Linux 6.6.0 (a git tree commits that); made beside DIR and moved,
# as the kernel's Makefile refuses a path with a space
ac_other_version_tree() {
	local made=$AC_DIR/linux-6.6
	ac_tree "$1" 0 "$made" && ac_do "make it 6.6.0" ac_other_version "$made" || return
	[[ $1 == plain ]] || ac_do "commit 6.6.0" ac_g "$made" commit -q -a -m "Linux 6.6.0" || return
	ac_do "a directory for $2" mkdir -p "$(dirname "$2")" && ac_do "move it to $2" mv "$made" "$2" || return
	AC_T=$2
}

# ac_part: how many patches a partly applied series has: the first half
ac_part() { echo $((${#AC_BASE_PATCHES[@]} / 2)); }

# ac_read_series DIR: AC_PATCHES, the series in DIR, and AC_SUBJECTS, their
# subjects as git am records them
ac_read_series() {
	local p
	mapfile -t AC_PATCHES < <(series_patches "$1")
	AC_SUBJECTS=()
	for p in "${AC_PATCHES[@]}"; do
		AC_SUBJECTS+=("$(git mailinfo /dev/null /dev/null <"$p" | sed -n 's/^Subject: //p')")
	done
}
