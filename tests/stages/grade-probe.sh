# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The stage grade_probe: the grader's judge of what a /proc file reads
# (guest/grade_probe.c), run on this machine on texts made here, in
# seconds, with no kernel built or booted. A counter's text comes from a
# FIFO whose writer reads the tick count (this machine's, the jiffies:
# line of /proc/timer_list) only when the probe opens it, so that the
# probe's own readings before and after hold it. Sourced by tests/run.sh.

# gp_bin: the probe, built for this machine into OUT
gp_bin() {
	GP=$OUT/grade-probe-host/grade_probe
	mkdir -p "${GP%/*}" && gcc -O2 -Wall -Werror -o "$GP" "$OSC_TOP/guest/grade_probe.c"
}

# gp_fifo FORMAT EXPR N: a FIFO that gives, N times, FORMAT (printf) of
# EXPR, an arithmetic expression of t, the tick count once it is opened
gp_fifo() {
	local fifo
	fifo=$(mktemp -u "$GP_DIR/fifo.XXXXXX") && mkfifo "$fifo" || return 1
	(
		# shellcheck disable=SC2034,SC2059 # t is EXPR's; FORMAT is the case's text
		for ((i = 0; i < $3; i++)); do
			# open first: that waits for the probe's open, after its
			# reading before
			exec 3>"$fifo"
			t=$("$GP" ticks) && v=$(($2)) && printf -- "$1" "$v" >&3
			exec 3>&-
		done
	) >/dev/null 2>&1 &
	echo "$! $fifo $1" >>"$GP_DIR/writers"
	echo "$fifo"
}

# gp_live FORMAT EXPR: a file that holds FORMAT (printf) of EXPR, an
# arithmetic expression of t, the tick count, written anew every tenth
# of a second (a FIFO read twice could give both writes to one reading)
gp_live() {
	local f
	f=$(mktemp "$GP_DIR/live.XXXXXX") || return 1
	(
		# shellcheck disable=SC2034,SC2059 # t is EXPR's; FORMAT is the case's text
		while t=$("$GP" ticks); do
			printf -- "$1" "$(($2))" >"$f.new" && mv "$f.new" "$f"
			sleep 0.1
		done
	) >/dev/null 2>&1 &
	echo "$!" >>"$GP_DIR/live"
	sleep 0.3
	echo "$f"
}

# gp_file TEXT: a file that holds TEXT (printf's escapes)
gp_file() {
	local f
	f=$(mktemp "$GP_DIR/file.XXXXXX") || return 1
	# shellcheck disable=SC2059 # TEXT is the case's, escapes and all
	printf -- "$1" >"$f"
	echo "$f"
}

# gp_run WANT REGEX ARGS...: the probe, run with ARGS (and GP_ENV in its
# environment), exits WANT (0 pass, 1 fail) and prints a line that
# matches REGEX; with GP_CLEAN=1, no "# note:" line
gp_run() {
	local want=$1 re=$2 out rc=0
	shift 2
	out=$(timeout 20 env ${GP_ENV:+"$GP_ENV"} "$GP" "$@" 2>&1) || rc=$?
	[[ $rc == "$want" ]] && grep -qE -- "$re" <<<"$out" &&
		{ [[ ${GP_CLEAN:-0} == 0 ]] || ! grep -q '^# note:' <<<"$out"; } && return 0
	say "       exit $rc (wanted $want), and /$re/$( ((${GP_CLEAN:-0})) && echo " and no note") in:"
	printf '%s\n' "$out" | sed 's/^/         | /'
	return 1
}

# gp_case WHAT WANT REGEX CMD...: one check of the probe
gp_case() {
	local what=$1
	shift
	expect "grade_probe $what" gp_run "$@"
}

# gp_hz: this machine's ticks a second, measured over one
gp_hz() {
	local a b
	a=$("$GP" ticks) && sleep 1 && b=$("$GP" ticks) && echo $(((b - a + 5) / 10 * 10))
}

