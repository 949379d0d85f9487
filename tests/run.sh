#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test suite: every check of the series, from checkpatch to booted
# kernels. Each stage prints its name and time; each check one line.
# The last line is "N passed, M failed"; the exit status is 0 only when
# nothing failed.
#
#   tests/run.sh            all stages
#   tests/run.sh STAGE...   only these (they build on the cache as it is)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"
# shellcheck source=tests/apply-cases.sh
. "$OSC_TOP/tests/apply-cases.sh"

STAGES=(deps shellcheck source checkpatch apply_plain apply_git apply_cases export build_m prefixes
	warnings boot_m build_y boot_y build_n boot_n menuconfig
	build_debug_m boot_debug_m build_debug_y boot_debug_y)
PASSED=0 FAILED=0
declare -A STAGE_OK=()

pass() {
	PASSED=$((PASSED + 1))
	say "  ok   $*"
}

fail() {
	FAILED=$((FAILED + 1))
	say "  FAIL $*"
}

# expect WHAT CMD...: one check
expect() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# needs STAGE...: a stage cannot run when one it builds on failed
needs() {
	local s
	for s in "$@"; do
		[[ ${STAGE_OK[$s]:-1} == 1 ]] && continue
		fail "not run: it needs stage '$s', which failed"
		return 1
	done
}

# tree_state: what differs in the plain tree from pristine, with checksums
tree_state() {
	local f
	pgit status --porcelain --untracked-files=all --ignored |
		while IFS= read -r f; do
			f=${f:3}
			printf '%s %s\n' "$f" "$( (sha1sum "$PLAIN/$f" 2>/dev/null || echo gone) | cut -c1-40)"
		done
}

stage_deps() { expect "packages installed" "$OSC_TOP/scripts/deps.sh"; }

stage_shellcheck() {
	local f
	cd "$OSC_TOP"
	for f in apply.sh .ci/run scripts/*.sh tests/*.sh bench/*.sh scripts/guest/init scripts/guest/*.sh tests/guest/*.sh; do
		expect "shellcheck is silent on $f" shellcheck -x "$f"
	done
	cd - >/dev/null
}

stage_source() { expect "pinned kernel in the cache: $KERNEL_SRC" prepare_source; }

stage_checkpatch() {
	needs source || return 1
	local p out
	for p in "$OSC_TOP"/patches/0*.patch; do
		[[ $p == */0000-cover-letter.patch ]] && continue
		out=$(cd "$PLAIN" && { PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict "$p" 2>&1 || true; })
		if grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
			pass "checkpatch --strict: ${p##*/}"
		else
			say "$out"
			fail "checkpatch --strict: ${p##*/}"
		fi
	done
}

stage_apply_plain() {
	needs source || return 1
	local before after kconfig=$PLAIN/samples/osc_procfs/Kconfig
	reset_plain
	before=$(tree_state)
	expect "apply.sh --check on the pristine plain tree succeeds" \
		"$OSC_TOP/apply.sh" --check "$PLAIN"
	expect "apply.sh --check changed nothing" [ "$(tree_state)" == "$before" ]
	expect "apply.sh applies the series to the plain tree" "$OSC_TOP/apply.sh" "$PLAIN"
	expect "Kconfig.snippet is exactly samples/osc_procfs/Kconfig of the series" \
		diff -u "$OSC_TOP/Kconfig.snippet" "$kconfig"
	expect "samples/Kconfig sources it inside 'if SAMPLES'" \
		awk '/^if SAMPLES/ { in_if = 1 } /^endif # SAMPLES/ { in_if = 0 }
			in_if && /^source "samples\/osc_procfs\/Kconfig"$/ { found = 1 }
			END { exit !found }' "$PLAIN/samples/Kconfig"
	after=$(tree_state)
	expect "apply.sh again reports 'already applied' and exits 0" \
		grep -q "already applied" <("$OSC_TOP/apply.sh" "$PLAIN")
	expect "applying again changed nothing" [ "$(tree_state)" == "$after" ]
}

