#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lay the osc_procfs series over a Linux kernel source tree.
#
#   ./apply.sh [--check] [--force] KERNEL_DIR
#
#   --check  try the series and report; change nothing
#   --force  try a kernel outside the supported lines too
#
# A git checkout gets one commit per patch (git am; its work tree must be
# clean). A plain source tree gets the whole series or nothing: every
# patch is first tried on a copy of the files the series touches, and only
# then are the results put in place. A tree that already has the series is
# left as it is. Needs no root and no network.
set -euo pipefail

# The kernel lines the series is made and tested for.
SUPPORTED_LINES=(6.12)

TOP=$(cd "$(dirname "$0")" && pwd)
CHECK=0 FORCE=0 TREE='' KIND='' VERSION=''
PATCHES=() FILES=()
SCRATCH=''

say() { printf '%s\n' "$*"; }
die() {
	printf 'apply.sh: error: %s\n' "$*" >&2
	exit 1
}

usage() {
	sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

parse_args() {
	while (($#)); do
		case $1 in
		--check) CHECK=1 ;;
		--force) FORCE=1 ;;
		-h | --help) usage ;;
		-*) printf 'apply.sh: unknown option %s\n' "$1" >&2 && usage ;;
		*) [[ -z $TREE ]] || usage; TREE=$1 ;;
		esac
		shift
	done
	[[ -n $TREE ]] || { say "apply.sh: no KERNEL_DIR given" >&2; usage; }
}

