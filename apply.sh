#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lay the osc_procfs series over a Linux kernel source tree, or take it off.
#
#   ./apply.sh [--check] [--force] [--reverse] KERNEL_DIR
#
#   --check    try it and report; change nothing
#   --force    try a kernel outside the supported lines too
#   --reverse  take the series off the tree again
#
# A git checkout gets one commit per patch (git am; its work tree must be
# clean, and no rebase, merge or git am may be in progress); --reverse
# drops those commits, but only while they are the last ones. A plain
# source tree gets the whole series or nothing: every patch is first tried
# on a copy of the files the series touches; only then are the results
# written beside their targets (NAME.osc-new) and renamed over them, the
# old files kept as NAME.osc-orig until all are in place. A journal,
# KERNEL_DIR/.osc-procfs-apply.journal, records each step before it is
# taken: a failure or Ctrl-C restores the tree at once, and after a kill or
# a crash the next run finishes or undoes the stopped one first. A tree that
# already has the series (with --reverse: does not have it) is left alone.
# Needs no root and no network.
#
# The series is picked by the tree's version (as 'make kernelversion'
# prints it): patches/ and series for the base line, backports/LINE/ for
# another supported line; kernel-lines lists them. --force tries the base
# series on any other version.
#
# Exit status: 0 done, or nothing to do; 1 refused or failed, with the tree
# as it was; 2 wrong usage; 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM,
# with the tree as it was.
set -euo pipefail

JOURNAL_NAME=.osc-procfs-apply.journal

TOP=$(cd "$(dirname "$0")" && pwd)
CHECK=0 FORCE=0 REVERSE=0 TREE='' KIND='' VERSION='' STATE='' FAILED=''
# The kernel lines the series supports, the base first, and the directory
# of each line's series (kernel-lines); SERIES_DIR: the one for TREE
SUPPORTED_LINES=() SERIES_DIR=''
declare -A LINE_DIR=()
PATCHES=() FILES=() SUBJECTS=()
SCRATCH='' JOURNAL='' OLD_HEAD='' SETTLED=''
# PLAN: "new|mod|del PATH" for each file to write or remove; RMDIRS: the
# directories to remove afterwards when they are empty
PLAN=() RMDIRS=()
TODO_TREE="give the top directory of a Linux source tree (the one that holds Makefile, Kconfig and samples/)"

# The user's git environment must not point git at another repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR

say() { printf '%s\n' "$*"; }
die() {
	printf 'apply.sh: error: %s\n' "$*" >&2
	exit 1
}

# usage STATUS: the synopsis (on stderr after a mistake), then exit
usage() {
	if (($1)); then exec >&2; fi
	sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}

usage_error() {
	printf 'apply.sh: %s\n' "$*" >&2
	usage 2
}

parse_args() {
	while (($#)); do
		case $1 in
		--check) CHECK=1 ;;
		--force) FORCE=1 ;;
		--reverse) REVERSE=1 ;;
		-h | --help) usage 0 ;;
		--)
			(($# == 2)) || usage_error "give one KERNEL_DIR after --"
			TREE=$2
			break
			;;
		-*) usage_error "unknown option $1" ;;
		*)
			[[ -z $TREE ]] || usage_error "give one KERNEL_DIR, not two ('$TREE' and '$1')"
			TREE=$1
			;;
		esac
		shift
	done
	[[ -n $TREE ]] ||
		usage_error "no KERNEL_DIR given; name the top directory of a Linux $(lines_text or) source tree"
}

