#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Grade students' own modules of the lab: build them out of tree against
# a pinned kernel, run them in a QEMU guest, and say what is wrong.
# ./grade.sh --help says how.
set -euo pipefail
# shellcheck source=grade/lib.sh
. "$(dirname "$0")/grade/lib.sh"
# shellcheck source=scripts/kernel.sh
. "$OSC_TOP/scripts/kernel.sh"
# shellcheck source=grade/kit.sh
. "$OSC_TOP/grade/kit.sh"
# shellcheck source=grade/sandbox.sh
. "$OSC_TOP/grade/sandbox.sh"

JOBS=$(nproc) LINE=$OSC_BASE_LINE ARCH=x86_64 JSON='' CSV='' KTAP=0 QUIET=0 KEEP='' KIT='' MAKE_KIT=''
DIRS=()
# RUN: this run's scratch directory; SUBS[i]: the i-th submission's
# work directory in it
RUN='' KVER='' MODE=''
# UID_BASE: the first uid of this run's builds when grading as root (a
# slot of 10,000 a run, so that two runs at once share none)
UID_BASE=$((SB_UID_BASE + ($$ % 200000) * 10000))
SUBS=()

usage() {
	cat <<'EOT'
usage: ./grade.sh [options] DIR...

Grade a student's own modules of the lab (simple, hello, jiffies,
seconds): build each one out of tree against a pinned kernel, load it in
a QEMU guest, read its /proc file the ways programs read files, unload
it and load it again, and read it across the tick counter's wrap. Each
check is a line, pass or FAIL; under a failure, what was seen, why that
is wrong and the idiom that fixes it. The last line is "Score: N/M".

