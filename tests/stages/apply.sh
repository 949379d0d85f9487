# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Stages of the series applied, on each kernel line: apply.sh on the plain
# tree and back off it (apply_plain), the series as commits on the git
# checkout (apply_git), scripts/export.sh and MAINTAINERS on it (export),
# and the lines' new files compared (same_code). apply.sh under bad input
# and faults is the stage apply_cases, tests/apply-cases.sh. Sourced by
# tests/run.sh.

# line_version: the release of the line the stage runs on
line_version() { make -s -C "$PLAIN" kernelversion; }
# series_dir_name: the line's patches, as apply.sh names them
series_dir_name() { echo "$(line_series_rel "$(cur_line)")patches/"; }

# tree_state: what differs in the plain tree from pristine, with checksums
tree_state() {
	local f
	pgit status --porcelain --untracked-files=all --ignored |
		while IFS= read -r f; do
			f=${f:3}
			printf '%s %s\n' "$f" "$( (sha1sum "$PLAIN/$f" 2>/dev/null || echo gone) | cut -c1-40)"
		done
}

# succeeds_saying TEXT CMD...: CMD exits 0 and its output holds TEXT (run
# to its end first: grep on a process substitution returns while CMD
# still runs)
succeeds_saying() {
	local text=$1 out
	shift
	out=$("$@" 2>&1) || { say "$out"; return 1; }
	grep -qF -- "$text" <<<"$out" || { say "$out"; return 1; }
}

stage_apply_plain() {
	needs source || return 1
	local before after kconfig=$PLAIN/samples/osc_procfs/Kconfig
	reset_plain
	before=$(tree_state)
	expect "apply.sh --check on the pristine plain Linux $(line_version) tree succeeds" \
		"$OSC_TOP/apply.sh" --check "$PLAIN"
	expect "apply.sh --check changed nothing" [ "$(tree_state)" == "$before" ]
	expect "apply.sh applies $(series_dir_name) to the plain tree" \
		succeeds_saying "patches from $(series_dir_name)" "$OSC_TOP/apply.sh" "$PLAIN"
	expect "Kconfig.snippet is exactly samples/osc_procfs/Kconfig of the series" \
		diff -u "$OSC_TOP/Kconfig.snippet" "$kconfig"
	expect "samples/Kconfig sources it inside 'if SAMPLES'" \
		awk '/^if SAMPLES/ { in_if = 1 } /^endif # SAMPLES/ { in_if = 0 }
			in_if && /^source "samples\/osc_procfs\/Kconfig"$/ { found = 1 }
			END { exit !found }' "$PLAIN/samples/Kconfig"
	after=$(tree_state)
	expect "apply.sh again reports 'already applied' and exits 0" \
		succeeds_saying "already applied" "$OSC_TOP/apply.sh" "$PLAIN"
	expect "applying again changed nothing" [ "$(tree_state)" == "$after" ]
	expect "apply.sh --reverse takes the series off the plain tree" "$OSC_TOP/apply.sh" --reverse "$PLAIN"
	expect "the plain tree is pristine again" [ "$(tree_state)" == "$before" ]
}

stage_apply_git() {
	needs source || return 1
	expect "apply.sh puts $(series_dir_name) on the Linux $(line_version) git checkout as commits" apply_series_git || return 1
	expect "one commit per patch in $(series_dir_name)" \
		[ "$(git -C "$GTREE" rev-list --count pristine..HEAD)" == "$(series_patches "$(line_series "$(cur_line)")" | wc -l)" ]
	expect "the git checkout is clean after git am" \
		[ -z "$(git -C "$GTREE" status --porcelain --untracked-files=all)" ]
}

stage_export() {
	needs apply_git || return 1
	expect "scripts/export.sh --line $(cur_line) reproduces $(series_dir_name) and its series byte for byte" \
		"$OSC_TOP/scripts/export.sh" --check --line "$(cur_line)" "$GTREE"
	expect "MAINTAINERS: our entry is where scripts/parse-maintainers.pl sorts it" maintainers_sorted
}

