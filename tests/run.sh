#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test suite: every check of the series, from checkpatch to booted
# kernels. Each stage prints its name and time; each check one line.
# Before it, a table of the matrix: each kernel x arch x mode built and
# booted, with its result and times. The last line is "N passed, M
# failed"; the exit status is 0 only when nothing failed.
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
# shellcheck source=tests/mutations.sh
. "$OSC_TOP/tests/mutations.sh"

# The base line (the first of kernel-lines) gets every stage; each
# backport line the stages of LINE_STAGES, named with its line as a
# suffix (build_m_6_12: build_m on 6.12); the distro line also the
# Debian-kernel stages. same_code compares what the lines applied;
# mutations (tests/mutations.sh) breaks things on purpose and expects the
# suite to catch each.
BASE_STAGES=(deps shellcheck source checkpatch apply_plain apply_git apply_cases export build_m prefixes
	warnings boot_m build_oot boot_oot build_y boot_y build_n boot_n kselftest_m kselftest_y kselftest_n build_sig_m boot_sig_m menuconfig
	build_debug_m boot_debug_m
	build_arm64_m boot_arm64_m build_arm64_y boot_arm64_y)
LINE_STAGES=(source apply_plain apply_git apply_cases export build_m boot_m build_y boot_y)
DISTRO_STAGES=(build_distro boot_distro)
STAGES=("${BASE_STAGES[@]}")
for _l in "${OSC_LINES[@]:1}"; do
	for _s in "${LINE_STAGES[@]}"; do STAGES+=("${_s}_${_l//./_}"); done
	[[ $_l != "$OSC_DISTRO_LINE" ]] || STAGES+=("${DISTRO_STAGES[@]}")
done
STAGES+=(same_code mutations)
unset _l _s
# SUFFIX: while a stage runs on a backport line, that line's suffix
# (_6_12), which needs adds to the stage names it checks
SUFFIX=''
PASSED=0 FAILED=0 SKIPPED=0
# RESULTS: the file where a stage's checks are tallied ("ok" or "FAIL" a
# line): a stage runs in a subshell of its own, see run_stage
RESULTS=''
# STAGE: the stage running; STAGE_F0: FAILED when it began
STAGE='' STAGE_F0=0
declare -A STAGE_OK=()
# The matrix: each build_X/boot_X stage pair is one cell, kernel x arch x
# mode; its result and times are printed in a table at the end.
declare -A CELL_OK=() CELL_BUILD=() CELL_BOOT=()
CELLS=()

pass() {
	PASSED=$((PASSED + 1))
	echo ok >>"$RESULTS"
	say "  ok   $*"
}

fail() {
	FAILED=$((FAILED + 1))
	echo FAIL >>"$RESULTS"
	say "  FAIL $*"
}

# skip WHAT: checks that could not run here, said so, counted apart (not
# as passed, not as failed)
skip() {
	echo SKIP >>"$RESULTS"
	say "  SKIP $*"
}

# expect WHAT CMD...: one check; returns CMD's success or failure
expect() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what"
		return 1
	fi
}

# needs STAGE...: a stage cannot run when one it builds on failed
needs() {
	local s
	for s in "$@"; do
		s+=$SUFFIX
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

stage_deps() { expect "packages installed" "$OSC_TOP/scripts/deps.sh" --matrix; }

stage_shellcheck() {
	local f
	cd "$OSC_TOP"
	for f in apply.sh .ci/run scripts/*.sh tests/*.sh bench/*.sh scripts/guest/init scripts/guest/*.sh tests/guest/*.sh; do
		expect "shellcheck is silent on $f" shellcheck -x "$f"
	done
	cd - >/dev/null
}

stage_source() { expect "the Linux $(cur_line) source in the cache: $KERNEL_SRC" prepare_source; }

stage_checkpatch() {
	needs source || return 1
	local p out rc
	for p in "$OSC_TOP"/patches/0*.patch; do
		[[ $p == */0000-cover-letter.patch ]] && continue
		rc=0
		out=$(cd "$PLAIN" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict "$p" 2>&1) || rc=$?
		if ((rc == 0)) && grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
			pass "checkpatch --strict: ${p##*/}"
		else
			say "$out"
			fail "checkpatch --strict: ${p##*/}"
		fi
	done
}

