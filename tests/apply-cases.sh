# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# apply.sh under bad input and faults: the stage apply_cases of
# tests/run.sh, which sources this file (it uses run.sh's pass and fail).
#
# Each case sets up a tree, runs apply.sh --check and then apply.sh on it,
# and checks the exit status, that the message names the problem and what
# to do, and that the tree is exactly as before: every path but .git's
# insides with its type, mode, size and SHA-1, and for a git tree its
# status, HEAD, branches, stashes and any rebase, am or merge in progress.
# Where apply.sh is to succeed, the tree must instead be exactly what the
# series makes of it (applied here with patch or git am, not apply.sh).
#
# A case's tree is a "mini tree": the few files of the line's kernel that
# the series touches or apply.sh reads, taken from the cache's pristine
# commit (about 1 MB); git cases commit it to a new repository. Faults are
# real: tmpfs mounts that are full, out of inodes or read-only, a PATH
# without git or patch, and a cp, mv or rm earlier on PATH that fails or
# stops at a chosen call so that a signal lands part way through.

AC_MINI_PATHS=(Makefile Kconfig MAINTAINERS samples/Kconfig samples/Makefile
	tools/testing/selftests/Makefile scripts/Kbuild.include scripts/subarch.include
	'scripts/Makefile.*' arch/x86/Makefile arch/x86/Makefile_32.cpu)

AC_WORK='' AC_MINI='' AC_LINE='' AC_CASE='' AC_DIR='' AC_CWD='' AC_T='' AC_PATH=''
AC_OUT='' AC_RC=0 AC_CMD='' AC_BEFORE='' AC_PID='' AC_WAITER='' AC_PRISTINE=''
AC_CASES=0 AC_FAILED0=0 AC_NEXT=0
# AC_WORKERS: how many cases run at once, one per core (each case has a
# directory, mounts and PATH of its own)
AC_WORKERS=${AC_WORKERS:-$(nproc)}
# AC_TOP: the apply.sh a case runs (its directory also holds kernel-lines and
# the series); AC_PATCHES and AC_SUBJECTS: that series. By default the
# checkout's own (AC_BASE_*); the restructured cases switch to a copy of
# apply.sh with the series squashed into one patch or cut into one per file.
AC_TOP=$OSC_TOP
AC_PATCHES=() AC_SUBJECTS=() AC_BASE_PATCHES=() AC_BASE_SUBJECTS=() AC_MOUNTS=() AC_BROKEN=()
# what a plain tree holds while apply.sh changes it: its undo directory,
# renamed to AC_UNDO.done once every file is in place
AC_UNDO=.osc-procfs-apply.undo

# --- checks ------------------------------------------------------------

ac_ok() { pass "$AC_CASE: $*"; }
ac_bad() { fail "$AC_CASE: $*"; }

# ac_show TEXT: TEXT indented under a FAIL line
ac_show() { head -n 40 <<<"$1" | sed 's/^/        | /'; }

# ac_expect WHAT CMD...: one check of the current case
ac_expect() {
	local what=$1
	shift
	if "$@"; then ac_ok "$what"; else ac_bad "$what"; fi
}

# ac_rc STATUS: the last run exited STATUS
ac_rc() {
	if [[ $AC_RC == "$1" ]]; then
		ac_ok "$AC_CMD exits $1"
	else
		ac_bad "$AC_CMD exits $1 (it exited $AC_RC; its output:)"
		ac_show "$AC_OUT"
	fi
}

# ac_says WHAT ERE: the last run's output matches ERE
ac_says() {
	if grep -Eq -- "$2" <<<"$AC_OUT"; then
		ac_ok "$AC_CMD $1"
	else
		ac_bad "$AC_CMD $1 (nothing matches /$2/ in its output:)"
		ac_show "$AC_OUT"
	fi
}

# ac_says_not WHAT RE: the last run's output has no line matching RE
ac_says_not() {
	if grep -Eq -- "$2" <<<"$AC_OUT"; then
		ac_bad "$AC_CMD $1 (its output matches /$2/:)"
		ac_show "$AC_OUT"
	else
		ac_ok "$AC_CMD $1"
	fi
}

# ac_same WHAT EXPECTED ACTUAL: two snapshots are equal
ac_same() {
	if [[ $2 == "$3" ]]; then
		ac_ok "$1"
	else
		ac_bad "$1; it differs (< expected, > found):"
		ac_show "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
	fi
}

# ac_unchanged: the case's tree is exactly as in AC_BEFORE
ac_unchanged() { ac_same "after $AC_CMD the tree is exactly as before" "$AC_BEFORE" "$(ac_snap "$AC_T")"; }

# ac_setup_failed WHAT: a case that cannot be set up fails, with why
ac_setup_failed() {
	ac_bad "cannot set up the case: $1"
	[[ ! -s $AC_DIR/setup.log ]] || ac_show "$(tail -n 20 "$AC_DIR/setup.log")"
	return 1
}

# ac_do WHAT CMD...: one step of setting up a case
ac_do() {
	local what=$1
	shift
	"$@" >>"$AC_DIR/setup.log" 2>&1 || ac_setup_failed "$what"
}

# --- snapshots ---------------------------------------------------------

# ac_files DIR: every path under DIR but .git, with type, mode, size and
# SHA-1 of its content
ac_files() {
	(
		cd "$1" || { echo "no directory $1"; exit 1; }
		find . -path ./.git -prune -o \( -type f -printf 'f %m %s %p\n' \) -o \
			\( -type l -printf 'l %p -> %l\n' \) -o -printf '%y %m %p\n' | LC_ALL=C sort
		find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha1sum
	)
}

