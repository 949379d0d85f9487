# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its paths (BUILD, OUT...) are for the scripts that source it
# The kernel sources in the cache, a line each: unpacked once, recorded in
# git as pristine, a git checkout for the series; sourced by kernel.sh.
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
	PLAIN=$SRC_DIR/plain     # plain tree (no .git inside)
	PGIT=$SRC_DIR/pristine.git   # its git dir, kept beside it
	GTREE=$SRC_DIR/git       # git checkout for git am, export, builds
	BUILD=$OSC_CACHE/build/$(src_key)
	OUT=$OSC_CACHE/out/$(src_key)
}

pgit() { git --git-dir="$PGIT" --work-tree="$PLAIN" "$@"; }

unpack_source() {
	rm -rf "$PLAIN" && mkdir -p "$PLAIN"
	if [[ -d $KERNEL_SRC ]]; then
		say "   copying $KERNEL_SRC"
		tar -C "$KERNEL_SRC" --exclude=.git -cf - . | tar -C "$PLAIN" -xf -
	elif [[ -f $KERNEL_SRC ]]; then
		say "   extracting $KERNEL_SRC ($(du -h "$KERNEL_SRC" | cut -f1))"
		tar -C "$PLAIN" --strip-components=1 -xf "$KERNEL_SRC"
	else
		warn "$(src_var)=$KERNEL_SRC is neither a kernel tree nor a tarball"
		return 1
	fi
	[[ -f $PLAIN/Makefile && -d $PLAIN/samples ]] ||
		{ warn "$KERNEL_SRC does not hold a kernel source tree"; return 1; }
}

# record_pristine: the plain tree as one commit, tagged pristine. Its
# 90,000 loose objects stay loose: git's automatic gc would otherwise pack
# them in the background (minutes of both cores, under the stages that
# follow), and the local clone hard-links them whether packed or not.
record_pristine() {
	local version
	version=$(make -s -C "$PLAIN" kernelversion) || return 1
	rm -rf "$PGIT" &&
		pgit init -q &&
		pgit config gc.auto 0 &&
		pgit add -f -A . &&
		env "${PRISTINE_ENV[@]}" git --git-dir="$PGIT" --work-tree="$PLAIN" \
			commit -q -m "Linux $version from $(basename "$KERNEL_SRC")" &&
		pgit tag pristine
}

clone_git_tree() {
	rm -rf "$GTREE" &&
		git clone -q -c gc.auto=0 "$PGIT" "$GTREE" &&
		git -C "$GTREE" checkout -q -B osc-procfs pristine
}

# prepare_source: unpack KERNEL_SRC into the cache once, with its pristine
# commit and the git checkout
prepare_source() {
	set_paths
	if [[ -f $SRC_DIR/.ready ]]; then
		say "   cached: $SRC_DIR"
		return 0
	fi
	if [[ ! -e $KERNEL_SRC ]]; then
		warn "no kernel source at $KERNEL_SRC: run scripts/deps.sh --matrix, or set $(src_var) to a tree or tarball of that line"
		return 1
	fi
	rm -rf "$SRC_DIR" && mkdir -p "$SRC_DIR"
	step "unpack the kernel source" unpack_source || return 1
	step "record the pristine tree in git" record_pristine || return 1
	step "make the git checkout" clone_git_tree || return 1
	touch "$SRC_DIR/.ready"
}

# reset_plain / reset_git: back to the pristine tree, nothing else touched
reset_plain() {
	pgit reset -q --hard pristine && pgit clean -q -fdx
}

reset_git() {
	if [[ -d $GTREE/.git/rebase-apply ]]; then git -C "$GTREE" am --abort || return 1; fi
	git -C "$GTREE" checkout -q -f -B osc-procfs pristine && git -C "$GTREE" clean -q -fdx
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
