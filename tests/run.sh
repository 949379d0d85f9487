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
#   tests/run.sh --list     the stages, in order, with their cells
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"
# shellcheck source=tests/apply-cases.sh
. "$OSC_TOP/tests/apply-cases.sh"
# shellcheck source=tests/mutations.sh
. "$OSC_TOP/tests/mutations.sh"
# shellcheck source=tests/grade-cases.sh
. "$OSC_TOP/tests/grade-cases.sh"

# The stages come from kernel-lines and tests/matrix (plan_stages): for
# each line its own stages, LINE_STAGES (named with the line as a suffix
# on a backport line: apply_git_6_12; BASE_ONLY ones on the base line
# only), then its cells' build_CELL and boot_CELL; AFTER_BUILD_M follow
# the base line's build_m. same_code compares what the lines applied;
# mutations (tests/mutations.sh) breaks things on purpose and expects the
# suite to catch each.
LINE_STAGES=(source checkpatch apply_plain apply_git apply_cases export)
BASE_ONLY=(checkpatch)
AFTER_BUILD_M=(prefixes warnings menuconfig grade)
# STAGE_ROW[STAGE]: the matrix row of a cell's stage, STAGE_KIND[STAGE]
# its kind (build or boot); STAGE_LINE[STAGE]: the line a stage runs on
declare -A STAGE_ROW=() STAGE_KIND=() STAGE_LINE=()
STAGES=()
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
# The cells that ran (their rows of tests/matrix), with their results and
# times, for the table at the end
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
	for f in apply.sh grade.sh .ci/run scripts/*.sh grade/*.sh tests/*.sh tests/apply/*.sh bench/*.sh guest/init guest/*.sh; do
		expect "shellcheck is silent on $f" shellcheck -x "$f"
	done
	cd - >/dev/null
}

stage_source() {
	[[ $(cur_line) == "$OSC_BASE_LINE" ]] || await_unpack "$(cur_line)"
	expect "the Linux $(cur_line) source in the cache: $KERNEL_SRC" prepare_source
}

# The backport lines' sources are unpacked and recorded in git in the
# background while the base line's stages run: a job of its own, at the
# lowest CPU and I/O priority, so that it takes the time a core would
# otherwise idle (a boot under TCG uses one; apply.sh's cases wait on
# I/O) and gives way to the builds. It only fills the cache: each line's
# source stage waits for it, then runs prepare_source, which finds the
# tree ready or, if the job failed, unpacks it again and says why.
UNPACK_PID='' UNPACK_DIR=''

# start_unpack: the background job, for the backport lines whose source
# stage is in STAGES
start_unpack() {
	local l lines=()
	for l in "${OSC_LINES[@]:1}"; do
		[[ " ${STAGES[*]} " != *" source$(line_suffix "$l") "* ]] || lines+=("$l")
	done
	((${#lines[@]})) || return 0
	UNPACK_DIR=$OUT/unpack && rm -rf "$UNPACK_DIR" && mkdir -p "$UNPACK_DIR"
	say "   unpacking the source of ${lines[*]} in the background (logs in $UNPACK_DIR)"
	(
		renice -n 19 -p "$BASHPID" >/dev/null && ionice -c 3 -p "$BASHPID"
		for l in "${lines[@]}"; do
			rc=0
			on_line "$l" prepare_source >"$UNPACK_DIR/$l.log" 2>&1 || rc=$?
			echo "$rc" >"$UNPACK_DIR/$l.rc"
		done
	) </dev/null &
	UNPACK_PID=$!
}

# await_unpack LINE: wait until the background job is done with LINE
await_unpack() {
	local t0 f=$UNPACK_DIR/$1.rc
	[[ -n $UNPACK_PID ]] || return 0
	t0=$(now_s)
	while [[ ! -f $f ]] && kill -0 "$UNPACK_PID" 2>/dev/null; do sleep 1; done
	say "   the background unpack of $1: $(if [[ -f $f ]]; then echo "exit $(<"$f")"; else echo "ended early"; fi), waited $(elapsed "$t0") s"
	[[ ! -f $UNPACK_DIR/$1.log ]] || sed 's/^/   | /' "$UNPACK_DIR/$1.log"
}

# stage_checkpatch: each patch checked, all at once (one perl each)
stage_checkpatch() {
	needs source || return 1
	local p dir=$OUT/checkpatch pids=() patches=() k rc
	rm -rf "$dir" && mkdir -p "$dir"
	for p in "$OSC_TOP"/patches/0*.patch; do
		[[ $p == */0000-cover-letter.patch ]] && continue
		patches+=("$p")
		(cd "$PLAIN" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict "$p") \
			>"$dir/${p##*/}.out" 2>&1 &
		pids+=($!)
	done
	for k in "${!patches[@]}"; do
		p=${patches[k]}
		rc=0
		wait "${pids[k]}" || rc=$?
		if ((rc == 0)) && grep -q '^total: 0 errors, 0 warnings, 0 checks' "$dir/${p##*/}.out"; then
			pass "checkpatch --strict: ${p##*/}"
		else
			cat "$dir/${p##*/}.out"
			fail "checkpatch --strict: ${p##*/} (exit $rc)"
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

