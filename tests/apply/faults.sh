# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # it sets the AC_ globals of tests/apply/lib.sh, which other files read
# Real faults for the cases: a PATH without a tool, a cp, mv or rm first
# on PATH that fails or stops at a chosen call, apply.sh started and
# interrupted or killed there, and tmpfs mounts that are small, full or
# read-only. Sourced by tests/apply-cases.sh.

# AC_PID: the process group of the apply.sh a case started in the
# background, AC_WAITER the subshell that waits for it; AC_MOUNTS: what
# the case mounted, unmounted when it ends
AC_PID='' AC_WAITER='' AC_MOUNTS=()

# ac_path_without TOOL: a PATH directory with every command of PATH but TOOL
ac_path_without() {
	local tool=$1 d dir=$AC_WORK/path-without-$1 f dirs
	[[ -d $dir ]] && { echo "$dir"; return; }
	mkdir -p "$dir"
	IFS=: read -ra dirs <<<"$PATH"
	for d in "${dirs[@]}"; do
		[[ -d $d ]] || continue
		for f in "$d"/*; do
			[[ -x $f && ! -d $f && ${f##*/} != "$tool" && ! -e $dir/${f##*/} ]] || continue
			ln -s "$f" "$dir/${f##*/}"
		done
	done
	echo "$dir"
}

# ac_wrap TOOL N MATCH MODE: put a TOOL first on AC_PATH that, at its Nth
# call whose last argument matches the glob MATCH, fails (MODE fail) or
# writes its pid to AC_DIR/wrap/at and waits for AC_DIR/wrap/go (MODE stop)
ac_wrap() {
	local tool=$1 n=$2 match=$3 mode=$4 w=$AC_DIR/wrap real
	real=$(command -v "$tool")
	mkdir -p "$w"
	cat >"$w/$tool" <<-EOF
		#!/bin/bash
		for last; do :; done
		if [[ \$last == $match ]]; then
			n=0
			[[ ! -e $w/count ]] || read -r n <$w/count
			n=\$((n + 1))
			echo "\$n" >$w/count
			if ((n == $n)); then
				case $mode in
				fail) echo "$tool: injected failure at call \$n" >&2 && exit 1 ;;
				stop) echo \$\$ >$w/at && while [[ ! -e $w/go ]]; do sleep 0.05; done ;;
				esac
			fi
		fi
		exec $real "\$@"
	EOF
	chmod +x "$w/$tool"
	AC_PATH=$w:$AC_PATH
}

