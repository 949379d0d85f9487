#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the modules across the tick counter's wrap. The kernel
# starts jiffies at INITIAL_JIFFIES, 300 s of ticks before 2^32: a 32-bit
# kernel's jiffies wraps to 0 five minutes after boot, a 64-bit kernel's
# crosses 2^32 then. The modules are loaded before that moment and read
# after it; the selftest's never-backwards tests run while it passes.
# The reference is the kernel's own tick count, the "jiffies:" line of
# /proc/timer_list (an unsigned long, as jiffies is), not the guest's
# clock: under TCG the two drift apart by a few percent. The host runs
# this guest with guest time jumping over idle time (boot.sh --warp).
# The tick helpers (ticks, within, sleep_until ...) are guest/lib.sh's.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

HZ=$OSC_PROCFS_HZ

echo "# $(uname -m): jiffies is $LONG_BITS bits wide, HZ = $HZ"
t=$(raw_ticks)
check "the kernel's tick count reads from /proc/timer_list" [ -n "$t" ]
check "it began at INITIAL_JIFFIES: the wrap is less than 300 s of ticks ahead" \
	within "$(calc "$WRAP - $t")" 1 $((300 * HZ))

# load before the wrap, the count before and after each step
t_ins=$(ticks)
for m in $OSC_MODULES; do
	check "insmod $m" insmod "$MODDIR/$m.ko"
done
t_loaded=$(ticks)
j_before=$(cat /proc/jiffies)
s_before=$(cat /proc/seconds)
t_read=$(ticks)
echo "# before the wrap: /proc/jiffies $j_before, /proc/seconds $s_before, the kernel's count $t_read, $(calc "$WRAP - $t_read") ticks before the wrap"
check "/proc/jiffies before the wrap is the kernel's count" within "$j_before" "$t_loaded" "$t_read"
check "the wrap is at least 5 s ahead" within "$(calc "$WRAP - $t_read")" $((5 * HZ)) $((300 * HZ))

# the selftest's never-backwards tests, run again and again from half a
# second before the wrap to half a second after it; one run must have
# begun before it and ended after it
check "sleep until half a second before the wrap" sleep_until "$WRAP - $HZ / 2"
runs=0 failed=0 across=''
while [ $runs -lt 100 ]; do
	a=$(ticks)
	within "$a" 0 "$(calc "$WRAP + $HZ / 2")" || break
	/bin/osc_procfs_test -t jiffies_never_backwards -t seconds_never_backwards >/tmp/nb.log 2>&1 ||
		{ failed=$((failed + 1)) && sed 's/^/  | /' /tmp/nb.log | head -n 20; }
	b=$(ticks)
	runs=$((runs + 1))
	! within "$WRAP" "$(calc "$a + 1")" "$b" || across="$across $runs"
done
echo "# across the wrap: $runs runs of the selftest's never-backwards tests, $failed failed; run(s)$across began before it and ended after it"
check "the never-backwards tests pass in every run across the wrap" [ $failed -eq 0 ]
check "one of those runs began before the wrap and ended after it" [ -n "$across" ]

# read after the wrap, two seconds on
check "sleep until two seconds after the wrap" sleep_until "$WRAP + 2 * $HZ"
t_after0=$(ticks)
j_after=$(cat /proc/jiffies)
s_after=$(cat /proc/seconds)
t_after1=$(ticks)
raw=$(raw_ticks)
echo "# after the wrap: /proc/jiffies $j_after, /proc/seconds $s_after, the kernel's count $t_after1 (it reads $raw)"
if [ $LONG_BITS = 32 ]; then
	check "the kernel's 32-bit count wrapped to a small number" within "$raw" 0 $((10 * HZ))
	check "/proc/jiffies wrapped with it: a small number, the kernel's count" \
		within "$j_after" "$(calc "$t_after0 - $WRAP")" "$(calc "$t_after1 - $WRAP")"
else
	check "the kernel's count crossed 2^32" within "$raw" "$WRAP" "$(calc "$WRAP + 10 * $HZ")"
	check "/proc/jiffies crossed 2^32 with it: the kernel's count" \
		within "$j_after" "$t_after0" "$t_after1"
fi
# /proc/seconds: the ticks since osc_seconds loaded, over HZ (+-1 s)
check "/proc/seconds after the wrap is the ticks since load over HZ, +-1 s" \
	within "$s_after" "$(calc "int(($t_after0 - $t_loaded) / $HZ) - 1")" \
	"$(calc "int(($t_after1 - $t_ins) / $HZ) + 1")"

# osc_simple unloaded after the wrap: "loaded for N ms" is the ticks
# between its load and its unload in ms, within the ticks the two
# commands took and one tick of rounding
t_rm0=$(ticks)
check "rmmod osc_simple after the wrap" rmmod osc_simple
t_rm1=$(ticks)
ms=$(dmesg | sed -n 's/.*osc_simple: jiffies = [0-9]*, loaded for \([0-9]*\) ms$/\1/p' | tail -n 1)
lo=$(calc "int(($t_rm0 - $t_loaded - 1) * 1000 / $HZ)")
hi=$(calc "int(($t_rm1 - $t_ins + 1) * 1000 / $HZ) + 1")
echo "# osc_simple: loaded for $ms ms; the kernel's count says $lo to $hi ms"
check "osc_simple's 'loaded for N ms' is the kernel's count of ticks" within "${ms:-x}" "$lo" "$hi"

for m in osc_hello osc_jiffies osc_seconds; do
	check "rmmod $m" rmmod "$m"
done
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
