#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the demo: what a student types, and what they see.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

echo
echo "===== osc_procfs demo: Linux $(uname -r), HZ=$OSC_PROCFS_HZ ====="
for m in $OSC_MODULES; do
	show insmod "$MODDIR/$m.ko"
done
show lsmod
for f in $OSC_FILES; do
	show ls -l "$f"
done
for i in 1 2; do
	for f in $OSC_FILES; do
		show cat "$f"
	done
	[ "$i" = 2 ] || show sleep 1
done
show sleep 1
show cat /proc/seconds
echo "# dmesg | grep osc_"
dmesg | grep osc_
for m in $OSC_MODULES; do
	show rmmod "$m"
done
echo "# dmesg | grep osc_ | tail -n 7"
dmesg | grep osc_ | tail -n 7
show lsmod
echo "# ls /proc/hello /proc/jiffies /proc/seconds"
ls /proc/hello /proc/jiffies /proc/seconds 2>&1
echo "===== end of demo ====="
