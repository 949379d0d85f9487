# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its regexes are for the files that source it
# KTAP, the kernel's test output format, read and written for the test
# suite: guest_checks, which counts the guest's results as checks, and the
# runner's own plan and result lines (ktap_plan, ktap_result). The regexes
# and the reader they share with bench/ are scripts/ktap.sh's.
# shellcheck source=scripts/ktap.sh
. "$OSC_TOP/scripts/ktap.sh"

# guest_checks LOG [debug]: read the guest's KTAP: each result line of
# the scenario is a check, counted here; a failed one is shown with the
# failed results nested under it (the selftest's). Then the console log's
# verdict (a debug kernel's: guest/log-verdict.awk). Fails when any of
# them failed.
guest_checks() {
	local log=$1 kind=${2:-} line n=0 num what f0=$FAILED nested=()
	while IFS= read -r line; do
		case $line in
		"$KTAP_INDENT"not\ ok\ *) nested+=("${line#"$KTAP_INDENT"}") && continue ;;
		"$KTAP_INDENT"*) continue ;;
		esac
		n=$((n + 1))
		what=${line#ok } && what=${what#not ok }
		num=${what%% *} what=${what#* }
		if [[ $num != "$n" ]]; then
			fail "guest: KTAP result $num where $n was due: a result is missing or out of order"
			if [[ $num != *[!0-9]* ]]; then n=$num; fi
		fi
		if [[ $line == ok* ]]; then
			ok "guest: $what"
		else
			fail "guest: $what"
			((${#nested[@]} == 0)) || printf '         %s\n' "${nested[@]}"
		fi
		nested=()
	done < <(ktap_results "$log")
	expect "the guest reported in KTAP and ran its checks ($n)" \
		[ "$n" -gt 0 -a "$(tr -d '\r' <"$log" | grep -acxF "$KTAP_VERSION")" -gt 0 ]
	expect "the guest scenario ran to its end (exit 0)" grep -aq '^osc-guest: scenario exit 0' "$log"
	if [[ $kind == debug ]]; then
		expect "the console log: no BUG, WARNING, KASAN, lock report or Oops; stack traces only of injected allocation failures" \
			awk -f "$OSC_TOP/guest/log-verdict.awk" "$log"
	else
		expect "the console log has no BUG, WARNING, Oops or Call Trace" log_clean "$log"
	fi
	((FAILED == f0))
}

# ktap_plan N: the runner's plan, N stages
ktap_plan() {
	say "$KTAP_VERSION"
	say "1..$1"
}

# ktap_result PASSED N NAME [DIRECTIVE]: the runner's result line of
# stage N, NAME: "ok N NAME" when PASSED is 1, else "not ok N NAME";
# DIRECTIVE (SKIP) after a "# "
ktap_result() {
	say "$( (($1)) || echo "not ")ok $2 $3${4:+ # $4}"
}
