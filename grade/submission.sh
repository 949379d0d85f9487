#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Grade one submission: find its modules, build each out of tree in a
# scratch copy with a Kbuild file of ours, boot them in a guest (a fresh
# one after each crash or hang) and write the verdict of every check.
# grade.sh runs it, one process a submission; nothing of the submission
# runs here: not its Makefile, not a script. Only its .c and .h files
# are copied, and only the compiler reads them.
#
#   grade/submission.sh SUBMISSION WORK
#
# The kernel comes from the environment grade.sh exports: GRADE_DIR, the
# grading kernel's directory (scripts/lib.sh, "A kernel directory": in
# the cache, or a kit), and GRADE_PROBE, the guest's probe. WORK gets:
#   parts            PART and the file it was taken from, a line each
#   build/PART/      the scratch copy: PART.c, the headers, Kbuild
#   build-PART.log   the compiler's output
#   console-N.log    the console of the Nth guest
#   timings          seconds of the builds ("build S") and of each guest
#                    ("guestN S")
#   result.tsv       ID, 1 or 0, what was seen, the reason key, a hint of
#                    its own (a build's), a note (a pass with something
#                    worth saying): a line a check; lines of "seen" and
#                    "note" are joined by \x1f, an empty field is "-"
# Exits 0 when it wrote result.tsv (whatever the verdicts), 2 when it
# found no module ("parts" is then empty), 3 when the guest could not
# grade (what went wrong is in WORK/error).
set -euo pipefail
# shellcheck source=grade/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=grade/sandbox.sh
. "$OSC_TOP/grade/sandbox.sh"

SUB='' WORK=''
declare -gA FILE=() OK=() SEEN=() REASON=() HINT=() NOTE=() NOTRUN=()
US=$'\x1f'
# how long a guest may print nothing before it is taken as hung, in
# seconds of real time; the bytes of a guest's console kept (a module
# that floods it stops the guest); the seconds of real time the whole
# submission may take, its builds and guests (grade.sh --budget), and
# the least a guest is booted with
IDLE=15 CONSOLE_MAX=$((256 << 10)) BUDGET=${GRADE_BUDGET:-120} GUEST_MIN=10
# a guest's exit: boot.sh's status (123: the console passed CONSOLE_MAX,
# 124: the budget ran out, 125: IDLE s of silence)
BOOT_RC=0 CRASHED=''

# budget_left: the seconds of the submission's budget not yet spent
budget_left() { echo $((BUDGET - SECONDS)); }

# find_parts: each part's file: PART.c anywhere in the submission (the
# shallowest), else a .c file that creates /proc/PART
find_parts() {
	local part f
	for part in "${PARTS[@]}"; do
		f=$(cd "$SUB" && find . -type f -name "$part.c" -printf '%d %P\n' | sort -n | head -n 1 | cut -d' ' -f2-)
		if [[ -z $f && $part != simple ]]; then
			f=$(cd "$SUB" && { grep -rlE --include='*.c' "proc_create[_a-z]*\(\s*\"$part\"|define\s+PROC_NAME\s+\"$part\"" . || :; } |
				sed 's|^\./||' | sort | head -n 1)
		fi
		[[ -z $f ]] || FILE[$part]=$f
	done
	for part in "${PARTS[@]}"; do
		[[ -z ${FILE[$part]:-} ]] || printf '%s\t%s\n' "$part" "${FILE[$part]}"
	done >"$WORK/parts"
}

# record ID OK SEEN [REASON [HINT [NOTE]]]: a verdict; the first one for
# ID stands. HINT, if any, is this failure's own, over grade/checks.tsv's;
# NOTE, a passing check's note.
record() {
	[[ -z ${OK[$1]:-} ]] || return 0
	OK[$1]=$2 SEEN[$1]=$3 REASON[$1]=${4:-} HINT[$1]=${5:-} NOTE[$1]=${6:-}
}

# outside_includes DIR: the lines of DIR's sources that reach for files
# outside the submission (an absolute or ../ include, an .incbin)
outside_includes() {
	local out
	out=$(cd "$1" && find . -maxdepth 1 -name '*.[ch]' -printf '%P\0' |
		xargs -0 grep -nHE '^\s*#\s*include\s*["<](/|.*\.\./)|\.incbin') || return 1
	printf '%s\n' "$out"
}

