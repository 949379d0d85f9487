# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its paths (BUILD, OUT...) are for the scripts that source it
# The kernel sources in the cache, a line each: unpacked once, then (for
# the tests) recorded in git as pristine; sourced by kernel.sh.
#
# KERNEL_SRC picks the kernel of the base line: a source tree (copied,
# never changed) or a tarball; by default Debian's linux-source-7.3
# tarball. on_line switches to another supported line's source.

KERNEL_SRC=${KERNEL_SRC:-$(line_tarball "$OSC_BASE_LINE")}
# Fixed identity and date for the cache's own commits, so that they and
# the exported patches come out the same on every machine.
export GIT_COMMITTER_NAME="osc-procfs harness" GIT_COMMITTER_EMAIL="harness@osc-procfs.invalid"
PRISTINE_ENV=(GIT_AUTHOR_NAME="osc-procfs harness" GIT_AUTHOR_EMAIL="harness@osc-procfs.invalid"
	GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z)

# src_key: a cache directory name for KERNEL_SRC
src_key() {
	local b
	b=$(basename "$KERNEL_SRC")
	b=${b%.tar.*}
	printf '%s-%s' "$b" "$(realpath -m "$KERNEL_SRC" | sha1sum | cut -c1-8)"
}

set_paths() {
	SRC_DIR=$OSC_CACHE/src/$(src_key)
	GTREE=$SRC_DIR/git       # the tree the kernels build from
	PLAIN=$SRC_DIR/plain     # plain tree (no .git inside), for the tests
	PGIT=$SRC_DIR/pristine.git   # its git dir, kept beside it
	BUILD=$OSC_CACHE/build/$(src_key)
	OUT=$OSC_CACHE/out/$(src_key)
}

pgit() { git --git-dir="$PGIT" --work-tree="$PLAIN" "$@"; }

# A line's source goes through two states, each marked in SRC_DIR:
#   .unpacked  GTREE holds the unpacked source, a plain tree; the series
#              goes on it with apply.sh, as on a tarball's tree (.applied
#              says it is on). A first make demo needs no more.
#   .ready     GTREE is a git checkout whose tag "pristine" is the
#              source, and the series goes on as commits; PLAIN is the
#              pristine tree without .git, its git dir PGIT beside it.
#              The tests need it; prepare_source makes it once.

# unpack_source DEST: KERNEL_SRC, a tree (copied) or a tarball, into DEST
unpack_source() {
	local dest=$1
	rm -rf "$dest" && mkdir -p "$dest"
	if [[ -d $KERNEL_SRC ]]; then
		say "   copying $KERNEL_SRC"
		tar -C "$KERNEL_SRC" --exclude=.git -cf - . | tar -C "$dest" -xf -
	elif [[ -f $KERNEL_SRC ]]; then
		say "   extracting $KERNEL_SRC ($(du -h "$KERNEL_SRC" | cut -f1))"
		tar -C "$dest" --strip-components=1 -xf "$KERNEL_SRC"
	else
		warn "$(src_var)=$KERNEL_SRC is neither a kernel tree nor a tarball"
		return 1
	fi
	[[ -f $dest/Makefile && -d $dest/samples ]] ||
		{ warn "$KERNEL_SRC does not hold a kernel source tree"; return 1; }
}

# prepare_tree: KERNEL_SRC unpacked into GTREE once
prepare_tree() {
	set_paths
	if [[ -f $SRC_DIR/.ready || -f $SRC_DIR/.unpacked ]]; then
		# a .git of a record_pristine that did not finish
		[[ -f $SRC_DIR/.ready ]] || rm -rf "$GTREE/.git"
		say "   cached: $SRC_DIR"
		return 0
	fi
	if [[ ! -e $KERNEL_SRC ]]; then
		warn "no kernel source at $KERNEL_SRC: run scripts/deps.sh --matrix, or set $(src_var) to a tree or tarball of that line"
		return 1
	fi
	rm -rf "$SRC_DIR" && mkdir -p "$SRC_DIR"
	step "unpack the kernel source" unpack_source "$GTREE" || return 1
	touch "$SRC_DIR/.unpacked"
}

# prepare_source: the source in git, as the tests need it (.ready): the
# series taken off the plain tree again (or the tree unpacked afresh,
# when another version of the series is on it), GTREE recorded, PLAIN
# checked out
prepare_source() {
	prepare_tree || return 1
	[[ -f $SRC_DIR/.ready ]] && return 0
	if [[ -f $SRC_DIR/.applied ]]; then
		step "take the series off the plain tree (apply.sh --reverse)" unapply_plain || return 1
	fi
	step "record the pristine tree in git" record_pristine || return 1
	step "make the plain tree" make_plain || return 1
	touch "$SRC_DIR/.ready"
	rm -f "$SRC_DIR/.unpacked"
}

