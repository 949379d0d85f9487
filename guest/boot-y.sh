#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the four options built into the kernel (=y). The files
# are there from boot, osc_simple's lines are in the boot log.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

check "the three /proc entries are present at boot" all_present $OSC_FILES
check "osc_simple's load lines are in the boot log" \
	in_dmesg "osc_simple: GOLDEN_RATIO_PRIME = $GOLDEN_RATIO_PRIME"
check "osc_simple logged HZ = $OSC_PROCFS_HZ at boot" \
	in_dmesg "osc_simple: HZ = $OSC_PROCFS_HZ, jiffies = [0-9]"
check "built in, no osc_ module is listed" none_listed
check "/proc/seconds counts from boot, not beyond uptime" seconds_within_uptime
check "the selftest passes with nothing skipped" selftest_ok any 0
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
