# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# Shared helpers for the osc-procfs scripts. Source it; do not run it.
#
# Everything heavy lives in a cache outside the checkout, one set of
# directories per kernel source (KEY: the tarball's name and a hash of its
# path, e.g. linux-source-7.3-e9c2c76d):
#   $OSC_CACHE/src/KEY/plain/         the kernel, unpacked (a plain tree)
#   $OSC_CACHE/src/KEY/pristine.git   its contents as one commit, tag
#                                     "pristine", to reset plain/ and to clone
#   $OSC_CACHE/src/KEY/git/           a git checkout of it, where the series
#                                     is applied as commits and built
#   $OSC_CACHE/build/KEY[-FLAVOUR]/   object directories (make O=), one per
#                                     flavour (debug, arm64, hz100, sig...)
#   $OSC_CACHE/out/KEY/               kernels, modules, selftest, logs per mode
#   $OSC_CACHE/busybox-arm64/         Debian's arm64 busybox, for arm64 guests

OSC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSC_CACHE=${OSC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/osc-procfs}
OSC_JOBS=${OSC_JOBS:-$(nproc)}
# The kernel lines the series supports, from the one place that states
# them, kernel-lines: OSC_LINES in its order (the first is the base),
# each line's Debian suite and series directory.
declare -A OSC_LINE_SUITE=() OSC_LINE_DIR=()
OSC_LINES=()
while read -r _line _suite _dir; do
	[[ -n $_line && $_line != \#* ]] || continue
	OSC_LINES+=("$_line")
	OSC_LINE_SUITE[$_line]=$_suite
	OSC_LINE_DIR[$_line]=$_dir
done <"$OSC_TOP/kernel-lines"
unset _line _suite _dir
OSC_BASE_LINE=${OSC_LINES[0]}
# arch_fact ARCH KEY: one fact of ARCH, from scripts/arch/ARCH
arch_fact() { sed -n "s/^$2=//p" "$OSC_TOP/scripts/arch/$1"; }


# Each line's source: Debian's linux-source-LINE package. A line of this
# machine's own release is installed by apt (its tarball in /usr/src);
# one of another suite is downloaded and unpacked into the cache
# (scripts/deps.sh).
line_pkg() { printf 'linux-source-%s' "$1"; }
machine_release() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }
# own_suite LINE: LINE's suite is this machine's release or one of its
# updates (bookworm, bookworm-security ...)
own_suite() { [[ ${OSC_LINE_SUITE[$1]} == "$(machine_release)"* ]]; }
line_tarball() {
	if own_suite "$1"; then
		printf '/usr/src/linux-source-%s.tar.xz' "$1"
	else
		printf '%s/debian/%s/usr/src/linux-source-%s.tar.xz' "$OSC_CACHE" "$(line_pkg "$1")" "$1"
	fi
}
# line_series_rel LINE: the directory of LINE's series and patches/,
# relative to the top ("" for the base line, "backports/6.12/"), as
# apply.sh names it; line_series LINE: the same, absolute
line_series_rel() { [[ ${OSC_LINE_DIR[$1]} == . ]] || printf '%s/' "${OSC_LINE_DIR[$1]%/}"; }
line_series() { printf '%s/%s' "$OSC_TOP" "$(line_series_rel "$1")"; }

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# now_s: seconds since the epoch, with centiseconds
now_s() { date +%s.%N | cut -c1-13; }

# elapsed START: seconds since START, one decimal
elapsed() { awk -v s="$1" -v e="$(now_s)" 'BEGIN { printf "%.1f", e - s }'; }

# step NAME CMD...: run one long step, print its name and how long it took
step() {
	local name=$1 t0 rc=0
	shift
	t0=$(now_s)
	say ">> $name ..."
	"$@" || rc=$?
	if ((rc)); then
		say ">> $name: FAILED after $(elapsed "$t0") s (exit $rc)"
	else
		say ">> $name: done in $(elapsed "$t0") s"
	fi
	return "$rc"
}

# A kernel directory: a built kernel and what its guests need, described
# by DIR/facts, a KEY=VALUE a line: ARCH, HZ, KVER, MAKE (make's arch
# arguments), IMAGE (the bootable image), CPIO (its gen_init_cpio),
# SELFTEST (the selftest for its arch), BUSYBOX, BUILD (its build
# directory for external modules). A path that is not absolute is
# under DIR. scripts/kernel.sh writes one for each kernel it builds
# (OUT/NAME), grade.sh --make-kit a movable one; scripts/boot.sh
# --kernel-dir boots one.
#   kernel_fact DIR KEY   one fact
#   kernel_path DIR KEY   a path fact, made absolute
kernel_fact() { sed -n "s/^$2=//p" "$1/facts"; }
kernel_path() {
	local v
	v=$(kernel_fact "$1" "$2")
	[[ -z $v || $v == /* ]] || v=$1/$v
	printf '%s\n' "$v"
}

# arch_busybox ARCH: the static busybox of ARCH's guests: the host's own,
# or one scripts/deps.sh --matrix fetched from Debian's archive
arch_busybox() {
	if [[ $(arch_fact "$1" busybox) == host ]]; then
		command -v busybox
	else
		printf '%s/busybox-%s/busybox' "$OSC_CACHE" "$1"
	fi
}

# kconfig_symbols: the symbols Kconfig.snippet defines, one per line
kconfig_symbols() { sed -n 's/^\(menu\)\{0,1\}config //p' "$OSC_TOP/Kconfig.snippet"; }

# module_names: our modules, one per line, from Kconfig.snippet's options:
# the one list of them (scripts/boot.sh gives it to the guest, /osc-modules)
module_names() { sed -n 's/^config SAMPLE_OSC_\([A-Z]*\)$/osc_\1/p' "$OSC_TOP/Kconfig.snippet" | tr '[:upper:]' '[:lower:]'; }

# proc_names: the /proc files they make, one per line: the name of each
# option that depends on PROC_FS (the guest gets them in /osc-files)
proc_names() {
	awk '/^config SAMPLE_OSC_/ { n = tolower(substr($2, 12)) } n && /depends on PROC_FS/ { print n; n = "" }' \
		"$OSC_TOP/Kconfig.snippet"
}

# with_lock CMD...: run CMD holding the cache's build lock, so two kernel
# builds never run at once on this machine. A script started by one that
# holds it (the test suite's own self-test) runs under its holder's lock.
with_lock() {
	mkdir -p "$OSC_CACHE"
	if [[ ${OSC_LOCK_HELD:-} == "$OSC_CACHE" ]]; then
		"$@"
		return
	fi
	(
		flock -w 3600 9 || die "another kernel build holds $OSC_CACHE/lock"
		export OSC_LOCK_HELD=$OSC_CACHE
		"$@"
	) 9>"$OSC_CACHE/lock"
}

# series_patches DIR: the patches DIR/series lists, in order, as paths
# under DIR/patches (the one reader of series files outside apply.sh)
series_patches() {
	local line
	while IFS= read -r line; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[[ -z $line ]] || printf '%s/patches/%s\n' "${1%/}" "$line"
	done <"${1%/}/series"
}

# sparse_bin: the sparse the tests run (scripts/deps.sh --matrix builds it)
sparse_bin() { printf '%s/sparse/bin/sparse' "$OSC_CACHE"; }
