#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the benchmark (options =y): the initcall costs from
# the boot log, then the read cost of our files and two of the kernel's.
# shellcheck source=guest/lib.sh
. /lib.sh

dmesg | grep -E 'initcall (osc_[a-z]+_init)\+' | sed 's/^\[[^]]*\] */bench: /'
readcost "${OSC_ROUNDS:-5}" "${OSC_ITERATIONS:-2000}" /proc/hello /proc/jiffies \
	/proc/seconds /proc/filesystems /proc/version | sed 's/^/bench: /'
