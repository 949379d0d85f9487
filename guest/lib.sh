# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # its variables are for the scenarios
# Helpers for the guest scenarios; sourced, busybox sh.
# The guest reports in KTAP, the kernel's test output format
# (Documentation/dev-tools/ktap.rst): /init prints the version line, each
# check one result line, numbered in order: "ok N what" or "not ok N
# what". The selftest's own KTAP output is nested under the check that
# runs it, indented two spaces. Anything else is diagnostics: "# ..."
# lines, or lines quoted from a log or a command ("  | ...").

MODDIR=/lib/modules/osc
# our modules and the /proc files they make (hello, jiffies, seconds), as
# the host's Kconfig.snippet lists them (scripts/boot.sh writes both)
OSC_MODULES=$(tr '\n' ' ' </osc-modules)
OSC_PROC_NAMES=$(tr '\n' ' ' </osc-files)
OSC_FILES=$(for n in $OSC_PROC_NAMES; do printf '/proc/%s ' "$n"; done)

# LONG_BITS: the width of the kernel's unsigned long, and so of jiffies;
# GOLDEN_RATIO_PRIME as osc_simple logs it: the kernel's GOLDEN_RATIO_64
# on a 64-bit kernel, GOLDEN_RATIO_32 on a 32-bit one (include/linux/hash.h)
case $(uname -m) in
i?86) LONG_BITS=32 GOLDEN_RATIO_PRIME=1640531527 ;;
*) LONG_BITS=64 GOLDEN_RATIO_PRIME=7046029254386353131 ;;
esac

KTAP_N=0

# check WHAT CMD...: run CMD; report whether it succeeded, as KTAP result
# number KTAP_N + 1 (WHAT holds no "#": that would start a directive)
check() {
	what=$1
	shift
	KTAP_N=$((KTAP_N + 1))
	if "$@"; then
		echo "ok $KTAP_N $what"
	else
		echo "not ok $KTAP_N $what"
	fi
}

# show CMD...: print a command as a shell session would, then run it
show() {
	echo "# $*"
	"$@"
}

in_dmesg() { dmesg | grep -q -- "$1"; }
is_listed() { grep -q "^$1 " /proc/modules; }
none_present() {
	for f in "$@"; do
		[ ! -e "$f" ] || return 1
	done
}
all_present() {
	for f in "$@"; do
		[ -e "$f" ] || return 1
	done
}

# selftest_ok PASS SKIP: the selftest ran with PASS tests passed and SKIP
# skipped ("any" for one or more) and none failed
selftest_ok() {
	want_pass=$1
	want_skip=$2
	[ "$want_pass" != any ] || want_pass='[1-9][0-9]*'
	[ "$want_skip" != any ] || want_skip='[1-9][0-9]*'
	OSC_PROCFS_HZ=$OSC_PROCFS_HZ /bin/osc_procfs_test >/tmp/selftest.log 2>&1
	rc=$?
	sed 's/^/  /' /tmp/selftest.log
	totals=$(grep '^# Totals:' /tmp/selftest.log)
	echo "# selftest exit $rc, ${totals#\# }"
	echo "$totals" | grep -Eq \
		"^# Totals: pass:$want_pass fail:0 xfail:0 xpass:0 skip:$want_skip error:0\$"
}

# rmmod_all: unload our four modules, then check that nothing of them
# is left: no /proc entry, no osc_ line in /proc/modules
rmmod_all() {
	for m in $OSC_MODULES; do
		check "rmmod $m" rmmod "$m"
	done
	# shellcheck disable=SC2086 # a word list, split on purpose
	check "after rmmod no /proc entry is left" none_present $OSC_FILES
	check "after rmmod no osc_ module is listed" none_listed
}

# log_clean: the kernel log holds no sign of a kernel bug (LOG_BAD, the
# host's scripts/ktap.sh, which scripts/boot.sh writes to /osc-log-bad)
log_clean() {
	! dmesg | grep -E "$(cat /osc-log-bad)" | sed 's/^/  | /' | grep .
}

not_in_dmesg() { ! in_dmesg "$1"; }
none_listed() { ! grep -q '^osc_' /proc/modules; }

# seconds_within_uptime: /proc/seconds is no more than the uptime
seconds_within_uptime() {
	s=$(cat /proc/seconds)
	up=$(cut -d. -f1 /proc/uptime)
	echo "/proc/seconds $s, uptime $up"
	[ "$s" -le "$up" ]
}

# debug_log_clean: no report of the debug kernel's bug catchers either;
# the only stack traces allowed are the kernel's own reports of the
# allocation failures the test injected ("vmalloc error:", "page
# allocation failure:"), each followed by its Call Trace
debug_log_clean() {
	dmesg >/tmp/dmesg.txt
	awk -f /log-verdict.awk /tmp/dmesg.txt >/tmp/verdict.txt
	rc=$?
	sed 's/^/  | /' /tmp/verdict.txt
	return $rc
}

# The kernel's tick count and the wrap, for the scenarios that read
# across it (wrap.sh, grade.sh). WRAP is 2^32: a 32-bit kernel's jiffies
# wraps to 0 there, a 64-bit kernel's crosses it; both start 300 s of
# ticks before it (INITIAL_JIFFIES). sleep_until counts in HZ, which the
# scenario sets. Arithmetic is awk's (doubles, exact below 2^53): busybox
# sh's may be 32-bit on a 32-bit guest.
WRAP=4294967296

# unwrap T: a tick count on one scale across the wrap: a 32-bit count
# that has wrapped (below 2^31) gets 2^32 added. Right within 2^31 ticks
# of the wrap, which these scenarios never leave.
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