# succeeds_saying TEXT CMD...: CMD exits 0 and its output holds TEXT (run
# to its end first: grep on a process substitution returns while CMD
# still runs)
succeeds_saying() {
	local text=$1 out
	shift
	out=$("$@" 2>&1) || { say "$out"; return 1; }
	grep -qF -- "$text" <<<"$out" || { say "$out"; return 1; }
}

stage_apply_plain() {
	needs source || return 1
	local before after kconfig=$PLAIN/samples/osc_procfs/Kconfig
	reset_plain
	before=$(tree_state)
	expect "apply.sh --check on the pristine plain Linux $(line_version) tree succeeds" \
		"$OSC_TOP/apply.sh" --check "$PLAIN"
	expect "apply.sh --check changed nothing" [ "$(tree_state)" == "$before" ]
	expect "apply.sh applies $(series_dir_name) to the plain tree" \
		succeeds_saying "patches from $(series_dir_name)" "$OSC_TOP/apply.sh" "$PLAIN"
	expect "Kconfig.snippet is exactly samples/osc_procfs/Kconfig of the series" \
		diff -u "$OSC_TOP/Kconfig.snippet" "$kconfig"
	expect "samples/Kconfig sources it inside 'if SAMPLES'" \
		awk '/^if SAMPLES/ { in_if = 1 } /^endif # SAMPLES/ { in_if = 0 }
			in_if && /^source "samples\/osc_procfs\/Kconfig"$/ { found = 1 }
			END { exit !found }' "$PLAIN/samples/Kconfig"
	after=$(tree_state)
	expect "apply.sh again reports 'already applied' and exits 0" \
		succeeds_saying "already applied" "$OSC_TOP/apply.sh" "$PLAIN"
	expect "applying again changed nothing" [ "$(tree_state)" == "$after" ]
	expect "apply.sh --reverse takes the series off the plain tree" "$OSC_TOP/apply.sh" --reverse "$PLAIN"
	expect "the plain tree is pristine again" [ "$(tree_state)" == "$before" ]
}

stage_apply_git() {
	needs source || return 1
	expect "apply.sh puts $(series_dir_name) on the Linux $(line_version) git checkout as commits" apply_series_git || return 1
	expect "one commit per patch in $(series_dir_name)" \
		[ "$(git -C "$GTREE" rev-list --count pristine..HEAD)" == "$(series_patches "$(line_series "$(cur_line)")" | wc -l)" ]
	expect "the git checkout is clean after git am" \
		[ -z "$(git -C "$GTREE" status --porcelain --untracked-files=all)" ]
}

stage_export() {
	needs apply_git || return 1
	expect "scripts/export.sh --line $(cur_line) reproduces $(series_dir_name) and its series byte for byte" \
		"$OSC_TOP/scripts/export.sh" --check --line "$(cur_line)" "$GTREE"
	expect "MAINTAINERS: our entry is where scripts/parse-maintainers.pl sorts it" maintainers_sorted
}

# section_neighbours FILE: our MAINTAINERS section's name, with the names
# of the sections before and after it
section_neighbours() {
	awk 'prev == "" && /^[^ \t]/ && !/^[A-Z]:\t/ { print } { prev = $0 }' "$1" |
		grep -x -B1 -A1 'OPERATING SYSTEM CONCEPTS PROCFS SAMPLES'
}

# maintainers_sorted: parse-maintainers.pl's sorted MAINTAINERS has our
# entry between the same two sections as the tree's (the file as a whole
# is not sorted upstream, so only the neighbours are compared)
maintainers_sorted() {
	local sorted=$OUT/MAINTAINERS.sorted mine theirs
	(cd "$OUT" && perl "$GTREE/scripts/parse-maintainers.pl" --input="$GTREE/MAINTAINERS" --output="$sorted" \
		--section="$OUT/MAINTAINERS.section") || return 1
	mine=$(section_neighbours "$GTREE/MAINTAINERS") && theirs=$(section_neighbours "$sorted") || return 1
	say "   $(tr '\n' '|' <<<"$mine")"
	[[ $mine == "$theirs" && $(wc -l <<<"$mine") == 3 ]]
}

