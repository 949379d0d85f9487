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
# Arithmetic is awk's (doubles, exact below 2^53): busybox sh's may be
# 32-bit on a 32-bit guest.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

HZ=$OSC_PROCFS_HZ
WRAP=4294967296

# unwrap T: a tick count on one scale across the wrap: a 32-bit count
# that has wrapped (below 2^31) gets 2^32 added. Right within 2^31 ticks
# of the wrap, which this scenario never leaves.
unwrap() { awk -v t="$1" -v w=$WRAP 'BEGIN { printf "%.0f", t < w / 2 ? t + w : t }'; }

# ticks: the kernel's tick count now, unwrapped; raw_ticks: as it reads
raw_ticks() { sed -n 's/^jiffies: //p' /proc/timer_list | head -n 1; }
ticks() { unwrap "$(raw_ticks)"; }

# calc EXPR: EXPR in awk, printed as an integer
calc() { awk "BEGIN { printf \"%.0f\", $1 }"; }

# within V LO HI: LO <= V <= HI
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# sleep_until T: sleep until the tick count reaches T (unwrapped). sleep
# counts the guest's clock, which runs a little apart from the ticks under
# TCG: sleep again for what is left, up to 20 times, else fail.
sleep_until() {
	target=$(calc "$1")
	n=0
	while left=$(calc "$target - $(ticks)") && [ "$left" -gt 0 ]; do
		n=$((n + 1))
		[ $n -le 20 ] || return 1
		sleep "$(awk -v n="$left" -v hz="$HZ" 'BEGIN { printf "%.3f", n / hz }')" || return 1
	done
}

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
