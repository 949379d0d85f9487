#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the debug run (configs/debug.config, options =m), in
# one of two phases (OSC_PHASE on the kernel command line):
#   stress  load/unload cycles under concurrent readers (OSC_CYCLES of them;
#           booted with 2 CPUs, so that readers and loads really overlap)
#   faults  module loads with a slab failure injected at each allocation
#           of the load path in turn, then a normal load of each
# and after either, kmemleak, lockdep and the log.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

PHASE=${OSC_PHASE:-stress}
CYCLES=${OSC_CYCLES:-50}
READERS=8
FS=/sys/kernel/debug/failslab
KMEMLEAK=/sys/kernel/debug/kmemleak

mount -t debugfs debugfs /sys/kernel/debug

check "KASAN is active" in_dmesg "KernelAddressSanitizer initialized"
check "lockdep is active" grep -q "debug_locks: *1" /proc/lockdep_stats
check "kmemleak is active" test -e $KMEMLEAK
check "failslab is available" test -d $FS

# proc_file MODULE: the /proc file MODULE creates, or nothing
proc_file() {
	case $1 in
	osc_simple) ;;
	*) echo "/proc/${1#osc_}" ;;
	esac
}

# cycle MODULE: CYCLES insmod/rmmod rounds while READERS loop over its
# file (at nice 19, so that they take the CPU time the loads leave)
cycle() {
	m=$1
	f=$(proc_file "$m")
	rm -f /tmp/stop /tmp/reader.*
	i=0
	while [ $i -lt $READERS ]; do
		osc_stress read "$f" /tmp/stop >/tmp/reader.$i 2>&1 &
		i=$((i + 1))
	done
	i=0
	fails=0
	while [ $i -lt "$CYCLES" ]; do
		insmod "$MODDIR/$m.ko" || fails=$((fails + 1))
		usleep 10000	# let the readers in while it is there
		rmmod "$m" || fails=$((fails + 1))
		i=$((i + 1))
	done
	touch /tmp/stop
	wait
	cat /tmp/reader.*
	echo "$m: $CYCLES insmod/rmmod cycles, $READERS readers, $fails failed commands"
	good=$(cat /tmp/reader.* | grep -c ' bad 0$')
	[ $fails = 0 ] && [ "$good" -eq $READERS ]
}

# left_nothing MODULE: not listed, and its file is gone
left_nothing() {
	f=$(proc_file "$1")
	! is_listed "$1" && { [ -z "$f" ] || [ ! -e "$f" ]; }
}

# loaded_whole MODULE: listed, and its file is there
loaded_whole() {
	f=$(proc_file "$1")
	is_listed "$1" && { [ -z "$f" ] || [ -e "$f" ]; }
}

# Slab failures are injected with failslab, aimed by fail-nth: a task
# writes N to /proc/thread-self/fail-nth and its Nth slab allocation fails
# (osc_stress does that around the load). ignore-gfp-wait=N lets GFP_KERNEL
# allocations fail too; verbose=0 keeps the stack of each injected failure
# out of the log, which must stay free of "Call Trace".
failslab_setup() {
	echo N >$FS/ignore-gfp-wait
	echo 0 >$FS/verbose
}

# sweep MODULE: load it with the failure moved through the whole load
# path, one slab allocation at a time, from the first until one past the
# last (the first load that no longer reaches the failure); osc_stress
# checks after each load that the module is whole or left nothing
sweep() {
	f=$(proc_file "$1")
	osc_stress sweep "$MODDIR/$1.ko" "$1" ${f:+"$f"}
}

normal_load() {
	insmod "$MODDIR/$1.ko" && loaded_whole "$1" && rmmod "$1" && left_nothing "$1"
}

# kmemleak_scan: scan twice (a leak must be seen by two scans), print
# the suspected leaks not cleared before
kmemleak_scan() {
	echo scan >$KMEMLEAK
	sleep 6
	echo scan >$KMEMLEAK
	cat $KMEMLEAK
}

kmemleak_clear() {
	kmemleak_scan >/dev/null
	echo clear >$KMEMLEAK
}

no_leaks_since_clear() {
	kmemleak_scan >/tmp/kmemleak.txt
	n=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	echo "kmemleak: $n suspected leaks since the phase began"
	cat /tmp/kmemleak.txt
	[ "$n" = 0 ]
}

positive_control() {
	insmod "$MODDIR/kmemleak-test.ko" || return 1
	kmemleak_scan >/tmp/kmemleak-control.txt
	rmmod kmemleak-test
	n=$(grep -c '^unreferenced object' /tmp/kmemleak-control.txt)
	echo "kmemleak-test: $n leaks found"
	grep -q kmemleak_test_init /tmp/kmemleak-control.txt
}

stress_phase() {
	for m in osc_hello osc_jiffies osc_seconds; do
		check "$CYCLES insmod/rmmod cycles of $m with $READERS readers: none failed, no bad read" cycle $m
		check "after the cycles $m is not listed and its file is gone" left_nothing $m
	done
}

# osc_simple is not swept: its init allocates nothing, so its sweep only
# fails the kernel's own module loader, which the other three sweeps
# fail at the same points (it cost a minute of the debug run)
faults_phase() {
	failslab_setup
	for m in osc_hello osc_jiffies osc_seconds; do
		check "$m under failslab, swept over its whole load path: each load whole or cleanly failed" sweep $m
	done
	for m in $OSC_MODULES; do
		check "after the sweep, a normal insmod/rmmod of $m works" normal_load $m
	done
}

echo "debug run, phase $PHASE, $(grep -c ^processor /proc/cpuinfo) CPUs"
kmemleak_clear
case $PHASE in
stress) stress_phase ;;
faults) faults_phase ;;
*) check "OSC_PHASE=$PHASE is stress or faults" false ;;
esac
check "kmemleak reports no leak since the $PHASE phase began" no_leaks_since_clear
# the positive control proves the scanner works on this kernel: once, in
# the faults boot, is enough (each costs half a minute)
[ "$PHASE" != faults ] ||
	check "kmemleak finds the leaks of the kernel's kmemleak-test (positive control)" positive_control
check "lockdep is still active (no lock problem turned it off)" grep -q "debug_locks: *1" /proc/lockdep_stats
check "the kernel log has no BUG, WARNING, KASAN, lock report or Oops; each Call Trace reports an injected allocation failure" debug_log_clean
