#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Drive "make menuconfig" in tmux the way a student does: for each of our
# options, search for it ("/"), jump to it ("1"), open its help ("?").
# Each screen is saved as text for the test suite to read.
#
#   tests/menuconfig.sh KERNEL_DIR OBJ_DIR CONFIG OUT_DIR
#
# CONFIG is copied; menuconfig never writes to the build's own .config.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

TREE=$1 OBJ=$2 CONFIG=$3 DIR=$4
SESSION=osc-menuconfig-$$

screen_text() { tmux capture-pane -p -t "$SESSION"; }

# wait_for TEXT: until the screen shows TEXT (20 s at most)
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		screen_text | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	warn "menuconfig: timed out waiting for \"$1\"; the screen was:"
	screen_text >&2
	return 1
}

keys() { tmux send-keys -t "$SESSION" "$@"; }

# look_up SYMBOL: search, save the results, jump to it, save its help
look_up() {
	local sym=$1
	keys /
	wait_for "Search Configuration Parameter"
	keys "$sym" Enter
	wait_for "Symbol: $sym "
	screen_text >"$DIR/$sym.search"
	keys 1
	sleep 0.5
	keys '?'
	wait_for "CONFIG_$sym:"
	screen_text >"$DIR/$sym.help"
	keys Enter
	sleep 0.3
}

main() {
	local sym syms
	mapfile -t syms < <(kconfig_symbols)
	mkdir -p "$DIR"
	cp "$CONFIG" "$DIR/config"
	tmux new-session -d -s "$SESSION" -x 160 -y 50 \
		"make -C '$TREE' O='$OBJ' KCONFIG_CONFIG='$DIR/config' menuconfig; sleep 1"
	trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true' EXIT
	wait_for "Kernel Configuration"
	for sym in "${syms[@]}"; do
		look_up "$sym"
	done
	keys Escape Escape
}

main
