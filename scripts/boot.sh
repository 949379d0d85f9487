#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel under QEMU (TCG) with a busybox initramfs that runs one
# guest scenario, and keep the serial console in a log.
#
#   boot.sh --kernel-dir DIR --scenario guest/boot-m.sh --log out.log \
#           [--kernel bzImage] [--cpio-tool usr/gen_init_cpio]
#           [--selftest osc_procfs_test] [--module x.ko]... [--bin prog]...
#           [--tree HOSTDIR:GUESTDIR]... [--append ARGS] [--smp CPUS]
#           [--timeout SECONDS] [--icount | --warp] [--arch ARCH]
#           [--busybox PATH] [--memory MiB] [--idle SECONDS]
#           [--max-log BYTES]
#
# --kernel-dir is a kernel directory (scripts/lib.sh: DIR/facts): the
# image, the cpio tool, the selftest, the busybox and the arch are its,
# and the command line gets OSC_PROCFS_HZ, the tick rate it was built
# with; an option given as well overrides its fact (--kernel boots
# another image, Debian's own, with the directory's tools, and then the
# caller gives the facts on the command line). Every boot of the demo,
# the tests, the bench and the grader is this one.
#
# Each arch boots on the QEMU machine, with the console, that its facts
# in scripts/arch/ARCH say (x86_64: qemu-system-x86_64 -M pc, ttyS0).
# --busybox is the guest's static busybox (by default the host's, which
# suits an x86_64 guest).
# --tree copies a host directory, whole, to GUESTDIR (an installed
# kselftest, or modules_install's /lib/modules).
#
# --icount runs the guest with -icount shift=0: guest time then counts
# instructions (1 ns each), so timings repeat from run to run.
# --warp runs it with -icount shift=4,sleep=off: guest time counts
# instructions (16 ns each) and jumps over the guest's idle time, so a
# guest that sleeps for five minutes is done in seconds, and a busy host
# cannot make the guest lose ticks. (At shift=0 a 7.3 x86 kernel spends
# 18 s of real time early in boot; at shift=4 its whole boot takes under
# 3 s.) The kernel's command line gets the arch's warp_append.
#
# --idle ends a guest whose console has printed nothing for SECONDS (a
# kernel spinning with its one CPU, which no guest timer can stop); the
# exit status is then 125. --max-log ends one whose console log passes
# BYTES (a flood of kernel messages), and cuts the log there; the exit
# status is then 123. --timeout's end is 124.
#
# It prints the QEMU command it runs. The guest's /init (guest/init) runs
# the scenario and powers off.
# Exits 0 if the guest ran the scenario to its end, 123, 124 or 125 as
# above, 1 if it ended otherwise before its end.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/ktap.sh
. "$OSC_TOP/scripts/ktap.sh"

WORK='' KDIR='' KERNEL='' CPIO_TOOL='' SCENARIO='' LOG='' SELFTEST='' APPEND=''
MODULES=() BINS=() TREES=() SMP=1 ICOUNT=()
TIMEOUT=300 ARCH='' BUSYBOX='' MEMORY=512 IDLE=0 MAX_LOG=0

