#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: Debian's own kernel, booted as it ships, with the four
# modules built out of tree against Debian's headers
# (scripts/out-of-tree.sh). They load, taint the kernel as out-of-tree
# (O) and unsigned (E), and work as the in-tree ones do.
# OSC_KVER on the kernel command line is the release they were built for.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=scripts/guest/lib.sh
. /lib.sh

TAINT_OOT_MODULE=4096      # O: a module built out of tree
TAINT_UNSIGNED_MODULE=8192 # E: a module without a valid signature

tainted() { cat /proc/sys/kernel/tainted; }
# taint_has BIT: the kernel's taint mask has BIT set
taint_has() { [ $(($(tainted) & $1)) -ne 0 ]; }
# listed_oe MODULE: /proc/modules marks MODULE (OE)
listed_oe() { grep "^$1 " /proc/modules | grep -q '(OE)'; }

echo "kernel $(uname -r), tainted $(tainted) before insmod"
check "this is Debian's kernel $OSC_KVER" [ "$(uname -r)" = "$OSC_KVER" ]
check "the kernel is not tainted before our modules" [ "$(tainted)" = 0 ]
for m in $OSC_MODULES; do
	check "insmod $m (built out of tree)" insmod "$MODDIR/$m.ko"
	check "/proc/modules marks $m (OE): out of tree, unsigned" listed_oe "$m"
done
echo "tainted $(tainted) after insmod"
check "the log says an out-of-tree module taints the kernel" \
	in_dmesg "osc_[a-z]*: loading out-of-tree module taints kernel."
check "the log says signature verification failed (no key), tainting" \
	in_dmesg "osc_[a-z]*: module verification failed: signature and/or required key missing - tainting kernel"
check "the taint mask has O (4096, out of tree)" taint_has $TAINT_OOT_MODULE
check "the taint mask has E (8192, unsigned)" taint_has $TAINT_UNSIGNED_MODULE
check "osc_simple logged HZ = $OSC_PROCFS_HZ" \
	in_dmesg "osc_simple: HZ = $OSC_PROCFS_HZ, jiffies = [0-9]"
check "the selftest passes with nothing skipped" selftest_ok any 0
rmmod_all
check "osc_simple logged gcd(3300, 24) = 12 on unload" \
	in_dmesg "osc_simple: gcd(3300, 24) = 12"
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
