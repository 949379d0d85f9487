#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the selftest as a kernel CI runs it. /kselftest holds
# what "make -C tools/testing/selftests TARGETS=osc_procfs install" put
# there; run_kselftest.sh runs tools/testing/selftests/osc_procfs/
# osc_procfs.sh, which loads the modules it needs. /boot/config-RELEASE
# is the kernel's config, where a distribution keeps it: osc_procfs.sh
# reads HZ there (the kernel command line does not give it here).
# OSC_OPTIONS says how the kernel has our options:
#   m  modules, installed in /lib/modules/RELEASE (modules_install,
#      depmod) and not loaded: the test loads them and leaves none loaded
#   y  built in: the test passes with nothing to load
#   n  absent: the test reports SKIP
# shellcheck source=guest/lib.sh
. /lib.sh

OUT=/tmp/kselftest.out
REL=$(uname -r)
TOTALS_OK='Totals: pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:0 error:0'

if [ "$OSC_OPTIONS" = m ]; then
	check "the modules are installed for $REL (modules.dep)" \
		grep -q 'osc_procfs/osc_hello.ko' "/lib/modules/$REL/modules.dep"
	check "before the run no osc_ module is loaded" none_listed
fi
check "the kernel's config is at /boot/config-$REL" test -r "/boot/config-$REL"

# appended to, not truncated: the runner's tests write to /dev/stdout
# opened anew, which with a truncating redirection the runner's own lines
# would then overwrite
: >$OUT
/kselftest/run_kselftest.sh >>$OUT 2>&1
rc=$?
# the runner's KTAP, nested under the checks that follow
sed 's/^/  /' $OUT

case $OSC_OPTIONS in
m | y)
	check "run_kselftest.sh exits 0" [ $rc = 0 ]
	check "it reports osc_procfs.sh as passed" \
		grep -qx 'ok 1 selftests: osc_procfs: osc_procfs.sh' $OUT
	check "every test passed, none skipped" grep -q "$TOTALS_OK" $OUT
	check "the tick rate was checked against HZ from the config" \
		grep -q "jiffies a second, HZ $(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$REL")\$" $OUT
	;;
n)
	check "run_kselftest.sh exits 0" [ $rc = 0 ]
	check "it reports osc_procfs.sh as skipped" \
		grep -qx 'ok 1 selftests: osc_procfs: osc_procfs.sh # SKIP' $OUT
	;;
*)
	check "OSC_OPTIONS=$OSC_OPTIONS is m, y or n" false
	;;
esac
check "afterwards no osc_ module is loaded" none_listed
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