usage() {
	sed -n '/^#   boot.sh/,/^# Exits/p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

parse_args() {
	while (($#)); do
		case $1 in
		--kernel-dir) KDIR=$2 ;;
		--kernel) KERNEL=$2 ;;
		--cpio-tool) CPIO_TOOL=$2 ;;
		--scenario) SCENARIO=$2 ;;
		--log) LOG=$2 ;;
		--selftest) SELFTEST=$2 ;;
		--module) MODULES+=("$2") ;;
		--bin) BINS+=("$2") ;;
		--tree) TREES+=("$2") ;;
		--smp) SMP=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--icount) ICOUNT=(-icount shift=0) && shift && continue ;;
		--warp) ICOUNT=(-icount 'shift=4,sleep=off') && shift && continue ;;
		--append) APPEND=$2 ;;
		--arch) ARCH=$2 ;;
		--busybox) BUSYBOX=$2 ;;
		--memory) MEMORY=$2 ;;
		--idle) IDLE=$2 ;;
		--max-log) MAX_LOG=$2 ;;
		*) usage ;;
		esac
		shift 2
	done
	[[ -z $KDIR ]] || use_kernel_dir
	ARCH=${ARCH:-x86_64}
	[[ -n $KERNEL && -n $CPIO_TOOL && -n $SCENARIO && -n $LOG ]] || usage
	[[ -f $OSC_TOP/scripts/arch/$ARCH ]] || die "--arch $ARCH: no facts for it in scripts/arch/"
	[[ ${ICOUNT[*]} != *sleep=off* ]] || APPEND+=" $(arch_fact "$ARCH" warp_append)"
	local t
	for t in "${TREES[@]}"; do
		[[ $t == ?*:/?* && -d ${t%%:*} ]] || die "--tree $t: HOSTDIR:GUESTDIR, HOSTDIR a directory, GUESTDIR absolute"
	done
}

# use_kernel_dir: what --kernel-dir's facts give and no option did
use_kernel_dir() {
	[[ -f $KDIR/facts ]] || die "--kernel-dir $KDIR: no facts there (build the kernel first)"
	if [[ -z $KERNEL ]]; then
		KERNEL=$(kernel_path "$KDIR" IMAGE)
		APPEND="OSC_PROCFS_HZ=$(kernel_fact "$KDIR" HZ)${APPEND:+ $APPEND}"
	fi
	CPIO_TOOL=${CPIO_TOOL:-$(kernel_path "$KDIR" CPIO)}
	SELFTEST=${SELFTEST:-$(kernel_path "$KDIR" SELFTEST)}
	BUSYBOX=${BUSYBOX:-$(kernel_path "$KDIR" BUSYBOX)}
	ARCH=${ARCH:-$(kernel_fact "$KDIR" ARCH)}
}

# tree_list HOSTDIR GUESTDIR: gen_init_cpio lines that copy HOSTDIR to
# GUESTDIR, keeping modes and symbolic links; GUESTDIR's own parents
# below / are made too (a directory listed twice is made once)
tree_list() {
	local host=$1 guest=$2 d='' part rel type mode target
	for part in ${guest//\// }; do
		d+=/$part
		echo "dir $d 0755 0 0"
	done
	(cd "$host" && find . -mindepth 1 -printf '%y %m %P %l\n' | LC_ALL=C sort -k3) |
		while read -r type mode rel target; do
			case $type in
			d) echo "dir $guest/$rel $mode 0 0" ;;
			f) echo "file $guest/$rel $host/$rel $mode 0 0" ;;
			l) echo "slink $guest/$rel $target 0777 0 0" ;;
			esac
		done
}

# cpio_list: the initramfs, in gen_init_cpio's list format (no root needed
# for the device node)
cpio_list() {
	local busybox=$BUSYBOX m
	[[ -n $busybox ]] || busybox=$(command -v busybox) || die "busybox not found: run scripts/deps.sh"
	[[ -x $busybox ]] || die "no busybox at $busybox: run scripts/deps.sh --matrix"
	cat <<-LIST
		dir /dev 0755 0 0
		nod /dev/console 0600 0 0 c 5 1
		dir /bin 0755 0 0
		dir /proc 0755 0 0
		dir /sys 0755 0 0
		dir /tmp 1777 0 0
		dir /lib 0755 0 0
		dir /lib/modules 0755 0 0
		dir /lib/modules/osc 0755 0 0
		file /bin/busybox $busybox 0755 0 0
		file /init $OSC_TOP/guest/init 0755 0 0
		file /lib.sh $OSC_TOP/guest/lib.sh 0644 0 0
		file /log-verdict.awk $OSC_TOP/guest/log-verdict.awk 0644 0 0
		file /scenario $SCENARIO 0755 0 0
		file /osc-modules $WORK/osc-modules 0644 0 0
		file /osc-files $WORK/osc-files 0644 0 0
		file /osc-log-bad $WORK/osc-log-bad 0644 0 0
	LIST
	[[ -z $SELFTEST ]] || echo "file /bin/osc_procfs_test $SELFTEST 0755 0 0"
	for m in "${MODULES[@]}"; do
		echo "file /lib/modules/osc/$(basename "$m") $m 0644 0 0"
	done
	for m in "${BINS[@]}"; do
		echo "file /bin/$(basename "$m") $m 0755 0 0"
	done
	for m in "${TREES[@]}"; do
		tree_list "${m%%:*}" "${m#*:}"
	done
}

