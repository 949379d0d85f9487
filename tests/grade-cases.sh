# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The grader tested: the stage grade of tests/run.sh, which sources this
# file (it uses tests/lib/check.sh and ktap.sh). ./grade.sh grades the
# corpus of tests/grade/ (its README says what each submission is) on the
# kernel demo of ./kernels, make demo's, with no test key (built here
# first, after build_m); each submission's checks are
# held to its file "expected". OSC_GRADE_CASES names a few of them
# instead (the mutations stage grades proc_ops alone).

GC_MARK=/tmp/osc-grade-makefile-ran
# the secret the corpus' hostile submissions reach for, made at each run
# (GC_SECRET_TEXT), and the correct files planted beside it to borrow
GC_SECRET=/tmp/osc-grade-secret GC_BORROWED=/tmp/osc-grade-borrowed GC_SECRET_TEXT=''
# the hostile submissions that reach for a file outside themselves; the
# ones that must be judged within a time, and that time in seconds
GC_REACH=(hostile_computed hostile_split hostile_digraph hostile_symlink hostile_incbin hostile_borrow)
declare -A GC_WITHIN=([hostile_bombs]=120 [hostile_flood]=60 [hostile_init_hang]=60 [hostile_slow]=75)
# the batch's budget a submission (hostile_slow runs it out)
GC_BUDGET=60

# gc_cases: the corpus' submissions to grade, as directories
gc_cases() {
	local c
	if [[ -n ${OSC_GRADE_CASES:-} ]]; then
		for c in $OSC_GRADE_CASES; do echo "tests/grade/$c"; done
	else
		(cd "$OSC_TOP" && find tests/grade -mindepth 2 -maxdepth 2 -name expected -printf '%h\n' | sort)
	fi
}

# gc_expected CASE ID: what CASE's file "expected" says of check ID: 1
# (pass) or 0 (fail); the last fail or pass line with a matching
# pattern decides, and pass is the default
gc_expected() {
	local kind pats p want=1
	while read -r kind pats; do
		[[ $kind == pass || $kind == fail ]] || continue
		for p in $pats; do
			# shellcheck disable=SC2053 # p is a pattern
			[[ $2 == $p ]] || continue
			if [[ $kind == pass ]]; then want=1; else want=0; fi
		done
	done < <(set -f && cat "$OSC_TOP/$1/expected")
	echo "$want"
}

# gc_json_checks CASE: CASE's checks in the JSON report, "ID OK" a line
gc_json_checks() {
	jq -r --arg dir "$1" '.submissions[] | select(.dir == $dir) | .checks[] | "\(.id) \(.ok)"' "$GC_JSON"
}

# gc_verdicts CASE: every check of CASE got the verdict its file
# "expected" names; the ones that did not are shown
gc_verdicts() {
	local id ok want bad=0
	while read -r id ok; do
		want=$(gc_expected "$1" "$id")
		[[ $ok == true ]] && ok=1 || ok=0
		[[ $ok != "$want" ]] || continue
		say "       $id: $( ((ok)) && echo passed || echo failed), where $1/expected says it must $( ((want)) && echo pass || echo fail)"
		gc_field "$1" "$id" seen | sed 's/^/         seen: /'
		bad=1
	done < <(gc_json_checks "$1")
	return "$bad"
}

# gc_field CASE ID FIELD: a field (seen, hint) of check ID of CASE
gc_field() {
	jq -r --arg dir "$1" --arg id "$2" --arg f "$3" '.submissions[] | select(.dir == $dir) | .checks[] |
		select(.id == $id) | .[$f] // ""' "$GC_JSON"
}

# gc_matches CASE ID FIELD REGEX: that field of check ID matches REGEX
gc_matches() {
	gc_field "$1" "$2" "$3" | grep -qE -- "$4" && return 0
	say "       $1 $2's $3:"
	gc_field "$1" "$2" "$3" | sed 's/^/         | /'
	return 1
}

