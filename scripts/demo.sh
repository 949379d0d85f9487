#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: install what is needed, unpack the base kernel line into the
# cache, apply the series with apply.sh, build our options as modules,
# boot the kernel under QEMU and show the modules at work.
#
#   scripts/demo.sh        (or: make demo)
#   KERNEL_SRC=/path/to/linux-7.3 scripts/demo.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"

show_session() {
	sed -n '/^===== osc_procfs demo/,/^===== end of demo/p' "$1" | tr -d '\r'
}

main() {
	local t0 log
	t0=$(now_s)
	"$OSC_TOP/scripts/deps.sh"
	prepare_and_build demo
	log=$OUT/demo.log
	step "boot under qemu-system-x86_64 (TCG)" boot_mode demo "$OSC_TOP/guest/demo.sh" "$log" loglevel=4
	show_session "$log"
	say
	say "demo done in $(elapsed "$t0") s. The whole console log: $log"
	say "Next: read README.md, or run the tests with 'make check'."
}

with_lock main