# module_names: our modules, from Kconfig.snippet's options
module_names() {
	sed -n 's/^config SAMPLE_OSC_\([A-Z]*\)$/osc_\1/p' "$OSC_TOP/Kconfig.snippet" | tr '[:upper:]' '[:lower:]' | paste -sd' ' -
}

# has_modules DIR: DIR holds NAME.ko for each of our modules
has_modules() {
	local m
	for m in $(module_names); do [[ -f $1/$m.ko ]] || { say "   no $m.ko in $1"; return 1; }; done
}

# cur_line: the kernel line the stage runs on; line_version: its release
cur_line() { echo "${SRC_LINE:-$OSC_BASE_LINE}"; }
line_version() { make -s -C "$PLAIN" kernelversion; }
# series_dir_name: the line's patches, as apply.sh names them
series_dir_name() { echo "$(line_series_rel "$(cur_line)")patches/"; }

stage_build_m() {
	needs apply_git || return 1
	expect "build with the options =m" build_mode m || return 1
	expect "the four modules are built: $(module_names)" has_modules "$OUT/m"
	built_at_hz m
	expect "build the selftest, statically linked" build_selftest
	expect "install the selftest as a CI does (make -C tools/testing/selftests TARGETS=osc_procfs install)" \
		install_kselftest
	expect "make modules_install put the four modules and modules.dep in $OUT/m/root" \
		installed_modules "$OUT/m/root"
}

