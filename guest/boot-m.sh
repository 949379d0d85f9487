#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the four options built as modules (=m). Load each one,
# check the files and the log, run the selftest, unload, check it is gone.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

for m in $OSC_MODULES; do
	check "insmod $m" insmod "$MODDIR/$m.ko"
	check "lsmod lists $m" is_listed "$m"
done
check "osc_simple logged that it loaded" in_dmesg "osc_simple: loaded"
check "osc_simple logged GOLDEN_RATIO_PRIME" \
	in_dmesg "osc_simple: GOLDEN_RATIO_PRIME = $GOLDEN_RATIO_PRIME"
check "osc_simple logged HZ = $OSC_PROCFS_HZ and jiffies" \
	in_dmesg "osc_simple: HZ = $OSC_PROCFS_HZ, jiffies = [0-9]"
for f in $OSC_PROC_NAMES; do
	check "osc_$f logged that it created /proc/$f" \
		in_dmesg "osc_$f: created /proc/$f"
done
check "the selftest passes with nothing skipped" selftest_ok any 0

rmmod_all
check "osc_simple logged gcd(3300, 24) = 12 on unload" \
	in_dmesg "osc_simple: gcd(3300, 24) = 12"
check "osc_simple logged how long it was loaded" \
	in_dmesg "osc_simple: jiffies = [0-9]*, loaded for [0-9]* ms"
check "osc_simple logged that it unloaded" in_dmesg "osc_simple: unloaded"
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