stage_grade_probe() {
	local hz l
	GP_DIR=$OUT/grade-probe-host/cases
	rm -rf "$GP_DIR" && mkdir -p "$GP_DIR" && : >"$GP_DIR/writers" && : >"$GP_DIR/live"
	expect "the probe builds for this machine" gp_bin || return 1
	expect "it reads this machine's tick count (/proc/timer_list)" "$GP" ticks >/dev/null || return 1
	# /proc/hello: its words
	GP_CLEAN=1 gp_case "hello: \"Hello World\\n\" passes, no note" 0 '^# seen: .*"Hello World\\n"$' \
		hello "$(gp_file 'Hello World\n')"
	gp_case "hello: \"Hello, world!\" passes with a note" 0 '^# note: right, and worth no point' \
		hello "$(gp_file 'Hello, world!')"
	gp_case "hello: other words fail" 1 '^# reason: wrong_text' hello "$(gp_file 'Hello there\n')"
	gp_case "hello: a \\n pasted as U+2216 is not text" 1 '^# reason: not_text' \
		hello "$(gp_file 'Hello World\xe2\x88\x96n')"
	# /proc/jiffies: a number between the readings before and after
	GP_CLEAN=1 gp_case "jiffies: the bare count passes, no note" 0 'is from .*the kernel.s count' \
		jiffies "$(gp_fifo '%s\n' t 1)"
	gp_case "jiffies: a label and a unit around the count pass with a note" 0 '^# note: the file reads .*words around the value' \
		jiffies "$(gp_fifo 'Current jiffies: %s ticks\n' t 1)"
	gp_case "jiffies: the count among other numbers is taken" 0 'the value taken is' \
		jiffies "$(gp_fifo "HZ 250, jiffies %s\\n" t 1)"
	gp_case "jiffies: through an int (negative) fails, and says so" 1 'it is negative' \
		jiffies "$(gp_fifo 'jiffies: -%s\n' t 1)"
	gp_case "jiffies: a count from a second ago fails" 1 '^# reason: wrong_count' \
		jiffies "$(gp_fifo '%s\n' "t - $(gp_hz)" 1)"
	gp_case "jiffies: no number fails" 1 '^# reason: not_a_number' jiffies "$(gp_file 'Jiffies Module\n')"
	GP_ENV=OSC_GRADE_STRICT=1 gp_case "jiffies: --strict-format fails a label" 1 '^# reason: not_bare' \
		jiffies "$(gp_fifo 'jiffies: %s\n' t 1)"
	# /proc/seconds: read twice, 4 s apart; loaded 10 s before the first
	hz=$(gp_hz) && l=$(("$("$GP" ticks)" - 10 * hz))
	gp_case "seconds: right both times, with a label, passes" 0 'its number, 1[01] then 1[45], is from' \
		seconds "$(gp_live 'Elapsed seconds = %s\n' "(t - $l) / $hz")" "$l" "$l" "$hz"
	gp_case "seconds: a digit of a label is not taken for the value" 1 'none of its numbers' \
		seconds "$(gp_live 'lab 2, 1 s: %s\n' "t / $hz")" "$((l + 8 * hz))" "$((l + 8 * hz))" "$hz"
	gp_case "seconds: a count frozen at the load fails" 1 'its number, 0 then 0, is not' \
		seconds "$(gp_file 'Seconds: 0\n')" "$l" "$l" "$hz"
	# the ways of reading it
	gp_case "seek: a plain file reads again after lseek()" 0 'after lseek\(fd, 0, SEEK_SET\) "x 5\\n"' \
		seek "$(gp_file 'x 5\n')"
	gp_case "seek: a FIFO refuses lseek(), told apart" 1 '^# reason: lseek_refused' \
		seek "$(gp_fifo '%s\n' t 1)"
	gp_writers_gone
	xargs kill <"$GP_DIR/live" 2>/dev/null || :
}

# gp_writers_gone: the FIFOs' writers have all ended (a probe that never
# opened its FIFO leaves one waiting: ended here, and it fails the stage)
gp_writers_gone() {
	local pid fifo format left=0
	local n
	while read -r pid fifo format; do
		# a writer that wrote its last may take a moment to end
		for ((n = 0; n < 20; n++)); do kill -0 "$pid" 2>/dev/null && sleep 0.1; done
		kill -0 "$pid" 2>/dev/null || continue
		say "       $fifo (\"$format\") was never read"
		left=$((left + 1))
		kill "$pid" 2>/dev/null || :
	done <"$GP_DIR/writers"
	expect "every FIFO was read as often as written ($left writers left)" [ "$left" = 0 ]
}
