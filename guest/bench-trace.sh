#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of make bench's --trace (a =y kernel with the function
# graph tracer, configs/ftrace.config): for each file, the kernel
# functions that one open-read-close of it runs, by name, as lines
# "trace FILE CALLS FUNCTION" (readcost traces only itself).
# shellcheck source=guest/lib.sh
. /lib.sh

T=/sys/kernel/tracing
mount -t tracefs tracefs $T
echo function_graph >$T/current_tracer
echo 0 >$T/tracing_on
for f in /proc/hello /proc/jiffies /proc/seconds /proc/version /proc/filesystems; do
	echo >$T/trace
	readcost trace $T "$f" || echo "trace $f FAILED"
	# a call is "name() {" (it calls others) or "name();" (it does not)
	sed -n 's/^.*| *\([A-Za-z0-9_.]*\)() *[{;].*$/\1/p' $T/trace | sort | uniq -c |
		while read -r n fn; do echo "trace $f $n $fn"; done
done
