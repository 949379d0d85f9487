# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The grader's reports, from each submission's result.tsv (written by
# grade/submission.sh); sourced by grade.sh, which sets DIRS, SUBS, KVER,
# ARCH, ALL, KTAP and QUIET.
#   report        text (a row a check) or, with --ktap, KTAP
#   report_json   {"submissions": [...]}
#   report_csv    a row a submission, a column a check, and "notes": the
#                 checks that passed with a note
#   all_passed    every check of every submission passed

US=$'\x1f'

# checks I: submission I's checks, a line each: ID, OK, SEEN (lines
# joined by \x1f), REASON, WHY, HINT (the two for a failure), NOTE (for
# a pass: lines joined by \x1f), "-" for an empty one; with --all, the
# checks of a missing part, failed
checks() {
	local work=${SUBS[$1]} id ok seen reason hint note part c
	if [[ -f $work/result.tsv ]]; then
		while IFS=$'\t' read -r id ok seen reason hint note; do
			[[ $seen != - ]] || seen=''
			[[ $reason != - ]] || reason=''
			[[ $hint != - ]] || hint=$(check_text "$id" "$reason" 4)''
			if ((ok)) || [[ $reason == not_run ]]; then
				printf '%s\t%s\t%s\t%s\t-\t-\t%s\n' "$id" "$ok" "${seen:--}" "${reason:--}" "${note:--}"
			else
				printf '%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$id" "$ok" "${seen:--}" "${reason:--}" \
					"$(check_text "$id" "$reason" 3)" "$hint"
			fi
		done <"$work/result.tsv"
	fi
	((ALL)) || return 0
	for part in "${PARTS[@]}"; do
		grep -q "^$part	" "$work/parts" 2>/dev/null && continue
		for c in ${PART_CHECKS[$part]}; do
			printf '%s.%s\t0\tnot run: no %s.c in the submission\tnot_run\t-\t-\t-\n' "$part" "$c" "$part"
		done
	done
}

# unset_dashes: the fields read from checks, "-" made empty again
unset_dashes() {
	[[ $seen != - ]] || seen=''
	[[ $reason != - ]] || reason=''
	[[ $why != - ]] || why=''
	[[ $hint != - ]] || hint=''
	[[ $note != - ]] || note=''
}

# lines PREFIX TEXT: TEXT's \x1f-separated lines, each after PREFIX
lines() {
	local IFS=$US l
	for l in $2; do printf '%s%s\n' "$1" "$l"; done
}