# read_series: the patches listed in series, in order
read_series() {
	local line
	while IFS= read -r line; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[[ -n $line ]] || continue
		[[ -f $TOP/patches/$line ]] || die "series lists $line, which is not in $TOP/patches"
		PATCHES+=("$TOP/patches/$line")
	done <"$TOP/series"
	((${#PATCHES[@]})) || die "$TOP/series lists no patches"
}

# read_files: every file the series creates or changes
read_files() {
	mapfile -t FILES < <(sed -n 's|^+++ b/||p; s|^--- a/||p' "${PATCHES[@]}" | sort -u)
}

check_tree() {
	[[ -e $TREE ]] || die "$TREE does not exist; give the top directory of a Linux source tree"
	[[ -d $TREE ]] || die "$TREE is not a directory; give the top directory of a Linux source tree"
	TREE=$(cd "$TREE" && pwd -P)
	[[ -f $TREE/Makefile && -f $TREE/Kconfig && -f $TREE/samples/Kconfig &&
		-f $TREE/samples/Makefile ]] ||
		die "$TREE is not a Linux source tree (no Makefile, Kconfig and samples/); give the directory that holds them"
}

check_version() {
	local line l
	VERSION=$(make -s --no-print-directory -C "$TREE" kernelversion 2>/dev/null) ||
		die "'make kernelversion' failed in $TREE; is it a complete kernel tree, and is make installed?"
	line=$(cut -d. -f1,2 <<<"$VERSION")
	for l in "${SUPPORTED_LINES[@]}"; do
		[[ $line == "$l" ]] && return 0
	done
	((FORCE)) || die "$TREE is Linux $VERSION; the series supports the ${SUPPORTED_LINES[*]} line. Use such a tree, or add --force to try this one (it is applied whole or not at all)."
	say "Linux $VERSION is not a supported line (${SUPPORTED_LINES[*]}); trying anyway (--force)"
}

# tree_kind: "git" when TREE is the top of a git checkout, else "plain"
tree_kind() {
	local top
	if command -v git >/dev/null &&
		top=$(git -C "$TREE" rev-parse --show-toplevel 2>/dev/null) &&
		[[ $(cd "$top" && pwd -P) == "$TREE" ]]; then
		KIND=git
	else
		KIND=plain
		command -v patch >/dev/null ||
			die "'patch' is not installed (needed for a plain source tree); install it (Debian: apt-get install patch) and run again"
	fi
}

check_git_state() {
	local dir p
	for p in rebase-apply rebase-merge MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD; do
		dir=$(git -C "$TREE" rev-parse --git-path "$p")
		[[ $dir == /* ]] || dir=$TREE/$dir
		[[ ! -e $dir ]] ||
			die "$TREE is in the middle of a git operation ($p); finish it or abort it (git rebase --abort, git am --abort, git merge --abort ...) and run again"
	done
	[[ -z $(git -C "$TREE" status --porcelain --untracked-files=normal) ]] ||
		die "$TREE has uncommitted changes or untracked files (see 'git -C $TREE status'); commit or stash them and run again"
	git -C "$TREE" var GIT_COMMITTER_IDENT >/dev/null 2>&1 ||
		die "git does not know who you are, and git am needs a committer; set it with git config user.name and user.email, and run again"
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
		patch -d "$dir" -p1 --batch --silent --fuzz=0 --no-backup-if-mismatch \
			-r - "$@" <"$p" >/dev/null 2>&1
	fi
}

# series_goes DIR [-R]: the whole series applies to DIR (reversed: from the
# last patch back); on failure FAILED names the patch that did not apply
FAILED=''
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

# try_series: decide, on scratch copies, what the tree needs.
# Prints "applied" or "clean"; dies with what was found otherwise.
try_series() {
	mkdir -p "$SCRATCH/rev" "$SCRATCH/new"
	copy_files "$SCRATCH/rev"
	if series_goes "$SCRATCH/rev" -R; then
		echo applied
		return
	fi
	copy_files "$SCRATCH/new"
	series_goes "$SCRATCH/new" && { echo clean; return; }
	die "the series does not apply to $TREE: $FAILED fails.
$(what_is_there)
Nothing was changed. If the series was applied in part by hand, undo that first (a git tree: git reset/checkout; a plain tree: restore the files above) and run again."
}

apply_git() {
	if ! git -C "$TREE" am --quiet --no-3way "${PATCHES[@]}" >"$SCRATCH/am.log" 2>&1; then
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		cat "$SCRATCH/am.log" >&2
		die "git am failed (above) and was aborted; $TREE is as it was"
	fi
	say "applied ${#PATCHES[@]} patches to $TREE as ${#PATCHES[@]} commits:"
	git -C "$TREE" log --oneline -n "${#PATCHES[@]}"
}

# writable_or_die: every file of the series can be written in TREE
writable_or_die() {
	local f d
	for f in "${FILES[@]}"; do
		d=$TREE/$f
		[[ ! -e $d || -w $d ]] || die "$d is not writable; nothing was changed"
		d=$(dirname "$d")
		while [[ ! -e $d ]]; do d=$(dirname "$d"); done
		[[ -d $d && -w $d ]] || die "$d is not writable; nothing was changed"
	done
}

# Plain trees are changed in two phases: first every new file is written
# beside its target as NAME.osc-new (this is where a full disk shows up),
# then each is renamed over its target, with the old file kept as
# NAME.osc-orig until all are in place. Any failure or signal undoes it.
STAGED=() SWAPPED=() MADE_DIRS=()

undo_plain() {
	local f i
	for ((i = ${#SWAPPED[@]} - 1; i >= 0; i--)); do
		f=$TREE/${SWAPPED[i]}
		if [[ -e $f.osc-orig ]]; then mv -f "$f.osc-orig" "$f"; else rm -f "$f"; fi
	done
	for f in "${STAGED[@]}"; do rm -f "$TREE/$f.osc-new"; done
	for ((i = ${#MADE_DIRS[@]} - 1; i >= 0; i--)); do rmdir "${MADE_DIRS[i]}" 2>/dev/null || true; done
}

make_parent() {
	local d=$1 missing=()
	while [[ ! -d $d ]]; do missing=("$d" "${missing[@]}") && d=$(dirname "$d"); done
	for d in "${missing[@]}"; do mkdir "$d" && MADE_DIRS+=("$d") || return 1; done
}

stage_plain() {
	local f
	for f in "${FILES[@]}"; do
		[[ -e $SCRATCH/new/$f ]] || continue
		cmp -s "$SCRATCH/new/$f" "$TREE/$f" 2>/dev/null && continue
		make_parent "$TREE/$(dirname "$f")" || return 1
		STAGED+=("$f")
		cp "$SCRATCH/new/$f" "$TREE/$f.osc-new" || return 1
	done
}

swap_plain() {
	local f
	for f in "${STAGED[@]}"; do
		SWAPPED+=("$f")
		if [[ -e $TREE/$f ]]; then mv -f "$TREE/$f" "$TREE/$f.osc-orig" || return 1; fi
		mv -f "$TREE/$f.osc-new" "$TREE/$f" || return 1
	done
	for f in "${STAGED[@]}"; do rm -f "$TREE/$f.osc-orig"; done
}

apply_plain() {
	writable_or_die
	trap 'undo_plain; die "interrupted; $TREE was restored as it was"' INT TERM HUP
	if ! { stage_plain && swap_plain; }; then
		undo_plain
		die "writing into $TREE failed (full disk? see above); it was restored as it was"
	fi
	trap - INT TERM HUP
	say "applied ${#PATCHES[@]} patches to $TREE (${#STAGED[@]} files written)"
}

next_steps() {
	cat <<-EOF

		Next steps:
		  1. Configure: make -C $TREE menuconfig
		     Kernel hacking -> Sample kernel code -> Operating System Concepts:
		     chapter 2 kernel modules; set each module to M or Y.
		     Or merge a fragment from $TOP/configs/:
		       cd $TREE && scripts/kconfig/merge_config.sh .config $TOP/configs/osc-procfs-m.config
		  2. Build: make -C $TREE -j\$(nproc)
		     (modules land in samples/osc_procfs/*.ko)
		  3. Review: cd $TREE && scripts/checkpatch.pl --strict $TOP/patches/0*.patch
	EOF
}

main() {
	parse_args "$@"
	check_tree
	check_version
	read_series
	read_files
	tree_kind
	[[ $KIND == git ]] && check_git_state
	SCRATCH=$(mktemp -d)
	trap 'rm -rf "$SCRATCH"' EXIT
	say "$TREE: Linux $VERSION, a $KIND tree; series of ${#PATCHES[@]} patches"
	case $(try_series) in
	applied)
		say "the series is already applied to $TREE; nothing to do"
		((CHECK)) || next_steps
		return 0
		;;
	clean) ;;
	*) exit 1 ;;
	esac
	if ((CHECK)); then
		say "check: the series applies cleanly to $TREE; nothing was changed"
		return 0
	fi
	if [[ $KIND == git ]]; then apply_git; else apply_plain; fi
	next_steps
}

main "$@"
