#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the selftest as a kernel CI runs it. /kselftest holds
# what "make -C tools/testing/selftests TARGETS=osc_procfs install" put
# there; run_kselftest.sh runs tools/testing/selftests/osc_procfs/
# osc_procfs.sh, which loads the modules it needs. /sbin and /usr/bin
# hold what a CI's root file system has and busybox lacks: kmod's
# modprobe and depmod, the /usr/bin/timeout the runner needs to enforce
# a test's timeout (45 s, or its settings file's), and dash, made /bin/sh
# here (busybox's sh would run its own modprobe, which has no -n).
# The kernel's config is where OSC_KCONFIG says: /proc/config.gz (a kernel
# built with the selftest's config fragment) or /boot/config-RELEASE,
# where a distribution keeps it; osc_procfs.sh reads HZ there.
# OSC_OPTIONS says how the kernel has our options:
#   m  modules, installed in /lib/modules/RELEASE (modules_install,
#      depmod) and not loaded: the test loads them and leaves none loaded.
#      Then the binary alone with no module loaded (every file absent),
#      and the runner with one module installed at a time (each file
#      alone): as a kernel with only that option set looks to modprobe
#   y  built in: the test passes with nothing to load
#   n  absent: the test reports SKIP
# shellcheck source=guest/lib.sh
. /lib.sh

PATH=/sbin:/usr/bin:/bin
# a CI's environment does not give HZ: osc_procfs.sh finds it itself
unset OSC_PROCFS_HZ
ln -sf /usr/bin/dash /bin/sh
OUT=/tmp/kselftest.out
REL=$(uname -r)
MODS=/lib/modules/$REL/kernel/samples/osc_procfs
HIDDEN=/tmp/hidden-modules
TOTALS_OK='Totals: pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:0 error:0'

# run_kselftest: the installed runner, its output in OUT and nested under
# the checks that follow; its exit status in RC. OUT is appended to, not
# truncated: the runner's tests write to /dev/stdout opened anew, which
# with a truncating redirection the runner's own lines would overwrite
run_kselftest() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	: >$OUT
	/kselftest/run_kselftest.sh >>$OUT 2>&1
	RC=$?
	sed 's/^/  /' $OUT
	echo "# run_kselftest.sh exited $RC after $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
}

config_hz() {
	case $OSC_KCONFIG in
	*.gz) zcat "$OSC_KCONFIG" ;;
	*) cat "$OSC_KCONFIG" ;;
	esac | sed -n 's/^CONFIG_HZ=//p'
}

