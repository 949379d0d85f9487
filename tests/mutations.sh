# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The test suite tested: the stage mutations of tests/run.sh, which
# sources this file (it uses tests/lib/check.sh).
#
# Each mutation breaks one thing the suite must catch, runs the stage
# that checks it in a child tests/run.sh (under this run's cache lock),
# and expects that child to fail: a non-zero exit, the stage named in its
# "failed stages:" line, and a closing "N passed, M failed" with M > 0.
# What is broken lives in a copy of the checkout (a config fragment, a
# guest scenario, a stage of tests/stages/) or in the cache's git checkout
# of the base line (the series' Kconfig, a module's source), put back when
# the mutation ends. A control run of the unbroken copy must pass.

MU_COPY=''

# mu_copy: a fresh copy of the checkout, without .git, in MU_COPY
mu_copy() {
	rm -rf "$MU_COPY" && mkdir -p "$MU_COPY" &&
		tar -C "$OSC_TOP" --exclude=./.git -cf - . | tar -C "$MU_COPY" -xf -
}

# mu_child STAGE...: run the copy's tests/run.sh STAGE...; its output in
# MU_COPY.log, its exit status returned
mu_child() {
	local rc=0
	"$MU_COPY/tests/run.sh" "$@" >"$MU_COPY.log" 2>&1 || rc=$?
	return "$rc"
}

