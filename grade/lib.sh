# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# The grader's facts, for grade.sh and grade/submission.sh; sourced.
#   PARTS               the parts of the lab, in order (grade/parts)
#   PART_CHECKS[PART]   its checks, in order
#   check_text ID REASON FIELD   the why (FIELD 3) or hint (4) of a
#                       failed check (grade/checks.tsv)
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

PARTS=()
declare -gA PART_CHECKS=()
while read -r _part _checks; do
	[[ -n $_part && $_part != \#* ]] || continue
	PARTS+=("$_part")
	PART_CHECKS[$_part]=$_checks
done <"$OSC_TOP/grade/parts"
unset _part _checks

# check_text ID REASON FIELD: the most specific row of grade/checks.tsv:
# the id and reason, the name and reason, "*" and the reason, the id,
# the name
check_text() {
	local id=$1 reason=${2:--} name=${1#*.}
	awk -F'\t' -v id="$id" -v name="$name" -v reason="$reason" -v f="$3" '
		/^#/ { next }
		$1 == id && $2 == reason { r[1] = $f }
		$1 == name && $2 == reason { r[2] = $f }
		$1 == "*" && $2 == reason { r[3] = $f }
		$1 == id && $2 == "-" { r[4] = $f }
		$1 == name && $2 == "-" { r[5] = $f }
		END { for (i = 1; i <= 5; i++) if (i in r) { print r[i]; exit } }' "$OSC_TOP/grade/checks.tsv"
}