# installed_modules ROOT: modules_install put our modules under ROOT, and
# depmod listed them
installed_modules() {
	local dir
	dir=$(echo "$1"/lib/modules/*)
	[[ -f $dir/modules.dep ]] && has_modules "$dir/kernel/samples/osc_procfs" &&
		grep -q 'samples/osc_procfs/osc_hello.ko' "$dir/modules.dep"
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
	local out sparse
	sparse=$(sparse_bin)
	expect "a sparse that knows this tree is there ($sparse; scripts/deps.sh --matrix builds it)" \
		[ -x "$sparse" ] || return 1
	expect "configure the options =m" configure m || return 1
	out=$(make -C "$GTREE" O="$BUILD" -j"$OSC_JOBS" -s C=2 CHECK="$sparse" W=1 samples/osc_procfs/ 2>&1) ||
		out+=$'\n'"(make exited $?)"
	[[ -z $out ]] || say "$out"
	expect "sparse (C=2) and W=1 are silent on samples/osc_procfs/" [ -z "$out" ]
}

# guest_checks LOG [debug]: count the guest's CHECK lines, and give the
# console log's verdict (a debug kernel's: scripts/guest/log-verdict.awk);
# fails when any of them failed
guest_checks() {
	local log=$1 kind=${2:-} line n=0 f0=$FAILED
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		"CHECK ok - "*) pass "guest: ${line#CHECK ok - }" ;;
		*) fail "guest: ${line#CHECK FAIL - }" ;;
		esac
	done < <(grep -a '^CHECK \(ok\|FAIL\) - ' "$log" | tr -d '\r')
	expect "the guest ran its checks ($n)" [ "$n" -gt 0 ]
	expect "the guest scenario ran to its end (exit 0)" grep -aq '^osc-guest: scenario exit 0' "$log"
	if [[ $kind == debug ]]; then
		expect "the console log: no BUG, WARNING, KASAN, lock report or Oops; stack traces only of injected allocation failures" \
			awk -f "$OSC_TOP/scripts/guest/log-verdict.awk" "$log"
	else
		expect "the console log has no BUG, WARNING, Oops or Call Trace" \
			not_grep 'BUG|WARNING|Oops|Call Trace' "$log"
	fi
	((FAILED == f0))
}

has_all() {
	local f=$1 s
	shift
	for s in "$@"; do grep -qF -- "$s" "$f" || return 1; done
}

# not_grep RE LOG: no line of LOG matches RE, leaving out the guest's own
# CHECK lines (which name what they look for) and the log lines it quotes
not_grep() { ! grep -av '^CHECK \|^  | ' "$2" | grep -E "$1"; }

# boot_scenario MODE SCENARIO: boot OUT/MODE's kernel with
# tests/guest/SCENARIO.sh and count its checks
boot_scenario() {
	local mode=$1 log=$OUT/boot-$1.log
	if ! boot_mode "$mode" "$OSC_TOP/tests/guest/$2.sh" "$log"; then
		fail "boot the $mode kernel and run tests/guest/$2.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

boot_stage() {
	needs "build_$1" && boot_scenario "$1" "boot-$1" || return 1
	ran_line "$OUT/boot-$1.log"
}

# ran_line LOG: the guest's kernel is of the line the stage is on
ran_line() {
	local line
	line=$(cur_line)
	expect "the guest ran Linux $line ($(grep -aom1 "Linux version $line\.[0-9]*" "$1" | cut -d' ' -f3))" \
		grep -aq "Linux version $line\.[0-9]" "$1"
}

stage_boot_m() { boot_stage m; }
stage_build_y() { needs apply_git && expect "build with the options =y" build_mode y && built_at_hz y; }
stage_boot_y() { boot_stage y; }
stage_build_n() { needs apply_git && expect "build with the options =n" build_mode n; }
stage_boot_n() { boot_stage n; }

# The selftest as a kernel CI runs it (tests/guest/kselftest.sh): the
# installed kselftest's run_kselftest.sh, with the kernel's config in
# /boot; on =m the modules installed in /lib/modules and not loaded
kselftest_boot() {
	local opt=$1 log=$OUT/boot-kselftest-$1.log boot=$OUT/kselftest-boot-$1 trees=()
	rm -rf "$boot" && mkdir -p "$boot" && cp "$OUT/$opt/.config" "$boot/config-$(build_kver)" || return 1
	trees=(--tree "$OUT/kselftest:/kselftest" --tree "$boot:/boot")
	[[ $opt != m ]] || trees+=(--tree "$OUT/m/root/lib/modules:/lib/modules")
	if ! "$OSC_TOP/scripts/boot.sh" --kernel "$OUT/$opt/bzImage" --cpio-tool "$BUILD/usr/gen_init_cpio" \
		--scenario "$OSC_TOP/tests/guest/kselftest.sh" --log "$log" --append "OSC_OPTIONS=$opt" "${trees[@]}"; then
		fail "boot the =$opt kernel and run tests/guest/kselftest.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}
stage_kselftest_m() { needs build_m && kselftest_boot m; }
stage_kselftest_y() { needs build_m build_y && kselftest_boot y; }
stage_kselftest_n() { needs build_m build_n && kselftest_boot n; }

# The debug kernel (configs/debug.config): KASAN, lockdep, kmemleak,
# debugobjects, failslab, panic on oops.
stage_build_debug_m() {
	needs apply_git build_m || return 1
	expect "build the debug kernel with the options =m" build_mode debug-m
	expect "build the guest's stress helper (tests/guest/osc_stress.c)" build_guest_tools
}

# debug_boot MODE CPUS NAME [CMDLINE]: boot the debug kernel, run its
# scenario; the console log is OUT/boot-debug-NAME.log
debug_boot() {
	local mode=$1 cpus=$2 cmdline=${4:-} log=$OUT/boot-debug-$3.log
	if ! boot_mode "debug-$mode" "$OSC_TOP/tests/guest/debug-$mode.sh" "$log" "$cmdline" \
		--smp "$cpus" --timeout 1800; then
		fail "boot the debug =$mode kernel ($cpus CPUs, $cmdline) and run tests/guest/debug-$mode.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log" debug
	tr -d '\r' <"$log" | sed -n -E '/^(debug run|osc_|reader |kmemleak|log: )/s/^/       /p'
}

stage_boot_debug_m() {
	needs build_debug_m || return 1
	debug_boot m 2 m-stress "OSC_PHASE=stress OSC_CYCLES=${OSC_CYCLES:-50}"
	debug_boot m 1 m-faults OSC_PHASE=faults
}

# same_code: the new files are byte for byte the same on every line
stage_same_code() {
	local l id base other
	needs apply_git || return 1
	base=$GTREE
	for l in "${OSC_LINES[@]:1}"; do
		id=_${l//./_}
		[[ ${STAGE_OK[apply_git$id]:-1} == 1 ]] || { fail "not run: it needs stage 'apply_git$id', which failed"; continue; }
		other=$(on_line "$l" gtree_path)
		expect "samples/osc_procfs/ and tools/testing/selftests/osc_procfs/ are the same on $OSC_BASE_LINE and $l" \
			same_dirs "$base" "$other" samples/osc_procfs tools/testing/selftests/osc_procfs
	done
}
gtree_path() { echo "$GTREE"; }

# same_dirs A B DIR...: each DIR is the same under A and B, and not empty
same_dirs() {
	local a=$1 b=$2 d
	shift 2
	for d in "$@"; do
		[[ -n $(ls -A "$a/$d") ]] && diff -r "$a/$d" "$b/$d" || return 1
	done
}

# arm64: cross-built, booted on qemu-system-aarch64 -M virt
stage_build_arm64_m() {
	needs apply_git || return 1
	expect "cross-build for arm64 with the options =m" build_mode arm64-m || return 1
	built_at_hz arm64-m
	expect "cross-build the selftest for arm64, statically linked" build_selftest arm64
	expect "the arm64 selftest is a static aarch64 executable" \
		grep -q 'ARM aarch64.*statically linked' <(file -L "$(selftest_dir arm64)/osc_procfs_test")
}
stage_build_arm64_y() {
	needs build_arm64_m || return 1
	expect "cross-build for arm64 with the options =y" build_mode arm64-y || return 1
	built_at_hz arm64-y
}
stage_boot_arm64_m() { needs build_arm64_m && arm64_boot m; }
stage_boot_arm64_y() { needs build_arm64_y && arm64_boot y; }

arm64_boot() {
	boot_scenario "arm64-$1" "boot-$1" || return 1
	expect "the guest was an arm64 machine (QEMU virt, PL011 console)" \
		has_all "$OUT/boot-arm64-$1.log" "Machine model: linux,dummy-virt" "ttyAMA0" "is a PL011"
}

# built_at_hz MODE: MODE's kernel runs at the rate mode_hz gives it; the
# guest is told its HZ, and osc_simple's log and the selftest's
# /proc/jiffies rate must match it
built_at_hz() {
	local hz
	hz=$(mode_hz "$1")
	expect "the kernel was built with CONFIG_HZ=$hz" [ "$(config_hz "$1")" == "$hz" ]
}

# Signed modules: the =m kernel checks signatures against a key of the
# test's (mode_signed); build_mode m signed its modules with
# scripts/sign-file and kept an unsigned copy and one signed with a key
# the kernel does not know. Booted with module.sig_enforce=1, as Secure
# Boot's lockdown does, only the signed ones may load.
stage_build_sig_m() {
	local m
	needs build_m || return 1
	expect "the =m kernel checks signatures with the test's key built in" \
		has_all "$OUT/m/.config" CONFIG_MODULE_SIG=y "CONFIG_MODULE_SIG_KEY=\"$OUT/sig-key/signing_key.pem\""
	for m in "$OUT"/m/osc_*.unsigned.ko; do
		m=${m%.unsigned.ko}
		expect "${m##*/}.ko carries a signature, ${m##*/}.unsigned.ko does not" \
			signed_as_named "$m"
	done
	expect "four modules, each signed, unsigned and signed with the other key" \
		[ "$(find "$OUT/m" -maxdepth 1 -name 'osc_*.ko' | wc -l)" == 12 ]
	expect "make modules_install signed what it installed (MODULE_SIG_ALL)" \
		has_signature "$(echo "$OUT"/m/root/lib/modules/*/kernel/samples/osc_procfs/osc_hello.ko)"
}
stage_boot_sig_m() {
	local log=$OUT/boot-sig-m.log
	needs build_sig_m || return 1
	if ! boot_mode m "$OSC_TOP/tests/guest/sig.sh" "$log" module.sig_enforce=1; then
		fail "boot the =m kernel with module.sig_enforce=1 and run tests/guest/sig.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# has_signature KO: KO ends with the module signature's marker
has_signature() { tail -c 28 "$1" | grep -aqx '~Module signature appended~'; }

# signed_as_named BASE: BASE.ko and BASE.otherkey.ko are signed,
# BASE.unsigned.ko is not
signed_as_named() {
	has_signature "$1.ko" && has_signature "$1.otherkey.ko" && ! has_signature "$1.unsigned.ko"
}

# The lab's own workflow, out of tree: scripts/out-of-tree.sh against a
# kernel's build directory, the modules loaded into that kernel. Twice:
# the base line's =m kernel (oot), and Debian's own kernel of the distro
# line, as Debian ships it, with its headers (distro).

# out_of_tree KDIR DEST: build the modules out of tree against KDIR
out_of_tree() {
	"$OSC_TOP/scripts/out-of-tree.sh" --kdir "$1" "$2" >"$2.log" 2>&1 ||
		{ cat "$2.log"; return 1; }
}

# built_for DEST KVER: DEST's modules carry KVER's vermagic
built_for() { grep -q "^vermagic:  *$2 " <(modinfo "$1/samples/osc_procfs/osc_hello.ko"); }

# build_oot_in KDIR DEST KVER: the out-of-tree build and its checks
build_oot_in() {
	rm -rf "$2" "$2.log"
	expect "scripts/out-of-tree.sh builds the four modules against $1" \
		out_of_tree "$1" "$2" || return 1
	expect "the modules are built for $3 (vermagic)" built_for "$2" "$3"
}

# config_has CONFIG SYMBOL...: the kernel config file CONFIG sets one of
# the SYMBOLs =y
config_has() {
	local c=$1 sym
	shift
	for sym in "$@"; do grep -qx "CONFIG_$sym=y" "$c" && return 0; done
	return 1
}

# oot_facts CONFIG: what the guest scenario is to expect of the kernel
# whose config file is CONFIG, as kernel command line words: its HZ,
# whether it checks module signatures (and so taints our unsigned modules
# E), whether it has /proc/sys to read the taint mask from
oot_facts() {
	local sig=0 mask=0
	config_has "$1" MODULE_SIG && sig=1
	config_has "$1" SYSCTL PROC_SYSCTL && mask=1
	echo "OSC_PROCFS_HZ=$(sed -n 's/^CONFIG_HZ=//p' "$1") OSC_SIG_CHECKED=$sig OSC_TAINT_MASK=$mask"
}

# boot_oot_in KERNEL CONFIG DEST LOG KVER: boot KERNEL (its config file
# CONFIG) with DEST's modules and tests/guest/out-of-tree.sh
boot_oot_in() {
	local kernel=$1 facts dest=$3 log=$4 m mods=()
	facts=$(oot_facts "$2")
	say "   the kernel's facts for the guest: $facts"
	for m in "$dest"/samples/osc_procfs/*.ko; do mods+=(--module "$m"); done
	if ! "$OSC_TOP/scripts/boot.sh" --kernel "$kernel" --memory 1024 \
		--cpio-tool "$BUILD/usr/gen_init_cpio" --scenario "$OSC_TOP/tests/guest/out-of-tree.sh" \
		--log "$log" --selftest "$OUT/selftest/osc_procfs_test" \
		--append "$facts OSC_KVER=$5" "${mods[@]}"; then
		fail "boot $kernel and run tests/guest/out-of-tree.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# the =m kernel's release, as its build directory says
build_kver() { cat "$BUILD/include/config/kernel.release"; }

stage_build_oot() {
	needs build_m || return 1
	expect "the =m build directory is configured =m" \
		grep -qx 'CONFIG_SAMPLE_OSC_HELLO=m' "$BUILD/.config" || return 1
	build_oot_in "$BUILD" "$OUT/oot" "$(build_kver)"
}

stage_boot_oot() {
	needs build_oot || return 1
	boot_oot_in "$OUT/m/bzImage" "$OUT/m/.config" "$OUT/oot" "$OUT/boot-oot.log" "$(build_kver)"
}

distro_kver() {
	dpkg-query -W -f='${Depends}' "$OSC_DISTRO_HEADERS" | sed -n 's/^linux-headers-\([^ ]*\) .*/\1/p'
}

build_distro() {
	local kver
	needs build_m || return 1
	kver=$(distro_kver)
	expect "Debian's $OSC_DISTRO_HEADERS names a kernel release ($kver)" [ -n "$kver" ] || return 1
	expect "Debian's kernel image is there: /boot/vmlinuz-$kver" [ -f "/boot/vmlinuz-$kver" ]
	expect "Debian's headers are there: /lib/modules/$kver/build" [ -f "/lib/modules/$kver/build/Makefile" ] || return 1
	build_oot_in "/lib/modules/$kver/build" "$OUT/distro" "$kver"
}

boot_distro() {
	local kver
	needs build_distro || return 1
	kver=$(distro_kver)
	boot_oot_in "/boot/vmlinuz-$kver" "/boot/config-$kver" "$OUT/distro" "$OUT/boot-distro.log" "$kver"
}

# the distro line's build_m builds what the Debian kernel's guest uses
stage_build_distro() { in_line "$OSC_DISTRO_LINE" build_distro; }
stage_boot_distro() { in_line "$OSC_DISTRO_LINE" boot_distro; }

# in_line LINE CMD...: CMD on LINE's cache paths, its stages' suffix set
in_line() {
	local SUFFIX=''
	[[ $1 == "$OSC_BASE_LINE" ]] || SUFFIX=_${1//./_}
	on_line "$@"
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

# cell_of STAGE: the matrix cell (kernel|arch|mode) a build_X or boot_X
# stage belongs to; a backport line's stages end in its suffix
cell_of() {
	local v=${1#build_} k=$OSC_BASE_LINE l
	v=${v#boot_}
	for l in "${OSC_LINES[@]:1}"; do
		[[ $v == *_${l//./_} ]] || continue
		k=$l v=${v%_"${l//./_}"}
	done
	case $v in
	m | y | n) echo "$k|x86_64|=$v, HZ=$(SRC_LINE=$k mode_hz "$v")" ;;
	debug_?) echo "$k|x86_64|debug =${v#debug_}" ;;
	arm64_?) echo "$k|arm64|=${v#arm64_}, HZ=$(mode_hz "arm64-${v#arm64_}")" ;;
	sig_?) echo "$k|x86_64|=${v#sig_}, module.sig_enforce=1" ;;
	oot) echo "$k|x86_64|out of tree, its build dir" ;;
	distro) echo "Debian $OSC_DISTRO_LINE|x86_64|out of tree, Debian's kernel" ;;
	esac
}

# note_cell STAGE SECONDS OK: add a stage's time and result to its cell
note_cell() {
	local cell
	[[ $1 == build_* || $1 == boot_* ]] || return 0
	cell=$(cell_of "$1")
	[[ -n $cell ]] || return 0
	[[ -n ${CELL_OK[$cell]:-} ]] || { CELLS+=("$cell") && CELL_OK[$cell]=1; }
	((${3})) || CELL_OK[$cell]=0
	if [[ $1 == build_* ]]; then CELL_BUILD[$cell]=$2; else CELL_BOOT[$cell]=$2; fi
}

matrix_table() {
	local cell k a m
	((${#CELLS[@]})) || return 0
	say "matrix (build and boot times in seconds; a boot includes its guest checks):"
	printf '  %-12s %-7s %-34s %-6s %7s %7s\n' kernel arch mode result build boot
	for cell in "${CELLS[@]}"; do
		IFS='|' read -r k a m <<<"$cell"
		printf '  %-12s %-7s %-34s %-6s %7s %7s\n' "$k" "$a" "$m" \
			"$( ((CELL_OK[$cell])) && echo pass || echo FAIL)" "${CELL_BUILD[$cell]:--}" "${CELL_BOOT[$cell]:--}"
	done
}

# stage_line STAGE: for a backport line's stage (build_m_6_12), its line
stage_line() {
	local l
	for l in "${OSC_LINES[@]:1}"; do
		[[ $1 == *_${l//./_} ]] && declare -F "stage_${1%_"${l//./_}"}" >/dev/null && { echo "$l"; return; }
	done
	return 1
}

# run_one STAGE: run STAGE's function, on its line
run_one() {
	local line
	if line=$(stage_line "$1"); then
		in_line "$line" "stage_${1%_"${line//./_}"}"
	else
		"stage_$1"
	fi
}

# stage_error STATUS COMMAND FILE LINE: the ERR trap of a stage. Once a
# check of the stage has failed, the stage is failed, and what returns 1
# because of it (the check, a helper that counted it, a "|| return 1")
# goes on as its caller sees fit. Before that, any command that fails
# where nothing tests its status is an error: the stage ends there.
stage_error() {
	((FAILED == STAGE_F0)) || return 0
	warn "  error: '$2' exited $1 (${3#"$OSC_TOP"/}, line $4); stage '$STAGE' ends here"
	exit "$1"
}

# stage_body STAGE: run STAGE with the ERR trap in every function it calls
stage_body() {
	STAGE=$1 STAGE_F0=$FAILED
	set -E
	trap 'stage_error $? "$BASH_COMMAND" "${BASH_SOURCE[0]}" "$LINENO"' ERR
	run_one "$1"
}

# run_stage STAGE: run STAGE in a subshell, so that an error or a die ends
# the stage and not the suite; its checks are counted from RESULTS. The stage fails when one of its checks failed, or
# when it ended with a non-zero status: a stage that gives up without
# calling fail, or hits an error, is a failure of its own.
run_stage() {
	local s=$1 t0 t rc n_ok n_fail n_skip
	t0=$(now_s)
	say "== $s"
	: >"$RESULTS"
	set +e
	(stage_body "$s")
	rc=$?
	set -e
	read -r n_ok n_fail n_skip < <(awk '/^ok$/ { o++ } /^FAIL$/ { f++ } /^SKIP$/ { s++ }
		END { print o + 0, f + 0, s + 0 }' "$RESULTS")
	PASSED=$((PASSED + n_ok)) FAILED=$((FAILED + n_fail)) SKIPPED=$((SKIPPED + n_skip))
	if ((rc != 0 && n_fail == 0)); then
		RESULTS=/dev/null fail "stage '$s' ended with status $rc without a failed check (an error above, or a step that gave up)"
	elif ((rc != 0)); then
		say "  (stage '$s' ended with status $rc)"
	fi
	STAGE_OK[$s]=$((rc == 0 && n_fail == 0))
	t=$(elapsed "$t0")
	note_cell "$s" "$t" "${STAGE_OK[$s]}"
	say "== $s: $t s$( ((STAGE_OK[$s])) || echo ", FAILED")"
}

# failed_stages: name the stages that failed, if any
failed_stages() {
	local s bad=()
	for s in "${STAGES[@]}"; do ((STAGE_OK[$s])) || bad+=("$s"); done
	((${#bad[@]} == 0)) || say "failed stages: ${bad[*]}"
}

main() {
	local s t0
	t0=$(now_s)
	(($#)) && STAGES=("$@")
	set_paths
	mkdir -p "$OUT"
	RESULTS=$OUT/stage-results.$$
	for s in "${STAGES[@]}"; do
		declare -F "stage_$s" >/dev/null || stage_line "$s" >/dev/null || die "no stage '$s'; stages: ${STAGES[*]}"
	done
	for s in "${STAGES[@]}"; do run_stage "$s"; done
	rm -f "$RESULTS"
	matrix_table
	failed_stages
	say "total: $(elapsed "$t0") s"
	((SKIPPED == 0)) || say "$SKIPPED skipped (see the SKIP lines: not run here, not counted as passed)"
	say "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

with_lock main "$@"
