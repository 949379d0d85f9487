#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: a kernel with the four modules built out of tree
# against its build directory (scripts/out-of-tree.sh): Debian's own
# kernel as it ships, with Debian's headers, or the base line's =m
# kernel. They load, taint the kernel as out of tree (O), and work as the
# in-tree ones do. On the kernel command line: OSC_KVER, the release they
# were built for; OSC_SIG_CHECKED=1 when the kernel checks module
# signatures (Debian's does), which then also taints it unsigned (E).
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=scripts/guest/lib.sh
. /lib.sh

TAINT_OOT_MODULE=4096      # O: a module built out of tree
TAINT_UNSIGNED_MODULE=8192 # E: a module without a valid signature

tainted() { cat /proc/sys/kernel/tainted; }
# taint_has BIT: the kernel's taint mask has BIT set
taint_has() { [ $(($(tainted) & $1)) -ne 0 ]; }
# listed_as MODULE FLAGS: /proc/modules marks MODULE (FLAGS), exactly
listed_as() { grep "^$1 " /proc/modules | grep -q "($2)\$"; }
not() { ! "$@"; }

echo "kernel $(uname -r), tainted $(tainted) before insmod"
check "the kernel is $OSC_KVER, the release the modules were built for" [ "$(uname -r)" = "$OSC_KVER" ]
check "the kernel is not tainted before our modules" [ "$(tainted)" = 0 ]
for m in $OSC_MODULES; do
	check "insmod $m (built out of tree)" insmod "$MODDIR/$m.ko"
	if [ "$OSC_SIG_CHECKED" = 1 ]; then
		check "/proc/modules marks $m (OE): out of tree, unsigned" listed_as "$m" OE
	else
		check "/proc/modules marks $m (O): out of tree" listed_as "$m" O
	fi
done
echo "tainted $(tainted) after insmod"
check "the log says an out-of-tree module taints the kernel" \
	in_dmesg "osc_[a-z]*: loading out-of-tree module taints kernel."
check "the taint mask has O (4096, out of tree)" taint_has $TAINT_OOT_MODULE
if [ "$OSC_SIG_CHECKED" = 1 ]; then
	check "the log says signature verification failed (no key), tainting" \
		in_dmesg "osc_[a-z]*: module verification failed: signature and/or required key missing - tainting kernel"
	check "the taint mask has E (8192, unsigned)" taint_has $TAINT_UNSIGNED_MODULE
else
	check "the kernel checks no signature: no verification line" \
		not_in_dmesg "module verification failed"
	check "the taint mask has no E (8192): nothing to verify" not taint_has $TAINT_UNSIGNED_MODULE
fi
check "osc_simple logged HZ = $OSC_PROCFS_HZ" \
	in_dmesg "osc_simple: HZ = $OSC_PROCFS_HZ, jiffies = [0-9]"
check "the selftest passes with nothing skipped" selftest_ok any 0
rmmod_all
check "osc_simple logged gcd(3300, 24) = 12 on unload" \
	in_dmesg "osc_simple: gcd(3300, 24) = 12"
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
