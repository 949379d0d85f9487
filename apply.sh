#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lay the osc_procfs series over a Linux kernel source tree, or take it off; docs/applying.md
# says what it promises. Exit status: 0 done or nothing to do; else the tree is as it was:
# 1 refused or failed, 2 wrong usage, 129/130/143 SIGHUP/INT/TERM. It stands alone, as users
# copy it with patches/: it reads kernel-lines and the series files itself, not via scripts/.
set -euo pipefail

TOP=$(cd "$(dirname "$0")" && pwd)
CHECK=0 FORCE=0 FORCED=0 REVERSE=0 TREE='' KIND='' VERSION='' STATE='' FAILED='' SCRATCH='' UNDO='' OLD_HEAD='' SETTLED=''
SUPPORTED_LINES=() SERIES_DIR='' PATCHES=() FILES=() SUBJECTS=() PLAN=()
declare -A LINE_DIR=()
TODO_TREE="give the top directory of a Linux source tree (the one that holds Makefile, Kconfig and samples/)"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR # git: this tree, not the user's

# --- the command line, the tree and its series -------------------------
# usage: the synopsis and the options
usage() {
	cat <<-'EOF'
		usage: ./apply.sh [--check] [--force] [--reverse] KERNEL_DIR
		  --check    try it and report; change nothing
		  --force    try a kernel outside the supported lines too
		  --reverse  take the series off the tree again
	EOF
}
say() { printf '%s\n' "$*"; } # say TEXT: one line on stdout
# die MESSAGE: say what went wrong and what to do, then exit 1
die() { printf 'apply.sh: error: %s\n' "$*" >&2; exit 1; }
# usage_error MESSAGE: the mistake in the command line and the synopsis, then exit 2
usage_error() { printf 'apply.sh: %s\n' "$*" >&2; usage >&2; exit 2; }
# in_list WORD LIST...: WORD is one of LIST
in_list() { local x=$1 p; for p in "${@:2}"; do [[ $p != "$x" ]] || return 0; done; return 1; }
# parse_args ARGS...: the options, and TREE
parse_args() {
	while (($#)); do
		case $1 in
		--check) CHECK=1 ;;
		--force) FORCE=1 ;;
		--reverse) REVERSE=1 ;;
		-h | --help) usage && exit 0 ;;
		--) (($# == 2)) || usage_error "give one KERNEL_DIR after --"; TREE=$2; break ;;
		-*) usage_error "unknown option $1" ;;
		*) [[ -z $TREE ]] || usage_error "give one KERNEL_DIR, not two ('$TREE' and '$1')"; TREE=$1 ;;
		esac
		shift
	done
	[[ -n $TREE ]] || usage_error "no KERNEL_DIR given; name the top directory of a Linux $(lines_text or) source tree"
}
# read_lines: SUPPORTED_LINES, the supported lines (the base first), and LINE_DIR, each one's series, from kernel-lines
read_lines() {
	local line dir
	[[ -f $TOP/kernel-lines ]] || die "$TOP/kernel-lines is missing; restore it (git checkout kernel-lines)"
	while read -r line _ dir; do
		[[ -z $line || $line == \#* ]] || { SUPPORTED_LINES+=("$line") && LINE_DIR[$line]=$TOP/${dir#.}; }
	done <"$TOP/kernel-lines"
	((${#SUPPORTED_LINES[@]})) || die "$TOP/kernel-lines names no kernel line"
}
# lines_text [WORD]: the supported lines as words, "7.3, 6.12 and 6.1" (WORD for "and")
lines_text() {
	local s
	s=$(IFS=,; echo "${SUPPORTED_LINES[*]}") && s=${s//,/, }
	if [[ $s == *,* ]]; then echo "${s%, *} ${1:-and} ${s##*, }"; else echo "$s"; fi
}
# check_tree: TREE is the top directory of a Linux source tree
check_tree() {
	[[ -e $TREE ]] || die "$TREE does not exist; $TODO_TREE"
	[[ -d $TREE ]] || die "$TREE is not a directory; $TODO_TREE"
	TREE=$(cd "$TREE" && pwd -P) || die "cannot enter $TREE; $TODO_TREE"
	UNDO=$TREE/.osc-procfs-apply.undo
	{ [[ -f $TREE/Makefile && -f $TREE/Kconfig && -f $TREE/samples/Kconfig && -f $TREE/samples/Makefile ]] &&
		grep -q '^VERSION *=' "$TREE/Makefile"; } ||
		die "$TREE is not a Linux source tree (no Makefile with a VERSION, Kconfig, samples/Kconfig and samples/Makefile); $TODO_TREE"
}
# pick_series: VERSION as 'make kernelversion' says it, SERIES_DIR for its line (--force: the base one, and FORCED=1)
pick_series() {
	VERSION=$(awk -F '[ \t]*=[ \t]*' '/^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)[ \t]*=/ { sub(/[ \t]+$/, "", $2); v[$1] = $2 } /^NAME[ \t]*=/ { exit }
		END { if (v["VERSION"] == "") exit 1; s = v["VERSION"]; if (v["PATCHLEVEL"] != "") s = s "." v["PATCHLEVEL"] (v["SUBLEVEL"] == "" ? "" : "." v["SUBLEVEL"]); print s v["EXTRAVERSION"] }' "$TREE/Makefile") ||
		die "cannot read the kernel version from $TREE/Makefile; is it a complete kernel tree?"
	SERIES_DIR=${LINE_DIR[$(cut -d. -f1,2 <<<"$VERSION")]:-}
	[[ -z $SERIES_DIR ]] || return 0
	SERIES_DIR=${LINE_DIR[${SUPPORTED_LINES[0]}]}
	((FORCE)) || die "$TREE is Linux $VERSION; the series supports the $(lines_text) lines. Use such a tree, or add --force to try this one (it is applied whole or not at all)."
	FORCED=1 && say "Linux $VERSION is not a supported line ($(lines_text)); trying anyway (--force)"
}
# read_series: PATCHES, as SERIES_DIR/series lists them, and FILES, all they touch
read_series() {
	local line dir=${SERIES_DIR%/}
	[[ -f $dir/series ]] || die "$dir/series is missing; restore it from git"
	while IFS= read -r line; do
		line=${line%%#*} && line=${line//[[:space:]]/}
		[[ -z $line || -f $dir/patches/$line ]] || die "$dir/series lists $line, which is not in $dir/patches"
		[[ -z $line ]] || PATCHES+=("$dir/patches/$line")
	done <"$dir/series"
	((${#PATCHES[@]})) || die "$dir/series lists no patches"
	mapfile -t FILES < <(sed -n 's|^+++ b/||p; s|^--- a/||p' "${PATCHES[@]}" | sort -u)
}
# tree_kind: KIND, "git" for the top of a git checkout, else "plain"; the tool it needs is there
tree_kind() {
	local top
	[[ -e $TREE/.git ]] || { command -v patch >/dev/null || die "'patch' is not installed (needed for a plain source tree); install it (Debian: apt-get install patch) and run again. Nothing was changed."; KIND=plain && return; }
	command -v git >/dev/null || die "$TREE is a git checkout but git is not installed; install git (Debian: apt-get install git) and run again. Nothing was changed."
	top=$(git -C "$TREE" rev-parse --show-toplevel 2>/dev/null) ||
		die "$TREE has a .git that git does not take for a repository ('git -C $TREE status' says why); repair it or move it away, and run again. Nothing was changed."
	[[ $(cd "$top" && pwd -P) == "$TREE" ]] || die "$TREE/.git belongs to the checkout at $top; run apply.sh on that directory. Nothing was changed."
	KIND=git
}
# git_path NAME: the path of NAME inside the tree's git directory
git_path() { (cd "$TREE" && realpath -m -- "$(git rev-parse --git-path "$1")"); }
# check_git_state: no git operation in progress, a clean work tree, a committer
check_git_state() {
	local p
	for p in rebase-apply rebase-merge MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD; do
		[[ ! -e $(git_path "$p") ]] || die "$TREE is in the middle of a git operation ($p); finish it or abort it (git rebase --abort, git am --abort, git merge --abort ...) and run again. Nothing was changed."
	done
	[[ -z $(GIT_OPTIONAL_LOCKS=0 git -C "$TREE" status --porcelain --untracked-files=normal) ]] ||
		die "$TREE has uncommitted changes or untracked files (see 'git -C $TREE status'); commit or stash them and run again. Nothing was changed."
	((REVERSE)) || git -C "$TREE" var GIT_COMMITTER_IDENT >/dev/null 2>&1 ||
		die "git does not know who you are, and git am needs a committer; set it with git config user.name and user.email, and run again"
}
# check_leftovers: no NAME.osc-new (or an older apply.sh's NAME.osc-orig) that no undo directory explains
check_leftovers() {
	local f left=()
	for f in "${FILES[@]/%/.osc-new}" "${FILES[@]/%/.osc-orig}"; do [[ ! -e $TREE/$f && ! -L $TREE/$f ]] || left+=("$f"); done
	((${#left[@]} == 0)) ||
		die "$TREE holds ${left[*]}, left by something other than a run of this apply.sh. Nothing was changed. Compare each NAME.osc-orig or NAME.osc-new with NAME and keep the one you want, delete the rest, and run again."
}

# --- what the tree holds: the series tried on scratch copies -------------
# series_goes DIR [-R]: all the series applies (-R: comes off) to copies of the files in DIR; else FAILED
series_goes() {
	local dir=$1 f order=("${PATCHES[@]}")
	for f in "${FILES[@]}"; do
		[[ ! -e $TREE/$f ]] || { mkdir -p "$(dirname "$dir/$f")" && cp -p "$TREE/$f" "$dir/$f"; } || die "cannot copy $f to $dir; set TMPDIR to a directory with room and run again"
	done
	[[ ${2:-} != -R ]] || mapfile -t order < <(printf '%s\n' "${PATCHES[@]}" | tac)
	for f in "${order[@]}"; do
		if [[ $KIND == git ]]; then
			(cd "$dir" && GIT_CEILING_DIRECTORIES=${dir%/*} git apply "${@:2}" "$f") 2>/dev/null
		else # --force, not --batch: --batch applies a patch that looks reversed the other way
			patch -d "$dir" -p1 --force --silent --fuzz=0 --no-backup-if-mismatch -r - "${@:2}" <"$f" >/dev/null 2>&1
		fi || { FAILED=${f##*/} && return 1; }
	done
}
# try_series: STATE: "applied" (SCRATCH/rev holds it undone), "clean" (SCRATCH/new: done) or "neither"
try_series() {
	if series_goes "$SCRATCH/rev" -R; then STATE=applied; elif series_goes "$SCRATCH/new"; then STATE=clean; else STATE=neither; fi
}
# refuse_mixed: die, the tree holding neither all of the series nor none of it
refuse_mixed() {
	local f found=() theirs=()
	for f in "${FILES[@]}"; do
		if [[ $f != */osc_procfs/* ]]; then theirs+=("$f"); elif [[ -e $TREE/$f ]]; then found+=("found: $f"); fi
	done
	! grep -q osc_procfs "$TREE/samples/Kconfig" || found+=("found: samples/Kconfig sources osc_procfs")
	die "the series does not apply to $TREE: $FAILED does not apply, and the tree does not hold the whole series either.
$(printf '%s\n' "${found[@]:-found none of the series files}")
Nothing was changed. If the series was applied in part by hand, undo that first (a git tree: git reset or git checkout; a plain tree: restore the files above from the kernel's tarball) and run again. If ${theirs[*]} carry changes of your own where the series adds its lines, use a tree without them, or apply the failing patch by hand."
}
# plan_or_die SRC: PLAN ("new|mod|del FILE") to make the series' files as in SRC, if the tree is writable and has room
plan_or_die() {
	local f need=65536 avail todo="make it writable (or mount it read-write), or apply the series to a writable copy, and run again. Nothing was changed."
	PLAN=()
	for f in "${FILES[@]}"; do
		if [[ -e $1/$f && ! -e $TREE/$f ]]; then PLAN+=("new $f")
		elif [[ -e $1/$f ]]; then cmp -s "$1/$f" "$TREE/$f" || PLAN+=("mod $f")
		elif [[ -e $TREE/$f ]]; then PLAN+=("del $f"); fi
	done
	[[ -w $TREE ]] || die "$TREE is not writable; $todo"
	for f in "${PLAN[@]#* }"; do
		[[ ! -e $1/$f ]] || need=$((need + $(stat -c %s "$1/$f")))
		[[ $KIND == git || ! -e $TREE/$f ]] || need=$((need + $(stat -c %s "$TREE/$f")))
		f=$(dirname "$TREE/$f") && while [[ ! -e $f ]]; do f=${f%/*}; done
		[[ -w $f ]] || die "$f is not writable; $todo"
	done
	[[ $KIND == plain ]] || need=$((need + 2 * $(cat "${PATCHES[@]}" | wc -c)))
	avail=$(df -Pk "$TREE" 2>/dev/null | awk 'NR == 2 { print $4 }') || return 0
	[[ ! $avail =~ ^[0-9]+$ ]] || ((avail * 1024 >= need)) ||
		die "$TREE has $avail KiB free, and writing the series needs about $(((need + 1023) / 1024)) KiB there (the new files beside the old ones, and a copy of each old one). Nothing was changed. Free some space and run again."
}
# count KIND: how many PLAN entries are of KIND
count() { printf '%s\n' "${PLAN[@]}" | grep -c "^$1 " || true; }

# --- a plain tree, changed through its undo directory ---------------------
# undo_begin WHAT: UNDO (copies of the files PLAN changes, the paths it makes) via UNDO.tmp and a rename
undo_begin() {
	local tmp=$UNDO.tmp e f d
	mkdir "$tmp" "$tmp/orig" && echo "$1" >"$tmp/what" && : >"$tmp/new" || return 1
	for e in "${PLAN[@]}"; do
		f=${e#* } && d=$(dirname "$f")
		if [[ $e == new\ * ]]; then # the file, and the directories made for it
			{ while [[ $d != . && ! -d $TREE/$d ]]; do echo "$d" && d=$(dirname "$d"); done && echo "$f"; } >>"$tmp/new" || return 1
		else
			mkdir -p "$tmp/orig/$d" && cp -p "$TREE/$f" "$tmp/orig/$f" || return 1
		fi
	done
	mv "$tmp" "$UNDO"
}
# install_files SRC: each PLAN file copied from SRC to NAME.osc-new and renamed over NAME, or removed
install_files() {
	local e f
	for e in "${PLAN[@]}"; do
		f=${e#* }
		case $e in
		new\ *) mkdir -p "$TREE/$(dirname "$f")" && cp "$1/$f" "$TREE/$f.osc-new" && mv -f "$TREE/$f.osc-new" "$TREE/$f" ;;
		mod\ *) cp "$1/$f" "$TREE/$f.osc-new" && chmod --reference="$TREE/$f" "$TREE/$f.osc-new" && mv -f "$TREE/$f.osc-new" "$TREE/$f" ;;
		del\ *) rm -f "$TREE/$f" && { [[ $f != */* ]] || (cd "$TREE" && rmdir -p --ignore-fail-on-non-empty "${f%/*}"); } ;;
		esac || return 1
	done
}
# undo_restore: put the tree back from UNDO, by removals and renames only
undo_restore() {
	local f temps=("${FILES[@]/#/$TREE/}")
	rm -f "${temps[@]/%/.osc-new}" || return 1
	while IFS= read -r f; do # deepest first: each file before its directory
		if [[ -d $TREE/$f && ! -L $TREE/$f ]]; then rmdir "$TREE/$f" 2>/dev/null || true; else rm -f "$TREE/$f" || return 1; fi
	done < <(sort -ru "$UNDO/new")
	for f in "${FILES[@]}"; do
		[[ ! -e $UNDO/orig/$f ]] || { mkdir -p "$(dirname "$TREE/$f")" && mv -f "$UNDO/orig/$f" "$TREE/$f"; } || return 1
	done
	rm -rf "$UNDO"
}
# undo_settle: end a stopped run by what it left; SETTLED: "finished", "undone" or "untouched"
undo_settle() {
	if [[ -d $UNDO.done ]]; then rm -rf "$UNDO.done" && SETTLED=finished
	elif [[ -d $UNDO ]]; then undo_restore && SETTLED=undone
	else rm -rf "$UNDO.tmp" && SETTLED=untouched; fi
}
# undo_foreign LEFT: why LEFT is not what a stopped run of apply.sh leaves, if it is not
undo_foreign() {
	local p
	[[ -d $1 && ! -L $1 ]] || { echo "it is not a directory" && return; }
	[[ $1 != "$UNDO" || -f $1/new ]] || { echo "it has no list 'new'" && return; }
	[[ $1 != "$UNDO" ]] || while IFS= read -r p; do
		in_list "$p" "${FILES[@]}" "${FILES[@]%/*}" || { echo "its list 'new' names $p, a path the series does not make" && return; }
	done <"$1/new"
}
# repair_stopped_run: settle what a killed run left, say so, go on (--check: report it, exit 1)
repair_stopped_run() {
	local left bad what verdict="it had changed no file yet, so the repair only removes what it left"
	for left in "$UNDO.done" "$UNDO" "$UNDO.tmp" ''; do [[ -z $left || -e $left || -L $left ]] && break; done
	[[ -n $left ]] || return 0
	bad=$(undo_foreign "$left")
	[[ -z $bad ]] || die "$left is not this series' undo directory: $bad. Nothing was changed. Repair $TREE by hand (from $UNDO, if there: move each file under orig/ back to its place in $TREE, delete the paths its list 'new' names and every NAME.osc-new), then delete $left."
	[[ $left != "$UNDO" ]] || verdict="it had not finished, so the repair puts back every file it had changed"
	[[ $left != "$UNDO.done" ]] || verdict="it had put every file in place, so the repair only removes $left"
	case $(cat "$left/what" 2>/dev/null) in apply) what=applying ;; reverse) what='taking off' ;; *) what='applying or taking off' ;; esac
	((!CHECK)) || die "an earlier apply.sh run ($what the series) was stopped part way and left $left; $verdict. Nothing was changed. Run the same command without --check to repair $TREE; it then goes on as asked."
	undo_settle || die "could not repair $TREE from $left (see above); make the tree writable and run again"
	if [[ $SETTLED == finished ]]; then verdict="stopped after every file was in place; it was finished"; else verdict="stopped part way; it was undone"; fi
	say "repaired $TREE: an earlier run ($what the series) was $verdict"
}
# interrupted SIG STATUS: the trap while the tree is changed: take the change back, exit STATUS
interrupted() {
	trap '' INT TERM HUP
	local how="$TREE was restored as it was"
	if [[ $KIND == git ]]; then
		how="git am had already finished; the series is applied"
		if [[ -e $(git_path rebase-apply) ]]; then how=$(git_am_undo)
		elif [[ $(git -C "$TREE" rev-parse HEAD) == "$OLD_HEAD" ]]; then how="$TREE is as it was"; fi
	elif ! undo_settle; then how="restoring $TREE failed (above); run apply.sh again to repair it"
	elif [[ $SETTLED == finished ]]; then how="every file was in place; the change is complete"; fi
	printf 'apply.sh: interrupted (SIG%s); %s\n' "$1" "$how" >&2
	exit "$2"
}
# install_plain SRC WHAT: make the tree's series files as in SRC: begin, install, commit
install_plain() {
	trap 'interrupted INT 130' INT && trap 'interrupted TERM 143' TERM && trap 'interrupted HUP 129' HUP
	if ! { undo_begin "$2" && install_files "$1" && mv "$UNDO" "$UNDO.done"; }; then
		trap '' INT TERM HUP
		undo_settle || die "writing into $TREE failed (above), and so did restoring it; run apply.sh again to repair it"
		die "writing into $TREE failed (above; a full disk?); it was restored as it was. Fix the cause and run again."
	fi
	trap '' INT TERM HUP # committed: only the cleaning up is left
	rm -rf "$UNDO.done" || die "the series' files are in place, but removing $UNDO.done failed (above); remove it yourself"
	trap - INT TERM HUP
}

# --- a git tree, changed with git am and git reset ------------------------
# git_am_undo: abort a git am of the series, HEAD back to OLD_HEAD (--abort may keep the last commits)
git_am_undo() {
	local made
	git -C "$TREE" am --abort >/dev/null 2>&1 || git -C "$TREE" am --quit >/dev/null 2>&1 ||
		{ echo "and 'git am --abort' failed; run it in $TREE yourself, then 'git reset --keep $OLD_HEAD'" && return; }
	made=$(git -C "$TREE" rev-list --count "$OLD_HEAD..HEAD" 2>/dev/null) || made=-1
	((made == 0)) || { ((made > 0 && made <= ${#PATCHES[@]})) && git -C "$TREE" merge-base --is-ancestor "$OLD_HEAD" HEAD &&
		git -C "$TREE" reset -q --keep "$OLD_HEAD" >/dev/null 2>&1; } ||
		{ echo "git am was aborted, but HEAD did not go back; run 'git -C $TREE reset --keep $OLD_HEAD'" && return; }
	echo "git am was aborted; $TREE is as it was"
}
# apply_git: the series as commits on the tree's HEAD (git am), or none of it
apply_git() {
	OLD_HEAD=$(git -C "$TREE" rev-parse HEAD)
	trap 'interrupted INT 130' INT && trap 'interrupted TERM 143' TERM && trap 'interrupted HUP 129' HUP
	if ! git -C "$TREE" am --quiet --no-3way "${PATCHES[@]}" >"$SCRATCH/am.log" 2>&1; then
		trap '' INT TERM HUP && cat "$SCRATCH/am.log" >&2
		die "git am failed (above); $(git_am_undo). Fix the cause and run again."
	fi
	trap - INT TERM HUP
	say "applied ${#PATCHES[@]} patches to $TREE as ${#PATCHES[@]} commits:"
	git -C "$TREE" log --oneline -n "${#PATCHES[@]}"
}
# series_on_top: SUBJECTS, the patches' subjects, are those of HEAD's last commits, in order
series_on_top() {
	local p
	SUBJECTS=()
	for p in "${PATCHES[@]}"; do SUBJECTS+=("$(git mailinfo "$SCRATCH/msg" "$SCRATCH/patch" <"$p" | sed -n 's/^Subject: //p')"); done
	[[ $(git -C "$TREE" log --format=%s -n "${#PATCHES[@]}" HEAD | tac) == "$(printf '%s\n' "${SUBJECTS[@]}")" ]]
}
# series_in_history: the series' commits among HEAD's last 1000, with where
series_in_history() {
	local i=0 sha subject
	while IFS=' ' read -r sha subject; do
		! in_list "$subject" "${SUBJECTS[@]}" || printf '  %s %s (HEAD~%d)\n' "$sha" "$subject" "$i"
		i=$((i + 1))
	done < <(git -C "$TREE" log --format='%h %s' -n 1000 HEAD)
}
# reverse_git: move HEAD back past the series' commits, when they are the last ones
reverse_git() {
	local n=${#PATCHES[@]} where base
	if ! series_on_top; then
		where=$(series_in_history)
		[[ -z $where ]] || die "the series' commits are in $TREE, but not as its last $n commits:
$where
Nothing was changed. Move them to the top (git rebase -i, with them last) and run again, or undo them with git revert."
		case $STATE in
		clean) say "not applied; nothing to do: $TREE does not have the series" ;;
		applied) die "$TREE holds the series' changes, but not as its commits (their subjects are not in HEAD's history). Nothing was changed. Undo the commit that brought them with git revert, or remove them by hand." ;;
		*) refuse_mixed ;;
		esac
		return
	fi
	base=$(git -C "$TREE" rev-parse "HEAD~$n")
	plan_or_die "$SCRATCH/rev"
	if ((CHECK)); then say "check: the last $n commits of $TREE are the series; --reverse would move HEAD back to $(git -C "$TREE" log -1 --format='%h %s' "$base"). Nothing was changed."; return; fi
	OLD_HEAD=$(git -C "$TREE" rev-parse HEAD)
	git -C "$TREE" reset -q --keep "$base" || die "git reset --keep $base failed (above); $TREE is as it was"
	say "took the series off $TREE: HEAD is back at $(git -C "$TREE" log -1 --format='%h %s'). Its $n commits stay in git as $OLD_HEAD; 'git reset --keep $OLD_HEAD' brings them back."
}

# --- what was asked ------------------------------------------------------
# reverse_plain: put back the files the series changed, remove those it added
reverse_plain() {
	[[ $STATE != neither ]] || refuse_mixed
	if [[ $STATE == clean ]]; then say "not applied; nothing to do: $TREE does not have the series"; return; fi
	plan_or_die "$SCRATCH/rev"
	if ((CHECK)); then say "check: the series can be taken off $TREE; nothing was changed"; return; fi
	install_plain "$SCRATCH/rev" reverse
	say "took the series off $TREE ($(count mod) files restored, $(count del) removed)"
}
# forward: apply the series, unless the tree has it already
forward() {
	[[ $STATE != neither ]] || refuse_mixed
	if [[ $STATE == applied ]]; then say "the series is already applied to $TREE; nothing to do"; ((CHECK)) || next_steps; return; fi
	plan_or_die "$SCRATCH/new"
	if ((CHECK)); then say "check: the series applies cleanly to $TREE; nothing was changed"; return; fi
	if [[ $KIND == git ]]; then apply_git; else
		install_plain "$SCRATCH/new" apply
		say "applied ${#PATCHES[@]} patches to $TREE ($(count new) files added, $(count mod) changed)"
	fi
	next_steps
}
# next_steps: what to do with the tree now
next_steps() {
	local t undo frag series
	printf -v t '%q' "$TREE" && printf -v undo '%q' "$TOP/apply.sh"
	printf -v frag '%q' "$TOP/configs/osc-procfs-m.config" && printf -v series '%q' "${SERIES_DIR%/}/patches"
	((!FORCED)) || undo+=' --force' # --reverse needs it on this tree as the apply did
	cat <<-EOF

		Next steps:
		  1. Configure: make -C $t menuconfig, then in Kernel hacking -> Sample kernel code ->
		     Operating System Concepts: chapter 2 kernel modules, set each module to M or Y;
		     or: cd $t && scripts/kconfig/merge_config.sh .config $frag
		  2. Build: make -C $t -j\$(nproc) (modules land in samples/osc_procfs/*.ko)
		  3. Review: cd $t && scripts/checkpatch.pl --strict $series/0*.patch
		To take the series off again: $undo --reverse $t
	EOF
}

# main ARGS...: check the command line and the tree, try the series, do what was asked
main() {
	local rel
	read_lines
	parse_args "$@"
	check_tree
	pick_series
	read_series
	repair_stopped_run
	tree_kind
	check_leftovers
	[[ $KIND == plain ]] || check_git_state
	SCRATCH=$(mktemp -d) || die "cannot make a temporary directory; set TMPDIR to a writable one and run again"
	trap 'rm -rf "$SCRATCH"' EXIT
	rel=${SERIES_DIR#"$TOP"/} && rel=${rel%/}
	say "$TREE: Linux $VERSION, a $KIND tree; series of ${#PATCHES[@]} patches from ${rel:+$rel/}patches/"
	try_series
	if ((!REVERSE)); then forward
	elif [[ $KIND == git ]]; then reverse_git
	else reverse_plain; fi
}

main "$@"
