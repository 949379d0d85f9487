#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What grading costs (make bench runs it after bench/run.sh). Not a
# pass/fail test: it prints a table.
#
#   bench/grade.sh          warm: one submission alone (three runs), and a
#                           class of 20 with -j 2
#   bench/grade.sh --cold   also the time to a first verdict with no kernel
#                           yet: a fresh cache of its own, removed after
#                           (the packages are taken as installed)
#
# The submissions come from the grader's corpus, tests/grade/: alone, the
# correct one (all 55 checks); the class, the corpus' submissions with a
# module (every kind of failure, a crash and a hang among them) taken in
# turn until there are 20. Where the time goes comes from each
# submission's timings (grade/submission.sh): the build of its modules,
# then each guest.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

COLD=0 TMP=''

# graded KEEP: the per-submission timings of a kept run, a line each:
# the submission, its build, its guests (count and seconds)
graded() {
	local i dir
	while IFS=$'\t' read -r i dir; do
		awk -v d="$dir" '$1 == "build" { b = $2 } $1 ~ /^guest/ { g += $2; n++ }
			END { printf "    %-22s build %4.1f s, %d guest(s) %5.1f s\n", d, b, n, g }' "$1/$i/timings"
	done <"$1/index"
}

# timed CMD...: run CMD, print its wall time in seconds
timed() {
	local t0
	t0=$(now_s)
	"$@" >/dev/null 2>&1 || (($? == 1)) || return 1
	elapsed "$t0"
}

alone() {
	local k t
	say "one submission alone (tests/grade/correct, 55 checks), warm:"
	for k in 1 2 3; do
		rm -rf "$TMP/alone$k"
		t=$(timed "$OSC_TOP/grade.sh" --keep "$TMP/alone$k" "$OSC_TOP/tests/grade/correct")
		say "  run $k: $t s"
		graded "$TMP/alone$k" | sed "s|$OSC_TOP/||"
	done
}

# class N: N submissions from the corpus, in TMP/class/NN-NAME
class() {
	local n=$1 cases=() i c
	mapfile -t cases < <(cd "$OSC_TOP/tests/grade" && find . -name '*.c' | cut -d/ -f2 | sort -u)
	rm -rf "$TMP/class" && mkdir -p "$TMP/class"
	for ((i = 0; i < n; i++)); do
		c=${cases[i % ${#cases[@]}]}
		cp -r "$OSC_TOP/tests/grade/$c" "$TMP/class/$(printf '%02d' "$i")-$c"
	done
}

batch() {
	local t
	class 20
	say "a class of 20 (the corpus' submissions with a module, in turn), -j 2, warm:"
	rm -rf "$TMP/batch"
	t=$(timed "$OSC_TOP/grade.sh" -j 2 --keep "$TMP/batch" "$TMP/class"/*)
	say "  all 20: $t s, $(awk -v t="$t" 'BEGIN { printf "%.1f", t / 20 }') s a submission"
	graded "$TMP/batch" | sed "s|$TMP/class/||"
}

cold() {
	local cache t t0
	cache=$(mktemp -d /var/tmp/osc-grade-cold.XXXXXX)
	say "the first verdict with no kernel yet (a fresh cache, $cache):"
	t0=$(now_s)
	OSC_CACHE=$cache "$OSC_TOP/grade.sh" --keep "$TMP/cold" "$OSC_TOP/tests/grade/correct" >"$TMP/cold.log" 2>&1 || :
	t=$(elapsed "$t0")
	grep -E '^>> .*: (done|FAILED)' "$TMP/cold.log" | sed 's/^>> /  /'
	say "  first verdict after $t s: $(grep '^Score: ' "$TMP/cold.log" | tail -n 1)"
	rm -rf "$cache"
}

main() {
	[[ ${1:-} != --cold ]] || COLD=1
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	alone
	say
	batch
	((COLD == 0)) || { say && cold; }
}

main "$@"
