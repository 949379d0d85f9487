#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What the series costs, measured (make bench). Not a pass/fail test:
# it prints tables.
#
#   bench/run.sh           size, boot cost, read cost, the one-module edit loop
#   bench/run.sh --loops   also the cold and warm main job and tests, each in a
#                          fresh cache of its own (about an hour on 2 cores)
#   bench/run.sh --trace   also where one open-read-close goes: a =y kernel
#                          with the function graph tracer (a build of its
#                          own) counts the kernel functions each file runs
#
# Size comes from scripts/bloat-o-meter between vmlinux with our options
# =n and =y, and from size(1) on each module. Boot and read costs come from
# the =y kernel booted twice under qemu -icount shift=0, where guest time
# counts instructions (1 ns each), so the same kernel and program give the
# same figures on a loaded machine; the two runs are shown side by side.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"
# shellcheck source=scripts/ktap.sh
. "$OSC_TOP/scripts/ktap.sh"

LOOPS=0 TRACE=0

build_all() {
	prepare_source
	mkdir -p "$OUT"
	step "apply the series" apply_series_git
	step "build =n" build_mode n
	step "build =m" build_mode m
	step "build =y" build_mode y
	step "build the selftest" build_selftest
	mkdir -p "$OUT/bin"
	gcc -static -O2 -Wall -Werror -o "$OUT/bin/readcost" "$OSC_TOP/guest/readcost.c"
}