no_not_ok() { ! grep -q '^[# ]*not ok ' $OUT; }
runner_passed() { [ "$RC" = 0 ] && grep -qx 'ok 1 selftests: osc_procfs: osc_procfs.sh' $OUT; }
says() { grep -q -- "$1" $OUT; }
# passed_tests NAME: every test of osc_file.NAME ran and passed
passed_tests() { [ "$(grep -c "^[# ]*ok [0-9]* osc_file\.$1\.[a-z_0-9]*\$" $OUT)" -ge 8 ]; }
# skipped_tests NAME: every test of osc_file.NAME was skipped
skipped_tests() {
	! grep -q "^[# ]*ok [0-9]* osc_file\.$1\.[a-z_0-9]*\$" $OUT &&
		[ "$(grep -c "^[# ]*ok [0-9]* .*# SKIP /proc/$1 is absent" $OUT)" -ge 8 ]
}

# other_absent NAME: osc_procfs.sh found no osc_NAME, and its tests skipped
other_absent() { says "osc_$1 is neither built in nor a module" && skipped_tests "$1"; }

# only_installed NAME...: leave only these of our modules in /lib/modules
# and run depmod, as if the kernel had only their options set (=m)
only_installed() {
	mkdir -p $HIDDEN || return 1
	for f in "$HIDDEN"/*.ko; do
		[ ! -e "$f" ] || mv "$f" "$MODS/" || return 1
	done
	for m in $OSC_PROC_NAMES; do
		case " $* " in *" $m "*) ;; *) mv "$MODS/osc_$m.ko" $HIDDEN/ || return 1 ;; esac
	done
	# by its path: busybox's sh runs its own depmod, which writes no
	# modules.dep.bin, the index kmod's modprobe reads
	/sbin/depmod
}

# killed_mid_run: the runner, given a timeout shorter than the test (its
# sleeps alone take 5 s), reports TIMEOUT
KILL_AFTER=3
SETTINGS=/kselftest/osc_procfs/settings
killed_mid_run() {
	[ ! -e $SETTINGS ] || cp $SETTINGS $SETTINGS.orig || return 1
	echo "timeout=$KILL_AFTER" >$SETTINGS
	run_kselftest
	grep -q "^not ok 1 selftests: osc_procfs: osc_procfs.sh # TIMEOUT $KILL_AFTER seconds" $OUT
}
killed_cleanly() { says "# killed: unloading what was loaded" && none_listed; }
restore_settings() {
	if [ -e $SETTINGS.orig ]; then mv $SETTINGS.orig $SETTINGS; else rm -f $SETTINGS; fi
}

# all_absent: the selftest binary run with no module loaded: no "not ok",
# and every test skipped
all_absent() {
	/kselftest/osc_procfs/osc_procfs_test >$OUT 2>&1
	rc=$?
	sed 's/^/  /' $OUT
	[ $rc = 0 ] && no_not_ok && grep -q '^# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:[1-9][0-9]* error:0$' $OUT
}

if [ "$OSC_OPTIONS" = m ]; then
	check "the modules are installed for $REL (modules.dep)" \
		grep -q 'osc_procfs/osc_hello.ko' "/lib/modules/$REL/modules.dep"
	check "before the run no osc_ module is loaded" none_listed
fi
check "the runner's /usr/bin/timeout, kmod's modprobe and dash as /bin/sh are there" \
	test -x /usr/bin/timeout -a -x /sbin/modprobe -a "$(readlink /bin/sh)" = /usr/bin/dash
[ -z "$OSC_KCONFIG" ] || check "the kernel's config is at $OSC_KCONFIG" test -r "$OSC_KCONFIG"

run_kselftest
case $OSC_OPTIONS in
m | y)
	check "run_kselftest.sh exits 0" [ $RC = 0 ]
	check "it reports osc_procfs.sh as passed" \
		grep -qx 'ok 1 selftests: osc_procfs: osc_procfs.sh' $OUT
	check "every test passed, none skipped" grep -q "$TOTALS_OK" $OUT
	check "the tick rate was checked against HZ from $OSC_KCONFIG" \
		says "jiffies a second, HZ $(config_hz)\$"
	;;
n)
	check "run_kselftest.sh exits 0" [ $RC = 0 ]
	check "it reports osc_procfs.sh as skipped" \
		grep -qx 'ok 1 selftests: osc_procfs: osc_procfs.sh # SKIP' $OUT
	;;
*)
	check "OSC_OPTIONS=$OSC_OPTIONS is m, y or n" false
	;;
esac
check "afterwards no osc_ module is loaded" none_listed

if [ "$OSC_OPTIONS" = m ]; then
	check "with every file absent the selftest reports no not ok, and skips every test" all_absent
	for name in $OSC_PROC_NAMES; do
		check "with only osc_$name installed, depmod runs" only_installed "$name"
		run_kselftest
		check "  ... run_kselftest.sh exits 0 and reports osc_procfs.sh as passed" runner_passed
		check "  ... no test reports not ok" no_not_ok
		check "  ... the tests of /proc/$name pass" passed_tests "$name"
		for other in $OSC_PROC_NAMES; do
			[ "$other" = "$name" ] && continue
			check "  ... osc_procfs.sh says osc_$other is not there; its tests skip" other_absent "$other"
		done
		check "  ... afterwards no osc_ module is loaded" none_listed
	done
	# shellcheck disable=SC2086 # a word list
	check "all the modules are installed again" only_installed $OSC_PROC_NAMES
	check "with a settings file of timeout=$KILL_AFTER the runner kills the test mid-run" killed_mid_run
	check "  ... osc_procfs.sh, killed, unloaded what it had loaded" killed_cleanly
	restore_settings
fi
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