# ac_gitstate DIR: for a git tree, what git says of it
ac_gitstate() {
	local d=$1 p path
	[[ -e $d/.git ]] || return 0
	printf 'status:\n%s\n' "$(GIT_OPTIONAL_LOCKS=0 git -C "$d" status --porcelain --untracked-files=all)"
	printf 'HEAD %s\n' "$(git -C "$d" rev-parse HEAD)"
	printf 'on %s\n' "$(git -C "$d" symbolic-ref -q HEAD || echo 'detached HEAD')"
	printf 'branches:\n%s\n' "$(git -C "$d" for-each-ref --format='%(refname) %(objectname)' refs/heads)"
	printf 'stash:\n%s\n' "$(git -C "$d" stash list)"
	for p in rebase-apply rebase-merge MERGE_HEAD CHERRY_PICK_HEAD; do
		path=$(git -C "$d" rev-parse --git-path "$p")
		[[ $path == /* ]] || path=$d/$path
		[[ ! -e $path ]] || printf 'in progress: %s\n' "$p"
	done
}

ac_snap() {
	ac_files "$1"
	ac_gitstate "$1"
}

# --- trees ---------------------------------------------------------------

# ac_mini DIR: a fresh mini tree at DIR
ac_mini() {
	mkdir -p "$(dirname "$1")" && cp -a "$AC_MINI" "$1"
}

# ac_tree KIND [N [DIR]]: AC_T, a fresh mini tree at DIR (AC_DIR/linux), a
# plain tree or a git checkout (KIND plain or git), with the first N patches
# of the series (all: every one) applied by patch or git am; AC_PRISTINE,
# its files before them
ac_tree() {
	local kind=$1 n=${2:-0}
	AC_T=${3:-$AC_DIR/linux}
	[[ $n != all ]] || n=${#AC_PATCHES[@]}
	ac_do "mini tree" ac_mini "$AC_T" || return
	[[ $kind == plain ]] || ac_do "git tree" ac_gitify "$AC_T" || return
	AC_PRISTINE=$(ac_files "$AC_T")
	if ((n == 0)); then
		return 0
	elif [[ $kind == plain ]]; then
		ac_do "apply $n patches with patch" ac_patch "$AC_T" "$n"
	else
		ac_do "git am $n patches" ac_am "$AC_T" "$n"
	fi
}

# ac_g DIR ARGS...: git in DIR, as the tests' own user
ac_g() {
	local d=$1
	shift
	GIT_AUTHOR_NAME="osc-procfs tests" GIT_AUTHOR_EMAIL=tests@osc-procfs.invalid \
		GIT_COMMITTER_NAME="osc-procfs tests" GIT_COMMITTER_EMAIL=tests@osc-procfs.invalid \
		git -C "$d" "$@"
}

# ac_gitify DIR: make the tree at DIR a git checkout with one commit, its
# files with the modes git gives them (the archive's are group-writable)
ac_gitify() {
	local d=$1
	chmod -R u+rwX,go-w "$d" &&
		ac_g "$d" init -q -b main &&
		ac_g "$d" config user.name "osc-procfs tests" &&
		ac_g "$d" config user.email tests@osc-procfs.invalid &&
		ac_g "$d" config commit.gpgsign false &&
		ac_g "$d" add -f -A . &&
		ac_g "$d" commit -q -m "Linux $AC_LINE (a few of its files)"
}

# ac_commit DIR FILE TEXT MESSAGE: write FILE and commit it
ac_commit() {
	printf '%s\n' "$3" >"$1/$2" && ac_g "$1" add -f "$2" && ac_g "$1" commit -q -m "$4"
}

# ac_patch DIR [N]: the first N patches of the series (all by default),
# applied with patch, not apply.sh
ac_patch() {
	local d=$1 n=${2:-${#AC_PATCHES[@]}} i
	for ((i = 0; i < n; i++)); do
		patch -d "$d" -p1 --batch --silent --fuzz=0 <"${AC_PATCHES[i]}" || return 1
	done
}

# ac_am DIR [N]: the first N patches as commits, with git am
ac_am() {
	local d=$1 n=${2:-${#AC_PATCHES[@]}}
	ac_g "$d" am -q "${AC_PATCHES[@]:0:n}"
}

# ac_expected_applied DIR: the files of DIR as the series makes them
ac_expected_applied() {
	local e=$AC_DIR/expected
	rm -rf "$e" && mkdir -p "$e" &&
		tar -C "$1" --exclude=./.git -cf - . | tar -C "$e" -xf - &&
		ac_patch "$e" && ac_files "$e"
}

# ac_series_fails DIR: the series does not apply to a copy of DIR
ac_series_fails() {
	local e=$AC_DIR/try
	rm -rf "$e" && mkdir -p "$e" && tar -C "$1" --exclude=./.git -cf - . | tar -C "$e" -xf - &&
		! ac_patch "$e" 2>/dev/null
}

# ac_edit_kconfig DIR: a sample of one's own, sourced where the series
# adds its line to samples/Kconfig
ac_edit_kconfig() {
	sed -i 's|^endif # SAMPLES$|source "samples/mine/Kconfig"\n\n&|' "$1/samples/Kconfig" &&
		grep -q 'samples/mine' "$1/samples/Kconfig"
}

# ac_edit_makefile DIR: the same in samples/Makefile: a line of one's
# own right after the line the series adds its own after
ac_edit_makefile() {
	local after f=$1/samples/Makefile
	# shellcheck disable=SC2016 # $(...) is make's, not the shell's
	after=$(grep -B1 '^+obj-$(CONFIG_SAMPLE_OSC_PROCFS)' "${AC_PATCHES[0]}" | head -n 1 | cut -c2-)
	[[ -n $after ]] || return 1
	# shellcheck disable=SC2016
	awk -v after="$after" '{ print } $0 == after { print "obj-$(CONFIG_SAMPLE_MINE)\t\t+= mine/" }' \
		"$f" >"$f.new" && mv "$f.new" "$f" && grep -q 'SAMPLE_MINE' "$f"
}

# ac_lines_re WORD: the supported lines as apply.sh lists them ("7.3,
# 6.12 and 6.1", WORD in place of "and"), as an extended regexp
ac_lines_re() {
	local n=${#OSC_LINES[@]} out=${OSC_LINES[0]} i
	for ((i = 1; i < n; i++)); do
		if ((i == n - 1)); then out+=" $1 "; else out+=", "; fi
		out+=${OSC_LINES[i]}
	done
	echo "${out//./\\.}"
}

# ac_other_version DIR: make the tree say it is Linux 6.6.0, a line the
# series does not support
ac_other_version() {
	sed -i 's/^VERSION = .*/VERSION = 6/; s/^PATCHLEVEL = .*/PATCHLEVEL = 6/; s/^SUBLEVEL = .*/SUBLEVEL = 0/' "$1/Makefile" &&
		[[ $(make -s -C "$1" kernelversion) == 6.6.0 ]]
}

# ac_other_version_tree KIND DIR: AC_T, a KIND mini tree at DIR that says
# it is Linux 6.6.0 (a git tree commits that); made beside DIR and moved,
# as the kernel's Makefile refuses a path with a space
ac_other_version_tree() {
	local made=$AC_DIR/linux-6.6
	ac_tree "$1" 0 "$made" && ac_do "make it 6.6.0" ac_other_version "$made" || return
	[[ $1 == plain ]] || ac_do "commit 6.6.0" ac_g "$made" commit -q -a -m "Linux 6.6.0" || return
	ac_do "a directory for $2" mkdir -p "$(dirname "$2")" && ac_do "move it to $2" mv "$made" "$2" || return
	AC_T=$2
}

# --- running apply.sh --------------------------------------------------

# ac_run ARGS...: AC_TOP's apply.sh ARGS, run from AC_CWD with AC_PATH; sets
# AC_OUT, AC_RC and AC_CMD (ARGS with the case's directory left out)
ac_run() {
	AC_CMD="apply.sh $*"
	AC_CMD=${AC_CMD//$AC_DIR\//}
	AC_RC=0
	AC_OUT=$(cd "$AC_CWD" && PATH=$AC_PATH "$AC_TOP/apply.sh" "$@" 2>&1) || AC_RC=$?
}

# ac_run_printed LINE: LINE, a command apply.sh printed, run as a shell
# reads it, from AC_CWD with AC_PATH; AC_OUT, AC_RC and AC_CMD as ac_run
ac_run_printed() {
	AC_CMD="the printed '$1'"
	AC_CMD=${AC_CMD//$AC_DIR\//} && AC_CMD=${AC_CMD//$AC_TOP\//}
	AC_RC=0
	AC_OUT=$(cd "$AC_CWD" && PATH=$AC_PATH bash -c "$1" 2>&1) || AC_RC=$?
}

# ac_check_run STATUS ARGS...: apply.sh --check ARGS exits STATUS and
# changes nothing; AC_BEFORE is the tree before it
ac_check_run() {
	local rc=$1
	shift
	AC_BEFORE=$(ac_snap "$AC_T")
	ac_run --check "$@"
	ac_rc "$rc"
	ac_unchanged
}

# ac_refused STATUS PROBLEM TODO ARGS...: --check and the real run both
# exit STATUS, say PROBLEM and TODO (extended regexps) and change nothing
ac_refused() {
	local rc=$1 problem=$2 todo=$3 check
	shift 3
	for check in --check ''; do
		AC_BEFORE=$(ac_snap "$AC_T")
		ac_run ${check:+"$check"} "$@"
		ac_rc "$rc"
		ac_says "names the problem" "$problem"
		ac_says "says what to do" "$todo"
		ac_unchanged
	done
}

# ac_nothing_to_do WHAT ARGS...: --check and the real run exit 0, say
# WHAT (a regexp) and change nothing
ac_nothing_to_do() {
	local what=$1 check
	shift
	for check in --check ''; do
		AC_BEFORE=$(ac_snap "$AC_T")
		ac_run ${check:+"$check"} "$@"
		ac_rc 0
		ac_says "says so" "$what"
		ac_unchanged
	done
}

# ac_applies ARGS...: --check changes nothing, then apply.sh puts the
# whole series on AC_T, and a second run finds it already applied
ac_applies() {
	local expected head='' on='' others=''
	expected=$(ac_expected_applied "$AC_T") || { ac_setup_failed "the series does not apply to a copy of the tree with patch"; return 1; }
	if [[ -e $AC_T/.git ]]; then
		head=$(git -C "$AC_T" rev-parse HEAD)
		on=$(git -C "$AC_T" symbolic-ref -q HEAD || echo detached)
		others=$(ac_other_branches "$on")
	fi
	ac_check_run 0 "$@"
	ac_says "says the series applies cleanly" 'applies cleanly'
	ac_run "$@"
	ac_rc 0
	ac_says "says what it did" '^applied [0-9]+ patches'
	ac_says "says what to do next" 'Next steps'
	ac_same "the tree holds exactly the series' files and changes" "$expected" "$(ac_files "$AC_T")"
	[[ -z $head ]] || ac_git_applied "$head" "$on" "$others"
	ac_nothing_to_do 'already applied' "$@"
}

# ac_undo_as_printed ARGS...: apply.sh ARGS applies the series and prints
# one command to take it off; that command, run as printed, exits 0 and
# leaves the tree exactly as it was before apply.sh ARGS
ac_undo_as_printed() {
	local undo
	AC_BEFORE=$(ac_snap "$AC_T")
	ac_run "$@"
	ac_rc 0
	ac_says "says what it did" '^applied [0-9]+ patches'
	undo=$(sed -n 's/^To take the series off again: //p' <<<"$AC_OUT")
	if [[ -z $undo || $undo == *$'\n'* ]]; then
		ac_bad "$AC_CMD prints one command to take the series off (its output:)"
		ac_show "$AC_OUT"
		return 1
	fi
	ac_ok "$AC_CMD prints one command to take the series off"
	ac_run_printed "$undo"
	ac_rc 0
	ac_says "says what it did" 'took the series off'
	ac_unchanged
}

# ac_other_branches CURRENT: every branch but CURRENT, with its commit
ac_other_branches() {
	git -C "$AC_T" for-each-ref --format='%(refname) %(objectname)' refs/heads | awk -v cur="$1" '$1 != cur'
}

# ac_git_applied OLD_HEAD ON OTHERS: the series is the last commits on
# top of OLD_HEAD, HEAD is still ON, no other branch moved, tree clean
ac_git_applied() {
	local n=${#AC_PATCHES[@]}
	ac_expect "HEAD~$n is the HEAD from before" \
		[ "$(git -C "$AC_T" rev-parse "HEAD~$n")" == "$1" ]
	ac_same "the $n new commits carry the series' subjects, in order" \
		"$(printf '%s\n' "${AC_SUBJECTS[@]}")" "$(git -C "$AC_T" log --reverse --format=%s "$1..HEAD")"
	ac_expect "HEAD is still on $2" \
		[ "$(git -C "$AC_T" symbolic-ref -q HEAD || echo detached)" == "$2" ]
	ac_same "no other branch moved" "$3" "$(ac_other_branches "$2")"
	ac_expect "the work tree is clean" \
		[ -z "$(git -C "$AC_T" status --porcelain --untracked-files=all)" ]
}

# ac_reverses PRISTINE ARGS...: --reverse --check changes nothing, then
# --reverse leaves exactly the files PRISTINE lists, and a second run
# finds nothing to do
ac_reverses() {
	local pristine=$1 base=''
	shift
	[[ ! -e $AC_T/.git ]] || base=$(git -C "$AC_T" rev-parse "HEAD~${#AC_PATCHES[@]}")
	ac_check_run 0 --reverse "$@"
	ac_says "says the series can be taken off" 'can be taken off|would move HEAD back'
	ac_run --reverse "$@"
	ac_rc 0
	ac_says "says what it did" 'took the series off'
	ac_same "the tree's files are exactly as before the series" "$pristine" "$(ac_files "$AC_T")"
	if [[ -n $base ]]; then
		ac_expect "HEAD is back where it was before the series" [ "$(git -C "$AC_T" rev-parse HEAD)" == "$base" ]
		ac_expect "the work tree is clean" [ -z "$(git -C "$AC_T" status --porcelain --untracked-files=all)" ]
	fi
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$@"
}

# --- faults ----------------------------------------------------------------

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

# --- the cases -----------------------------------------------------------

ac_case_no_argument() {
	ac_tree plain || return
	AC_CWD=$AC_T # run from inside a kernel tree: no default to "."
	ac_refused 2 'no KERNEL_DIR given' "name the top directory of a Linux $(ac_lines_re or) source tree"
}

ac_case_unknown_option() {
	ac_tree plain || return
	ac_refused 2 'unknown option --revert' '--reverse' --revert "$AC_T"
}

ac_case_nonexistent_path() {
	AC_T=$AC_DIR
	ac_refused 1 'no-such-linux does not exist' 'give the top directory of a Linux source tree' \
		"$AC_DIR/no-such-linux"
}

ac_case_a_file() {
	AC_T=$AC_DIR
	ac_do "a file" cp "$AC_MINI/Makefile" "$AC_DIR/linux.mk" || return
	ac_refused 1 'linux.mk is not a directory' 'give the top directory of a Linux source tree' \
		"$AC_DIR/linux.mk"
}

ac_case_not_a_kernel_tree() {
	AC_T=$AC_DIR/src
	ac_do "a directory of something else" mkdir -p "$AC_T/samples" || return
	printf 'all:\n\ttrue\n' >"$AC_T/Makefile"
	echo 'a project' >"$AC_T/README"
	ac_refused 1 'is not a Linux source tree' 'give the top directory of a Linux source tree' "$AC_T"
}

ac_case_plain_path_with_spaces() {
	ac_tree plain 0 "$AC_DIR/my kernels/linux $AC_LINE" || return
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_path_with_spaces() {
	ac_tree git 0 "$AC_DIR/my kernels/linux $AC_LINE" || return
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

# the tree's line picks its series: the base series, or its backport
ac_case_series_of_its_line() {
	local dir=${OSC_LINE_DIR[$AC_LINE]}
	[[ $dir == . ]] && dir='' || dir=$dir/
	ac_tree plain 0 "$AC_DIR/linux-$AC_LINE" || return
	ac_applies "$AC_T"
	ac_says "names the tree's version and the series for its line" \
		"Linux ${AC_LINE//./\\.}\\.[0-9]+, a plain tree; series of [0-9]+ patches from ${dir//./\\.}patches/\$"
}

ac_case_other_version() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" || return
	ac_refused 1 "is Linux 6\\.6\\.0; the series supports the $(ac_lines_re and) lines" 'add --force' "$AC_T"
}

ac_case_other_version_forced() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" || return
	if [[ $AC_LINE == "$OSC_BASE_LINE" ]]; then
		ac_applies --force "$AC_T"
	else # the base series, in another line's context: whole or not at all
		ac_refused 1 'does not apply' 'Nothing was changed' --force "$AC_T"
	fi
	ac_says "says it tries an unsupported version" 'not a supported line.*trying anyway'
}

ac_case_other_version_forced_not_fitting() {
	ac_tree plain 0 "$AC_DIR/linux-6.6" && ac_do "make it 6.6.0" ac_other_version "$AC_T" &&
		ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' --force "$AC_T"
}

# --force on a line the series does not list applies the base series; the
# command it then prints to take the series off works as printed
ac_case_other_version_forced_undo_plain() { ac_forced_undo plain; }
ac_case_other_version_forced_undo_git() { ac_forced_undo git; }

# ac_forced_undo KIND: on a KIND tree that says it is Linux 6.6.0, in a
# path with a space, apply.sh --force, then the undo command it printed
ac_forced_undo() {
	ac_other_version_tree "$1" "$AC_DIR/my kernels/linux-6.6" || return
	if [[ $AC_LINE == "$OSC_BASE_LINE" ]]; then
		ac_undo_as_printed --force "$AC_T"
	else # the base series, in another line's context, does not apply: nothing to undo
		ac_refused 1 'does not apply' 'Nothing was changed' --force "$AC_T"
		ac_says_not "prints no command to take the series off" 'take the series off'
	fi
}

ac_case_git_uncommitted_change() {
	ac_tree git || return
	echo '# a change of my own' >>"$AC_T/Kconfig"
	ac_refused 1 'has uncommitted changes' 'commit or stash them' "$AC_T"
}

ac_case_git_untracked_in_samples() {
	ac_tree git || return
	mkdir -p "$AC_T/samples/mine" && echo '// mine' >"$AC_T/samples/mine/mine.c"
	ac_refused 1 'untracked files' 'commit or stash them' "$AC_T"
}

ac_case_git_mid_rebase() {
	ac_tree git &&
		ac_do "branch side" ac_g "$AC_T" checkout -q -b side &&
		ac_do "commit on side" ac_commit "$AC_T" notes.txt "side" "notes on side" &&
		ac_do "back to main" ac_g "$AC_T" checkout -q main &&
		ac_do "commit on main" ac_commit "$AC_T" notes.txt "main" "notes on main" &&
		ac_do "to side" ac_g "$AC_T" checkout -q side || return
	ac_g "$AC_T" rebase main >>"$AC_DIR/setup.log" 2>&1 && { ac_setup_failed "the rebase did not stop on a conflict"; return; }
	[[ -d $AC_T/.git/rebase-merge ]] || { ac_setup_failed "no rebase in progress"; return; }
	ac_refused 1 'middle of a git operation \(rebase-merge\)' 'git rebase --abort' "$AC_T"
}

ac_case_git_mid_am() {
	ac_tree git &&
		ac_do "commit notes" ac_commit "$AC_T" notes.txt "one" "notes" &&
		ac_do "commit notes again" ac_commit "$AC_T" notes.txt "two" "notes two" &&
		ac_do "format-patch" ac_g "$AC_T" format-patch -q -1 -o "$AC_DIR/mine" &&
		ac_do "reset" ac_g "$AC_T" reset -q --hard HEAD~1 &&
		ac_do "commit other notes" ac_commit "$AC_T" notes.txt "other" "other notes" || return
	ac_g "$AC_T" am "$AC_DIR"/mine/*.patch >>"$AC_DIR/setup.log" 2>&1 && { ac_setup_failed "git am did not fail"; return; }
	[[ -d $AC_T/.git/rebase-apply ]] || { ac_setup_failed "no git am in progress"; return; }
	ac_refused 1 'middle of a git operation \(rebase-apply\)' 'git am --abort' "$AC_T"
}

ac_case_git_detached_head() {
	ac_tree git && ac_do "detach HEAD" ac_g "$AC_T" checkout -q --detach || return
	ac_applies "$AC_T"
}

ac_case_plain_already_applied() {
	ac_tree plain all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_git_already_applied() {
	ac_tree git all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_plain_partly_applied() {
	ac_tree plain "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' "$AC_T"
}

ac_case_git_partly_applied() {
	ac_tree git "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' "$AC_T"
}

ac_case_plain_samples_kconfig_edited() {
	ac_tree plain && ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}

ac_case_plain_samples_makefile_edited() {
	ac_tree plain && ac_do "edit samples/Makefile" ac_edit_makefile "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}

ac_case_git_samples_kconfig_edited() {
	ac_tree plain && ac_do "edit samples/Kconfig" ac_edit_kconfig "$AC_T" &&
		ac_do "the edit stops the series" ac_series_fails "$AC_T" &&
		ac_do "git tree" ac_gitify "$AC_T" || return
	ac_refused 1 'does not apply' 'Nothing was changed.*apply the failing patch by hand' "$AC_T"
}

ac_case_plain_read_only() {
	ac_tree plain 0 "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' "$AC_T"
}

ac_case_git_read_only() {
	ac_tree git 0 "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' "$AC_T"
}

ac_case_plain_reverse_read_only() {
	ac_tree plain all "$AC_DIR/rw/linux" && ac_do "a read-only bind mount" ac_ro_bind "$AC_DIR/rw" "$AC_DIR/ro" || return
	AC_T=$AC_DIR/ro/linux
	ac_refused 1 'ro/linux is not writable' 'make it writable' --reverse "$AC_T"
}

ac_case_plain_full_disk() {
	ac_do "a 4 MiB tmpfs" ac_tmpfs "$AC_DIR/disk" size=4m && ac_tree plain 0 "$AC_DIR/disk/linux" &&
		ac_do "fill it to 8 KiB" ac_fill "$AC_DIR/disk" 8 || return
	ac_refused 1 'has [0-9]+ KiB free, and writing the series needs about [0-9]+ KiB' 'Free some space' "$AC_T"
}

ac_case_git_full_disk() {
	ac_do "an 8 MiB tmpfs" ac_tmpfs "$AC_DIR/disk" size=8m && ac_tree git 0 "$AC_DIR/disk/linux" &&
		ac_do "fill it to 8 KiB" ac_fill "$AC_DIR/disk" 8 || return
	ac_refused 1 'has [0-9]+ KiB free, and writing the series needs about [0-9]+ KiB' 'Free some space' "$AC_T"
}

# Room for the bytes but not for the files: three inodes left, and the disk
# fills while the undo directory is written, before any file of the tree
# is touched
ac_case_plain_out_of_inodes() {
	local used
	ac_do "a tmpfs" ac_tmpfs "$AC_DIR/disk" size=8m && ac_tree plain 0 "$AC_DIR/disk/linux" || return
	used=$(df -Pi "$AC_DIR/disk" | awk 'NR == 2 { print $3 }')
	ac_do "leave 3 inodes" mount -o "remount,nr_inodes=$((used + 3))" "$AC_DIR/disk" || return
	ac_check_run 0 "$AC_T"
	ac_run "$AC_T"
	ac_rc 1
	ac_says "names the problem" 'No space left on device'
	ac_says "says the tree was restored" 'writing into .* failed .*restored as it was'
	ac_says "says what to do" 'Fix the cause and run again'
	ac_unchanged
}

# a copy of a new file beside its target fails part way through the files
ac_case_plain_write_fails() {
	ac_tree plain || return
	ac_wrap cp 6 '*.osc-new' fail
	ac_check_run 0 "$AC_T"
	ac_run "$AC_T"
	ac_rc 1
	ac_says "names the problem" 'cp: injected failure'
	ac_says "says the tree was restored" 'writing into .* failed .*restored as it was'
	ac_says "says what to do" 'Fix the cause and run again'
	ac_unchanged
}

ac_case_git_without_git() {
	ac_tree git || return
	AC_PATH=$(ac_path_without git)
	ac_refused 1 'is a git checkout but git is not installed' 'install git' "$AC_T"
}

ac_case_plain_without_patch() {
	ac_tree plain || return
	AC_PATH=$(ac_path_without patch)
	ac_refused 1 "'patch' is not installed" 'install it' "$AC_T"
}

ac_case_plain_without_git() {
	ac_tree plain || return
	AC_PATH=$(ac_path_without git)
	ac_applies "$AC_T"
}

ac_case_git_without_patch() {
	ac_tree git || return
	AC_PATH=$(ac_path_without patch)
	ac_applies "$AC_T"
}

# SIGINT to apply.sh alone while it copies the new files beside the old
ac_case_plain_sigint_while_staging() {
	ac_tree plain || return
	ac_interrupted_restores INT pid 130 cp 5 '*.osc-new' "$AC_T"
}

# Ctrl-C (SIGINT to the process group) while the files are renamed into
# place: the undo directory and the first eight files are in place
ac_case_plain_ctrl_c_while_renaming() {
	ac_tree plain || return
	ac_interrupted_restores INT group 130 mv 10 '*' "$AC_T"
}

# Ctrl-C while git am is part way, after the first half of the series (a
# post-applypatch hook waits)
ac_case_git_ctrl_c_during_am() {
	local hook part
	part=$(ac_part)
	ac_tree git || return
	mkdir -p "$AC_DIR/wrap"
	hook=$AC_T/.git/hooks/post-applypatch
	cat >"$hook" <<-EOF
		#!/bin/bash
		n=0
		[[ ! -e $AC_DIR/wrap/count ]] || read -r n <$AC_DIR/wrap/count
		echo \$((n + 1)) >$AC_DIR/wrap/count
		((n + 1 == $part)) || exit 0
		echo \$\$ >$AC_DIR/wrap/at
		while [[ ! -e $AC_DIR/wrap/go ]]; do sleep 0.05; done
	EOF
	chmod +x "$hook"
	ac_check_run 0 "$AC_T"
	ac_start "$AC_T"
	ac_wait_stop && ac_expect "git am was part way when interrupted ($part of ${#AC_PATCHES[@]} commits made)" \
		[ "$(git -C "$AC_T" rev-list --count HEAD)" == $((part + 1)) ]
	ac_interrupt INT group || return
	ac_rc 130
	ac_says "says it was interrupted and git am aborted" 'interrupted \(SIGINT\); git am was aborted; .* is as it was'
	ac_unchanged
}

# SIGKILL while the files are renamed into place (samples/Kconfig is, the
# rest are not): the next run puts the tree back, then applies the series
ac_case_plain_sigkill_while_renaming() {
	local expected
	ac_tree plain || return
	expected=$(ac_expected_applied "$AC_T")
	ac_killed mv 4 '*' "$AC_UNDO" "$AC_T" || return
	ac_expect "the kill came after samples/Kconfig was replaced" \
		[ "$(sha1sum <"$AC_T/samples/Kconfig")" != "$(sha1sum <"$AC_MINI/samples/Kconfig")" ]
	ac_expect "and before the first new file was in place" [ ! -e "$AC_T/samples/osc_procfs" ]
	ac_repairs 'was stopped part way and left .*\.osc-procfs-apply\.undo' \
		'repaired .*: an earlier run \(applying the series\) was stopped part way; it was undone' \
		'^applied [0-9]+ patches' "$expected" "$AC_T"
	ac_nothing_to_do 'already applied' "$AC_T"
}

# SIGKILL after the commit (every file in place, the undo directory renamed
# to .done) while that is removed: the next run finishes the removal
ac_case_plain_sigkill_while_cleaning_up() {
	local expected
	ac_tree plain || return
	expected=$(ac_expected_applied "$AC_T")
	ac_killed rm 1 "*/$AC_UNDO.done" "$AC_UNDO.done" "$AC_T" || return
	ac_same "the kill left every file of the series in place" "$expected" \
		"$(ac_files "$AC_T" | grep -v -F "/$AC_UNDO.done")"
	ac_repairs 'was stopped part way and left .*; it had put every file in place' \
		'repaired .*: an earlier run \(applying the series\) was stopped after every file was in place; it was finished' \
		'already applied' "$expected" "$AC_T"
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_plain_reverse() {
	ac_tree plain all || return
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_reverse() {
	ac_tree git all || return
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

ac_case_git_reverse_not_on_top() {
	ac_tree git all && ac_do "a commit of my own on top" ac_commit "$AC_T" notes.txt "mine" "my notes" || return
	ac_refused 1 "the series' commits are in .* but not as its last [0-9]+ commits" \
		'Move them to the top \(git rebase -i.*git revert' --reverse "$AC_T"
	# shellcheck disable=SC2016 # a sed expression, not the shell's
	ac_says "says where they are" "$(printf '%s' "${AC_SUBJECTS[-1]}" | sed 's/[][\.*^$()/]/\\&/g') \(HEAD~1\)"
}

ac_case_git_reverse_uncommitted_change() {
	ac_tree git all || return
	echo '/* mine */' >>"$AC_T/samples/osc_procfs/osc_hello.c"
	ac_refused 1 'has uncommitted changes' 'commit or stash them' --reverse "$AC_T"
}

ac_case_plain_reverse_not_applied() {
	ac_tree plain || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
}

ac_case_git_reverse_not_applied() {
	ac_tree git || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
}

ac_case_plain_reverse_partly_applied() {
	ac_tree plain "$(ac_part)" || return
	ac_refused 1 'found: samples/osc_procfs/osc_simple\.c' 'undo that first' --reverse "$AC_T"
}

# SIGTERM to apply.sh alone part way through --reverse
ac_case_plain_reverse_sigterm() {
	ac_tree plain all || return
	ac_interrupted_restores TERM pid 143 mv 5 '*' --reverse "$AC_T"
}

# SIGKILL part way through --reverse, after the first files were removed:
# the next --reverse puts them back, then takes the series off
ac_case_plain_reverse_sigkill() {
	ac_tree plain all || return
	ac_killed rm 3 '*/osc_procfs/*' "$AC_UNDO" --reverse "$AC_T" || return
	ac_expect "the kill came after the first files were removed" [ ! -e "$AC_T/samples/osc_procfs/Kconfig" ]
	ac_repairs 'run \(taking off the series\) was stopped part way' 'repaired .* it was undone' \
		'took the series off' "$AC_PRISTINE" --reverse "$AC_T"
}

ac_case_plain_leftovers_without_journal() {
	ac_tree plain && ac_do "a stray .osc-orig" cp -p "$AC_T/samples/Kconfig" "$AC_T/samples/Kconfig.osc-orig" || return
	ac_refused 1 'holds samples/Kconfig\.osc-orig' 'keep the one you want' "$AC_T"
}

# an undo directory that lists a path outside the series
ac_case_plain_foreign_journal() {
	ac_tree plain && ac_do "a foreign undo directory" mkdir -p "$AC_T/$AC_UNDO/orig" || return
	printf 'apply\n' >"$AC_T/$AC_UNDO/what"
	printf '../../etc/passwd\n' >"$AC_T/$AC_UNDO/new"
	ac_refused 1 'not this series. undo directory' 'Repair .* by hand' "$AC_T"
}

# The series restructured (ac_use_series): squashed into one patch, or cut
# into one patch per file. Each of those patches applies to a pristine tree
# as it is, so a trial that takes the series off first must not mistake it
# for applied (GNU patch --batch -R applies such a patch forward).

# ac_restructured SHAPE KIND: on a pristine KIND tree, the series as SHAPE:
# --reverse finds nothing to take off; apply.sh applies it, then finds it
# applied; --reverse takes it off
ac_restructured() {
	ac_use_series "$1" && ac_tree "$2" || return
	ac_nothing_to_do 'not applied; nothing to do' --reverse "$AC_T"
	ac_applies "$AC_T"
	ac_reverses "$AC_PRISTINE" "$AC_T"
}

# ac_restructured_applied SHAPE KIND: a KIND tree with the series as SHAPE
# applied by patch or git am: apply.sh finds it already applied
ac_restructured_applied() {
	ac_use_series "$1" && ac_tree "$2" all || return
	ac_nothing_to_do 'already applied' "$AC_T"
}

ac_case_one_patch_plain() { ac_restructured one plain; }
ac_case_one_patch_git() { ac_restructured one git; }
ac_case_one_patch_plain_applied() { ac_restructured_applied one plain; }
ac_case_one_patch_git_applied() { ac_restructured_applied one git; }
ac_case_per_file_plain() { ac_restructured per-file plain; }
ac_case_per_file_git() { ac_restructured per-file git; }
ac_case_per_file_plain_applied() { ac_restructured_applied per-file plain; }
ac_case_per_file_git_applied() { ac_restructured_applied per-file git; }

AC_LIST=(no_argument unknown_option nonexistent_path a_file not_a_kernel_tree
	plain_path_with_spaces git_path_with_spaces
	series_of_its_line other_version other_version_forced other_version_forced_not_fitting
	other_version_forced_undo_plain other_version_forced_undo_git
	git_uncommitted_change git_untracked_in_samples git_mid_rebase git_mid_am git_detached_head
	plain_already_applied git_already_applied plain_partly_applied git_partly_applied
	plain_samples_kconfig_edited plain_samples_makefile_edited git_samples_kconfig_edited
	plain_read_only git_read_only plain_reverse_read_only
	plain_full_disk git_full_disk plain_out_of_inodes plain_write_fails
	git_without_git plain_without_patch plain_without_git git_without_patch
	plain_sigint_while_staging plain_ctrl_c_while_renaming git_ctrl_c_during_am
	plain_sigkill_while_renaming plain_sigkill_while_cleaning_up
	plain_reverse git_reverse git_reverse_not_on_top git_reverse_uncommitted_change plain_reverse_not_applied
	git_reverse_not_applied plain_reverse_partly_applied plain_reverse_sigterm plain_reverse_sigkill
	plain_leftovers_without_journal plain_foreign_journal
	one_patch_plain one_patch_git one_patch_plain_applied one_patch_git_applied
	per_file_plain per_file_git per_file_plain_applied per_file_git_applied)

# --- the stage -------------------------------------------------------------

# ac_begin NAME: a new case, in a directory of its own
ac_begin() {
	AC_NEXT=$((AC_NEXT + 1))
	AC_CASE=$1 AC_DIR=$AC_WORK/$(printf '%02d' "$AC_NEXT")-$1 AC_T='' AC_PATH=$PATH AC_MOUNTS=() AC_PRISTINE=''
	AC_TOP=$OSC_TOP AC_PATCHES=("${AC_BASE_PATCHES[@]}") AC_SUBJECTS=("${AC_BASE_SUBJECTS[@]}")
	AC_CWD=$AC_DIR
	AC_FAILED0=$FAILED
	mkdir -p "$AC_DIR"
}

# ac_end: unmount what the case mounted, stop what it started, count it
ac_end() {
	local i
	[[ -z $AC_PID ]] || kill -KILL -- "-$AC_PID" 2>/dev/null || true
	AC_PID=''
	for ((i = ${#AC_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${AC_MOUNTS[i]}" 2>/dev/null || umount -l "${AC_MOUNTS[i]}" ||
			ac_bad "cannot unmount ${AC_MOUNTS[i]}"
	done
	AC_MOUNTS=()
	AC_CASES=$((AC_CASES + 1))
	((FAILED == AC_FAILED0)) || AC_BROKEN+=("$AC_CASE")
	ac_mounted_under "$AC_DIR" || rm -rf "$AC_DIR"
}

# ac_mounted_under DIR: something is still mounted inside DIR
ac_mounted_under() {
	local m
	m=$(findmnt -rn -o TARGET)
	grep -qF -- "$1/" <<<"$m"
}

# ac_prepare: the mini tree, the series and its subjects
ac_prepare() {
	AC_WORK=$(mktemp -d "${TMPDIR:-/tmp}/osc-apply-cases.XXXXXX") || return 1
	# the cases' files on a tmpfs of their own: on disk, a cold run's cases
	# wait behind the writeback of the kernel source unpacked just before
	mount -t tmpfs -o size=2g,mode=0700 osc-apply-cases "$AC_WORK" || return 1
	AC_MINI=$AC_WORK/mini
	mkdir -p "$AC_MINI"
	git --git-dir="$PGIT" archive pristine "${AC_MINI_PATHS[@]}" | tar -C "$AC_MINI" -xf - || return 1
	AC_LINE=${SRC_LINE:-$OSC_BASE_LINE}
	[[ $(make -s -C "$AC_MINI" kernelversion) == "$AC_LINE".* ]] || return 1
	ac_read_series "$(line_series "$AC_LINE")"
	AC_BASE_PATCHES=("${AC_PATCHES[@]}") AC_BASE_SUBJECTS=("${AC_SUBJECTS[@]}")
	((${#AC_PATCHES[@]} > 1)) || { warn "the cases need a series of two patches or more, to apply part of it"; return 1; }
}

# ac_part: how many patches a partly applied series has: the first half
ac_part() { echo $((${#AC_BASE_PATCHES[@]} / 2)); }

# ac_read_series DIR: AC_PATCHES, the series in DIR, and AC_SUBJECTS, their
# subjects as git am records them
ac_read_series() {
	local p
	mapfile -t AC_PATCHES < <(series_patches "$1")
	AC_SUBJECTS=()
	for p in "${AC_PATCHES[@]}"; do
		AC_SUBJECTS+=("$(git mailinfo /dev/null /dev/null <"$p" | sed -n 's/^Subject: //p')")
	done
}

# ac_use_series SHAPE: the case runs AC_WORK/top-SHAPE's apply.sh and series
# (made by the first case that asks for it)
# (made by the first case that asks for it, under a lock: the cases of two
# workers may ask at once)
ac_use_series() {
	AC_TOP=$AC_WORK/top-$1
	(
		flock 8 || exit 1
		[[ -d $AC_TOP ]] || ac_do "the series restructured ($1)" ac_restructure "$1" "$AC_TOP" ||
			{ rm -rf "$AC_TOP" "$AC_WORK/restructure-$1"; exit 1; }
	) 8>"$AC_WORK/restructure.lock" || return 1
	ac_read_series "$AC_TOP/${OSC_LINE_DIR[$AC_LINE]}"
}

# ac_restructure SHAPE TOP: at TOP, a copy of apply.sh and kernel-lines, and
# as this line's series the real one made over with git (never committed):
# squashed into one patch (SHAPE one) or cut into one patch per file it
# touches (per-file)
ac_restructure() {
	local top=$2 g=$AC_WORK/restructure-$1 dir f files=() n=0
	dir=$top/${OSC_LINE_DIR[$AC_LINE]}
	mkdir -p "$dir/patches" && cp "$OSC_TOP/apply.sh" "$OSC_TOP/kernel-lines" "$top/" &&
		ac_mini "$g" && ac_gitify "$g" && ac_g "$g" am -q "${AC_BASE_PATCHES[@]}" &&
		ac_g "$g" reset -q --soft "HEAD~${#AC_BASE_PATCHES[@]}" || return 1
	if [[ $1 == one ]]; then
		files=(.)
	else
		mapfile -t files < <(ac_g "$g" diff --cached --name-only)
	fi
	for f in "${files[@]}"; do
		ac_g "$g" commit -q -m "osc_procfs: the series' changes to ${f/#./every file}" -- "$f" || return 1
		n=$((n + 1))
	done
	ac_g "$g" format-patch -q -o "$dir/patches" "HEAD~$n" && (cd "$dir/patches" && ls) >"$dir/series"
}

ac_cleanup() {
	local m
	while IFS= read -r m; do umount -l "$m" || warn "cannot unmount $m"; done < <(findmnt -rn -o TARGET | awk -v w="$AC_WORK/" 'index($0, w) == 1' | sort -r)
	if findmnt -rn -o TARGET | grep -qxF -- "$AC_WORK"; then
		umount "$AC_WORK" || umount -l "$AC_WORK" || warn "cannot unmount $AC_WORK"
	fi
	ac_mounted_under "$AC_WORK" || rm -rf "$AC_WORK"
}

stage_apply_cases() {
	needs source || return 1
	local c mask rc i k pids=()
	if ((EUID != 0)); then
		skip "apply cases: ${#AC_LIST[@]} cases not run: they mount tmpfs file systems (full, out of inodes, read-only), which needs root; run the tests as root"
		return 0
	fi
	mask=$(umask)
	umask 022
	AC_CASES=0 AC_NEXT=0 AC_BROKEN=()
	if ! ac_prepare; then
		fail "apply cases: make a mini tree from $PGIT and read the series"
		ac_cleanup
		umask "$mask"
		return 1
	fi
	for ((k = 0; k < AC_WORKERS; k++)); do
		ac_worker "$k" &
		pids+=($!)
	done
	for ((k = 0; k < AC_WORKERS; k++)); do
		rc=0
		wait "${pids[k]}" || rc=$?
		((rc == 0)) || fail "apply cases: worker $k ended with status $rc (an error above)"
	done
	for ((i = 0; i < ${#AC_LIST[@]}; i++)); do
		c=$AC_WORK/case-$i
		if [[ -f $c.out ]]; then cat "$c.out"; else fail "apply cases: case ${AC_LIST[i]} did not run"; fi
		[[ ! -f $c.broken ]] || AC_BROKEN+=("${AC_LIST[i]}")
		[[ ! -f $c.done ]] || AC_CASES=$((AC_CASES + 1))
	done
	ac_cleanup
	umask "$mask"
	if ((${#AC_BROKEN[@]} == 0 && AC_CASES == ${#AC_LIST[@]})); then
		say "apply.sh: $AC_CASES cases, all held ($AC_WORKERS at a time)"
	else
		say "apply.sh: $AC_CASES of ${#AC_LIST[@]} cases ran, ${#AC_BROKEN[@]} did not hold: ${AC_BROKEN[*]}"
	fi
}

# ac_worker K: run the cases of AC_LIST whose index is K modulo
# AC_WORKERS, each with its output in AC_WORK/case-I.out (printed in the
# order of AC_LIST once all are done), and case-I.done, or case-I.broken
# if it did not hold. The cases are independent: each has its own
# directory, mounts and PATH.
ac_worker() {
	local k=$1 i rc
	for ((i = k; i < ${#AC_LIST[@]}; i += AC_WORKERS)); do
		AC_NEXT=$i
		{
			ac_begin "${AC_LIST[i]}"
			rc=0
			"ac_case_${AC_LIST[i]}" || rc=$?
			((rc == 0 || FAILED > AC_FAILED0)) || ac_bad "the case ended with status $rc without a failed check"
			ac_end
		} >"$AC_WORK/case-$i.out" 2>&1
		((${#AC_BROKEN[@]} == 0)) || { : >"$AC_WORK/case-$i.broken" && AC_BROKEN=(); }
		: >"$AC_WORK/case-$i.done"
	done
}
