# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The stage menuconfig: make menuconfig, driven in tmux by
# tests/menuconfig.sh, finds each of our options where a student looks
# and shows its help. Sourced by tests/run.sh.

stage_menuconfig() {
	needs build_m || return 1
	local opt opts dir=$OUT/menuconfig first
	mapfile -t opts < <(kconfig_symbols)
	expect "make menuconfig runs in tmux and finds our options" \
		"$OSC_TOP/tests/menuconfig.sh" "$GTREE" "$BUILD" "$OUT/m/.config" "$dir" || return 1
	for opt in "${opts[@]}"; do
		expect "menuconfig: searching $opt shows it under Kernel hacking -> Sample kernel code" \
			has_all "$dir/$opt.search" "Location:" "-> Kernel hacking" "-> Sample kernel code"
		first=$(help_first_line "$opt")
		expect "menuconfig: $opt's help shows \"$first\"" \
			grep -qF "$first" "$dir/$opt.help"
	done
}

# help_first_line SYMBOL: the first line of SYMBOL's help in Kconfig.snippet
help_first_line() {
	awk -v sym="$1" '$2 == sym { found = 1 } found && /^\thelp$/ { getline; sub(/^\t  /, ""); print; exit }' \
		"$OSC_TOP/Kconfig.snippet"
}