# unapply_plain: the series off GTREE; if it does not come off (the
# series has changed since it went on), the source unpacked again
unapply_plain() {
	if ! "$OSC_TOP/apply.sh" --reverse "$GTREE" >"$SRC_DIR/unapply.log" 2>&1; then
		say "   it does not come off (another version of the series?): unpacking the source again"
		unpack_source "$GTREE" || return 1
	fi
	rm -f "$SRC_DIR/.applied"
}

# record_pristine: GTREE as one commit, tagged pristine, and the branch
# osc-procfs at it. Its 90,000 loose objects stay loose: git's automatic
# gc would otherwise pack them in the background (minutes of both cores,
# under the stages that follow), and the clone hard-links them whether
# packed or not. -f: Debian's tarball has a .gitignore whose "/*"
# ignores every file once the tree is in git.
record_pristine() {
	local version
	version=$(make -s -C "$GTREE" kernelversion) || return 1
	rm -rf "$GTREE/.git" &&
		git -C "$GTREE" init -q &&
		git -C "$GTREE" config gc.auto 0 &&
		git -C "$GTREE" add -f -A . &&
		env "${PRISTINE_ENV[@]}" git -C "$GTREE" commit -q -m "Linux $version from $(basename "$KERNEL_SRC")" &&
		git -C "$GTREE" tag pristine &&
		git -C "$GTREE" checkout -q -B osc-procfs pristine
}

# make_plain: PGIT, a bare clone of GTREE's pristine commit, and PLAIN,
# its work tree
make_plain() {
	rm -rf "$PGIT" "$PLAIN" && mkdir -p "$PLAIN" &&
		git clone -q --bare -c gc.auto=0 "$GTREE" "$PGIT" &&
		pgit reset -q --hard pristine
}

# reset_plain / reset_git: back to the pristine tree, nothing else touched
reset_plain() {
	pgit reset -q --hard pristine && pgit clean -q -fdx
}

reset_git() {
	if [[ -d $GTREE/.git/rebase-apply ]]; then git -C "$GTREE" am --abort || return 1; fi
	git -C "$GTREE" checkout -q -f -B osc-procfs pristine && git -C "$GTREE" clean -q -fdx
}

# apply_series: the series on GTREE: as commits, once the source is in
# git, else with apply.sh on the plain tree
apply_series() {
	if [[ -f $SRC_DIR/.ready ]]; then apply_series_git; else apply_series_plain; fi
}

# apply_series_plain: the series on the plain tree GTREE, once (apply.sh
# says "already applied" after); unpacked afresh first if another
# version of the series is on it
apply_series_plain() {
	local log=$OUT/apply-plain.log
	if ! "$OSC_TOP/apply.sh" "$GTREE" >"$log" 2>&1; then
		if [[ ! -f $SRC_DIR/.applied ]]; then cat "$log" && return 1; fi
		say "   another version of the series is on $GTREE: unpacking the source again"
		rm -f "$SRC_DIR/.applied"
		unpack_source "$GTREE" || return 1
		"$OSC_TOP/apply.sh" "$GTREE" >"$log" 2>&1 || { cat "$log"; return 1; }
	fi
	touch "$SRC_DIR/.applied"
	say "   $(grep -m1 -E '^(applied|the series is already applied)' "$log")"
}

# apply_series_git: the series as commits on the git checkout
apply_series_git() {
	reset_git || return 1
	"$OSC_TOP/apply.sh" "$GTREE" >"$OUT/apply-git.log" ||
		{ cat "$OUT/apply-git.log"; return 1; }
	say "   $(git -C "$GTREE" rev-list --count pristine..HEAD) commits on top of pristine"
}

# src_var [LINE]: the variable that names LINE's source (by default the
# line in use): KERNEL_SRC for the base line, KERNEL_SRC_6_12 for 6.12
src_var() {
	local line=${1:-${SRC_LINE:-${OSC_LINES[0]}}}
	if [[ $line == "${OSC_LINES[0]}" ]]; then echo KERNEL_SRC; else echo "KERNEL_SRC_${line//./_}"; fi
}

# on_line LINE CMD...: run CMD with the cache paths of kernel line LINE
# (one of OSC_LINES). The base line is KERNEL_SRC; another line is
# Debian's linux-source-LINE tarball, or KERNEL_SRC_<LINE, dots as
# underscores> (KERNEL_SRC_6_1=...). The paths are local: they are back
# to the base line's when CMD returns.
on_line() {
	local line=$1 var
	shift
	if [[ $line == "${OSC_LINES[0]}" ]]; then
		"$@"
		return
	fi
	var=$(src_var "$line")
	local KERNEL_SRC=${!var:-$(line_tarball "$line")}
	local SRC_DIR PLAIN PGIT GTREE BUILD OUT SRC_LINE=$line
	set_paths
	mkdir -p "$OUT"
	"$@"
}