make_initramfs() {
	local list=$1 cpio=$2
	cpio_list >"$list"
	"$CPIO_TOOL" "$list" >"$cpio"
}

run_qemu() {
	local cpio=$1 machine console
	read -ra machine <<<"$(arch_fact "$ARCH" qemu)"
	console=$(arch_fact "$ARCH" console)
	QEMU=("${machine[@]}" "${ICOUNT[@]}" -m "$MEMORY" -smp "$SMP" -nodefaults -no-reboot
		-display none -serial stdio -monitor none -kernel "$KERNEL" -initrd "$cpio"
		-append "console=$console panic=-1 $APPEND")
	say "   qemu: $(printf '%q ' "${QEMU[@]}")" >&3
	if ((IDLE == 0 && MAX_LOG == 0)); then
		timeout --foreground "$TIMEOUT" "${QEMU[@]}" </dev/null
	else
		timeout "$TIMEOUT" "${QEMU[@]}" </dev/null &
		watch_console $!
	fi
}

# stop PID STATUS: kill PID, wait for it, return STATUS
stop() {
	kill "$1" 2>/dev/null || :
	wait "$1" || :
	return "$2"
}

# watch_console PID: wait for PID; kill it once LOG has not grown for
# IDLE seconds (status 125), or has passed MAX_LOG bytes (status 123:
# the log is cut there). It looks five times a second: a guest that
# ends is waited for a fifth of a second at most.
watch_console() {
	local pid=$1 size=-1 now still=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		now=$(stat -c %s "$LOG")
		if ((MAX_LOG && now > MAX_LOG)); then
			stop "$pid" 123 || { truncate -s "$MAX_LOG" "$LOG" && return 123; }
		fi
		if ((now == size)); then still=$((still + 1)); else still=0 size=$now; fi
		((IDLE == 0 || still < IDLE * 5)) || stop "$pid" 125 || return
	done
	wait "$pid"
}

main() {
	local rc=0 t0
	parse_args "$@"
	WORK=$(mktemp -d)
	trap 'rm -rf "$WORK"' EXIT
	module_names >"$WORK/osc-modules" && proc_names >"$WORK/osc-files" && echo "$LOG_BAD" >"$WORK/osc-log-bad"
	make_initramfs "$WORK/list" "$WORK/initramfs.cpio"
	t0=$(now_s)
	run_qemu "$WORK/initramfs.cpio" 3>&1 >"$LOG" 2>&1 || rc=$?
	say "   guest: $(basename "$SCENARIO") ran for $(elapsed "$t0") s, console log in $LOG"
	case $rc in
	123) warn "   the console log passed $MAX_LOG bytes: the guest was killed, the log cut there; its end:" ;;
	124) warn "   qemu timed out after $TIMEOUT s; the end of the console log:" ;;
	125) warn "   the console printed nothing for $IDLE s: the guest was killed; the end of the console log:" ;;
	esac
	if ((rc >= 123 && rc <= 125)); then
		tail -n 20 "$LOG" | cut -c1-200 >&2
		return "$rc"
	fi
	grep -q '^osc-guest: scenario exit' "$LOG" || {
		warn "   the guest did not finish its scenario (qemu exit $rc); the end of the console log:"
		tail -n 20 "$LOG" >&2
		return 1
	}
}

main "$@"
