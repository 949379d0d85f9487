#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the grader (grade.sh): a student's modules, loaded,
# read the ways a /proc file is read, unloaded and loaded again; then the
# counters across the tick counter's wrap. The host boots it with guest
# time jumping over idle time (boot.sh --warp) and oops=panic: a crash
# ends the guest, and the host grades what is left in a fresh one.
# From the kernel command line:
#   OSC_GRADE       the parts to check, comma separated (simple,hello,...);
#                   each is /lib/modules/osc/PART.ko, the module PART
#   OSC_GRADE_WRAP  the parts to load before the wrap and read after it
#   OSC_PROCFS_HZ   the kernel's HZ
#   OSC_GRADE_STRICT  1: a counter must read its bare number and a
#                   newline, hello exactly "Hello World\n" (grade_probe)
# It reports in KTAP: "# grade: begin PART at T s" (T: the guest's
# uptime); for each check "# start
# ID", what was seen ("# seen: ..."), maybe "# reason: KEY" (a failure's
# kind) or "# note: ..." (a pass with something worth saying, which costs
# no point), then "ok N ID" or "not ok N ID". A check that cannot run prints nothing: the host
# counts it as failed, with the "# grade: notrun PART: WHY" line before.
# Word lists are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086,SC2046
# shellcheck source=guest/lib.sh
. /lib.sh

HZ=$OSC_PROCFS_HZ
P=/bin/grade_probe
# how long a probe may take, in guest seconds (idle time costs nothing)
TIMEOUT=20
SPLAT='Oops|BUG|WARNING|KASAN|lockdep|possible recursive locking|circular locking|Call Trace|Kernel panic'

# gcheck ID CMD...: one check of the grader; returns CMD's status
gcheck() {
	id=$1
	shift
	KTAP_N=$((KTAP_N + 1))
	echo "# start $id"
	if "$@"; then
		echo "ok $KTAP_N $id"
		return 0
	fi
	echo "not ok $KTAP_N $id"
	return 1
}

seen() { echo "# seen: $*"; }
notrun() { echo "# grade: notrun $1: $2"; }

# probe ARGS...: grade_probe, killed after TIMEOUT s: a read that never
# returns is a hang, and the part's later reads are not run
probe() {
	timeout -s KILL $TIMEOUT $P "$@"
	rc=$?
	case $rc in 124 | 137)
		seen "no answer in $TIMEOUT s: the call never returned, and was killed"
		echo "# reason: hang"
		HUNG=$id
		;;
	esac
	return $rc
}

# new_lines MARK: the kernel log after its first MARK lines, without the
# timestamps
new_lines() { dmesg | tail -n +$(($1 + 1)) | sed 's/^\[[^]]*\] *//'; }
# module_lines MARK: those of them a module printed, less the kernel's
# own notes on loading it (taints, signatures) and its clock switches
module_lines() {
	new_lines "$1" | grep -vE ': loading out-of-tree module taints kernel|: module verification failed|^clocksource: |^tsc: '
}
log_count() { dmesg | wc -l; }
one_line() { tr '\n' '|' | sed 's/|$//; s/|/ | /g'; }

# has_number LINES N: LINES hold the number N (compared as text)
has_number() { echo "$1" | grep -oE '[0-9]+' | grep -qx "$2"; }
# has_tick LINES LO HI: LINES hold a number from LO to HI
has_tick() {
	for n in $(echo "$1" | grep -oE '[0-9]+'); do
		within "$n" "$2" "$3" && return 0
	done
	return 1
}

do_insmod() {
	m0=$(log_count)
	out=$(insmod "$MODDIR/$1.ko" 2>&1) && return 0
	seen "$out"
	new_lines "$m0" | grep -E 'already registered|Unknown symbol|error|fail' | head -n 3 |
		while IFS= read -r l; do seen "$l"; done
	return 1
}
do_rmmod() {
	out=$(rmmod "$1" 2>&1) && ! is_listed "$1" && return 0
	seen "rmmod $1: ${out:-it is still listed in /proc/modules}"
	return 1
}

license_ok() {
	t=$(cat "/sys/module/$1/taint" 2>/dev/null)
	seen "/sys/module/$1/taint is '$t'"
	case $t in *P*) return 1 ;; esac
}

exists() {
	[ -f "$1" ] && seen "$(ls -l "$1")" && return 0
	seen "no $1 after insmod"
	return 1
}

# content PART PATH T0 T1: the file reads what it should: T0 and T1 are
# the tick counts before and after the load
content() {
	case $1 in
	hello) probe hello "$2" ;;
	jiffies) probe jiffies "$2" ;;
	seconds) probe seconds "$2" "$3" "$4" "$HZ" ;;
	esac
}