# read_lines: the supported lines and their series, from kernel-lines
read_lines() {
	local line dir
	[[ -f $TOP/kernel-lines ]] || die "$TOP/kernel-lines is missing; restore it (git checkout kernel-lines)"
	while read -r line _ dir; do
		[[ -n $line && $line != \#* ]] || continue
		SUPPORTED_LINES+=("$line")
		LINE_DIR[$line]=$TOP/${dir#.}
	done <"$TOP/kernel-lines"
	((${#SUPPORTED_LINES[@]})) || die "$TOP/kernel-lines names no kernel line"
}

# series_name: SERIES_DIR's patches, relative to TOP
series_name() {
	local rel=${SERIES_DIR#"$TOP"}
	rel=${rel#/}
	printf '%spatches/' "${rel:+${rel%/}/}"
}

# read_series: the patches listed in SERIES_DIR/series, in order
read_series() {
	local line list=${SERIES_DIR%/}/series
	[[ -f $list ]] || die "$list is missing; restore it from git"
	while IFS= read -r line; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[[ -n $line ]] || continue
		[[ -f ${SERIES_DIR%/}/patches/$line ]] || die "$list lists $line, which is not in ${SERIES_DIR%/}/patches"
		PATCHES+=("${SERIES_DIR%/}/patches/$line")
	done <"$list"
	((${#PATCHES[@]})) || die "$list lists no patches"
}

# read_files: every file the series creates or changes
read_files() {
	mapfile -t FILES < <(sed -n 's|^+++ b/||p; s|^--- a/||p' "${PATCHES[@]}" | sort -u)
}

check_dir() {
	[[ -e $TREE ]] || die "$TREE does not exist; $TODO_TREE"
	[[ -d $TREE ]] || die "$TREE is not a directory; $TODO_TREE"
	TREE=$(cd "$TREE" && pwd -P) || die "cannot enter $TREE; $TODO_TREE"
	JOURNAL=$TREE/$JOURNAL_NAME
}

check_tree() {
	{ [[ -f $TREE/Makefile && -f $TREE/Kconfig && -f $TREE/samples/Kconfig &&
		-f $TREE/samples/Makefile ]] && grep -q '^VERSION *=' "$TREE/Makefile"; } ||
		die "$TREE is not a Linux source tree (no Makefile with a VERSION, Kconfig, samples/Kconfig and samples/Makefile); $TODO_TREE"
}

# kernel_version: what 'make kernelversion' prints, read from the Makefile
# ('make' itself refuses to run in a path with spaces)
kernel_version() {
	awk '/^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)[ \t]*=/ {
			name = $0; sub(/[ \t]*=.*/, "", name)
			sub(/^[A-Z]+[ \t]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); v[name] = $0
		}
		/^NAME[ \t]*=/ { exit }
		END {
			if (v["VERSION"] == "") exit 1
			s = v["VERSION"]
			if (v["PATCHLEVEL"] != "") {
				s = s "." v["PATCHLEVEL"]
				if (v["SUBLEVEL"] != "") s = s "." v["SUBLEVEL"]
			}
			print s v["EXTRAVERSION"]
		}' "$TREE/Makefile"
}

# check_version: TREE's version, and the series for its line (the base
# series for another line, with --force)
check_version() {
	local line l
	{ [[ -f $TREE/Makefile ]] && grep -q '^VERSION *=' "$TREE/Makefile"; } ||
		die "$TREE is not a Linux source tree (no Makefile with a VERSION); $TODO_TREE"
	VERSION=$(kernel_version) || die "cannot read the kernel version from $TREE/Makefile; is it a complete kernel tree?"
	line=$(cut -d. -f1,2 <<<"$VERSION")
	for l in "${SUPPORTED_LINES[@]}"; do
		[[ $line == "$l" ]] || continue
		SERIES_DIR=${LINE_DIR[$l]}
		return 0
	done
	SERIES_DIR=${LINE_DIR[${SUPPORTED_LINES[0]}]}
	((FORCE)) || die "$TREE is Linux $VERSION; the series supports the $(lines_text) lines. Use such a tree, or add --force to try this one (it is applied whole or not at all)."
	say "Linux $VERSION is not a supported line ($(lines_text)); trying anyway (--force)"
}

# lines_text [WORD]: the supported lines as words, "7.3, 6.12 and 6.1" (or
# with WORD instead of "and")
lines_text() {
	local n=${#SUPPORTED_LINES[@]} out=${SUPPORTED_LINES[0]} i
	for ((i = 1; i < n; i++)); do
		if ((i == n - 1)); then out+=" ${1:-and} "; else out+=", "; fi
		out+=${SUPPORTED_LINES[i]}
	done
	echo "$out"
}

# tree_kind: "git" when TREE is the top of a git checkout, else "plain"
tree_kind() {
	local top
	if [[ -e $TREE/.git ]]; then
		command -v git >/dev/null ||
			die "$TREE is a git checkout but git is not installed; install git (Debian: apt-get install git) and run again. Nothing was changed."
		top=$(git -C "$TREE" rev-parse --show-toplevel 2>/dev/null) ||
			die "$TREE has a .git that git does not take for a repository ('git -C $TREE status' says why); repair it or move it away, and run again. Nothing was changed."
		[[ $(cd "$top" && pwd -P) == "$TREE" ]] ||
			die "$TREE/.git belongs to the checkout at $top; run apply.sh on that directory. Nothing was changed."
		KIND=git
	else
		KIND=plain
		command -v patch >/dev/null ||
			die "'patch' is not installed (needed for a plain source tree); install it (Debian: apt-get install patch) and run again. Nothing was changed."
	fi
}

# git_path NAME: the path of NAME inside TREE's git directory
git_path() {
	local p
	p=$(git -C "$TREE" rev-parse --git-path "$1")
	[[ $p == /* ]] && printf '%s\n' "$p" || printf '%s\n' "$TREE/$p"
}

check_git_state() {
	local p
	for p in rebase-apply rebase-merge MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD; do
		[[ ! -e $(git_path "$p") ]] ||
			die "$TREE is in the middle of a git operation ($p); finish it or abort it (git rebase --abort, git am --abort, git merge --abort ...) and run again. Nothing was changed."
	done
	[[ -z $(GIT_OPTIONAL_LOCKS=0 git -C "$TREE" status --porcelain --untracked-files=normal) ]] ||
		die "$TREE has uncommitted changes or untracked files (see 'git -C $TREE status'); commit or stash them and run again. Nothing was changed."
	((REVERSE)) || git -C "$TREE" var GIT_COMMITTER_IDENT >/dev/null 2>&1 ||
		die "git does not know who you are, and git am needs a committer; set it with git config user.name and user.email, and run again"
}

# check_leftovers: no NAME.osc-new or NAME.osc-orig that no journal explains
check_leftovers() {
	local f s left=()
	for f in "${FILES[@]}"; do
		for s in osc-new osc-orig; do
			[[ ! -e $TREE/$f.$s && ! -L $TREE/$f.$s ]] || left+=("$f.$s")
		done
	done
	((${#left[@]} == 0)) ||
		die "$TREE holds ${left[*]}, left by something other than a journaled apply.sh run. Nothing was changed. Compare each NAME.osc-orig with NAME and keep the one you want, delete the rest, and run again."
}

# copy_files DIR: copy the files the series touches, as they are in TREE
copy_files() {
	local f
	for f in "${FILES[@]}"; do
		[[ -e $TREE/$f ]] || continue
		mkdir -p "$1/$(dirname "$f")"
		cp -p "$TREE/$f" "$1/$f"
	done
}

# apply_one DIR PATCH [-R]: apply one patch to DIR, quietly, without fuzz
apply_one() {
	local dir=$1 p=$2
	shift 2
	if [[ $KIND == git ]]; then
		(cd "$dir" && GIT_CEILING_DIRECTORIES=$(dirname "$dir") git apply "$@" "$p") 2>/dev/null
	else
		# --force, not --batch: --batch takes a patch that looks reversed
		# for one meant the other way, and applies it
		patch -d "$dir" -p1 --force --silent --fuzz=0 --no-backup-if-mismatch \
			-r - "$@" <"$p" >/dev/null 2>&1
	fi
}

# series_goes DIR [-R]: the whole series applies to DIR (reversed: from the
# last patch back); on failure FAILED names the patch that did not apply
series_goes() {
	local dir=$1 i
	shift
	if [[ ${1:-} == -R ]]; then
		for ((i = ${#PATCHES[@]} - 1; i >= 0; i--)); do
			apply_one "$dir" "${PATCHES[i]}" -R || { FAILED=${PATCHES[i]##*/}; return 1; }
		done
	else
		for ((i = 0; i < ${#PATCHES[@]}; i++)); do
			apply_one "$dir" "${PATCHES[i]}" || { FAILED=${PATCHES[i]##*/}; return 1; }
		done
	fi
}

# try_series: decide, on scratch copies, what the tree holds. STATE is
# "applied" (SCRATCH/rev holds the files without the series), "clean"
# (SCRATCH/new holds them with it) or "neither".
try_series() {
	mkdir -p "$SCRATCH/rev" "$SCRATCH/new"
	copy_files "$SCRATCH/rev"
	if series_goes "$SCRATCH/rev" -R; then
		STATE=applied
		return
	fi
	copy_files "$SCRATCH/new"
	if series_goes "$SCRATCH/new"; then STATE=clean; else STATE=neither; fi
}

# what_is_there: which of the series' files the tree already has
what_is_there() {
	local f found=()
	for f in "${FILES[@]}"; do
		case $f in samples/osc_procfs/* | tools/testing/selftests/osc_procfs/*)
			[[ -e $TREE/$f ]] && found+=("$f") ;;
		esac
	done
	grep -q osc_procfs "$TREE/samples/Kconfig" && found+=("samples/Kconfig sources osc_procfs")
	if ((${#found[@]})); then
		printf 'found: %s\n' "${found[@]}"
	else
		printf 'found none of the series files\n'
	fi
}

# refuse_mixed: the tree has neither all of the series nor none of it
refuse_mixed() {
	local f theirs=()
	for f in "${FILES[@]}"; do
		case $f in samples/osc_procfs/* | tools/testing/selftests/osc_procfs/*) ;;
		*) theirs+=("$f") ;;
		esac
	done
	die "the series does not apply to $TREE: $FAILED does not apply, and the tree does not hold the whole series either.
$(what_is_there)
Nothing was changed. If the series was applied in part by hand, undo that first (a git tree: git reset or git checkout; a plain tree: restore the files above from the kernel's tarball) and run again. If ${theirs[*]} carry changes of your own where the series adds its lines, use a tree without them, or apply the failing patch by hand."
}

# plan_install SRC: what it takes to make the series' files in TREE as in
# SRC (a file missing from SRC is to be removed); fills PLAN and RMDIRS
plan_install() {
	local src=$1 f d keep=() dirs=()
	PLAN=() RMDIRS=()
	for f in "${FILES[@]}"; do
		if [[ -e $src/$f ]]; then
			keep+=("$f")
			if [[ ! -e $TREE/$f ]]; then
				PLAN+=("new $f")
			elif ! cmp -s "$src/$f" "$TREE/$f"; then
				PLAN+=("mod $f")
			fi
		elif [[ -e $TREE/$f ]]; then
			PLAN+=("del $f")
			d=$(dirname "$f")
			while [[ $d != . ]]; do
				dirs+=("$d")
				d=$(dirname "$d")
			done
		fi
	done
	# a directory stays when it holds a file the series keeps
	for d in "${dirs[@]}"; do
		holds_any "$d" "${keep[@]}" || RMDIRS+=("$d")
	done
	((${#RMDIRS[@]} == 0)) || mapfile -t RMDIRS < <(printf '%s\n' "${RMDIRS[@]}" | sort -ru)
}

# holds_any DIR PATH...: one of PATH lies inside DIR
holds_any() {
	local d=$1 p
	shift
	for p in "$@"; do [[ $p == "$d"/* ]] && return 0; done
	return 1
}

# writable_or_die: everything the plan writes to can be written
writable_or_die() {
	local entry f d todo="make it writable (or mount it read-write), or apply the series to a writable copy, and run again. Nothing was changed."
	[[ -w $TREE ]] || die "$TREE is not writable; $todo"
	for entry in "${PLAN[@]}"; do
		f=$TREE/${entry#* }
		[[ ! -e $f || -w $f ]] || die "$f is not writable; $todo"
		d=$(dirname "$f")
		while [[ ! -e $d ]]; do d=$(dirname "$d"); done
		[[ -d $d && -w $d ]] || die "$d is not writable; $todo"
	done
	if [[ $KIND == git ]]; then
		for d in "$(git_path .)" "$(git_path objects)" "$(git_path refs)"; do
			[[ -w $d ]] || die "$d (git's own directory) is not writable; $todo"
		done
	fi
}

# space_or_die SRC: the file system has room for the plan's new files
# (from SRC), which are written while the old ones still exist (git also
# stores objects)
space_or_die() {
	local entry need=65536 avail p
	for entry in "${PLAN[@]}"; do
		[[ $entry == del\ * ]] && continue
		need=$((need + $(stat -c %s "$1/${entry#* }")))
	done
	if [[ $KIND == git ]]; then
		for p in "${PATCHES[@]}"; do need=$((need + 2 * $(stat -c %s "$p"))); done
	fi
	avail=$(df -Pk "$TREE" 2>/dev/null | awk 'NR == 2 { print $4 }') || return 0
	[[ $avail =~ ^[0-9]+$ ]] || return 0
	((avail * 1024 >= need)) ||
		die "$TREE has $avail KiB free, and writing the series needs about $(((need + 1023) / 1024)) KiB there (each new file is written beside the old one first). Nothing was changed. Free some space and run again."
}

# The journal: one line per step, written before the step is taken.
#   new F / mod F   F.osc-new is written (F did not exist / F exists)
#   del F           F is to be removed
#   dir D           directory D is made
#   rmdir D         D is removed afterwards if it is empty
#   commit          every file is in place; only cleaning up is left
jot() { printf '%s\n' "$*" >>"$JOURNAL"; }

# journal_read: the journal's complete lines in JLINES, JCOMMIT=1 when it
# has "commit", JWHAT what the run was doing; dies on a line apply.sh would
# not have written
JLINES=() JCOMMIT=0 JWHAT=''
journal_read() {
	local line kind path ok
	JLINES=() JCOMMIT=0 JWHAT='changing'
	while IFS= read -r line; do
		kind=${line%% *} path=${line#* } ok=0
		case $kind in
		'#')
			case $line in *': apply') JWHAT=applying ;; *': reverse') JWHAT='taking off' ;; esac
			continue
			;;
		commit) JCOMMIT=1 && continue ;;
		new | mod | del) in_list "$path" "${FILES[@]}" && ok=1 ;;
		dir | rmdir) holds_any "$path" "${FILES[@]}" && ok=1 ;;
		esac
		((ok)) || die "$JOURNAL has a line apply.sh does not write ('$line'); it is not this series' journal. Nothing was changed. Repair $TREE by hand: move every NAME.osc-orig back over NAME, delete every NAME.osc-new, then delete $JOURNAL."
		JLINES+=("$line")
	done <"$JOURNAL"
}

in_list() {
	local x=$1 p
	shift
	for p in "$@"; do [[ $p == "$x" ]] && return 0; done
	return 1
}

# journal_undo: put back what the journal's run changed, last step first
journal_undo() {
	local i kind f
	for ((i = ${#JLINES[@]} - 1; i >= 0; i--)); do
		kind=${JLINES[i]%% *} f=$TREE/${JLINES[i]#* }
		case $kind in
		new) rm -f "$f.osc-new" "$f" || return 1 ;;
		mod | del)
			rm -f "$f.osc-new" || return 1
			if [[ -e $f.osc-orig ]]; then mv -f "$f.osc-orig" "$f" || return 1; fi
			;;
		dir) [[ ! -d $f ]] || rmdir "$f" 2>/dev/null || true ;;
		esac
	done
}

# journal_done: finish the journal's run: remove the old files it kept
journal_done() {
	local line kind f
	for line in "${JLINES[@]}"; do
		kind=${line%% *} f=$TREE/${line#* }
		case $kind in
		new | mod | del) rm -f "$f.osc-new" "$f.osc-orig" || return 1 ;;
		rmdir) [[ ! -d $f ]] || rmdir "$f" 2>/dev/null || true ;;
		esac
	done
}

# journal_settle: finish the journal's run when it got to "commit", else
# undo it; then remove the journal. SETTLED says which.
journal_settle() {
	journal_read
	if ((JCOMMIT)); then
		journal_done || return 1
		SETTLED=finished
	else
		journal_undo || return 1
		SETTLED=undone
	fi
	rm -f "$JOURNAL"
}

# repair_journal: a journal at the start means a run was stopped part way;
# settle it (with --check: report it and stop)
repair_journal() {
	local verdict
	[[ -e $JOURNAL || -L $JOURNAL ]] || return 0
	journal_read
	if ((JCOMMIT)); then
		verdict="it had put every file in place, so the repair finishes it"
	else
		verdict="it had not put every file in place, so the repair undoes it and puts back the files it had replaced"
	fi
	((CHECK)) &&
		die "an earlier apply.sh run ($JWHAT the series) was stopped part way and left $JOURNAL; $verdict. Nothing was changed. Run the same command without --check to repair $TREE; it then goes on as asked."
	journal_settle ||
		die "could not repair $TREE from $JOURNAL (see above); make the tree writable and run again. By hand: move every NAME.osc-orig back over NAME, delete every NAME.osc-new, then delete $JOURNAL."
	if [[ $SETTLED == finished ]]; then
		say "repaired $TREE: an earlier run ($JWHAT the series) was stopped after every file was in place; it was finished"
	else
		say "repaired $TREE: an earlier run ($JWHAT the series) was stopped part way; it was undone"
	fi
}

# interrupted SIG STATUS: the trap while a plain tree is being changed
interrupted() {
	trap '' INT TERM HUP
	if [[ ! -e $JOURNAL ]]; then
		printf 'apply.sh: interrupted (SIG%s) after the change was complete\n' "$1" >&2
	elif ! journal_settle; then
		printf 'apply.sh: interrupted (SIG%s), and restoring %s failed (above); run apply.sh again to repair it from %s\n' \
			"$1" "$TREE" "$JOURNAL" >&2
	elif [[ $SETTLED == undone ]]; then
		printf 'apply.sh: interrupted (SIG%s); %s was restored as it was\n' "$1" "$TREE" >&2
	else
		printf 'apply.sh: interrupted (SIG%s) after every file was in place; the change is complete\n' "$1" >&2
	fi
	exit "$2"
}

# make_parent DIR: make DIR (relative to TREE) and its missing parents
make_parent() {
	local d=$1 missing=()
	while [[ $d != . && ! -d $TREE/$d ]]; do
		missing=("$d" "${missing[@]}")
		d=$(dirname "$d")
	done
	for d in "${missing[@]}"; do
		jot "dir $d" && mkdir "$TREE/$d" || return 1
	done
}

# stage_files SRC: write each new file beside its target as NAME.osc-new
stage_files() {
	local src=$1 entry kind f
	for entry in "${PLAN[@]}"; do
		kind=${entry%% *} f=${entry#* }
		if [[ $kind == del ]]; then
			jot "$entry" || return 1
			continue
		fi
		make_parent "$(dirname "$f")" || return 1
		jot "$entry" || return 1
		cp "$src/$f" "$TREE/$f.osc-new" || return 1
		if [[ $kind == mod ]]; then chmod --reference="$TREE/$f" "$TREE/$f.osc-new" || return 1; fi
	done
}

# swap_files: rename each staged file over its target, the old one kept as
# NAME.osc-orig
swap_files() {
	local entry kind f
	for entry in "${PLAN[@]}"; do
		kind=${entry%% *} f=$TREE/${entry#* }
		case $kind in
		new) mv -f "$f.osc-new" "$f" || return 1 ;;
		mod) mv -f "$f" "$f.osc-orig" && mv -f "$f.osc-new" "$f" || return 1 ;;
		del) mv -f "$f" "$f.osc-orig" || return 1 ;;
		esac
	done
}

# jot_rmdirs: the directories to remove once every file is in place
jot_rmdirs() {
	local d
	for d in "${RMDIRS[@]}"; do jot "rmdir $d" || return 1; done
}

# install_plain SRC WHAT: make TREE's series files as in SRC, journaled;
# WHAT ("apply" or "reverse") goes in the journal's first line
install_plain() {
	local src=$1
	printf '# osc-procfs apply.sh journal: %s\n' "$2" >"$JOURNAL" 2>/dev/null || {
		rm -f "$JOURNAL"
		die "cannot write $JOURNAL (a full disk?); nothing was changed. Free some space and run again."
	}
	trap 'interrupted INT 130' INT
	trap 'interrupted TERM 143' TERM
	trap 'interrupted HUP 129' HUP
	if ! { stage_files "$src" && swap_files && jot_rmdirs && jot commit; }; then
		trap '' INT TERM HUP
		journal_settle ||
			die "writing into $TREE failed (above), and so did restoring it; run apply.sh again to repair it from $JOURNAL"
		die "writing into $TREE failed (above; a full disk?); it was restored as it was. Fix the cause and run again."
	fi
	journal_settle || die "cleaning up in $TREE failed (above); run apply.sh again to finish it from $JOURNAL"
	trap - INT TERM HUP
}

# count KIND: how many PLAN entries are of KIND
count() {
	local e n=0
	for e in "${PLAN[@]}"; do [[ $e == "$1 "* ]] && n=$((n + 1)); done
	echo "$n"
}

# git_interrupted SIG STATUS: the trap while git am runs
git_interrupted() {
	trap '' INT TERM HUP
	local how
	if [[ -e $(git_path rebase-apply) ]]; then
		how=$(git_am_undo)
	elif [[ $(git -C "$TREE" rev-parse HEAD) == "$OLD_HEAD" ]]; then
		how="$TREE is as it was"
	else
		how="git am had already finished; the series is applied"
	fi
	printf 'apply.sh: interrupted (SIG%s); %s\n' "$1" "$how" >&2
	exit "$2"
}

# git_am_undo: abort a git am of the series and move HEAD back to OLD_HEAD.
# git am --abort alone keeps the commits made when it was stopped between
# a commit and its own bookkeeping; they are ours, on top of OLD_HEAD.
git_am_undo() {
	local made
	git -C "$TREE" am --abort >/dev/null 2>&1 || git -C "$TREE" am --quit >/dev/null 2>&1 || {
		echo "and 'git am --abort' failed; run it in $TREE yourself, then 'git reset --keep $OLD_HEAD'"
		return
	}
	made=$(git -C "$TREE" rev-list --count "$OLD_HEAD..HEAD" 2>/dev/null) || made=-1
	if ((made > 0 && made <= ${#PATCHES[@]})) &&
		git -C "$TREE" merge-base --is-ancestor "$OLD_HEAD" HEAD &&
		git -C "$TREE" reset -q --keep "$OLD_HEAD" >/dev/null 2>&1; then
		made=0
	fi
	if ((made == 0)); then
		echo "git am was aborted; $TREE is as it was"
	else
		echo "git am was aborted, but HEAD did not go back; run 'git -C $TREE reset --keep $OLD_HEAD'"
	fi
}

apply_git() {
	OLD_HEAD=$(git -C "$TREE" rev-parse HEAD)
	trap 'git_interrupted INT 130' INT
	trap 'git_interrupted TERM 143' TERM
	trap 'git_interrupted HUP 129' HUP
	if ! git -C "$TREE" am --quiet --no-3way "${PATCHES[@]}" >"$SCRATCH/am.log" 2>&1; then
		trap '' INT TERM HUP
		cat "$SCRATCH/am.log" >&2
		die "git am failed (above); $(git_am_undo). Fix the cause and run again."
	fi
	trap - INT TERM HUP
	say "applied ${#PATCHES[@]} patches to $TREE as ${#PATCHES[@]} commits:"
	git -C "$TREE" log --oneline -n "${#PATCHES[@]}"
}

# series_subjects: the subject of each patch as git am records it
series_subjects() {
	local p
	SUBJECTS=()
	for p in "${PATCHES[@]}"; do
		SUBJECTS+=("$(git mailinfo "$SCRATCH/msg" "$SCRATCH/patch" <"$p" | sed -n 's/^Subject: //p')")
	done
}

# series_on_top: the last commits of HEAD are the series, in order
series_on_top() {
	local n=${#PATCHES[@]} i top=()
	mapfile -t top < <(git -C "$TREE" log --format=%s -n "$n" HEAD)
	((${#top[@]} == n)) || return 1
	for ((i = 0; i < n; i++)); do
		[[ ${top[i]} == "${SUBJECTS[n - 1 - i]}" ]] || return 1
	done
}

# series_in_history: the series' commits among HEAD's last 1000, with where
series_in_history() {
	local i=0 sha subject
	while IFS=' ' read -r sha subject; do
		in_list "$subject" "${SUBJECTS[@]}" && printf '  %s %s (HEAD~%d)\n' "$sha" "$subject" "$i"
		i=$((i + 1))
	done < <(git -C "$TREE" log --format='%h %s' -n 1000 HEAD)
}

reverse_git() {
	local n=${#PATCHES[@]} where base
	series_subjects
	if series_on_top; then
		base=$(git -C "$TREE" rev-parse "HEAD~$n")
		if [[ $STATE == applied ]]; then
			plan_install "$SCRATCH/rev"
			space_or_die "$SCRATCH/rev"
		fi
		writable_or_die
		if ((CHECK)); then
			say "check: the last $n commits of $TREE are the series; --reverse would move HEAD back to $(git -C "$TREE" log -1 --format='%h %s' "$base"). Nothing was changed."
			return
		fi
		OLD_HEAD=$(git -C "$TREE" rev-parse HEAD)
		git -C "$TREE" reset -q --keep "$base" ||
			die "git reset --keep $base failed (above); $TREE is as it was"
		say "took the series off $TREE: HEAD is back at $(git -C "$TREE" log -1 --format='%h %s'). Its $n commits stay in git as $OLD_HEAD; 'git reset --keep $OLD_HEAD' brings them back."
		return
	fi
	where=$(series_in_history)
	[[ -z $where ]] || die "the series' commits are in $TREE, but not as its last $n commits:
$where
Nothing was changed. Move them to the top (git rebase -i, with them last) and run again, or undo them with git revert."
	case $STATE in
	clean) say "not applied; nothing to do: $TREE does not have the series" ;;
	applied) die "$TREE holds the series' changes, but not as its commits (their subjects are not in HEAD's history). Nothing was changed. Undo the commit that brought them with git revert, or remove them by hand." ;;
	*) refuse_mixed ;;
	esac
}

reverse_plain() {
	case $STATE in
	clean)
		say "not applied; nothing to do: $TREE does not have the series"
		return
		;;
	neither) refuse_mixed ;;
	esac
	plan_install "$SCRATCH/rev"
	writable_or_die
	space_or_die "$SCRATCH/rev"
	if ((CHECK)); then
		say "check: the series can be taken off $TREE; nothing was changed"
		return
	fi
	install_plain "$SCRATCH/rev" reverse
	say "took the series off $TREE ($(count mod) files restored, $(count del) removed)"
}

forward() {
	case $STATE in
	applied)
		say "the series is already applied to $TREE; nothing to do"
		((CHECK)) || next_steps
		return
		;;
	neither) refuse_mixed ;;
	esac
	plan_install "$SCRATCH/new"
	writable_or_die
	space_or_die "$SCRATCH/new"
	if ((CHECK)); then
		say "check: the series applies cleanly to $TREE; nothing was changed"
		return
	fi
	if [[ $KIND == git ]]; then
		apply_git
	else
		install_plain "$SCRATCH/new" apply
		say "applied ${#PATCHES[@]} patches to $TREE ($(count new) files added, $(count mod) changed)"
	fi
	next_steps
}

next_steps() {
	local t
	printf -v t '%q' "$TREE"
	cat <<-EOF

		Next steps:
		  1. Configure: make -C $t menuconfig
		     Kernel hacking -> Sample kernel code -> Operating System Concepts:
		     chapter 2 kernel modules; set each module to M or Y.
		     Or merge a fragment from $TOP/configs/:
		       cd $t && scripts/kconfig/merge_config.sh .config $TOP/configs/osc-procfs-m.config
		  2. Build: make -C $t -j\$(nproc)
		     (modules land in samples/osc_procfs/*.ko)
		  3. Review: cd $t && scripts/checkpatch.pl --strict ${SERIES_DIR%/}/patches/0*.patch
		To take the series off again: $TOP/apply.sh --reverse $t
	EOF
}

main() {
	read_lines
	parse_args "$@"
	check_dir
	check_version
	read_series
	read_files
	repair_journal
	check_tree
	tree_kind
	check_leftovers
	if [[ $KIND == git ]]; then check_git_state; fi
	SCRATCH=$(mktemp -d) || die "cannot make a temporary directory; set TMPDIR to a writable one and run again"
	trap 'rm -rf "$SCRATCH"' EXIT
	say "$TREE: Linux $VERSION, a $KIND tree; series of ${#PATCHES[@]} patches from $(series_name)"
	try_series
	if ((!REVERSE)); then
		forward
	elif [[ $KIND == git ]]; then
		reverse_git
	else
		reverse_plain
	fi
}

main "$@"
