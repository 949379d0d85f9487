# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Stages of the series' source and the suite's own: the packages (deps),
# every script checked by shellcheck, each line's kernel source in the
# cache (source) and its two states (source_states), checkpatch on each
# patch; then, once build_m has built the
# whole series, every prefix of it built (prefixes) and sparse and W=1 on
# our code (warnings). Sourced by tests/run.sh.

stage_deps() { expect "packages installed" "$OSC_TOP/scripts/deps.sh" --matrix; }

stage_shellcheck() {
	local f
	cd "$OSC_TOP" || return 1
	for f in apply.sh grade.sh .ci/run scripts/*.sh grade/*.sh tests/*.sh tests/lib/*.sh tests/stages/*.sh tests/apply/*.sh bench/*.sh guest/init guest/*.sh; do
		expect "shellcheck is silent on $f" shellcheck -x "$f"
	done
	cd - >/dev/null || return 1
}

stage_source() {
	[[ $(cur_line) == "$OSC_BASE_LINE" ]] || await_unpack "$(cur_line)"
	expect "the Linux $(cur_line) source in the cache: $KERNEL_SRC" prepare_source
}

# stage_source_states: a line's source through its two states
# (scripts/source.sh) on a small real tree, the apply cases' subset of
# the pristine kernel, in a scratch cache: unpacked and the series put on
# with apply.sh, as a first make demo does; then recorded in git, as the
# tests need it, where pristine must be the source as it was unpacked.
# Then each state once more with another version of the series on the
# tree (a checkout updated between two make demo runs).
stage_source_states() {
	needs source || return 1
	local dir=$OUT/source-states n
	n=$(series_patches "$(line_series "$(cur_line)")" | wc -l)
	rm -rf "$dir" && mkdir -p "$dir/src" || return 1
	git --git-dir="$PGIT" archive pristine "${AC_MINI_PATHS[@]}" | tar -C "$dir/src" -xf - || return 1
	expect "a first build: the source unpacked, no git" in_scratch "$dir" ss_unpacked || return 1
	expect "the series on the plain tree with apply.sh" in_scratch "$dir" ss_said "applied $n patches" apply_series
	expect "again: \"already applied\"" in_scratch "$dir" ss_said "already applied" apply_series
	expect "recorded for the tests: the series taken off, pristine is the source as unpacked" \
		in_scratch "$dir" ss_said "take the series off" ss_recorded || return 1
	expect "the series on it as $n commits" in_scratch "$dir" ss_said "$n commits on top of pristine" apply_series
	rm -rf "$dir/cache"
	expect "another version of the series on the plain tree: unpacked again, then applied" \
		in_scratch "$dir" ss_said "unpacking the source again" ss_other_version apply_series
	expect "recorded with another version on it: unpacked again, pristine is the source" \
		in_scratch "$dir" ss_said "does not come off" ss_other_version ss_recorded
}

# in_scratch DIR CMD...: CMD with the cache DIR/cache and the source DIR/src
in_scratch() {
	# shellcheck disable=SC2034 # set_paths and what CMD calls read them
	local OSC_CACHE=$1/cache KERNEL_SRC=$1/src SRC_DIR PLAIN PGIT GTREE BUILD OUT
	shift
	set_paths && mkdir -p "$OUT" && "$@"
}

# ss_said TEXT CMD...: CMD succeeds, and says TEXT
ss_said() {
	local out rc=0 text=$1
	shift
	out=$("$@" 2>&1) || rc=$?
	say "$out" | sed 's/^/    | /'
	((rc == 0)) && [[ $out == *"$text"* ]]
}

ss_unpacked() {
	prepare_tree >/dev/null && [[ -f $GTREE/Makefile && ! -e $GTREE/.git && ! -e $PLAIN ]]
}

# ss_recorded: prepare_source, after which GTREE is a clean git checkout
# of pristine, and GTREE and PLAIN are the source
ss_recorded() {
	prepare_source || return 1
	[[ -z $(git -C "$GTREE" status --porcelain --ignored) && -z $(pgit status --porcelain --ignored) &&
		$(git -C "$GTREE" rev-parse pristine) == $(git -C "$GTREE" rev-parse HEAD) ]] &&
		diff -r -x .git "$KERNEL_SRC" "$GTREE" && diff -r "$KERNEL_SRC" "$PLAIN"
}

# ss_other_version CMD...: CMD, with one file of the series on the
# plain tree changed first, as another version of it would have it
ss_other_version() {
	prepare_tree >/dev/null && apply_series >/dev/null &&
		echo "# another version" >>"$GTREE/samples/osc_procfs/Kconfig" && "$@"
}

# stage_checkpatch: each patch checked, all at once (one perl each)
stage_checkpatch() {
	needs source || return 1
	local p dir=$OUT/checkpatch pids=() patches=() k rc
	rm -rf "$dir" && mkdir -p "$dir"
	for p in "$OSC_TOP"/patches/0*.patch; do
		[[ $p == */0000-cover-letter.patch ]] && continue
		patches+=("$p")
		(cd "$PLAIN" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict "$p") \
			>"$dir/${p##*/}.out" 2>&1 &
		pids+=($!)
	done
	for k in "${!patches[@]}"; do
		p=${patches[k]}
		rc=0
		wait "${pids[k]}" || rc=$?
		if ((rc == 0)) && grep -q '^total: 0 errors, 0 warnings, 0 checks' "$dir/${p##*/}.out"; then
			ok "checkpatch --strict: ${p##*/}"
		else
			cat "$dir/${p##*/}.out"
			fail "checkpatch --strict: ${p##*/} (exit $rc)"
		fi
	done
}

# Build every prefix of the series: after each patch the tree must build
# (kernel, modules, and the selftest once it exists). The =m config of
# the whole series is carried over with olddefconfig, which keeps the
# options that exist at that point.
stage_prefixes() {
	needs build_m || return 1
	local n i c subject
	n=$(git -C "$GTREE" rev-list --count pristine..osc-procfs)
	for ((i = 1; i < n; i++)); do
		c=$(git -C "$GTREE" rev-parse "osc-procfs~$((n - i))")
		subject=$(git -C "$GTREE" log -1 --format=%s "$c")
		git -C "$GTREE" checkout -q "$c"
		expect "builds after patch $i/$n: $subject" build_kernel "$BUILD" olddefconfig all
	done
	git -C "$GTREE" checkout -q osc-procfs
	expect "builds after patch $n/$n (the whole series)" build_mode m
}

stage_warnings() {
	needs build_m || return 1
	local out sparse
	sparse=$(sparse_bin)
	# a stage named alone (no deps stage has built it)
	[[ -x $sparse ]] || expect "build a sparse that knows this tree (scripts/deps.sh --sparse)" \
		"$OSC_TOP/scripts/deps.sh" --sparse || return 1
	expect "a sparse that knows this tree is there ($sparse)" [ -x "$sparse" ] || return 1
	expect "configure the options =m" configure m || return 1
	out=$(make -C "$GTREE" O="$BUILD" -j"$OSC_JOBS" -s C=2 CHECK="$sparse" W=1 samples/osc_procfs/ 2>&1) ||
		out+=$'\n'"(make exited $?)"
	[[ -z $out ]] || say "$out"
	expect "sparse (C=2) and W=1 are silent on samples/osc_procfs/" [ -z "$out" ]
}
