# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Stages of the series' source and the suite's own: the packages (deps),
# every script checked by shellcheck, each line's kernel source in the
# cache (source), checkpatch on each patch; then, once build_m has built the
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
	expect "a sparse that knows this tree is there ($sparse; scripts/deps.sh --matrix builds it)" \
		[ -x "$sparse" ] || return 1
	expect "configure the options =m" configure m || return 1
	out=$(make -C "$GTREE" O="$BUILD" -j"$OSC_JOBS" -s C=2 CHECK="$sparse" W=1 samples/osc_procfs/ 2>&1) ||
		out+=$'\n'"(make exited $?)"
	[[ -z $out ]] || say "$out"
	expect "sparse (C=2) and W=1 are silent on samples/osc_procfs/" [ -z "$out" ]
}
