#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: a kernel with the four modules built out of tree
# against its build directory (scripts/out-of-tree.sh): Debian's own
# kernel as it ships, with Debian's headers, or the base line's =m
# kernel. They load, taint the kernel as out of tree (O), and work as the
# in-tree ones do. On the kernel command line, from the host, which reads
# them off the kernel's config:
#   OSC_KVER         the release the modules were built for
#   OSC_SIG_CHECKED  1 when the kernel checks module signatures (Debian's
#                    does), which then also taints it unsigned (E)
#   OSC_TAINT_MASK   1 when the kernel has /proc/sys (CONFIG_SYSCTL), to
#                    read its taint mask; each module's own taint flags,
#                    /sys/module/NAME/taint, are checked on every kernel
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

TAINT_OOT_MODULE=4096      # O: a module built out of tree
TAINT_UNSIGNED_MODULE=8192 # E: a module without a valid signature

# tainted: the kernel's taint mask, or "none" without /proc/sys
tainted() { cat /proc/sys/kernel/tainted 2>/dev/null || echo none; }
# taint_has BIT: the kernel's taint mask has BIT set
taint_has() {
	t=$(tainted)
	case $t in '' | *[!0-9]*) return 2 ;; esac
	[ $((t & $1)) -ne 0 ]
}
taint_lacks() {
	taint_has "$1"
	[ $? = 1 ]
}
# listed_as MODULE FLAGS: /proc/modules marks MODULE (FLAGS), exactly
listed_as() { grep "^$1 " /proc/modules | grep -q "($2)\$"; }
# module_taint_is MODULE FLAGS: the module's own taint flags are FLAGS
module_taint_is() { [ "$(cat "/sys/module/$1/taint")" = "$2" ]; }

if [ "$OSC_SIG_CHECKED" = 1 ]; then flags=OE; else flags=O; fi
echo "kernel $(uname -r), taint mask $(tainted) before insmod"
check "the kernel is $OSC_KVER, the release the modules were built for" [ "$(uname -r)" = "$OSC_KVER" ]
[ "$OSC_TAINT_MASK" != 1 ] ||
	check "the kernel is not tainted before our modules" [ "$(tainted)" = 0 ]
for m in $OSC_MODULES; do
	check "insmod $m (built out of tree)" insmod "$MODDIR/$m.ko"
	check "/proc/modules marks $m ($flags)" listed_as "$m" $flags
	check "/sys/module/$m/taint is $flags" module_taint_is "$m" $flags
done
echo "taint mask $(tainted) after insmod"
check "the log says an out-of-tree module taints the kernel" \
	in_dmesg "osc_[a-z]*: loading out-of-tree module taints kernel."
[ "$OSC_TAINT_MASK" != 1 ] ||
	check "the taint mask has O (4096, out of tree)" taint_has $TAINT_OOT_MODULE
if [ "$OSC_SIG_CHECKED" = 1 ]; then
	check "the log says signature verification failed (no key), tainting" \
		in_dmesg "osc_[a-z]*: module verification failed: signature and/or required key missing - tainting kernel"
	[ "$OSC_TAINT_MASK" != 1 ] ||
		check "the taint mask has E (8192, unsigned)" taint_has $TAINT_UNSIGNED_MODULE
else
	check "the kernel checks no signature: no verification line" \
		not_in_dmesg "module verification failed"
	[ "$OSC_TAINT_MASK" != 1 ] ||
		check "the taint mask has no E (8192)" taint_lacks $TAINT_UNSIGNED_MODULE
fi
check "osc_simple logged HZ = $OSC_PROCFS_HZ" \
	in_dmesg "osc_simple: HZ = $OSC_PROCFS_HZ, jiffies = [0-9]"
check "the selftest passes with nothing skipped" selftest_ok any 0
rmmod_all
check "osc_simple logged gcd(3300, 24) = 12 on unload" \
	in_dmesg "osc_simple: gcd(3300, 24) = 12"
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
