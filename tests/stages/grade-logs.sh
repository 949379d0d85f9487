# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2031 # gl_read's subshell sources scripts/lib.sh, which sets OSC_TOP as it was
# The stage grade_logs: the grader's reader of a guest's console
# (read_console in grade/submission.sh) on recorded consoles, in
# seconds, no kernel booted. Each folder of tests/grade-logs/ is one
# guest of a real grading run, or one made from it:
#   console.log   the console, as scripts/boot.sh wrote it
#   boot-status   boot.sh's exit status (123 flood, 124 budget, 125 idle)
#   parts         the parts that guest graded, built
#   expected      "ID OK REASON" a check, what the reader must make of it
# Sourced by tests/run.sh.

# gl_read DIR: in a subshell of the caller's, grade/submission.sh's
# state after reading DIR's console: its parts built, read_console run
gl_read() {
	local p parts=()
	# shellcheck source=grade/submission.sh
	. "$OSC_TOP/grade/submission.sh"
	WORK=$(mktemp -d) BOOT_RC=$(cat "$1/boot-status")
	read -ra parts <"$1/parts"
	for p in "${parts[@]}"; do
		FILE[$p]=$p.c
		record "$p.build" 1 ''
	done
	read_console "$1/console.log"
}

# gl_verdicts DIR: "ID OK REASON" of every check of DIR's parts, as the
# grader reads DIR/console.log
gl_verdicts() (
	gl_read "$1"
	[[ ! -f $WORK/error ]] || { cat "$WORK/error"; rm -rf "$WORK"; return 1; }
	fill
	write_results
	cut -f1,2,4 --output-delimiter=' ' "$WORK/result.tsv"
	rm -rf "$WORK"
)

# gl_case DIR: the reader's verdicts on DIR are its expected ones
gl_case() {
	local got
	got=$(gl_verdicts "$1") || { say "       $got"; return 1; }
	diff <(printf '%s\n' "$got") "$1/expected" >/dev/null && return 0
	say "       got (<) and expected (>):"
	diff <(printf '%s\n' "$got") "$1/expected" | sed 's/^/         /'
	return 1
}

# gl_seen DIR ID: what check ID saw, read from DIR
gl_seen() (
	gl_read "$1"
	printf '%s\n' "${SEEN[$2]:-}"
	rm -rf "$WORK"
)

stage_grade_logs() {
	local d
	for d in "$OSC_TOP"/tests/grade-logs/*/; do
		d=${d%/}
		expect "grade_logs $(basename "$d"): the checks read from its console are its expected ones" gl_case "$d"
	done
	expect "grade_logs forged: a kernel line that reads \"# seen: ...\" is not what a check saw" \
		not grep -q forged <(gl_seen "$OSC_TOP/tests/grade-logs/forged" hello.seek)
}