# objects_of PART: the other objects the submission links into the
# module of FILE[PART], when its own Makefile or Kbuild (read as text,
# never run) says "NAME-objs := a.o b.o" or "NAME-y += ..." with FILE's
# object among them: a part split over two files. Each is a file of the
# same directory; a line that names anything else is not followed.
objects_of() {
	local file=${FILE[$1]} dir base list o mf
	dir=$(dirname "$file") base=$(basename "$file" .c)
	for mf in Kbuild Makefile makefile GNUmakefile; do
		[[ -f $SUB/$dir/$mf && ! -L $SUB/$dir/$mf ]] || continue
		list=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$SUB/$dir/$mf" |
			sed -nE 's/^[[:space:]]*[A-Za-z0-9_]+-(objs|y)[[:space:]]*[:+]?=[[:space:]]*//p' |
			grep -E "(^|[[:space:]])$base\.o([[:space:]]|\$)" | head -n 1) || continue
		for o in $list; do
			[[ $o =~ ^[A-Za-z0-9_]+\.o$ && -f $SUB/$dir/${o%.o}.c && ! -L $SUB/$dir/${o%.o}.c ]] || return 0
		done
		echo "$list"
		return 0
	done
}

# stage PART: the scratch copy of PART: its file as PART.c (or, split
# over files, each under its own name, an object named PART renamed
# PART_main), every header of the submission beside it, and our Kbuild
stage() {
	local part=$1 dir=$WORK/build/$1 objs o name ys=()
	mkdir -p "$dir"
	objs=$(objects_of "$part")
	if [[ -z $objs ]]; then
		cp -- "$SUB/${FILE[$part]}" "$dir/$part.c"
		printf 'obj-m := %s.o\n' "$part" >"$dir/Kbuild"
	else
		for o in $objs; do
			name=${o%.o}
			[[ $name != "$part" ]] || name=${part}_main
			cp -- "$SUB/$(dirname "${FILE[$part]}")/${o%.o}.c" "$dir/$name.c"
			ys+=("$name.o")
		done
		printf 'obj-m := %s.o\n%s-y := %s\n' "$part" "$part" "${ys[*]}" >"$dir/Kbuild"
	fi
	(cd "$SUB" && find . -type f -name '*.h' -exec cp -t "$dir/" -- {} +)
}

# build PART: make's modules target on the scratch copy; its verdict in
# build-PART.verdict (run in the background, one a part, all at once)
build() {
	local part=$1 dir=$WORK/build/$1 log=$WORK/build-$1.log first hint make_args bad rc=0 limit reason
	read -ra make_args <<<"$(kernel_fact "$GRADE_DIR" MAKE)"
	# the text match is for the message only (it says why); the sandbox
	# is the guard
	if bad=$(outside_includes "$dir"); then
		printf '%s\n' "$bad" | sed 's/^/include outside the submission: /' >"$log"
	else
		# in the sandbox and within the limits of grade/sandbox.sh, in the
		# C locale (plain quotes in the messages)
		sandbox_build "$dir" "$log" "$(sandbox_uid "$part")" \
			make -C "$(kernel_path "$GRADE_DIR" BUILD)" M="$dir" "${make_args[@]}" modules || rc=$?
	fi
	sed -i "s|$dir/||g" "$log"
	limit=$(limit_reached "$log" "$rc")
	if [[ -z $limit && -f $dir/$part.ko ]]; then
		printf '1\t-\t-\t-\t%s\n' "$(w=$(warnings "$log") && echo "${w:--}")" >"$WORK/build-$part.verdict"
		return 0
	fi
	first=$(grep -m1 -E 'error:|Error:|ERROR:|outside the submission' "$log" || tail -n 1 "$log")
	hint=$(build_hint "$log")
	reason=build_error
	[[ -z $limit ]] || first=$limit hint='' reason=build_limit
	printf '0\t%s\t%s\t%s\t-\n' "${first}$(w=$(warnings "$log") && [[ -n $w ]] && printf '%s%s' "$US" "$w")" \
		"$reason" "${hint:--}" >"$WORK/build-$part.verdict"
}

