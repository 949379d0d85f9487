# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the runner and the stages
# The one check vocabulary of the test suite: a stage (tests/stages/, and
# the stages of tests/apply-cases.sh, tests/mutations.sh and
# tests/grade-cases.sh) says each result with ok, fail or skip, or with
# expect around a command; needs ends a stage whose prerequisite failed.
# Each check prints one line ("  ok   WHAT", "  FAIL WHAT", "  SKIP WHAT")
# and writes one word to RESULTS, from which tests/run.sh, the runner,
# counts the stage's checks (check_tally): a stage runs in a subshell, so
# its counters do not reach the runner.

# PASSED, FAILED, SKIPPED: the checks so far. In a stage's subshell they
# count from the runner's totals, so that a stage can tell whether one of
# its checks failed (FAILED against what it was when the stage began).
PASSED=0 FAILED=0 SKIPPED=0
# RESULTS: the file the running stage's checks are tallied in, a word a
# check (ok, FAIL, SKIP); set by the runner
RESULTS=''
# STAGE_OK[STAGE]: 1 when STAGE ran and passed, 0 when it failed (the
# runner sets it); SUFFIX: while a stage runs on a backport line, the
# line's suffix (_6_12), which needs adds to the stages it names
declare -A STAGE_OK=()
SUFFIX=''

# ok WHAT: a check that passed
ok() {
	PASSED=$((PASSED + 1))
	echo ok >>"$RESULTS"
	say "  ok   $*"
}

# fail WHAT: a check that failed; the stage and the run fail with it
fail() {
	FAILED=$((FAILED + 1))
	echo FAIL >>"$RESULTS"
	say "  FAIL $*"
}

# skip WHAT: checks that could not run here, said so, counted apart (not
# as passed, not as failed)
skip() {
	echo SKIP >>"$RESULTS"
	say "  SKIP $*"
}

# expect WHAT CMD...: one check; returns CMD's success or failure
expect() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
	else
		fail "$what"
		return 1
	fi
}

# needs STAGE...: a stage cannot run when one it builds on failed (the
# stages named without the line's suffix; a stage not run counts as passed)
needs() {
	local s
	for s in "$@"; do
		s+=$SUFFIX
		[[ ${STAGE_OK[$s]:-1} == 1 ]] && continue
		fail "not run: it needs stage '$s', which failed"
		return 1
	done
}

# check_tally FILE: the checks tallied in FILE, as "OK FAILED SKIPPED"
check_tally() {
	awk '/^ok$/ { o++ } /^FAIL$/ { f++ } /^SKIP$/ { s++ } END { print o + 0, f + 0, s + 0 }' "$1"
}

# Predicates that checks give expect, shared by the stages:

# not CMD...: CMD fails
not() { ! "$@"; }

# has_all FILE TEXT...: FILE holds each TEXT (fixed strings)
has_all() {
	local f=$1 s
	shift
	for s in "$@"; do grep -qF -- "$s" "$f" || return 1; done
}
