#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the =m kernel, which checks module signatures against
# the test's key (CONFIG_MODULE_SIG), booted with module.sig_enforce=1,
# which is what Secure Boot's lockdown does to a distribution kernel. In
# /lib/modules/osc:
#   NAME.unsigned.ko  as the build made it
#   NAME.otherkey.ko  signed with a key the kernel does not trust
#   NAME.ko           signed with scripts/sign-file and the key built in
# The first two are refused with EKEYREJECTED, "Key was rejected by
# service"; the signed ones load and pass the selftest.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

# refused FILE: insmod FILE fails with "Key was rejected by service"
refused() {
	if insmod "$1" 2>/tmp/insmod.err; then
		echo "insmod $1 succeeded"
		return 1
	fi
	sed 's/^/  | /' /tmp/insmod.err
	grep -q 'Key was rejected by service' /tmp/insmod.err
}

# untainted: our four modules are listed, none with taint flags "(...)"
untainted() {
	[ "$(grep -c '^osc_' /proc/modules)" = 4 ] && ! grep '^osc_' /proc/modules | grep -q '('
}

check "module signatures are enforced (sig_enforce = Y)" \
	grep -qx Y /sys/module/module/parameters/sig_enforce
for m in $OSC_MODULES; do
	check "unsigned $m is refused: Key was rejected by service" refused "$MODDIR/$m.unsigned.ko"
	check "$m signed with a key the kernel does not trust is refused too" \
		refused "$MODDIR/$m.otherkey.ko"
done
check "the log names the unsigned module's refusal" \
	in_dmesg "Loading of unsigned module is rejected"
check "the log names the unknown key's refusal" \
	in_dmesg "Loading of module with unavailable key is rejected"
check "nothing of ours got in: no osc_ module is listed" none_listed
check "nothing of ours got in: no /proc entry" none_present $OSC_FILES
for m in $OSC_MODULES; do
	check "insmod $m signed with the kernel's key" insmod "$MODDIR/$m.ko"
	check "lsmod lists $m" is_listed "$m"
done
grep '^osc_' /proc/modules | sed 's/^/  | /'
check "signed in-tree modules taint nothing: no (E) or (O) in /proc/modules" untainted
check "the selftest passes with nothing skipped" selftest_ok any 0
rmmod_all
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