# build_all: every part built at once; their verdicts
build_all() {
	local part ok seen reason hint note
	for part in "${!FILE[@]}"; do build "$part" & done
	wait
	for part in "${!FILE[@]}"; do
		IFS=$'\t' read -r ok seen reason hint note <"$WORK/build-$part.verdict"
		[[ $seen != - ]] || seen=''
		[[ $note != - ]] || note=''
		record "$part.build" "$ok" "$seen" "${reason#-}" "${hint#-}" "$note"
	done
}

# warnings LOG: the compiler's warnings, each at the submission's file
# and line (a warning inside a kernel header's macro is placed where the
# submission expanded it), and the notes of grade/build-hints.tsv on the
# sources
warnings() {
	{
		awk '
			function flush() { if (w != "") print (at != "" ? at ": " : "") w; w = at = "" }
			/: (warning|error): / { flush() }
			/: warning: / {
				w = $0; sub(/^.*: warning: /, "warning: ", w)
				if ($0 ~ /^[^\/ :]+\.[ch]:[0-9]+:/) { at = $0; sub(/:[0-9]+: warning: .*/, "", at) }
				next
			}
			w != "" && at == "" && /^[^\/ :]+\.[ch]:[0-9]+:[0-9]+: note: / { at = $0; sub(/:[0-9]+: note: .*/, "", at) }
			END { flush() }' "$1" | awk '!seen[$0]++' | head -n 5
		source_notes "$(dirname "$1")/build/$(basename "$1" .log | sed 's/^build-//')"
	} | paste -sd "$US" || :
}