stage_apply_git() {
	needs source || return 1
	expect "apply.sh puts the series on the git checkout as commits" apply_series_git || return 1
	expect "one commit per patch in series" \
		[ "$(git -C "$GTREE" rev-list --count pristine..HEAD)" == "$(grep -c '^[^#]' "$OSC_TOP/series")" ]
	expect "the git checkout is clean after git am" \
		[ -z "$(git -C "$GTREE" status --porcelain --untracked-files=all)" ]
}

stage_export() {
	needs apply_git || return 1
	expect "scripts/export.sh reproduces patches/ and series byte for byte" \
		"$OSC_TOP/scripts/export.sh" --check "$GTREE"
}

stage_build_m() {
	needs apply_git || return 1
	expect "build with the options =m (bzImage and 4 modules)" build_mode m
	expect "build the selftest, statically linked" build_selftest
}

# Build every prefix of the series: after each patch the tree must build
# (kernel, modules, and the selftest once it exists). The =m config of
# the whole series is carried over with olddefconfig, which keeps the
# options that exist at that point.
stage_prefixes() {
	needs build_m || return 1
	local n i c subject
	n=$(git -C "$GTREE" rev-list --count pristine..osc-procfs)
	for ((i = 1; i < n; i++)); do
		c=$(git -C "$GTREE" rev-parse "osc-procfs~$((n - i))")
		subject=$(git -C "$GTREE" log -1 --format=%s "$c")
		git -C "$GTREE" checkout -q "$c"
		expect "builds after patch $i/$n: $subject" build_kernel "$BUILD" olddefconfig all
	done
	git -C "$GTREE" checkout -q osc-procfs
	expect "builds after patch $n/$n (the whole series)" build_mode m
}

stage_warnings() {
	needs build_m || return 1
	local out
	configure m || return 1
	out=$(make -C "$GTREE" O="$BUILD" -j"$OSC_JOBS" -s C=2 W=1 samples/osc_procfs/ 2>&1) || true
	[[ -z $out ]] || say "$out"
	expect "sparse (C=2) and W=1 are silent on samples/osc_procfs/" [ -z "$out" ]
}

# guest_checks LOG [debug]: count the guest's CHECK lines, and give the
# console log's verdict (a debug kernel's: scripts/guest/log-verdict.awk)
guest_checks() {
	local log=$1 kind=${2:-} line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		"CHECK ok - "*) pass "guest: ${line#CHECK ok - }" ;;
		*) fail "guest: ${line#CHECK FAIL - }" ;;
		esac
	done < <(grep -a '^CHECK \(ok\|FAIL\) - ' "$log" | tr -d '\r')
	expect "the guest ran its checks ($n)" [ "$n" -gt 0 ]
	if [[ $kind == debug ]]; then
		expect "the console log: no BUG, WARNING, KASAN, lock report or Oops; stack traces only of injected allocation failures" \
			awk -f "$OSC_TOP/scripts/guest/log-verdict.awk" "$log"
	else
		expect "the console log has no BUG, WARNING, Oops or Call Trace" \
			not_grep 'BUG|WARNING|Oops|Call Trace' "$log"
	fi
}

has_all() {
	local f=$1 s
	shift
	for s in "$@"; do grep -qF -- "$s" "$f" || return 1; done
}

# not_grep RE LOG: no line of LOG matches RE, leaving out the guest's own
# CHECK lines (which name what they look for) and the log lines it quotes
not_grep() { ! grep -av '^CHECK \|^  | ' "$2" | grep -E "$1"; }

boot_stage() {
	local mode=$1 log=$OUT/boot-$1.log
	needs "build_$mode" || return 1
	if ! boot_mode "$mode" "$OSC_TOP/tests/guest/boot-$mode.sh" "$log"; then
		fail "boot the =$mode kernel and run tests/guest/boot-$mode.sh"
		return 1
	fi
	guest_checks "$log"
}