Each DIR is one submission. A part of the lab is found in it by name:
simple.c, hello.c, jiffies.c, seconds.c, anywhere in DIR (the shallowest
wins); else, for hello, jiffies and seconds, a .c file that creates that
/proc file (proc_create("hello", ...) or #define PROC_NAME "hello").
Any subset will do; a part not found is not graded (with --all, it
fails). Only the .c file of each part and the .h files of DIR are
copied, and built with a Kbuild file of the grader's: nothing of the
submission runs on this machine (not its Makefile, not a script). The
build runs in a sandbox (bubblewrap: no network, no files of this
machine but the toolchain and the kernel's build directory), within
limits of memory, CPU time, wall time, processes, file size and output;
the header says how it was isolated. The modules run only inside the
guest; a crash, a hang or a flood of console messages is a failed
check, and the other modules are graded in a fresh guest.

  -j N          grade N submissions at once, a guest each (default: the
                number of cores)
  --line L      the kernel line: 7.3 (default), 6.12 or 6.1
  --arch A      x86_64 (default), i386 (a 32-bit kernel, whose jiffies
                really wraps to 0) or arm64
  --all         a part missing from a submission counts as failed
  --strict-format  /proc/jiffies and /proc/seconds must read the bare
                number and a newline, /proc/hello exactly "Hello World"
                and a newline (by default a label or a unit around the
                right value passes, with a note that costs no point)
  --json FILE   the verdicts as JSON
  --csv FILE    one row a submission, one column a check (1 or 0)
  --ktap        print KTAP (the kernel's test format) instead of text
  --keep DIR    keep the scratch copies, build logs and console logs in
                DIR (it must not exist)
  -q            no per-check rows: a line a submission
  --budget S    the seconds of real time a submission may take, its
                builds and guests (default 120): a check still running
                then fails, and the checks not yet run fail as not run
  --trust       grade even where no build can be isolated from this
                machine's files (no bubblewrap, not root): only for
                submissions you trust, such as your own
  --make-kit DIR   write a grading kit to DIR (it must not exist): the
                kernel, its build directory for external modules and the
                guest's programs, about 80 MB; no DIR to grade is needed
  --kit DIR     grade with the kit in DIR instead of the cache (a CI job
                a submission: it needs QEMU, gcc, make and jq, no kernel
                tree; --line and --arch are the kit's)
  -h, --help    this text

The kernel is built once, into the cache that make demo uses (about 5
minutes the first time; $OSC_CACHE, by default ~/.cache/osc-procfs).
Exit status: 0 when every check of every submission passed, 1 when one
failed, 2 when the grader could not run.
EOT
}

bad_usage() {
	printf 'grade.sh: %s\nTry ./grade.sh --help.\n' "$1" >&2
	exit 2
}

parse_args() {
	while (($#)); do
		case $1 in
		-j) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || bad_usage "-j takes a number of jobs"; JOBS=$2 && shift ;;
		-j[1-9]*) JOBS=${1#-j} ;;
		--line) LINE=${2:-} && shift ;;
		--arch) ARCH=${2:-} && shift ;;
		--all) ALL=1 ;;
		--strict-format) export GRADE_STRICT=1 ;;
		--json) JSON=${2:-} && shift ;;
		--csv) CSV=${2:-} && shift ;;
		--ktap) KTAP=1 ;;
		--keep) KEEP=${2:-} && shift ;;
		-q) QUIET=1 ;;
		--budget) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || bad_usage "--budget takes a number of seconds"; export GRADE_BUDGET=$2 && shift ;;
		--trust) TRUST=1 ;;
		--kit) KIT=${2:-} && shift ;;
		--make-kit) MAKE_KIT=${2:-} && shift ;;
		-h | --help) usage && exit 0 ;;
		--) shift && DIRS+=("$@") && break ;;
		-*) bad_usage "no option $1" ;;
		*) DIRS+=("$1") ;;
		esac
		shift
	done
	if [[ -n $MAKE_KIT ]]; then
		[[ ! -e $MAKE_KIT ]] || bad_usage "--make-kit $MAKE_KIT: it exists; name a new directory"
		return 0
	fi
	[[ -z $KIT || -d $KIT ]] || bad_usage "--kit $KIT is not a directory (make one with --make-kit)"
	((${#DIRS[@]})) || bad_usage "name at least one submission DIR"
	[[ -n ${OSC_LINE_DIR[$LINE]:-} ]] || bad_usage "--line $LINE: the lines are ${OSC_LINES[*]}"
	local d
	for d in "${DIRS[@]}"; do
		[[ -d $d ]] || bad_usage "$d is not a directory (each DIR is one submission)"
	done
	[[ -z $KEEP || ! -e $KEEP ]] || bad_usage "--keep $KEEP: it exists; name a new directory"
}
ALL=0 TRUST=0

# grade_mode: the kernel of ./kernels that grades: demo, the one make demo
# builds, with no test key, on the base line's x86_64; else the =m kernel
# of the line and arch (our own modules are in each as modules, and never
# loaded in the grader's guest)
grade_mode() {
	if [[ $ARCH != x86_64 ]]; then MODE=$ARCH-m; elif [[ $LINE == "$OSC_BASE_LINE" ]]; then MODE=demo; else MODE=m; fi
	mode_row "$MODE" >/dev/null 2>&1 ||
		{ warn "grade.sh: no $ARCH kernel on $LINE in ./kernels; try --arch x86_64, or --line $OSC_BASE_LINE"; exit 2; }
}

# kernel_ready: the kernel and its build directory are there and of one
# build
kernel_ready() {
	local dir
	dir=$(mode_build_dir "$MODE")
	[[ -f $OUT/$MODE/facts && -f $OUT/$MODE/$(basename "$(arch_image "$ARCH")") && -f $dir/Module.symvers ]] &&
		cmp -s "$dir/.config" "$OUT/$MODE/.config"
}

# build_grade_kernel: what make demo does up to the boot, for MODE
build_grade_kernel() {
	local deps=()
	[[ $LINE == "$OSC_BASE_LINE" && $ARCH == x86_64 ]] || deps=(--matrix)
	"$OSC_TOP/scripts/deps.sh" "${deps[@]}" && prepare_and_build "$MODE" "$ARCH"
}

# probe_bin: the guest's probe for ARCH, built once a version of its
# source (named by the source's hash: two checkouts that share a cache
# each get their own)
probe_bin() {
	local bin cross
	bin=$OUT/grade-$ARCH/$(sha256sum "$OSC_TOP/guest/grade_probe.c" | cut -c1-12)/grade_probe
	cross=$(arch_make_args "$ARCH" | sed -n 's/.*CROSS_COMPILE=\([^ ]*\).*/\1/p')
	mkdir -p "${bin%/*}"
	if [[ ! -x $bin ]]; then
		"${cross}gcc" -static -O2 -Wall -Werror -o "$bin.tmp" "$OSC_TOP/guest/grade_probe.c" && mv "$bin.tmp" "$bin" || return 1
	fi
	echo "$bin"
}

# export_kernel: what grade/submission.sh reads from the environment:
# GRADE_DIR, MODE's kernel directory, and the probe; KVER for the report
export_kernel() {
	export GRADE_DIR=$OUT/$MODE GRADE_PROBE
	GRADE_PROBE=$(probe_bin) || { warn "grade.sh: could not build guest/grade_probe.c for $ARCH"; return 1; }
	KVER=$(kernel_fact "$GRADE_DIR" KVER)
}

# prepare_kernel: the grading kernel of LINE, built if it is not there
# yet (on_line gives the line's cache paths)
prepare_kernel() {
	on_line "$LINE" prepare_line_kernel
}

prepare_line_kernel() {
	set_paths
	grade_mode
	if ! kernel_ready; then
		say "grade.sh: no $LINE $ARCH kernel in $OSC_CACHE yet: building it once (about 5 minutes)"
		build_grade_kernel || { warn "grade.sh: the kernel could not be built; see the lines above, fix, and run again"; exit 2; }
	fi
	export_kernel || exit 2
}

# grade_one I: grade submission I in its work directory; as root, its
# builds take four uids of its own (grade/sandbox.sh)
grade_one() {
	local work=${SUBS[$1]} t0 rc=0
	t0=$(now_s)
	GRADE_UID=$((UID_BASE + 4 * $1)) "$OSC_TOP/grade/submission.sh" "${DIRS[$1]}" "$work" >"$work/grade.log" 2>&1 || rc=$?
	elapsed "$t0" >"$work/seconds"
	echo "$rc" >"$work/status"
}

# score I: "PASSED TOTAL" of submission I (with --all, the checks of a
# missing part count as failed)
score() {
	local work=${SUBS[$1]} p t=0 m=0 c
	[[ -f $work/result.tsv ]] && read -r p t < <(awk -F'\t' '{ t++; p += $2 } END { print p + 0, t + 0 }' "$work/result.tsv")
	if ((ALL)); then
		for c in "${PARTS[@]}"; do
			grep -q "^$c	" "$work/parts" 2>/dev/null || m=$((m + $(wc -w <<<"${PART_CHECKS[$c]}")))
		done
	fi
	echo "${p:-0} $((t + m))"
}

# progress I DONE: the line a finished submission gets
progress() {
	local s
	s=$(score "$1")
	if [[ $(cat "${SUBS[$1]}/status") == 2 ]]; then
		say "$2/${#DIRS[@]} ${DIRS[$1]}: no module of the lab found in $(cat "${SUBS[$1]}/seconds") s"
	else
		say "$2/${#DIRS[@]} ${DIRS[$1]}: ${s% *}/${s#* } in $(cat "${SUBS[$1]}/seconds") s"
	fi
}

# grade_all: every submission, JOBS at a time
grade_all() {
	local i running=0 finished=0 j
	local -A reported=()
	for i in "${!DIRS[@]}"; do
		SUBS[i]=$RUN/$i
		mkdir -p "${SUBS[i]}"
	done
	for i in "${!DIRS[@]}"; do
		while ((running >= JOBS)); do
			wait -n || :
			running=$((running - 1))
			for j in "${!DIRS[@]}"; do
				[[ -f ${SUBS[j]}/status && -z ${reported[$j]:-} ]] || continue
				reported[$j]=1 finished=$((finished + 1))
				((KTAP)) || progress "$j" "$finished" >&2
			done
		done
		grade_one "$i" &
		running=$((running + 1))
	done
	wait
	for j in "${!DIRS[@]}"; do
		[[ -z ${reported[$j]:-} ]] || continue
		finished=$((finished + 1))
		((KTAP)) || progress "$j" "$finished" >&2
	done
}

# grader_errors: no submission's grading failed for the grader's own
# sake (a guest without its tools, a crash of submission.sh)
grader_errors() {
	local i st bad=0
	for i in "${!DIRS[@]}"; do
		st=$(cat "${SUBS[i]}/status")
		[[ $st == [02] ]] && continue
		bad=1
		warn "grade.sh: could not grade ${DIRS[i]} (exit $st): $(cat "${SUBS[i]}/error" 2>/dev/null ||
			tail -n 3 "${SUBS[i]}/grade.log")"
	done
	((bad == 0)) || warn "grade.sh: this is the grader's fault, not the submission's; run it again with --keep DIR to see its logs"
	return "$bad"
}

# choose_sandbox: GRADE_SANDBOX, how builds are isolated here, tried on
# the grading kernel; with none, grade only with --trust
choose_sandbox() {
	local why
	export GRADE_SANDBOX
	GRADE_SANDBOX=$(sandbox_method)
	if [[ $GRADE_SANDBOX == none ]] && ((TRUST == 0)); then
		warn "grade.sh: no build can be isolated here: bubblewrap (bwrap) cannot run, and this is not root, which could give builds a uid of their own."
		warn "A submission's compiler would read any file you may read. Install bubblewrap (Debian: apt-get install bubblewrap) and allow unprivileged user namespaces, or run as root; or pass --trust to grade submissions you trust."
		exit 2
	fi
	why=$(sandbox_ready "$GRADE_SANDBOX" "$GRADE_DIR") && return 0
	warn "grade.sh: a build in the sandbox ($GRADE_SANDBOX) could not run: $why"
	[[ $GRADE_SANDBOX != uid ]] ||
		warn "Builds run as a uid of their own here (no bubblewrap): put the kernel (--kit DIR) where any user may read it (chmod -R a+rX DIR), or install bubblewrap."
	exit 2
}

# need_tools: what grading with a kit needs on this machine
need_tools() {
	local t qemu
	qemu=$(arch_fact "$ARCH" qemu)
	for t in "${qemu%% *}" make gcc jq; do
		command -v "$t" >/dev/null ||
			{ warn "grade.sh: no $t here; install it (Debian: apt-get install $(arch_fact "$ARCH" packages | cut -d' ' -f1-) make gcc jq)"; exit 2; }
	done
}

# write_kit: --make-kit
write_kit() {
	prepare_kernel
	# the line's tree: install-extmod-build copies from it
	on_line "$LINE" make_kit "$MAKE_KIT" || { rm -rf "$MAKE_KIT"; warn "grade.sh: could not write the kit"; exit 2; }
	say "grade.sh: the kit of Linux $KVER $ARCH is in $MAKE_KIT ($(du -sh "$MAKE_KIT" | cut -f1))"
	say "Next: ./grade.sh --kit $MAKE_KIT DIR... (here or on any machine with this checkout, QEMU, gcc, make and jq)"
}

main() {
	local t0 i
	t0=$(now_s)
	if [[ -n $KIT ]]; then
		use_kit "$KIT"
		need_tools
	else
		prepare_kernel
	fi
	choose_sandbox
	RUN=$(mktemp -d "${TMPDIR:-/tmp}/osc-grade.XXXXXX")
	trap 'rm -rf "$RUN"' EXIT
	if ((KTAP == 0)); then
		if ((${#DIRS[@]} == 1)); then
			say "grading ${DIRS[0]} on Linux $KVER $ARCH (HZ=$(kernel_fact "$GRADE_DIR" HZ))" >&2
		else
			say "grading ${#DIRS[@]} submissions on Linux $KVER $ARCH (HZ=$(kernel_fact "$GRADE_DIR" HZ)), $JOBS at a time" >&2
		fi
		say "$(sandbox_words "$GRADE_SANDBOX"); a submission's budget: ${GRADE_BUDGET:-120} s" >&2
	fi
	grade_all
	grader_errors || exit 2
	# shellcheck source=grade/report.sh
	. "$OSC_TOP/grade/report.sh"
	report
	[[ -z $JSON ]] || report_json >"$JSON"
	[[ -z $CSV ]] || report_csv >"$CSV"
	if [[ -n $KEEP ]]; then
		cp -r "$RUN" "$KEEP"
		for i in "${!DIRS[@]}"; do printf '%s\t%s\n' "$i" "${DIRS[i]}"; done >"$KEEP/index"
		((KTAP)) || say "kept the work of each submission in $KEEP (index: $KEEP/index)" >&2
	fi
	((KTAP)) || ((${#DIRS[@]} == 1)) || say "graded ${#DIRS[@]} submissions in $(elapsed "$t0") s" >&2
	all_passed
}

parse_args "$@"
if [[ -n $MAKE_KIT ]]; then
	with_lock write_kit
elif [[ -n $KIT ]]; then
	main
else
	with_lock main
fi