# ac_start ARGS...: apply.sh ARGS in the background, in a process group of
# its own (like a job started from a terminal), its signals at their
# defaults (a background job of a script would ignore SIGINT); AC_PID.
# A subshell between waits for it and writes its status to AC_DIR/rc, so
# that bash's note on a killed job goes to /dev/null, not into the output.
ac_start() {
	local i
	AC_CMD="apply.sh $*"
	AC_CMD=${AC_CMD//$AC_DIR\//}
	rm -f "$AC_DIR/pid" "$AC_DIR/rc"
	(
		# shellcheck disable=SC2153 # AC_CWD is tests/apply/lib.sh's (ac_begin sets it), not a misspelt AC_CMD
		cd "$AC_CWD" || exit 1
		PATH=$AC_PATH setsid env --default-signal=INT,TERM,HUP "$AC_TOP/apply.sh" "$@" >"$AC_DIR/out" 2>&1 &
		echo $! >"$AC_DIR/pid"
		rc=0
		wait $! || rc=$?
		echo "$rc" >"$AC_DIR/rc"
	) 2>/dev/null &
	AC_WAITER=$!
	for ((i = 0; i < 200; i++)); do
		[[ -s $AC_DIR/pid ]] && break
		sleep 0.05
	done
	AC_PID=$(cat "$AC_DIR/pid" 2>/dev/null) || AC_PID=''
}

# ac_collect: apply.sh's exit status, once it has ended (AC_RC)
ac_collect() {
	wait "$AC_WAITER" || true
	AC_RC=$(cat "$AC_DIR/rc" 2>/dev/null) || AC_RC=none
}

# ac_wait_stop: wait until the stopping wrapper or hook is reached (1 when
# apply.sh ends first, or after 60 s)
ac_wait_stop() {
	local i
	for ((i = 0; i < 1200; i++)); do
		[[ -s $AC_DIR/wrap/at ]] && return 0
		[[ -n $AC_PID ]] && kill -0 "$AC_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ac_interrupt SIGNAL TARGET: stop apply.sh where the wrapper waits, send
# SIGNAL to it alone (TARGET pid) or to its process group (TARGET group,
# as Ctrl-C does), let the wrapper go on, and collect AC_RC and AC_OUT
ac_interrupt() {
	local sig=$1 target=$2 i
	if ! ac_wait_stop; then
		ac_bad "$AC_CMD never reached the point where it was to be interrupted"
		[[ -z $AC_PID ]] || kill -KILL -- "-$AC_PID" 2>/dev/null || true
		ac_collect
		AC_OUT=$(cat "$AC_DIR/out")
		ac_show "$AC_OUT"
		return 1
	fi
	ac_expect "apply.sh runs in a process group of its own" \
		[ "$(ps -o pgid= -p "$AC_PID" | tr -d ' ')" == "$AC_PID" ]
	if [[ $target == group ]]; then kill "-$sig" -- "-$AC_PID"; else kill "-$sig" "$AC_PID"; fi
	touch "$AC_DIR/wrap/go"
	ac_collect
	# nothing of the group may live on (a killed wrapper's mv would still run)
	for ((i = 0; i < 200; i++)); do
		kill -0 -- "-$AC_PID" 2>/dev/null || break
		sleep 0.05
	done
	AC_OUT=$(cat "$AC_DIR/out")
}

# ac_interrupted_restores SIG TARGET STATUS TOOL N MATCH ARGS...: apply.sh
# ARGS, stopped where TOOL's Nth call matching MATCH waits (ac_wrap), gets
# SIG (TARGET: pid or group, ac_interrupt), exits STATUS, says it restored
# the tree, and the tree is exactly as before
ac_interrupted_restores() {
	local sig=$1 target=$2 rc=$3
	ac_wrap "$4" "$5" "$6" stop
	shift 6
	ac_check_run 0 "$@"
	ac_start "$@"
	ac_interrupt "$sig" "$target" || return
	ac_rc "$rc"
	ac_says "says it was interrupted and restored the tree" "interrupted \\(SIG$sig\\); .* was restored as it was"
	ac_unchanged
}

# ac_killed TOOL N MATCH LEFT ARGS...: apply.sh ARGS, stopped where TOOL's
# Nth call matching MATCH waits, killed (SIGKILL to its process group); it
# leaves LEFT (a path in the tree) behind. AC_PATH is PATH again afterwards.
ac_killed() {
	local left=$4
	ac_wrap "$1" "$2" "$3" stop
	shift 4
	ac_check_run 0 "$@"
	ac_start "$@"
	ac_interrupt KILL group || return
	ac_rc 137
	AC_PATH=$PATH
	ac_expect "the kill left $left" [ -e "$AC_T/$left" ]
}

# ac_repairs PROBLEM REPAIRED DID EXPECTED ARGS...: after a kill, --check
# ARGS exits 1, says PROBLEM and to run without --check, and changes
# nothing; then apply.sh ARGS repairs the tree (says REPAIRED), does what it
# was asked (says DID) and leaves exactly the files EXPECTED (ac_files)
ac_repairs() {
	local problem=$1 repaired=$2 did=$3 expected=$4
	shift 4
	AC_BEFORE=$(ac_snap "$AC_T")
	ac_run --check "$@"
	ac_rc 1
	ac_says "names the problem" "$problem"
	ac_says "says what to do" 'Run the same command without --check to repair'
	ac_unchanged
	ac_run "$@"
	ac_rc 0
	ac_says "says it repaired the tree" "$repaired"
	ac_says "says what it did" "$did"
	ac_same "the tree's files are exactly what the run was to make of them" "$expected" "$(ac_files "$AC_T")"
}

# ac_tmpfs DIR OPTIONS: mount a tmpfs at DIR, unmounted when the case ends
ac_tmpfs() {
	mkdir -p "$1" && mount -t tmpfs -o "$2" osc-procfs-tests "$1" && AC_MOUNTS+=("$1")
}

# ac_ro_bind SRC DIR: SRC, read-only, at DIR
ac_ro_bind() {
	mkdir -p "$2" && mount --bind "$1" "$2" && AC_MOUNTS+=("$2") &&
		mount -o remount,bind,ro "$2" && ! touch "$2/.probe" 2>/dev/null
}

# ac_fill DIR KIB: fill the file system of DIR until KIB KiB are left
ac_fill() {
	local avail
	avail=$(df -Pk "$1" | awk 'NR == 2 { print $4 }')
	fallocate -l "$(((avail - $2) * 1024))" "$1/filler" &&
		(($(df -Pk "$1" | awk 'NR == 2 { print $4 }') <= $2 + 4))
}