size_table() {
	local tree=$GTREE
	say
	say "## Size: vmlinux with our options =n -> =y (scripts/bloat-o-meter)"
	(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/bloat-o-meter "$OUT/n/vmlinux" "$OUT/y/vmlinux") | sed 's/^/    /'
	say
	say "    size(1) of vmlinux:"
	size "$OUT/n/vmlinux" "$OUT/y/vmlinux" | sed 's/^/    /'
	say
	say "## Size of each module (=m)"
	local m mods=()
	for m in "$OUT"/m/osc_*.ko; do
		[[ ${m##*/} == *.*.ko ]] || mods+=("$m") # not the test's .unsigned/.otherkey copies
	done
	size "${mods[@]}" | sed 's/^/    /'
	say "    files (signed): $(stat -c '%n %s B' "${mods[@]}" | sed 's|^.*/||' | paste -sd, - | sed 's/,/, /g')"
}

# guest_bench N: boot the =y kernel with initcall_debug under -icount
guest_bench() {
	local log=$OUT/bench-$1.log
	boot_mode --no-modules y "$OSC_TOP/guest/bench-read.sh" "$log" "initcall_debug loglevel=4" \
		--icount --timeout 900 --bin "$OUT/bin/readcost" >/dev/null
	grep -a '^bench: ' "$log" | tr -d '\r' | sed 's/^bench: //'
}

boot_and_read_tables() {
	local r1 r2
	r1=$(guest_bench 1)
	r2=$(guest_bench 2)
	say
	say "## Boot cost of each initcall (=y, initcall_debug, -icount shift=0), run 1 | run 2"
	paste <(grep '^initcall' <<<"$r1" | sed -E 's/^initcall ([a-z_]+)\+.* after ([0-9]+) usecs/\1 \2/') \
		<(grep '^initcall' <<<"$r2" | sed -E 's/^initcall ([a-z_]+)\+.* after ([0-9]+) usecs/\2/') |
		awk '{ printf "    %-20s %6d us | %6d us\n", $1, $2, $3 }'
	say
	say "## Read cost, ns per open-read-close (best of 5 rounds of 2000, -icount shift=0)"
	say "    file               run 1    run 2   / version   / filesystems"
	paste <(grep '^readcost' <<<"$r1") <(grep '^readcost' <<<"$r2") |
		awk '{ f[NR] = $2; a[NR] = $3; b[NR] = $6 }
		     f[NR] == "/proc/version" { v = $3 } f[NR] == "/proc/filesystems" { fs = $3 }
		     END { for (i = 1; i <= NR; i++)
				printf "    %-16s %7d  %7d   %7.2fx   %7.2fx\n", f[i], a[i], b[i], a[i] / v, a[i] / fs }'
}

# edit_loop: edit one module in the cache's tree, rebuild, boot, re-verify
edit_loop() {
	local f=$GTREE/samples/osc_procfs/osc_hello.c t0 verdict
	build_mode m >/dev/null # the object directory as an =m edit loop has it
	echo "/* bench: an edit */" >>"$f"
	t0=$(now_s)
	build_mode m >/dev/null
	if boot_mode m "$OSC_TOP/guest/boot-m.sh" "$OUT/bench-edit.log" >/dev/null &&
		! ktap_results "$OUT/bench-edit.log" | grep -q '^not ok '; then
		verdict="all $(ktap_results "$OUT/bench-edit.log" | grep -c '^ok ') guest checks passed"
	else
		verdict="FAILED: see $OUT/bench-edit.log"
	fi
	say
	say "## Edit loop: osc_hello.c edited -> =m rebuilt -> booted -> re-verified: $(elapsed "$t0") s ($verdict)"
	git -C "$GTREE" checkout -q -- "$f"
	build_mode m >/dev/null
}

# timed NAME CMD...: time a whole command, quietly
timed() {
	local name=$1 t0
	shift
	t0=$(now_s)
	if "$@" >/dev/null 2>&1; then
		say "    $name: $(elapsed "$t0") s"
	else
		say "    $name: FAILED after $(elapsed "$t0") s"
	fi
}

loops_table() {
	local cold
	cold=$(mktemp -d /var/tmp/osc-bench.XXXXXX)
	say
	say "## The main job and the tests, cold (fresh cache $cold) and warm"
	timed "make demo, cold" env OSC_CACHE="$cold" "$OSC_TOP/scripts/demo.sh"
	timed "make demo, warm" env OSC_CACHE="$cold" "$OSC_TOP/scripts/demo.sh"
	rm -rf "$cold" && mkdir -p "$cold"
	timed "make check, cold" env OSC_CACHE="$cold" "$OSC_TOP/tests/run.sh"
	timed "make check, warm" env OSC_CACHE="$cold" "$OSC_TOP/tests/run.sh"
	rm -rf "$cold"
}

machine() {
	say "# osc-procfs benchmark, $(date -u +%Y-%m-%d)"
	say "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem/ { print $2 }') GiB,"
	say "         $(. /etc/os-release && echo "$PRETTY_NAME"), $(qemu-system-x86_64 --version | head -n 1)"
	say "kernel:  $(make -s -C "$GTREE" kernelversion) ($(basename "$KERNEL_SRC")), CONFIG_HZ=$(config_hz y)"
}

# trace_table: boot the tracing kernel once, print each file's count of
# function calls and, against /proc/hello, the functions whose counts differ
trace_table() {
	local log=$OUT/bench-trace.log other
	build_mode trace-y >/dev/null || die "cannot build the tracing kernel: see $OUT/build-trace-y.log"
	boot_mode --no-modules trace-y "$OSC_TOP/guest/bench-trace.sh" "$log" loglevel=4 \
		--icount --timeout 900 --bin "$OUT/bin/readcost" >/dev/null
	say
	say "## Kernel function calls in one open-read-close (function graph tracer, =y)"
	tr -d '\r' <"$log" | awk '$1 == "trace" { n[$2] += $3 } END { for (f in n) printf "    %-18s %5d calls\n", f, n[f] }' | sort
	for other in /proc/version /proc/filesystems; do
		say "    calls that differ, /proc/hello | $other:"
		tr -d '\r' <"$log" | awk -v a=/proc/hello -v b="$other" '
			$1 == "trace" && $2 == a { x[$4] = $3; k[$4] = 1 }
			$1 == "trace" && $2 == b { y[$4] = $3; k[$4] = 1 }
			END { for (f in k) if (x[f] + 0 != y[f] + 0) printf "      %-36s %4d | %4d\n", f, x[f], y[f] }' | sort
	done
}

main() {
	[[ ${1:-} == --loops ]] && LOOPS=1
	[[ ${1:-} == --trace ]] && TRACE=1
	set_paths
	with_lock build_all >/dev/null
	machine
	size_table
	with_lock boot_and_read_tables
	with_lock edit_loop
	((TRACE == 0)) || with_lock trace_table
	((LOOPS == 0)) || loops_table
}

main "$@"