# source_notes DIR: the notes of grade/build-hints.tsv ("note" rows)
# whose pattern a source file in DIR matches
source_notes() {
	local kind re hint
	while IFS=$'\t' read -r kind re hint; do
		[[ $kind == note ]] || continue
		grep -qE -- "$re" "$1"/*.c && printf 'note: %s\n' "$hint"
	done <"$OSC_TOP/grade/build-hints.tsv"
}

# first_error LOG: the build's first error (the compiler's or modpost's)
# and its context: the "In file included from" lines before it, its
# source line and notes after it, up to the next diagnostic
first_error() {
	awk '
		on && (/: (error|warning): / || /: In function / || /^(cc1|make|ERROR: |In file included from )/) { exit }
		on && n++ < 12 { print; next }
		on { exit }
		/^In file included from |^ +from / { inc = inc $0 "\n"; next }
		/: (fatal )?error: |^ERROR: / { on = 1; printf "%s%s\n", inc, $0; next }
		{ inc = "" }' "$1"
}

# build_hint LOG: the hint of grade/build-hints.tsv's first row that
# matches the build's first error (first_error), not any line of the log
build_hint() {
	local kind re hint first
	first=$(first_error "$1")
	[[ -n $first ]] || return 0
	while IFS=$'\t' read -r kind re hint; do
		[[ $kind == error ]] || continue
		grep -qE -- "$re" <<<"$first" && { printf '%s' "$hint"; return 0; }
	done <"$OSC_TOP/grade/build-hints.tsv"
}

# boot PARTS WRAPS N: one guest with these parts; its console log.
# loglevel=5: the console shows the kernel's warnings and worse (the
# splats read_console looks for) but not its notices and info, which,
# printed late in boot (the TSC's clocksource message at 1.6 s), could
# land inside a line of the scenario's; the probe reads the module's own
# messages with dmesg
boot() {
	local parts=$1 wraps=$2 n=$3 mods=() p
	for p in ${parts//,/ } ${wraps//,/ }; do
		[[ " ${mods[*]} " == *"/$p.ko "* ]] || mods+=(--module "$WORK/build/$p/$p.ko")
	done
	"$OSC_TOP/scripts/boot.sh" --kernel-dir "$GRADE_DIR" --bin "$GRADE_PROBE" \
		--scenario "$OSC_TOP/guest/grade.sh" --log "$WORK/console-$n.log" --warp \
		--timeout "$(budget_left)" --idle "$IDLE" --max-log "$CONSOLE_MAX" "${mods[@]}" \
		--append "oops=panic loglevel=5 OSC_GRADE=$parts OSC_GRADE_WRAP=$wraps OSC_GRADE_STRICT=${GRADE_STRICT:-0}" \
		>"$WORK/boot-$n.out" 2>&1 && BOOT_RC=0 || BOOT_RC=$?
}

# splat_lines LOG FROM: a kernel report after line FROM: its first
# lines, where the kernel was (RIP, pc), the first frames of its trace
splat_lines() {
	tail -n +"$2" "$1" | awk '
		/^# / { next }
		/Oops|BUG|WARNING|KASAN|Kernel panic/ && n++ < 3 { print; next }
		/RIP: 0010|pc :|PC is at/ && !rip++ { print; next }
		/Call Trace:/ { t = 1; next }
		t && /<\/TASK>/ { t = 0 }
		t && /^\[ *[0-9.]*\]  +[a-z_]/ && f++ < 4 { print }' | awk '!seen[$0]++' | paste -sd "$US" || :
}

# read_console LOG: the verdicts of one guest; sets STARTED (parts that
# began), CRASHED (the check running when the guest stopped, if any). A
# guest that never began its scenario is the grader's error (WORK/error).
read_console() {
	local log=$1 line id='' seen='' reason='' note='' n=0 start_n=0 done=0 began=0
	STARTED=() CRASHED=''
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		"# grade: "[0-9]*) began=1 ;;
		"# grade: begin "*) line=${line#\# grade: begin } && STARTED+=("${line%% *}") ;;
		"# grade: notrun "*) line=${line#\# grade: notrun } && NOTRUN[${line%%:*}]=${line#*: } ;;
		"# grade: done") done=1 ;;
		"# grade: error: "*) echo "${line#\# grade: error: } (console log: $log)" >"$WORK/error" && return 0 ;;
		"# start "*) id=${line#\# start } seen='' reason='' note='' start_n=$n ;;
		"# seen: "*) ((${#seen} > 4096)) || seen+=${seen:+$US}${line#\# seen: } ;;
		"# reason: "*) reason=${line#\# reason: } ;;
		"# note: "*) note+=${note:+$US}${line#\# note: } ;;
		"ok "[0-9]*" "*) record "${line#ok * }" 1 "$seen" '' '' "$note" && id='' ;;
		"not ok "[0-9]*" "*) record "${line#not ok * }" 0 "$seen" "$reason" && id='' ;;
		esac
	done < <(tr -d '\r' <"$log")
	((done)) && return 0
	if ((began == 0 && BOOT_RC == 124)); then
		CRASHED=budget
		return 0
	elif ((began == 0)); then
		local out=${log/console-/boot-}
		printf 'the guest did not start its scenario: %s\n' "$(tail -n 3 "${out%.log}.out" | paste -sd ' ')" >"$WORK/error"
		return 0
	fi
	if [[ -n $id ]]; then
		CRASHED=$id
		local splat
		splat=$(splat_lines <(tr -d '\r' <"$log") "$start_n")
		if ((BOOT_RC == 123)); then
			record "$id" 0 "${seen:+$seen$US}the module printed more than $((CONSOLE_MAX >> 10)) KiB ($(wc -l <"$log") lines) to the console here, and the guest was stopped" \
				flood
			NOTRUN[${id%%.*}]="the module flooded the console in $id"
		elif ((BOOT_RC == 124)); then
			record "$id" 0 "${seen:+$seen$US}the submission's time budget of $BUDGET s ran out here, and the guest was stopped" budget
			NOTRUN[${id%%.*}]="the submission's time budget of $BUDGET s ran out in $id"
		elif [[ -n $splat ]]; then
			record "$id" 0 "${seen:+$seen$US}the kernel crashed here:$US$splat" crash
			record "${id%%.*}.no_splat" 0 "$splat" crash
		elif ((BOOT_RC == 125)); then
			record "$id" 0 "${seen:+$seen$US}the guest stopped answering here (no output for $IDLE s) and was killed" stalled
		else
			record "$id" 0 "${seen:+$seen$US}the guest ended here, with no result and no kernel report: it was reset (a triple fault, or a stack overflow)" crash
		fi
		NOTRUN[${id%%.*}]=${NOTRUN[${id%%.*}]:-the guest $([[ -n $splat ]] && echo crashed || echo hung) in $id}
	fi
}

# out_of_budget PART...: the parts no guest will grade: the budget ran out
out_of_budget() {
	local p
	for p in "$@"; do
		NOTRUN[$p]=${NOTRUN[$p]:-"the submission's time budget of $BUDGET s ran out before it"}
	done
}

# run_guests: boot guests until every built part has been graded, each
# new guest with the parts its predecessor did not reach
run_guests() {
	local parts=() wraps=() n=0 p next_parts next_wraps t0
	for p in "${PARTS[@]}"; do
		[[ ${OK[$p.build]:-0} == 1 ]] || continue
		parts+=("$p")
		[[ $p == hello ]] || wraps+=("$p")
	done
	while ((${#parts[@]} + ${#wraps[@]})); do
		if (($(budget_left) < GUEST_MIN)) || [[ $CRASHED == budget ]]; then
			out_of_budget "${parts[@]}" "${wraps[@]}"
			break
		fi
		n=$((n + 1))
		t0=$(now_s)
		boot "$(IFS=,; echo "${parts[*]}")" "$(IFS=,; echo "${wraps[*]}")" "$n"
		echo "guest$n $(elapsed "$t0")" >>"$WORK/timings"
		read_console "$WORK/console-$n.log"
		[[ ! -f $WORK/error ]] || exit 3
		[[ -n $CRASHED ]] || break
		next_parts=() next_wraps=()
		for p in "${parts[@]}"; do
			[[ " ${STARTED[*]} " == *" $p "* ]] || next_parts+=("$p")
		done
		for p in "${wraps[@]}"; do
			[[ -n ${OK[$p.wrap]:-} || $p == "${CRASHED%%.*}" ]] || next_wraps+=("$p")
		done
		parts=("${next_parts[@]}") wraps=("${next_wraps[@]}")
		echo "$n" >"$WORK/guests"
	done
	echo "$n" >"$WORK/guests"
}

# fill: every check of a found part that has no verdict failed as not run
fill() {
	local part c why
	for part in "${PARTS[@]}"; do
		[[ -n ${FILE[$part]:-} ]] || continue
		for c in ${PART_CHECKS[$part]}; do
			[[ -z ${OK[$part.$c]:-} ]] || continue
			if [[ ${OK[$part.build]} != 1 ]]; then
				why="$part.build failed"
			else
				why=${NOTRUN[$part]:-the guest did not report it (see its console log)}
			fi
			record "$part.$c" 0 "not run: $why" not_run
		done
	done
}

# write_results: result.tsv; an empty field is "-" (a shell's read
# would merge two tabs)
write_results() {
	local part c id seen note
	for part in "${PARTS[@]}"; do
		[[ -n ${FILE[$part]:-} ]] || continue
		for c in ${PART_CHECKS[$part]}; do
			id=$part.$c
			seen=${SEEN[$id]//$'\t'/ } note=${NOTE[$id]:-}
			note=${note//$'\t'/ }
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "${OK[$id]}" "${seen:--}" "${REASON[$id]:--}" "${HINT[$id]:--}" "${note:--}"
		done
	done >"$WORK/result.tsv"
}

main() {
	local part t0
	(($# == 2)) || { echo "usage: grade/submission.sh SUBMISSION WORK" >&2; exit 2; }
	SUB=$1 WORK=$2
	mkdir -p "$WORK"
	find_parts
	[[ -s $WORK/parts ]] || exit 2
	for part in "${!FILE[@]}"; do stage "$part"; done
	t0=$(now_s)
	build_all
	echo "build $(elapsed "$t0")" >>"$WORK/timings"
	run_guests
	fill
	write_results
}

# run, or sourced for its functions (the stage grade_logs reads recorded
# consoles with read_console)
[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
