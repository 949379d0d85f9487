# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# apply.sh under bad input and faults: the stage apply_cases of
# tests/run.sh, which sources this file (it uses tests/lib/check.sh).
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
#
# The stage lives in tests/apply/, in the files AC_FILES names, sourced
# here in that order. A case is a function ac_case_NAME in a cases-*.sh
# file, and nothing else has a name that begins so; the cases run in the
# order they are written: by their file's place in AC_FILES, then by line
# (ac_cases_in_order, tests/apply/pool.sh).

AC_FILES=(
	lib           # the case's checks, tree snapshots and mini trees
	runs          # apply.sh run by a case: refused, nothing to do, applied, taken off
	faults        # PATH without a tool, tools that fail or stop, signals, tmpfs mounts
	pool          # the stage: the cases' work directory, a worker per core
	cases-input   # the command line, the path, the kernel version
	cases-tree    # what the tree holds: a dirty or busy git tree, the series in part
	cases-faults  # read-only, full and inode-less disks, missing tools, signals
	cases-reverse # --reverse, and what an earlier run left
	cases-series  # the series squashed into one patch, or cut per file
)
for ac_file in "${AC_FILES[@]}"; do
	# shellcheck source=/dev/null # each is checked on its own: tests/run.sh's stage shellcheck
	. "$OSC_TOP/tests/apply/$ac_file.sh"
done
unset ac_file