stage_boot_m() { boot_stage m; }
stage_build_y() { needs apply_git && expect "build with the options =y" build_mode y; }
stage_boot_y() { boot_stage y; }
stage_build_n() { needs apply_git && expect "build with the options =n" build_mode n; }
stage_boot_n() { boot_stage n; }

# The debug kernel (configs/debug.config): KASAN, lockdep, kmemleak,
# debugobjects, failslab, panic on oops.
stage_build_debug_m() {
	needs apply_git build_m || return 1
	expect "build the debug kernel with the options =m" build_mode debug-m
	expect "build the guest's stress helper (tests/guest/osc_stress.c)" build_guest_tools
}

stage_build_debug_y() {
	needs apply_git build_m || return 1
	expect "build the debug kernel with the options =y" build_mode debug-y
}

# debug_boot MODE CPUS NAME [CMDLINE]: boot the debug kernel, run its
# scenario; the console log is OUT/boot-debug-NAME.log
debug_boot() {
	local mode=$1 cpus=$2 cmdline=${4:-} log=$OUT/boot-debug-$3.log
	if ! boot_mode "debug-$mode" "$OSC_TOP/tests/guest/debug-$mode.sh" "$log" "$cmdline" \
		--smp "$cpus" --timeout 1800; then
		fail "boot the debug =$mode kernel ($cpus CPUs, $cmdline) and run tests/guest/debug-$mode.sh"
		return 1
	fi
	guest_checks "$log" debug
	grep -a -E '^(debug run|osc_|reader |kmemleak|log: )' "$log" | tr -d '\r' | sed 's/^/       /' || true
}

stage_boot_debug_m() {
	needs build_debug_m || return 1
	debug_boot m 2 m-stress "OSC_PHASE=stress OSC_CYCLES=${OSC_CYCLES:-200}"
	debug_boot m 1 m-faults OSC_PHASE=faults
}

stage_boot_debug_y() {
	needs build_debug_y || return 1
	debug_boot y 2 y
}

stage_menuconfig() {
	needs build_m || return 1
	local opt opts dir=$OUT/menuconfig first
	mapfile -t opts < <(kconfig_symbols)
	expect "make menuconfig runs in tmux and finds our options" \
		"$OSC_TOP/tests/menuconfig.sh" "$GTREE" "$BUILD" "$OUT/m/.config" "$dir" || return 1
	for opt in "${opts[@]}"; do
		expect "menuconfig: searching $opt shows it under Kernel hacking -> Sample kernel code" \
			has_all "$dir/$opt.search" "Location:" "-> Kernel hacking" "-> Sample kernel code"
		first=$(help_first_line "$opt")
		expect "menuconfig: $opt's help shows \"$first\"" \
			grep -qF "$first" "$dir/$opt.help"
	done
}

# help_first_line SYMBOL: the first line of SYMBOL's help in Kconfig.snippet
help_first_line() {
	awk -v sym="$1" '$2 == sym { found = 1 } found && /^\thelp$/ { getline; sub(/^\t  /, ""); print; exit }' \
		"$OSC_TOP/Kconfig.snippet"
}

run_stage() {
	local s=$1 t0 f0=$FAILED
	t0=$(now_s)
	say "== $s"
	"stage_$s" || true
	((FAILED == f0)) && STAGE_OK[$s]=1 || STAGE_OK[$s]=0
	say "== $s: $(elapsed "$t0") s"
}

main() {
	local s t0
	t0=$(now_s)
	(($#)) && STAGES=("$@")
	set_paths
	mkdir -p "$OUT"
	for s in "${STAGES[@]}"; do
		declare -F "stage_$s" >/dev/null || die "no stage '$s'; stages: ${STAGES[*]}"
	done
	for s in "${STAGES[@]}"; do run_stage "$s"; done
	say "total: $(elapsed "$t0") s"
	say "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

with_lock main "$@"