# guest_checks LOG [debug]: read the guest's KTAP: each result line of
# the scenario is a check, counted here; a failed one is shown with the
# failed results nested under it (the selftest's). Then the console log's
# verdict (a debug kernel's: guest/log-verdict.awk). Fails when any of
# them failed.
guest_checks() {
	local log=$1 kind=${2:-} line n=0 num what f0=$FAILED nested=()
	while IFS= read -r line; do
		case $line in
		"  not ok "*) nested+=("${line#  }") && continue ;;
		"  "*) continue ;;
		esac
		n=$((n + 1))
		what=${line#ok } && what=${what#not ok }
		num=${what%% *} what=${what#* }
		if [[ $num != "$n" ]]; then
			fail "guest: KTAP result $num where $n was due: a result is missing or out of order"
			if [[ $num != *[!0-9]* ]]; then n=$num; fi
		fi
		if [[ $line == ok* ]]; then
			pass "guest: $what"
		else
			fail "guest: $what"
			((${#nested[@]} == 0)) || printf '         %s\n' "${nested[@]}"
		fi
		nested=()
	done < <(tr -d '\r' <"$log" | grep -a -E '^(  )?(not )?ok [0-9]+ ')
	expect "the guest reported in KTAP and ran its checks ($n)" \
		[ "$n" -gt 0 -a "$(tr -d '\r' <"$log" | grep -acx 'KTAP version 1')" -gt 0 ]
	expect "the guest scenario ran to its end (exit 0)" grep -aq '^osc-guest: scenario exit 0' "$log"
	if [[ $kind == debug ]]; then
		expect "the console log: no BUG, WARNING, KASAN, lock report or Oops; stack traces only of injected allocation failures" \
			awk -f "$OSC_TOP/guest/log-verdict.awk" "$log"
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
# KTAP result lines (which name what they look for) and the lines it
# quotes or nests (two spaces in front)
not_grep() { ! grep -av -E '^(not )?ok [0-9]+ |^  ' "$2" | grep -E "$1"; }

# boot_scenario MODE SCENARIO: boot OUT/MODE's kernel with
# guest/SCENARIO.sh and count its checks. Every boot but the debug
# kernel's runs with guest time counting instructions (boot.sh --warp):
# a busy host then cannot make the guest lose ticks (in real time the
# selftest has read /proc/jiffies advancing 942 times a second at
# HZ=1000, and under 900, a failure, once in eight make quick runs), and
# the selftest's sleeps cost no real time. The debug kernel's
# boots run on 2 CPUs at once, which -icount would run one at a time.
boot_scenario() {
	local mode=$1 log=$OUT/boot-$1.log
	if ! boot_mode "$mode" "$OSC_TOP/guest/$2.sh" "$log" "" --warp; then
		fail "boot the $mode kernel and run guest/$2.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# ran_line LOG: the guest's kernel is of the line the stage is on
ran_line() {
	local line
	line=$(cur_line)
	expect "the guest ran Linux $line ($(grep -aom1 "Linux version $line\.[0-9]*" "$1" | cut -d' ' -f3))" \
		grep -aq "Linux version $line\.[0-9]" "$1"
}

# same_code: the new files are byte for byte the same on every line, but
# those that the line's differs file (beside its series) names: they must
# differ, or the entry is stale
stage_same_code() {
	local l id base other path why
	needs apply_git || return 1
	base=$GTREE
	for l in "${OSC_LINES[@]:1}"; do
		id=_${l//./_}
		[[ ${STAGE_OK[apply_git$id]:-1} == 1 ]] || { fail "not run: it needs stage 'apply_git$id', which failed"; continue; }
		other=$(on_line "$l" gtree_path)
		expect "samples/osc_procfs/ and tools/testing/selftests/osc_procfs/ hold the same files on $OSC_BASE_LINE and $l" \
			same_names "$base" "$other" samples/osc_procfs tools/testing/selftests/osc_procfs
		expect "  ... byte for byte$(differs_note "$l")" \
			same_bytes "$base" "$other" "$(differs_file "$l")" samples/osc_procfs tools/testing/selftests/osc_procfs
		while IFS=$'\t' read -r path why; do
			expect "  ... $path differs on $l ($why)" not cmp -s "$base/$path" "$other/$path"
		done < <(differs_of "$l")
	done
}
gtree_path() { echo "$GTREE"; }
not() { ! "$@"; }

# differs_file LINE: the file that names what differs on LINE
differs_file() { echo "$(line_series "$1")differs"; }
# differs_note LINE: what the check of the other files excepts
differs_note() {
	if [[ -f $(differs_file "$1") ]]; then echo ", but what $(line_series_rel "$1")differs names"; else echo " ($(line_series_rel "$1") has no differs file)"; fi
}
# differs_of LINE: its entries, "PATH<tab>WHY" a line
differs_of() { [[ ! -f $(differs_file "$1") ]] || grep -v '^#' "$(differs_file "$1")"; }

# same_names A B DIR...: each DIR holds the same file names under A and B,
# and is not empty
same_names() {
	local a=$1 b=$2 d
	shift 2
	for d in "$@"; do
		[[ -n $(ls -A "$a/$d") ]] && diff <(cd "$a" && find "$d" | sort) <(cd "$b" && find "$d" | sort) || return 1
	done
}

# same_bytes A B DIFFERS DIR...: each file under DIR is the same under A
# and B, but those the file DIFFERS names
same_bytes() {
	local a=$1 b=$2 differs=$3 f bad=0
	shift 3
	while IFS= read -r f; do
		[[ -f $differs ]] && grep -q "^$f"$'\t' "$differs" && continue
		cmp -s "$a/$f" "$b/$f" || { say "       $f differs"; bad=1; }
	done < <(cd "$a" && find "$@" -type f | sort)
	return "$bad"
}

# built_at_hz MODE: MODE's kernel runs at the rate mode_hz gives it; the
# guest is told its HZ, and osc_simple's log and the selftest's
# /proc/jiffies rate must match it
built_at_hz() {
	local hz
	hz=$(mode_hz "$1")
	expect "the kernel was built with CONFIG_HZ=$hz" [ "$(config_hz "$1")" == "$hz" ]
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
# CONFIG) with DEST's modules and guest/out-of-tree.sh
boot_oot_in() {
	local kernel=$1 facts dest=$3 log=$4 m mods=()
	facts=$(oot_facts "$2")
	say "   the kernel's facts for the guest: $facts"
	for m in "$dest"/samples/osc_procfs/*.ko; do mods+=(--module "$m"); done
	if ! "$OSC_TOP/scripts/boot.sh" --kernel "$kernel" --memory 1024 \
		--cpio-tool "$BUILD/usr/gen_init_cpio" --scenario "$OSC_TOP/guest/$SCENARIO.sh" \
		--log "$log" --selftest "$(selftest_dir "$ARCH")/osc_procfs_test" \
		--append "$facts OSC_KVER=$5" --warp "${mods[@]}"; then
		fail "boot $kernel and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# build_kver [DIR]: the release of the kernel built in object directory
# DIR (by default the =m kernel's, BUILD), as DIR says
build_kver() { cat "${1:-$BUILD}/include/config/kernel.release"; }

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

# The cells of the matrix (tests/matrix). A cell's stages run
# cell_build_VARIANT and cell_boot_VARIANT (a variant without one of them
# has one stage only), after cell_stage has set, from the cell's row:
#   CELL      the cell's name           ARCH  its arch
#   OPTS      m, y or n                 SCENARIO  its guest scenario's name
#   MODE      the kernel it builds or boots (kernel.sh's modes: m, debug-m)

# cell_build_plain / cell_boot_plain: build the kernel; boot it with the
# scenario; the guest must have run this line's kernel on this arch
cell_build_plain() {
	expect "build for $ARCH with the options =$OPTS" build_mode "$MODE" || return 1
	built_at_hz "$MODE"
	[[ $OPTS == m ]] || return 0
	expect "the four modules are built: $(module_names)" has_modules "$OUT/$MODE"
	expect "build the selftest for $ARCH, statically linked" build_selftest "$ARCH" || return 1
	expect "the selftest is a static $ARCH executable ($(arch_fact "$ARCH" executable))" \
		grep -q "$(arch_fact "$ARCH" executable).*statically linked" <(file -L "$(selftest_dir "$ARCH")/osc_procfs_test")
	[[ $MODE == m ]] || return 0
	expect "make modules_install put the four modules and modules.dep in $OUT/m/root" \
		installed_modules "$OUT/m/root"
}
cell_boot_plain() {
	local log=$OUT/boot-$MODE.log says
	boot_scenario "$MODE" "$SCENARIO" || return 1
	ran_line "$log"
	says=$(arch_fact "$ARCH" boot_says)
	[[ -z $says ]] && return 0
	local IFS='|'
	# shellcheck disable=SC2086 # split on | on purpose
	expect "the guest was the $ARCH machine of scripts/arch/$ARCH: ${says//|/, }" has_all "$log" $says
}

# The debug kernel (configs/debug.config): KASAN, lockdep, kmemleak,
# debugobjects, failslab, panic on oops. Booted twice, both at once (each
# boot is one QEMU; the fault sweep runs on one CPU, the stress phase on
# two): the console logs are OUT/boot-CELL-stress.log and -faults.log.
cell_build_debug() {
	expect "build the debug kernel with the options =$OPTS" build_mode "$MODE"
	expect "build the guest's stress helper (guest/osc_stress.c)" build_guest_tools
}
cell_boot_debug() {
	local phases=(stress faults) cpus=(2 1) pids=() k rc log
	local cmdlines=("OSC_PHASE=stress OSC_CYCLES=${OSC_CYCLES:-50}" OSC_PHASE=faults)
	for k in 0 1; do
		boot_mode "$MODE" "$OSC_TOP/guest/$SCENARIO.sh" "$OUT/boot-$CELL-${phases[k]}.log" "${cmdlines[k]}" \
			--smp "${cpus[k]}" --timeout 1800 >"$OUT/boot-$CELL-${phases[k]}.out" 2>&1 &
		pids+=($!)
	done
	for k in 0 1; do
		rc=0
		wait "${pids[k]}" || rc=$?
		log=$OUT/boot-$CELL-${phases[k]}.log
		cat "$OUT/boot-$CELL-${phases[k]}.out"
		if ((rc != 0)); then
			fail "boot the debug =$OPTS kernel (${cpus[k]} CPUs, ${cmdlines[k]}) and run guest/$SCENARIO.sh (console log: $log)"
			continue
		fi
		guest_checks "$log" debug
		tr -d '\r' <"$log" | sed -n -E '/^(debug run|osc_|reader |kmemleak|log: )/s/^/       /p'
	done
}

# Across the wrap: the kernel starts its tick count 300 s before 2^32
# (INITIAL_JIFFIES), so that a 32-bit jiffies wraps to 0 five minutes
# after boot and a 64-bit jiffies_64 crosses 2^32 then. The guest loads the
# modules, sleeps past that moment and reads them again; QEMU's -icount
# sleep=off (boot.sh --warp) makes those five minutes of guest time pass
# in seconds. The kernel is the cell's own kernel, as it is built: nothing
# is changed to move the wrap closer. (boot.sh adds the arch's
# warp_append, tsc=reliable on x86: without a clock the kernel trusts for
# high-resolution timers the tick never stops when idle, and each of the
# 300,000 idle ticks of the five minutes costs real time: 57 s a boot at
# HZ=1000.)
cell_boot_wrap() {
	local log=$OUT/boot-$CELL.log
	if ! boot_mode "$MODE" "$OSC_TOP/guest/$SCENARIO.sh" "$log" "" --warp; then
		fail "boot the =$OPTS kernel with guest time jumping over idle time and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
	tr -d '\r' <"$log" | sed -n -E '/^# (before|after|across|osc_simple)/s/^# /       /p'
}

# Signed modules: the kernel checks signatures against a key of the
# test's (its row has configs/module-sig.config); build_mode signed its
# modules with scripts/sign-file and kept an unsigned copy and one signed
# with a key the kernel does not know. Booted with module.sig_enforce=1,
# as Secure Boot's lockdown does, only the signed ones may load.
cell_build_sig() {
	local m dir=$OUT/$MODE
	expect "the =$OPTS kernel checks signatures with the test's key built in" \
		has_all "$dir/.config" CONFIG_MODULE_SIG=y "CONFIG_MODULE_SIG_KEY=\"$OUT/sig-key/signing_key.pem\""
	for m in "$dir"/osc_*.unsigned.ko; do
		m=${m%.unsigned.ko}
		expect "${m##*/}.ko carries a signature, ${m##*/}.unsigned.ko does not" \
			signed_as_named "$m"
	done
	expect "four modules, each signed, unsigned and signed with the other key" \
		[ "$(find "$dir" -maxdepth 1 -name 'osc_*.ko' | wc -l)" == 12 ]
	expect "make modules_install signed what it installed (MODULE_SIG_ALL)" \
		has_signature "$(echo "$dir"/root/lib/modules/*/kernel/samples/osc_procfs/osc_hello.ko)"
}
cell_boot_sig() {
	local log=$OUT/boot-$CELL.log
	if ! boot_mode "$MODE" "$OSC_TOP/guest/$SCENARIO.sh" "$log" module.sig_enforce=1 --warp; then
		fail "boot the =$OPTS kernel with module.sig_enforce=1 and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# The lab's own workflow, out of tree: scripts/out-of-tree.sh against a
# kernel's build directory, the modules loaded into that kernel: a kernel
# of the matrix (oot), or Debian's own kernel of its line, as Debian
# ships it, with its headers (distro).
cell_build_oot() {
	local dir
	dir=$(mode_build_dir "$MODE")
	expect "the build directory $dir is configured =$OPTS" \
		grep -qx "CONFIG_SAMPLE_OSC_HELLO=$OPTS" "$dir/.config" || return 1
	build_oot_in "$dir" "$OUT/$CELL" "$(build_kver "$dir")"
}
cell_boot_oot() {
	boot_oot_in "$OUT/$MODE/$(basename "$(arch_image "$ARCH")")" "$OUT/$MODE/.config" "$OUT/$CELL" \
		"$OUT/boot-$CELL.log" "$(build_kver "$(mode_build_dir "$MODE")")"
}

distro_kver() {
	dpkg-query -W -f='${Depends}' "$OSC_DISTRO_HEADERS" | sed -n 's/^linux-headers-\([^ ]*\) .*/\1/p'
}

cell_build_distro() {
	local kver
	kver=$(distro_kver)
	expect "Debian's $OSC_DISTRO_HEADERS names a kernel release ($kver)" [ -n "$kver" ] || return 1
	expect "Debian's kernel image is there: /boot/vmlinuz-$kver" [ -f "/boot/vmlinuz-$kver" ]
	expect "Debian's headers are there: /lib/modules/$kver/build" [ -f "/lib/modules/$kver/build/Makefile" ] || return 1
	build_oot_in "/lib/modules/$kver/build" "$OUT/$CELL" "$kver"
}
cell_boot_distro() {
	local kver
	kver=$(distro_kver)
	boot_oot_in "/boot/vmlinuz-$kver" "/boot/config-$kver" "$OUT/$CELL" "$OUT/boot-$CELL.log" "$kver"
}

# The selftest as a kernel CI runs it: the installed kselftest's
# run_kselftest.sh, with kmod and coreutils' timeout as a CI's root file
# system has them; the kernel's config in /proc/config.gz where the
# kernel was built with the selftest's fragment, else in /boot; on =m
# the modules installed in /lib/modules and not loaded
cell_boot_kselftest() {
	local log=$OUT/boot-$CELL.log boot=$OUT/$CELL-boot trees=() kconfig d
	expect "install the selftest as a CI does (make -C tools/testing/selftests TARGETS=osc_procfs install)" \
		install_kselftest || return 1
	expect "take kmod and coreutils' timeout, with their libraries, for the guest" \
		make_ci_tools "$OUT/ci-tools" || return 1
	trees=(--tree "$OUT/kselftest:/kselftest")
	for d in sbin usr lib lib64; do trees+=(--tree "$OUT/ci-tools/$d:/$d"); done
	if [[ $(config_state "$MODE" IKCONFIG_PROC) == y ]]; then
		kconfig=/proc/config.gz
	else
		kconfig=/boot/config-$(build_kver)
		rm -rf "$boot" && mkdir -p "$boot" && cp "$OUT/$MODE/.config" "$boot/${kconfig#/boot/}" || return 1
		trees+=(--tree "$boot:/boot")
	fi
	[[ $OPTS != m ]] || trees+=(--tree "$OUT/$MODE/root/lib/modules:/lib/modules")
	if ! "$OSC_TOP/scripts/boot.sh" --arch "$ARCH" --kernel "$OUT/$MODE/$(basename "$(arch_image "$ARCH")")" \
		--cpio-tool "$BUILD/usr/gen_init_cpio" --scenario "$OSC_TOP/guest/$SCENARIO.sh" --log "$log" \
		--append "OSC_OPTIONS=$OPTS OSC_KCONFIG=$kconfig" --warp "${trees[@]}"; then
		fail "boot the =$OPTS kernel and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# selftest_cell I: the cell that builds the selftest for row I's arch and
# line: the first plain =m cell of both that builds its kernel
selftest_cell() {
	local i=$1 j
	for j in "${!MX_CELL[@]}"; do
		[[ ${MX_LINE[j]} == "${MX_LINE[i]}" && ${MX_ARCH[j]} == "${MX_ARCH[i]}" &&
			${MX_VARIANT[j]} == plain && ${MX_OPTS[j]} == m && ${MX_KERNEL[j]} == build ]] &&
			{ echo "${MX_CELL[j]}"; return 0; }
	done
	return 1
}

# cell_needs KIND I: the stages (without the line's suffix) that the
# KIND (build or boot) stage of row I's cell needs: always the build of
# the cell that makes the selftest for its arch; then, for a boot, the
# cell's own build stage if it has one; for a build of its own kernel,
# apply_git (the series on the git checkout); for any other stage, the
# build of the cell whose kernel it uses
cell_needs() {
	local kind=$1 i=$2 st
	st=$(selftest_cell "$i") || { warn "no plain =m cell builds the selftest for ${MX_ARCH[i]} on ${MX_LINE[i]} (tests/matrix)"; return 1; }
	[[ $kind == build && $st == "${MX_CELL[i]}" ]] || echo "build_$st"
	if [[ $kind == boot ]] && declare -F "cell_build_${MX_VARIANT[i]}" >/dev/null; then
		echo "build_${MX_CELL[i]}"
	elif [[ ${MX_KERNEL[i]} == build ]]; then
		echo apply_git
	elif [[ ${MX_KERNEL[i]} != debian ]]; then
		echo "build_${MX_KERNEL[i]}"
	fi
}

# cell_stage KIND I: the KIND stage of row I's cell: what it needs, then
# its variant's function
cell_stage() {
	local kind=$1 i=$2 deps CELL=${MX_CELL[$2]} ARCH=${MX_ARCH[$2]} OPTS=${MX_OPTS[$2]}
	local SCENARIO=${MX_SCENARIO[$2]} MODE
	MODE=$CELL
	[[ ${MX_KERNEL[i]} == build || ${MX_KERNEL[i]} == debian ]] || MODE=${MX_KERNEL[i]}
	MODE=${MODE/_/-}
	deps=$(cell_needs "$kind" "$i") || return 1
	# shellcheck disable=SC2086 # a word list
	needs $deps || return 1
	"cell_${kind}_${MX_VARIANT[i]}"
}

# cell_kernel I: the kernel column of row I in the table: its line, or
# Debian's kernel of it
cell_kernel() { if [[ ${MX_KERNEL[$1]} == debian ]]; then echo "Debian ${MX_LINE[$1]}"; else echo "${MX_LINE[$1]}"; fi; }

# cell_hz I: the tick rate of the kernel row I's cell builds or boots
cell_hz() {
	local i=$1
	[[ ${MX_KERNEL[i]} == build || ${MX_KERNEL[i]} == debian ]] || i=${MX_ROW[${MX_LINE[i]}/${MX_KERNEL[i]}]}
	frags_hz "${MX_FRAGS[i]}"
}

# cell_what I: the mode column of row I in the table
cell_what() {
	local i=$1 o="=${MX_OPTS[$1]}"
	case ${MX_VARIANT[i]} in
	plain) echo "$o, HZ=$(cell_hz "$i")" ;;
	debug) echo "debug $o, HZ=$(cell_hz "$i")" ;;
	sig) echo "$o, module.sig_enforce=1" ;;
	oot) echo "out of tree, its build dir" ;;
	distro) echo "out of tree, Debian's kernel" ;;
	kselftest) echo "$o, run_kselftest.sh" ;;
	wrap) echo "$o, across the tick wrap" ;;
	*) echo "${MX_VARIANT[i]} $o" ;;
	esac
}

# note_cell STAGE SECONDS OK: add a cell stage's time and result to its
# row of the table
note_cell() {
	local i=${STAGE_ROW[$1]:-}
	[[ -n $i ]] || return 0
	[[ -n ${CELL_OK[$i]:-} ]] || { CELLS+=("$i") && CELL_OK[$i]=1; }
	(($3)) || CELL_OK[$i]=0
	if [[ ${STAGE_KIND[$1]} == build ]]; then CELL_BUILD[$i]=$2; else CELL_BOOT[$i]=$2; fi
}

# matrix_table: the cells that ran, as tests/matrix lists them
matrix_table() {
	local i
	((${#CELLS[@]})) || return 0
	say "matrix (tests/matrix; build and boot times in seconds; a boot includes its guest checks):"
	printf '  %-12s %-12s %-7s %-30s %-6s %7s %7s\n' kernel cell arch mode result build boot
	for i in "${CELLS[@]}"; do
		printf '  %-12s %-12s %-7s %-30s %-6s %7s %7s\n' "$(cell_kernel "$i")" "${MX_CELL[i]}" "${MX_ARCH[i]}" \
			"$(cell_what "$i")" "$( ((CELL_OK[$i])) && echo pass || echo FAIL)" \
			"${CELL_BUILD[$i]:--}" "${CELL_BOOT[$i]:--}"
	done
}

# line_suffix LINE: what LINE's stages add to their names ("" on the base
# line, _6_12 on 6.12)
line_suffix() { [[ $1 == "$OSC_BASE_LINE" ]] || echo "_${1//./_}"; }

# plan_stages: STAGES, in order: deps and shellcheck; then for each
# kernel line its LINE_STAGES (BASE_ONLY ones on the base line only) and
# the stages of its cells in the matrix's order, build_CELL then
# boot_CELL, AFTER_BUILD_M after the base line's build_m; then same_code,
# grade_lines and mutations
plan_stages() {
	local line sfx s i kind
	STAGES=(deps shellcheck)
	for line in "${OSC_LINES[@]}"; do
		sfx=$(line_suffix "$line")
		for s in "${LINE_STAGES[@]}"; do
			[[ -n $sfx && " ${BASE_ONLY[*]} " == *" $s "* ]] && continue
			STAGES+=("$s$sfx") && STAGE_LINE[$s$sfx]=$line
		done
		for i in "${!MX_CELL[@]}"; do
			[[ ${MX_LINE[i]} == "$line" ]] || continue
			for kind in build boot; do
				declare -F "cell_${kind}_${MX_VARIANT[i]}" >/dev/null || continue
				s=${kind}_${MX_CELL[i]}$sfx
				[[ -z ${STAGE_LINE[$s]:-} ]] || die "tests/matrix: two stages named $s"
				STAGES+=("$s") && STAGE_ROW[$s]=$i STAGE_KIND[$s]=$kind STAGE_LINE[$s]=$line
				[[ $s != build_m ]] || STAGES+=("${AFTER_BUILD_M[@]}")
			done
		done
	done
	STAGES+=(same_code grade_lines mutations)
}

# run_one STAGE: run STAGE on its line: a cell's stage, or a stage_NAME
# function
run_one() {
	local s=$1 line=${STAGE_LINE[$1]:-$OSC_BASE_LINE}
	if [[ -n ${STAGE_ROW[$s]:-} ]]; then
		in_line "$line" cell_stage "${STAGE_KIND[$s]}" "${STAGE_ROW[$s]}"
	else
		in_line "$line" "stage_${s%"$(line_suffix "$line")"}"
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
	plan_stages
	for s in "$@"; do
		[[ -n ${STAGE_LINE[$s]:-} ]] || declare -F "stage_$s" >/dev/null ||
			die "no stage '$s'; the stages: ${STAGES[*]}"
	done
	(($#)) && STAGES=("$@")
	set_paths
	mkdir -p "$OUT"
	RESULTS=$OUT/stage-results.$$
	trap '[[ -z $UNPACK_PID ]] || kill "$UNPACK_PID" 2>/dev/null || :' EXIT
	for s in "${STAGES[@]}"; do
		run_stage "$s"
		[[ $s != source ]] || start_unpack
	done
	rm -f "$RESULTS"
	matrix_table
	failed_stages
	say "total: $(elapsed "$t0") s"
	((SKIPPED == 0)) || say "$SKIPPED skipped (see the SKIP lines: not run here, not counted as passed)"
	say "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

# list_stages: the stages in order, a cell's with its row of the matrix
list_stages() {
	local s i
	plan_stages
	for s in "${STAGES[@]}"; do
		i=${STAGE_ROW[$s]:-}
		if [[ -n $i ]]; then
			printf '%-22s %s %s %s, %s\n' "$s" "$(cell_kernel "$i")" "${MX_CELL[i]}" "${MX_ARCH[i]}" "$(cell_what "$i")"
		else
			printf '%-22s %s\n' "$s" "${STAGE_LINE[$s]:-}"
		fi
	done
}

if [[ ${1:-} == --list ]]; then
	list_stages
else
	with_lock main "$@"
fi