# mu_red [STAGE...] STAGE: the child run of the stages failed, and says
# so where it must: the last stage, and only it, is named as failed
mu_red() {
	local rc=0 last=${!#}
	mu_child "$@" || rc=$?
	if ((rc != 0)) && grep -qx "failed stages: $last" "$MU_COPY.log" &&
		tail -n 1 "$MU_COPY.log" | grep -qE '^[0-9]+ passed, [1-9][0-9]* failed$'; then
		return 0
	fi
	say "       the child run (exit $rc) ended:"
	tail -n 15 "$MU_COPY.log" | sed 's/^/       | /'
	return 1
}

# mu_fails STAGE...: the child run of the stages exits non-zero
mu_fails() { ! mu_child "$@"; }

# mu_says TEXT: the last child run's output holds TEXT
mu_says() { grep -qF -- "$1" "$MU_COPY.log" || { tail -n 15 "$MU_COPY.log" | sed 's/^/       | /'; return 1; }; }

# mu_sed FILE SCRIPT: edit the copy's FILE with sed SCRIPT; fails unless
# the edit changed it
mu_sed() {
	local f=$MU_COPY/$1 before
	before=$(sha1sum "$f")
	sed -i "$2" "$f" && [[ $(sha1sum "$f") != "$before" ]]
}

# mu_gtree_clean: the cache's git checkout has nothing uncommitted (so
# that putting it back loses nothing)
mu_gtree_clean() { [[ -z $(git -C "$GTREE" status --porcelain) ]]; }

# mu_gtree_sed FILE SCRIPT: edit the git checkout's FILE with sed SCRIPT;
# fails unless the edit changed it
mu_gtree_sed() {
	local f=$GTREE/$1 before
	before=$(sha1sum "$f")
	sed -i "$2" "$f" && [[ $(sha1sum "$f") != "$before" ]]
}

# mu_gtree_restore: put back what a mutation changed in the git checkout
mu_gtree_restore() { git -C "$GTREE" checkout -q -- samples/osc_procfs tools/testing/selftests/osc_procfs; }

stage_mutations() {
	local row
	needs build_m || return 1
	MU_COPY=$OUT/mutations/osc-procfs
	expect "copy the checkout to $MU_COPY" mu_copy || return 1
	expect "control: the unbroken copy passes the stage 'source'" mu_child source

	mu_copy
	mu_sed tests/stages/source.sh '/^stage_source() {$/a\	return 1'
	expect "a stage that returns 1 without a failed check fails, and is named" mu_red source
	expect "  ... the child says it ended with status 1 without a failed check" \
		mu_says "stage 'source' ended with status 1 without a failed check"

	mu_copy
	mu_sed tests/stages/source.sh '/^stage_source() {$/a\	false'
	expect "a stage that hits an error (a failing command outside a check) fails, and is named" mu_red source
	expect "  ... the child names the command that failed" mu_says "error: 'false' exited 1"

	mu_copy
	mu_sed guest/boot-m.sh 's/gcd(3300, 24) = 12/gcd(3300, 24) = 13/'
	expect "a guest check that fails (boot-m.sh expects gcd = 13) turns boot_m red" mu_red boot_m

	mu_copy
	# shellcheck disable=SC2016 # the text of guest/lib.sh, for sed
	mu_sed guest/lib.sh 's/KTAP_N=$((KTAP_N + 1))/KTAP_N=$((KTAP_N + 2))/'
	expect "a guest whose KTAP results skip a number (one lost) turns boot_m red" mu_red boot_m
	expect "  ... the child says which result was due" mu_says "KTAP result 2 where 1 was due"

	mu_copy
	mu_sed kernels 's/^\(y  *base  *x86_64  *y  *-  *\)hz-1000/\1hz-1001/'
	expect "a kernel of ./kernels that names a fragment that does not exist stops the run" mu_fails build_y
	row=$(grep -n '^y  *base ' "$MU_COPY/kernels" | cut -d: -f1)
	expect "  ... the child names the file, the line and the fragment" \
		mu_says "kernels, line $row: no fragment configs/hz-1001.config"

	mu_copy
	# (SIMPLE: the kselftest fragment, merged after it, sets HELLO again)
	mu_sed configs/osc-procfs-m.config 's/^CONFIG_SAMPLE_OSC_SIMPLE=m$/CONFIG_SAMPLE_OSC_SIMPLE=q/'
	expect "a broken config fragment (CONFIG_SAMPLE_OSC_SIMPLE=q) turns build_m red" mu_red build_m

	mu_copy
	expect "the cache's git checkout is clean before it is mutated" mu_gtree_clean || return 1
	trap mu_gtree_restore EXIT
	sed -i '/^config SAMPLE_OSC_JIFFIES$/,/^$/d' "$GTREE/samples/osc_procfs/Kconfig"
	expect "a module removed from the Kconfig (SAMPLE_OSC_JIFFIES) turns build_m red" mu_red build_m
	mu_gtree_restore

	printf '\nthis is not C\n' >>"$GTREE/samples/osc_procfs/osc_seconds.c"
	expect "a build that fails half way (osc_seconds.c does not compile) turns build_m red" mu_red build_m
	expect "  ... the child shows the compiler's error" mu_says "osc_seconds.c"
	mu_gtree_restore

	# shellcheck disable=SC2016 # $loaded is the script's text, for sed
	expect "osc_procfs.sh made to unload nothing" mu_gtree_sed tools/testing/selftests/osc_procfs/osc_procfs.sh \
		's/^\tfor module in \$loaded; do$/\tfor module in; do/'
	expect "a selftest that leaves its modules loaded (osc_procfs.sh unloads nothing) turns boot_kselftest_m red" \
		mu_red boot_kselftest_m
	mu_gtree_restore
	expect "osc_hello.c made to fail its init (return -ENODEV before it creates its file)" \
		mu_gtree_sed samples/osc_procfs/osc_hello.c '/^static int __init osc_hello_init(void)$/,/^{$/ s/^{$/{\n\treturn -ENODEV;/'
	expect "  ... it turns boot_kselftest_m red: a module that does not load is a failure, not a SKIP" \
		mu_red build_m boot_kselftest_m
	expect "  ... the child's console log shows osc_procfs.sh saying so" \
		grep -aq "osc_hello is there but does not load" "$OUT/boot-kselftest_m.log"
	mu_gtree_restore
	# A deliberately wrong osc_seconds, as tutorials write it: the tick
	# count kept in 32 bits and compared with "<" to guard against a
	# clock going backwards. After the 32-bit wrap it reads 0 seconds.
	expect "osc_seconds.c made wrong: ticks in a u32, compared with <" mu_gtree_sed samples/osc_procfs/osc_seconds.c \
		's/^static u64 osc_seconds_loaded_at;$/static u32 osc_seconds_loaded_at;/
		s/^\tu64 ticks = get_jiffies_64() - osc_seconds_loaded_at;$/\tu32 now = jiffies;\n\tu64 ticks = now < osc_seconds_loaded_at ? 0 : now - osc_seconds_loaded_at;/'
	expect "  ... it turns boot_wrap_m red: 64-bit jiffies crosses 2^32" mu_red build_m boot_wrap_m
	expect "  ... the child shows /proc/seconds wrong after the wrap" \
		mu_says "FAIL guest: /proc/seconds after the wrap is the ticks since load over HZ"
	expect "  ... it turns boot_wrap_i386 red: 32-bit jiffies wraps to 0" mu_red build_i386_m boot_wrap_i386
	expect "  ... the child's never-backwards tests catch /proc/seconds going back" \
		mu_says "FAIL guest: the never-backwards tests pass in every run across the wrap"
	mu_gtree_restore
	expect "the git checkout is as the series left it" mu_gtree_clean
	expect "the =m kernels' modules are the series' own again (x86_64)" build_mode m
	expect "the =m kernels' modules are the series' own again (i386)" build_mode i386-m
	expect "the installed kselftest is the series' own again" install_kselftest

	# the grader: a guest check made to pass whatever it reads
	mu_copy
	# shellcheck disable=SC2016 # the text of guest/grade.sh, for sed
	mu_sed guest/grade.sh 's/reread) gcheck "$1.reread" probe reread "$2" ;;/reread) gcheck "$1.reread" true ;;/'
	export OSC_GRADE_CASES=proc_ops
	expect "a grader check that always passes (reread) turns grade red on the corpus' proc_ops" mu_red grade
	unset OSC_GRADE_CASES
	expect "  ... the child names the check and what proc_ops/expected says of it" \
		mu_says "hello.reread: passed, where tests/grade/proc_ops/expected says it must fail"

	# the grader's sandbox turned off: the build runs make as is, on the
	# host, as root, with the host's files in view; and its self-check
	# with it (alone, that check refuses to grade: "it runs as root")
	mu_copy
	# shellcheck disable=SC2016 # the text of grade/sandbox.sh, for sed
	mu_sed grade/sandbox.sh 's/^\tmapfile -d .. cmd < <(sb_command "$dir" "$uid" "$@")$/\tcmd=("$@")/
		/^sandbox_ready() {$/a\	return 0'
	export OSC_GRADE_CASES=hostile_computed
	expect "the build's sandbox turned off (grade/sandbox.sh runs make as is) turns grade red on the corpus' hostile_computed" \
		mu_red grade
	unset OSC_GRADE_CASES
	expect "  ... the child says the planted secret reached a report" mu_says "the secret is in: "
}
