# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The cells of the matrix (tests/matrix) whose modules are built in the
# kernel tree: what a cell's stage needs and runs (cell_stage), and the
# variants plain, debug, wrap, sig and kselftest; the out-of-tree ones
# are in tests/stages/out-of-tree.sh. tests/run.sh, which sources this
# file, plans a build_CELL and a boot_CELL stage for each
# cell_build_VARIANT and cell_boot_VARIANT there is (a variant without one
# of them has one stage only). They run after cell_stage has set, from
# the cell's row:
#   CELL      the cell's name           ARCH  its arch
#   OPTS      m, y or n                 SCENARIO  its guest scenario's name
#   MODE      the kernel it builds or boots (kernel.sh's modes: m, debug-m)

# cell_build_plain / cell_boot_plain: build the kernel; boot it with the
# scenario; the guest must have run this line's kernel on this arch
cell_build_plain() {
	expect "build for $ARCH with the options =$OPTS" build_mode "$MODE" || return 1
	built_at_hz "$MODE"
	[[ $OPTS == m ]] || return 0
	expect "the $(module_names | wc -l) modules are built: $(module_names | paste -sd' ' -)" has_modules "$OUT/$MODE"
	expect "build the selftest for $ARCH, statically linked" build_selftest "$ARCH" || return 1
	expect "the selftest is a static $ARCH executable ($(arch_fact "$ARCH" executable))" \
		grep -q "$(arch_fact "$ARCH" executable).*statically linked" <(file -L "$(selftest_dir "$ARCH")/osc_procfs_test")
	[[ $MODE == m ]] || return 0
	expect "make modules_install put the $(module_names | wc -l) modules and modules.dep in $OUT/m/root" \
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
	expect "the $(module_names | wc -l) modules, each signed, unsigned and signed with the other key" \
		[ "$(find "$dir" -maxdepth 1 -name 'osc_*.ko' | wc -l)" == $((3 * $(module_names | wc -l))) ]
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
	if ! boot_mode --no-modules "$MODE" "$OSC_TOP/guest/$SCENARIO.sh" "$log" \
		"OSC_OPTIONS=$OPTS OSC_KCONFIG=$kconfig" --warp "${trees[@]}"; then
		fail "boot the =$OPTS kernel and run guest/$SCENARIO.sh (console log: $log)"
		return 1
	fi
	guest_checks "$log"
}

# selftest_cell I: the cell that builds the selftest for row I's arch and
# line: the first plain =m cell of both that builds its kernel
# shellcheck disable=SC2153 # MX_BUILDS is matrix.sh's
selftest_cell() {
	local i=$1 j
	for j in "${!MX_CELL[@]}"; do
		[[ ${MX_LINE[j]} == "${MX_LINE[i]}" && ${MX_ARCH[j]} == "${MX_ARCH[i]}" &&
			${MX_VARIANT[j]} == plain && ${MX_OPTS[j]} == m && ${MX_BUILDS[j]} == 1 ]] &&
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
	elif ((MX_BUILDS[i])); then
		echo apply_git
	elif [[ -n ${MX_BUILDER[i]} ]]; then
		echo "build_${MX_BUILDER[i]}"
	fi
}

# cell_stage KIND I: the KIND stage of row I's cell: what it needs, then
# its variant's function
cell_stage() {
	local kind=$1 i=$2 deps CELL=${MX_CELL[$2]} ARCH=${MX_ARCH[$2]} OPTS=${MX_OPTS[$2]}
	local SCENARIO=${MX_SCENARIO[$2]} MODE=${MX_KERNEL[$2]}
	deps=$(cell_needs "$kind" "$i") || return 1
	# shellcheck disable=SC2086 # a word list
	needs $deps || return 1
	"cell_${kind}_${MX_VARIANT[i]}"
}

# has_modules DIR: DIR holds NAME.ko for each of our modules
has_modules() {
	local m
	for m in $(module_names); do [[ -f $1/$m.ko ]] || { say "   no $m.ko in $1"; return 1; }; done
}

# installed_modules ROOT: modules_install put our modules under ROOT, and
# depmod listed them
installed_modules() {
	local dir
	dir=$(echo "$1"/lib/modules/*)
	[[ -f $dir/modules.dep ]] && has_modules "$dir/kernel/samples/osc_procfs" &&
		grep -q 'samples/osc_procfs/osc_hello.ko' "$dir/modules.dep"
}

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