# section_neighbours FILE: our MAINTAINERS section's name, with the names
# of the sections before and after it
section_neighbours() {
	awk 'prev == "" && /^[^ \t]/ && !/^[A-Z]:\t/ { print } { prev = $0 }' "$1" |
		grep -x -B1 -A1 'OPERATING SYSTEM CONCEPTS PROCFS SAMPLES'
}

# maintainers_sorted: parse-maintainers.pl's sorted MAINTAINERS has our
# entry between the same two sections as the tree's (the file as a whole
# is not sorted upstream, so only the neighbours are compared)
maintainers_sorted() {
	local sorted=$OUT/MAINTAINERS.sorted mine theirs
	(cd "$OUT" && perl "$GTREE/scripts/parse-maintainers.pl" --input="$GTREE/MAINTAINERS" --output="$sorted" \
		--section="$OUT/MAINTAINERS.section") || return 1
	mine=$(section_neighbours "$GTREE/MAINTAINERS") && theirs=$(section_neighbours "$sorted") || return 1
	say "   $(tr '\n' '|' <<<"$mine")"
	[[ $mine == "$theirs" && $(wc -l <<<"$mine") == 3 ]]
}

# same_code: the new files are byte for byte the same on every line, but
# those that the line's differs file (beside its series) names: they must
# differ, or the entry is stale
stage_same_code() {
	local l id base other path why
	needs apply_git || return 1
	base=$GTREE
	for l in "${OSC_LINES[@]:1}"; do
		id=_${l//./_}
		[[ ${STAGE_OK[apply_git$id]:-1} == 1 ]] || { fail "not run: it needs stage 'apply_git$id', which failed"; continue; }
		other=$(on_line "$l" gtree_path)
		expect "samples/osc_procfs/ and tools/testing/selftests/osc_procfs/ hold the same files on $OSC_BASE_LINE and $l" \
			same_names "$base" "$other" samples/osc_procfs tools/testing/selftests/osc_procfs
		expect "  ... byte for byte$(differs_note "$l")" \
			same_bytes "$base" "$other" "$(differs_file "$l")" samples/osc_procfs tools/testing/selftests/osc_procfs
		while IFS=$'\t' read -r path why; do
			expect "  ... $path differs on $l ($why)" not cmp -s "$base/$path" "$other/$path"
		done < <(differs_of "$l")
	done
}
gtree_path() { echo "$GTREE"; }

# differs_file LINE: the file that names what differs on LINE
differs_file() { echo "$(line_series "$1")differs"; }
# differs_note LINE: what the check of the other files excepts
differs_note() {
	if [[ -f $(differs_file "$1") ]]; then echo ", but what $(line_series_rel "$1")differs names"; else echo " ($(line_series_rel "$1") has no differs file)"; fi
}
# differs_of LINE: its entries, "PATH<tab>WHY" a line
differs_of() { [[ ! -f $(differs_file "$1") ]] || grep -v '^#' "$(differs_file "$1")"; }

# same_names A B DIR...: each DIR holds the same file names under A and B,
# and is not empty
same_names() {
	local a=$1 b=$2 d
	shift 2
	for d in "$@"; do
		[[ -n $(ls -A "$a/$d") ]] && diff <(cd "$a" && find "$d" | sort) <(cd "$b" && find "$d" | sort) || return 1
	done
}

# same_bytes A B DIFFERS DIR...: each file under DIR is the same under A
# and B, but those the file DIFFERS names
same_bytes() {
	local a=$1 b=$2 differs=$3 f bad=0
	shift 3
	while IFS= read -r f; do
		[[ -f $differs ]] && grep -q "^$f"$'\t' "$differs" && continue
		cmp -s "$a/$f" "$b/$f" || { say "       $f differs"; bad=1; }
	done < <(cd "$a" && find "$@" -type f | sort)
	return "$bad"
}