# gc_no_notes CASE: no check of CASE has a note; the ones that do are shown
gc_no_notes() {
	local with
	with=$(jq -r --arg dir "$1" '.submissions[] | select(.dir == $dir) | .checks[] | select(.note) |
		"\(.id): \(.note)"' "$GC_JSON")
	[[ -z $with ]] && return 0
	say "       notes where none belong:"
	printf '%s\n' "$with" | sed 's/^/         | /'
	return 1
}

# gc_graded CASE: CASE is in the report, with checks
gc_graded() {
	jq -e --arg dir "$1" '[.submissions[] | select(.dir == $dir) | .checks[]] | length > 0' "$GC_JSON" >/dev/null
}

# gc_score_line CASE: CASE's block of the text report ends with its
# score, as the JSON report counts it
gc_score_line() {
	local want
	want=$(jq -r --arg dir "$1" '.submissions[] | select(.dir == $dir) | "Score: \(.score)/\(.total)"' "$GC_JSON")
	awk -v c="== $1: " -v want="$want" 'index($0, c) == 1 { on = 1; next }
		on && /^== / { exit }
		on && /^Score: / { last = $0 }
		END { exit last != want }' "$GC_TEXT"
}

# gc_refused: a DIR that does not exist: exit 2, and the message says so
gc_refused() {
	local rc=0 out
	out=$("$OSC_TOP/grade.sh" "$OSC_TOP/tests/grade/no-such-submission" 2>&1) || rc=$?
	((rc == 2)) && grep -q 'is not a directory' <<<"$out" && return 0
	say "       exit $rc: $out"
	return 1
}

# gc_plant: the secret, readable by root only as an SSH key is, with
# text made now (an identifier, so that a compiler error would show it),
# and a correct jiffies.c beside it to borrow
gc_plant() {
	GC_SECRET_TEXT=osc_secret_$(openssl rand -hex 16)
	rm -rf "$GC_SECRET" "$GC_BORROWED" && (umask 077 && printf '%s\n' "$GC_SECRET_TEXT" >"$GC_SECRET") &&
		mkdir -p "$GC_BORROWED" && cp "$OSC_TOP/tests/grade/correct/jiffies.c" "$GC_BORROWED/"
}

gc_unplant() { rm -rf "$GC_SECRET" "$GC_BORROWED"; }

# gc_no_secret PATH...: the secret's text is in no file of PATHs (binary
# files too: a module or a console log)
gc_no_secret() {
	local rc=0 hits
	hits=$(grep -rlaF -- "$GC_SECRET_TEXT" "$@") || rc=$?
	((rc == 1)) && return 0
	if ((rc == 0)); then say "       the secret is in: ${hits//$'\n'/ }"; else say "       grep failed (exit $rc)"; fi
	return 1
}

# gc_earns_nothing CASE: CASE scored 0
gc_earns_nothing() {
	jq -e --arg dir "$1" '.submissions[] | select(.dir == $dir) | .score == 0' "$GC_JSON" >/dev/null && return 0
	say "       $1 scored $(jq -r --arg dir "$1" '.submissions[] | select(.dir == $dir) | "\(.score)/\(.total)"' "$GC_JSON")"
	return 1
}

# gc_within CASE S: CASE was judged in at most S seconds
gc_within() {
	jq -e --arg dir "$1" --argjson s "$2" '.submissions[] | select(.dir == $dir) | .seconds <= $s' "$GC_JSON" >/dev/null &&
		return 0
	say "       $1 took $(jq -r --arg dir "$1" '.submissions[] | select(.dir == $dir) | .seconds' "$GC_JSON") s"
	return 1
}

# gc_isolated: the batch's header says how its builds were isolated
gc_isolated() { grep -qE '^build (isolated with bubblewrap|NOT isolated from the host.s files)' "$GC_TEXT.err"; }

# gc_untrusted: with no way to isolate a build (OSC_GRADE_SANDBOX=none),
# grade.sh refuses to grade without --trust: exit 2, and says what to do
gc_untrusted() {
	local rc=0 out
	out=$(cd "$OSC_TOP" && OSC_GRADE_SANDBOX=none ./grade.sh tests/grade/hostile_computed 2>&1) || rc=$?
	((rc == 2)) && grep -q -- '--trust' <<<"$out" && grep -q 'apt-get install bubblewrap' <<<"$out" && return 0
	say "       exit $rc: $(tail -n 3 <<<"$out")"
	return 1
}

# gc_hostile REACH...: the hostile submissions that reach outside
# themselves: each earned nothing, and the secret is in no report of the
# batch, no kept file, nor the KTAP of a run of them alone
gc_hostile() {
	local c ktap=$OUT/grade/hostile.ktap keep=$OUT/grade/hostile-keep rc=0
	for c in "$@"; do
		expect "$c: it earned nothing from what it reached for" gc_earns_nothing "$c"
	done
	expect "the secret is in no report of the batch: text, JSON, CSV, --keep's files" \
		gc_no_secret "$GC_TEXT" "$GC_TEXT.err" "$GC_JSON" "$GC_CSV" "$GC_KEEP"
	rm -rf "$keep"
	(cd "$OSC_TOP" && ./grade.sh --ktap --keep "$keep" "$@") >"$ktap" 2>"$ktap.err" || rc=$?
	expect "the hostile submissions alone, in KTAP, exit 1 (exit $rc)" [ "$rc" = 1 ]
	expect "  ... the secret is in neither their KTAP nor their kept files" gc_no_secret "$ktap" "$ktap.err" "$keep"
}

# gc_case CASE: the checks of one submission of the corpus
gc_case() {
	local c=$1 id re
	if [[ $(basename "$c") == empty ]]; then
		# shellcheck disable=SC2016 # jq's own variables
		expect "$c: no module found, said so in the report" \
			jq -e --arg dir "$c" '.submissions[] | select(.dir == $dir) | .error == "no module of the lab found" and .total == 0' "$GC_JSON" >/dev/null
		expect "$c: the text says no module of the lab was found in it" grep -q "^== $c: no module of the lab found" "$GC_TEXT"
		return
	fi
	expect "$c: graded, with its checks in the JSON report" gc_graded "$c" || return 0
	expect "$c: every check as $c/expected says" gc_verdicts "$c"
	expect "$c: its block of the text report ends with its score" gc_score_line "$c"
	while read -r f id re; do
		expect "$c: $id's $f matches /$re/" gc_matches "$c" "$id" "$f" "$re"
	done < <(grep -E '^(seen|hint|note) ' "$OSC_TOP/$c/expected" || :)
	! grep -qx 'no_notes' "$OSC_TOP/$c/expected" ||
		expect "$c: no check carries a note (every passing row is a plain ok)" gc_no_notes "$c"
	[[ -z ${GC_WITHIN[${c##*/}]:-} ]] ||
		expect "$c: judged within ${GC_WITHIN[${c##*/}]} s" gc_within "$c" "${GC_WITHIN[${c##*/}]}"
}

# gc_ktap: the KTAP report has a plan line and a result a submission,
# each with its own plan and results nested
gc_ktap() {
	local n=$1
	[[ $(head -n 1 "$GC_KTAP") == "$KTAP_VERSION" && $(sed -n 2p "$GC_KTAP") == "1..$n" ]] &&
		(($(grep -cE "^$KTAP_RESULT" "$GC_KTAP") == n)) &&
		(($(grep -cE "^$KTAP_INDENT$KTAP_PLAN" "$GC_KTAP") == n))
}

# gc_broken_kit: the kit with its kernel replaced by junk grades nothing:
# exit 2, and the message says the guest did not start
gc_broken_kit() {
	local kit=$OUT/grade/kit-broken rc=0 out
	rm -rf "$kit" && cp -r "$OUT/grade/kit" "$kit" && echo junk >"$kit/$(sed -n "s/^IMAGE=//p" "$kit/facts")"
	out=$(cd "$OSC_TOP" && ./grade.sh --kit "$kit" tests/grade/correct 2>&1) || rc=$?
	rm -rf "$kit"
	((rc == 2)) && grep -q 'did not start its scenario' <<<"$out" && return 0
	say "       exit $rc: $(tail -n 3 <<<"$out")"
	return 1
}

# gc_on_line LINE: grade.sh --line LINE grades the correct submission on
# that line's kernel, every check passing
gc_on_line() {
	local rc=0 out
	out=$(cd "$OSC_TOP" && ./grade.sh --line "$1" tests/grade/correct 2>&1) || rc=$?
	((rc == 0)) && grep -q "^== tests/grade/correct: Linux $1\.[0-9]" <<<"$out" && return 0
	say "       exit $rc:"
	grep -E '^(== |  FAIL|          seen|Score|grade.sh)' <<<"$out" | head -n 12 | sed 's/^/       | /'
	return 1
}

# stage grade_lines: the grader on each backport line's =m kernel
stage_grade_lines() {
	local l
	for l in "${OSC_LINES[@]:1}"; do
		needs "build_m_${l//./_}" || continue
		expect "grade.sh --line $l: the correct submission, graded on Linux $l, passes every check" gc_on_line "$l"
	done
}

gc_ktap_ok() { ! grep -q "^${KTAP_INDENT}not ok" "$GC_KTAP" && grep -qx 'ok 1 tests/grade/correct' "$GC_KTAP"; }

# gc_csv N: the CSV has a header and N rows, each with as many fields
gc_csv() {
	awk -F, -v n="$1" 'NR == 1 { f = NF } NF != f { bad = 1 } END { exit bad || NR != n + 1 }' "$GC_CSV"
}

stage_grade() {
	local cases=() c rc=0
	needs build_m || return 1
	expect "build the kernel demo of ./kernels, the demo's and the grader's" build_mode demo || return 1
	expect "  ... it carries no test key: CONFIG_MODULE_SIG is not set" \
		[ "$(config_state demo MODULE_SIG)" = n ]
	mapfile -t cases < <(gc_cases)
	GC_JSON=$OUT/grade/corpus.json GC_CSV=$OUT/grade/corpus.csv GC_KTAP=$OUT/grade/correct.ktap
	GC_TEXT=$OUT/grade/corpus.txt GC_KEEP=$OUT/grade/corpus-keep
	mkdir -p "$OUT/grade" && rm -f "$GC_MARK" && rm -rf "$GC_KEEP"
	expect "grade.sh refuses a DIR that does not exist: exit 2, and says why" gc_refused
	expect "grade.sh refuses to grade where no build can be isolated, unless --trust" gc_untrusted
	expect "plant a secret ($GC_SECRET) and a correct jiffies.c ($GC_BORROWED) outside every submission" gc_plant ||
		return 1
	# the batch, as a teacher runs it
	(cd "$OSC_TOP" && ./grade.sh -j "$OSC_JOBS" --budget "$GC_BUDGET" --keep "$GC_KEEP" --json "$GC_JSON" --csv "$GC_CSV" \
		"${cases[@]}") >"$GC_TEXT" 2>"$GC_TEXT.err" || rc=$?
	sed 's/^/       /' "$GC_TEXT.err"
	expect "the batch of ${#cases[@]} exits 1: some of its checks fail (exit $rc)" [ "$rc" = 1 ]
	expect "  ... its header says how the builds were isolated" gc_isolated
	# shellcheck disable=SC2016 # jq's own variables
	expect "the JSON report has the ${#cases[@]} submissions" \
		jq -e --argjson n "${#cases[@]}" '.submissions | length == $n' "$GC_JSON" >/dev/null || return 1
	expect "the CSV has a header and a row a submission, all as wide" gc_csv "${#cases[@]}"
	for c in "${cases[@]}"; do gc_case "$c"; done
	local reach=()
	for c in "${GC_REACH[@]}"; do
		[[ " ${cases[*]} " != *" tests/grade/$c "* ]] || reach+=("tests/grade/$c")
	done
	((${#reach[@]} == 0)) || gc_hostile "${reach[@]}"
	gc_unplant
	[[ " ${cases[*]} " != *" tests/grade/evil_makefile "* ]] ||
		expect "the submission's Makefile never ran ($GC_MARK is not there)" [ ! -e "$GC_MARK" ]
	[[ " ${cases[*]} " == *" tests/grade/correct "* ]] || return 0
	# the correct submission alone, as a CI job would grade it: with a
	# kit, in KTAP
	rm -rf "$OUT/grade/kit"
	expect "--make-kit writes a grading kit" "$OSC_TOP/grade.sh" --make-kit "$OUT/grade/kit" || return 1
	rc=0
	(cd "$OSC_TOP" && ./grade.sh --kit "$OUT/grade/kit" --ktap tests/grade/correct) >"$GC_KTAP" 2>"$GC_KTAP.err" || rc=$?
	expect "the correct submission alone, graded with the kit, exits 0 (exit $rc)" [ "$rc" = 0 ]
	expect "--ktap: a plan line, and the submission's own plan and results nested" gc_ktap 1
	expect "--ktap: every nested result is ok, and so is the submission" gc_ktap_ok
	expect "a kit whose kernel does not boot: exit 2, the grader's error, said so" gc_broken_kit
}
