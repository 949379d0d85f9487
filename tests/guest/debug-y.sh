#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the debug run with the options built in (=y): the
# selftest passes under KASAN, lockdep and the rest, and the log is clean.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=scripts/guest/lib.sh
. /lib.sh

check "KASAN is active" in_dmesg "KernelAddressSanitizer initialized"
check "the three /proc entries are present at boot" all_present $OSC_FILES
check "osc_simple's load lines are in the boot log" \
	in_dmesg "osc_simple: GOLDEN_RATIO_PRIME = 7046029254386353131"
check "the selftest passes with nothing skipped" selftest_ok any 0
check "lockdep is still active" grep -q "debug_locks: *1" /proc/lockdep_stats
check "the kernel log has no BUG, WARNING, KASAN, lock report, Oops or Call Trace" debug_log_clean