# flush_not_run: the checks held back as not run, in one row
flush_not_run() {
	((${#held[@]})) || return 0
	if ((${#held[@]} == 1)); then
		say "  FAIL  ${held[0]}"
	else
		say "  FAIL  ${held[0]} ... ${held[-1]} (${#held[@]} checks)"
	fi
	lines "          " "$held_seen"
	held=()
}

# report_text_one I: submission I's rows; the checks that did not run
# for one reason share a row
report_text_one() {
	local i=$1 s id ok seen reason why hint note held=() held_seen=
	s=$(score "$i")
	if [[ $(cat "${SUBS[i]}/status") == 2 ]]; then
		say "== ${DIRS[i]}: no module of the lab found (looked for simple.c, hello.c, jiffies.c, seconds.c, and .c files that create /proc/hello, /proc/jiffies or /proc/seconds)"
		((ALL == 0)) || say "Score: 0/${s#* }"
		return
	fi
	if ((QUIET)); then
		say "${DIRS[i]}: ${s% *}/${s#* }"
		return
	fi
	say "== ${DIRS[i]}: Linux $KVER $ARCH, $(cat "${SUBS[i]}/guests" 2>/dev/null || echo 0) guest(s), $(cat "${SUBS[i]}/seconds") s"
	sed 's/^\([a-z]*\)\t/   \1 from /' "${SUBS[i]}/parts"
	while IFS=$'\t' read -r id ok seen reason why hint note; do
		unset_dashes
		if [[ $reason == not_run && (${#held[@]} == 0 || $seen == "$held_seen") ]]; then
			held+=("$id") held_seen=$seen
			continue
		fi
		flush_not_run
		if [[ $reason == not_run ]]; then
			held=("$id") held_seen=$seen
			continue
		fi
		if ((ok)) && [[ -n $note ]]; then
			say "  note  $id"
			lines "          note: " "$note"
			continue
		elif ((ok)); then
			say "  ok    $id"
			continue
		fi
		say "  FAIL  $id"
		lines "          seen: " "$seen"
		[[ -z $why ]] || say "          why:  $why"
		[[ -z $hint ]] || say "          hint: $hint"
	done < <(checks "$i")
	flush_not_run
	say "Score: ${s% *}/${s#* }"
}

report_ktap() {
	local i n id ok seen reason why hint note k
	say "KTAP version 1"
	say "1..${#DIRS[@]}"
	for i in "${!DIRS[@]}"; do
		say "  KTAP version 1"
		say "  # Subtest: ${DIRS[i]}"
		say "  1..$(checks "$i" | wc -l)"
		n=0
		while IFS=$'\t' read -r id ok seen reason why hint note; do
			unset_dashes
			n=$((n + 1))
			if ((ok)); then say "  ok $n $id"; else say "  not ok $n $id"; fi
			((ok)) || lines "  # " "$seen"
			lines "  # note: " "$note"
		done < <(checks "$i")
		k=$(score "$i")
		if [[ $(cat "${SUBS[i]}/status") == 0 && ${k% *} == "${k#* }" ]]; then
			say "ok $((i + 1)) ${DIRS[i]}"
		else
			say "not ok $((i + 1)) ${DIRS[i]} # ${k% *}/${k#* }"
		fi
	done
}

report() {
	local i
	if ((KTAP)); then
		report_ktap
		return
	fi
	for i in "${!DIRS[@]}"; do report_text_one "$i"; done
}

report_json() {
	local i s
	for i in "${!DIRS[@]}"; do
		s=$(score "$i")
		checks "$i" | jq -R -s --arg dir "${DIRS[i]}" --arg kernel "$KVER" --arg arch "$ARCH" \
			--argjson score "${s% *}" --argjson total "${s#* }" \
			--argjson seconds "$(cat "${SUBS[i]}/seconds")" --arg isolation "${GRADE_SANDBOX:-}" \
			--argjson found "$([[ $(cat "${SUBS[i]}/status") == 2 ]] && echo false || echo true)" '
			{dir: $dir, kernel: $kernel, arch: $arch, score: $score, total: $total,
			 seconds: $seconds, build_isolation: $isolation}
			+ (if $found then {} else {error: "no module of the lab found"} end)
			+ {checks: [split("\n")[] | select(length > 0) | split("\t") |
				map(if . == "-" then "" else . end) |
				{id: .[0], ok: (.[1] == "1"),
				 status: (if .[1] != "1" then "fail" elif .[6] != "" then "note" else "ok" end),
				 seen: (.[2] | split("\u001f") | join("\n"))}
				+ (if .[1] == "1" then {} else {why: .[4], hint: .[5]} end)
				+ (if .[6] != "" then {note: (.[6] | split("\u001f") | join("\n"))} else {} end)]}'
	done | jq -s '{submissions: .}'
}

# csv_field TEXT: TEXT quoted for CSV
csv_field() { printf '"%s"' "${1//\"/\"\"}"; }

report_csv() {
	local i part c ids=() id s row
	for part in "${PARTS[@]}"; do
		for c in ${PART_CHECKS[$part]}; do ids+=("$part.$c"); done
	done
	(IFS=,; echo "dir,kernel,arch,score,total,seconds,${ids[*]},notes")
	for i in "${!DIRS[@]}"; do
		s=$(score "$i")
		local -A v=()
		local notes=() note
		while IFS=$'\t' read -r id c _ _ _ _ note; do
			v[$id]=$c
			[[ $note == - ]] || notes+=("$id")
		done < <(checks "$i")
		row="$(csv_field "${DIRS[i]}"),$KVER,$ARCH,${s% *},${s#* },$(cat "${SUBS[i]}/seconds")"
		for id in "${ids[@]}"; do row+=",${v[$id]:-}"; done
		echo "$row,$(csv_field "${notes[*]}")"
		unset v
	done
}

all_passed() {
	local i s
	for i in "${!DIRS[@]}"; do
		s=$(score "$i")
		[[ $(cat "${SUBS[i]}/status") == 0 && ${s% *} == "${s#* }" ]] || return 1
	done
}