# reads PART PATH: the checks that read the file; after a hang, the
# rest are not run
reads() {
	HUNG=''
	for c in content reread small_reads two_readers seek bad_pointer write; do
		if [ -n "$HUNG" ]; then
			notrun "$1" "$HUNG hung"
			return
		fi
		case $c in
		content) gcheck "$1.content" content "$1" "$2" "$t0" "$t1" ;;
		reread) gcheck "$1.reread" probe reread "$2" ;;
		small_reads) gcheck "$1.small_reads" small_reads "$2" ;;
		two_readers) gcheck "$1.two_readers" probe turns "$2" ;;
		seek) gcheck "$1.seek" probe seek "$2" ;;
		bad_pointer) gcheck "$1.bad_pointer" probe efault "$2" ;;
		write) gcheck "$1.write" probe write "$2" ;;
		esac
	done
}
small_reads() { probe small "$1" 1 && probe small "$1" 5; }

# simple_log: what simple logged on load (LOAD_LINES, between ticks T0
# and T1) and on unload (since UNLOAD_MARK, between R0 and R1)
simple_log() {
	un=$(module_lines "$unload_mark")
	seen "on load: $(echo "$load_lines" | one_line)"
	seen "on unload: $(echo "$un" | one_line)"
	ok=0
	has_number "$load_lines" "$GOLDEN_RATIO_PRIME" ||
		{ seen "missing on load: GOLDEN_RATIO_PRIME, $GOLDEN_RATIO_PRIME" && ok=1; }
	has_number "$load_lines" "$HZ" || { seen "missing on load: HZ, $HZ" && ok=1; }
	has_tick "$load_lines" "$t0" "$t1" ||
		{ seen "missing on load: jiffies, a number from $t0 to $t1" && ok=1; }
	has_number "$un" 12 || { seen "missing on unload: gcd(3300, 24), 12" && ok=1; }
	has_tick "$un" "$r0" "$r1" ||
		{ seen "missing on unload: jiffies, a number from $r0 to $r1" && ok=1; }
	return $ok
}

# reload PART PATH: loaded again after its unload, it works again
reload() {
	m=$(log_count)
	do_insmod "$1" || return 1
	if new_lines "$m" | grep -q 'already registered'; then
		seen "$(new_lines "$m" | grep -m1 'already registered')"
		rmmod "$1"
		return 1
	fi
	if [ "$1" != simple ]; then
		[ -e "$2" ] || { seen "no $2 after the second insmod" && rmmod "$1" && return 1; }
		probe text "$2" || { rmmod "$1"; return 1; }
	fi
	do_rmmod "$1"
}

# splat MARK: the kernel's reports since line MARK of its log, each line once
splat() { new_lines "$1" | grep -E "$SPLAT" | awk '!seen[$0]++'; }

no_splat() {
	bad=$(splat "$mark")
	[ -z "$bad" ] && seen "no Oops, BUG, WARNING or lock report" && return 0
	seen "$(echo "$bad" | head -n 4 | one_line)"
	return 1
}

# grade_part PART: every check of one part but its wrap
grade_part() {
	part=$1 path=/proc/$1
	echo "# grade: begin $part at $(cut -d" " -f1 /proc/uptime) s"
	mark=$(log_count)
	t0=$($P ticks)
	if ! gcheck "$part.load" do_insmod "$part"; then
		notrun "$part" "$part.load failed"
		echo "# grade: end $part"
		return
	fi
	t1=$($P ticks)
	load_lines=$(module_lines "$mark")
	gcheck "$part.license" license_ok "$part"
	if [ "$part" = simple ]; then
		unload_mark=$(log_count)
		r0=$($P ticks)
		gcheck "$part.unload" do_rmmod "$part"
		r1=$($P ticks)
		gcheck "$part.log" simple_log
	else
		gcheck "$part.exists" exists "$path" && reads "$part" "$path"
		if [ -n "$HUNG" ]; then
			# a reader may still be stuck in the module
			gcheck "$part.unload" do_rmmod "$part"
		else
			gcheck "$part.removed" probe removed "$path" "$part"
			gcheck "$part.unload" do_rmmod_done "$part"
		fi
	fi
	if is_listed "$part"; then
		notrun "$part" "$part did not unload"
	else
		gcheck "$part.reload" reload "$part" "$path"
	fi
	gcheck "$part.no_splat" no_splat
	echo "# grade: end $part"
}
# do_rmmod_done PART: the removed check ran rmmod; it is gone
do_rmmod_done() {
	is_listed "$1" || { seen "rmmod $1 worked" && return 0; }
	seen "$1 is still listed in /proc/modules after rmmod"
	return 1
}

# wrap_load PART: loaded before the wrap, its ticks kept in W0_PART and
# W1_PART, its failure in WFAIL_PART
wrap_load() {
	echo "# start $1.wrap"
	mark=$(log_count)
	eval "W0_$1=\$($P ticks)"
	out=$(insmod "$MODDIR/$1.ko" 2>&1) || eval "WFAIL_$1=\"insmod before the wrap: \$out\""
	eval "W1_$1=\$($P ticks)"
}

# reload_after PART PATH: loaded again after the wrap, read at once (and
# /proc/seconds two seconds later), then unloaded
reload_after() {
	a0=$($P ticks)
	do_insmod "$1" || return 1
	a1=$($P ticks)
	export SEEN_AS="loaded again after the wrap"
	case $1 in
	jiffies) probe jiffies "$2" ;;
	seconds) SEEN_AS="$SEEN_AS, read 2 s later" && sleep 2 && probe seconds "$2" "$a0" "$a1" "$HZ" ;;
	esac
	rc=$?
	unset SEEN_AS
	[ $rc = 0 ] || { rmmod "$1"; return 1; }
	do_rmmod "$1"
}

# simple_wrap: unloaded after the wrap, it logs the tick count then;
# loaded again, it logs it on load and unload
simple_wrap() {
	ok=0
	for step in rmmod insmod rmmod; do
		m=$(log_count)
		b0=$($P ticks)
		if [ $step = rmmod ]; then do_rmmod simple || return 1; else do_insmod simple || return 1; fi
		b1=$($P ticks)
		l=$(module_lines "$m")
		seen "$step after the wrap logged: $(echo "$l" | one_line)"
		has_tick "$l" "$b0" "$b1" || { seen "no jiffies from $b0 to $b1 in it" && ok=1; }
	done
	return $ok
}

# wrap_check PART: the part's reads after the wrap
wrap_check() {
	fail='' w0='' w1=''
	eval "fail=\${WFAIL_$1:-} w0=\$W0_$1 w1=\$W1_$1"
	[ -z "$fail" ] || { seen "$fail" && return 1; }
	mark=$(log_count)
	export SEEN_AS="loaded before the wrap, read after it"
	case $1 in
	simple) unset SEEN_AS && simple_wrap ;;
	jiffies) probe jiffies /proc/jiffies && unset SEEN_AS && do_rmmod jiffies &&
		reload_after jiffies /proc/jiffies ;;
	seconds) probe seconds /proc/seconds "$w0" "$w1" "$HZ" && unset SEEN_AS && do_rmmod seconds &&
		reload_after seconds /proc/seconds ;;
	esac
	rc=$?
	unset SEEN_AS
	is_listed "$1" && rmmod "$1"
	bad=$(splat "$mark")
	[ -z "$bad" ] || { seen "$(echo "$bad" | head -n 4 | one_line)" && rc=1; }
	return $rc
}

# grade_wrap PART...: loaded before the wrap, read after it, and loaded
# again after it (when a 64-bit kernel's jiffies has passed 2^32)
grade_wrap() {
	left=$(calc "$WRAP - $(ticks)")
	if [ "$left" -lt $((10 * HZ)) ]; then
		for p in "$@"; do notrun "$p" "too little time before the wrap ($left ticks)"; done
		return
	fi
	echo "# grade: wrap at $(cut -d' ' -f1 /proc/uptime) s"
	for p in "$@"; do wrap_load "$p"; done
	sleep_until "$WRAP + 2 * $HZ" ||
		{ for p in "$@"; do notrun "$p" "the guest could not sleep until the wrap"; done && return; }
	echo "# grade: after the wrap, jiffies reads $(raw_ticks)"
	for p in "$@"; do gcheck "$p.wrap" wrap_check "$p"; done
}

if [ ! -x $P ] || [ -z "$HZ" ]; then
	echo "# grade: error: the guest lacks $P or OSC_PROCFS_HZ"
	exit 1
fi
echo "# grade: $(uname -r) $(uname -m), HZ=$HZ, jiffies $(raw_ticks), $(calc "$WRAP - $(ticks)") ticks before the wrap"
for p in $(echo "$OSC_GRADE" | tr , ' '); do grade_part "$p"; done
[ -z "$OSC_GRADE_WRAP" ] || grade_wrap $(echo "$OSC_GRADE_WRAP" | tr , ' ')
echo "# grade: done"
