# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The backport lines' sources are unpacked and recorded in git in the
# background while the base line's stages run: a job of its own, at the
# lowest CPU and I/O priority, so that it takes the time a core would
# otherwise idle (a boot under TCG uses one; apply.sh's cases wait on
# I/O) and gives way to the builds. It only fills the cache: each line's
# source stage waits for it, then runs prepare_source, which finds the
# tree ready or, if the job failed, unpacks it again and says why.
# Sourced by tests/run.sh, which starts the job once the base line's
# stage source is done (start_unpack).
UNPACK_PID='' UNPACK_DIR=''

# start_unpack: the background job, for the backport lines whose source
# stage is in STAGES
start_unpack() {
	local l lines=()
	for l in "${OSC_LINES[@]:1}"; do
		[[ " ${STAGES[*]} " != *" source$(line_suffix "$l") "* ]] || lines+=("$l")
	done
	((${#lines[@]})) || return 0
	UNPACK_DIR=$OUT/unpack && rm -rf "$UNPACK_DIR" && mkdir -p "$UNPACK_DIR"
	say "   unpacking the source of ${lines[*]} in the background (logs in $UNPACK_DIR)"
	(
		renice -n 19 -p "$BASHPID" >/dev/null && ionice -c 3 -p "$BASHPID"
		for l in "${lines[@]}"; do
			rc=0
			on_line "$l" prepare_source >"$UNPACK_DIR/$l.log" 2>&1 || rc=$?
			echo "$rc" >"$UNPACK_DIR/$l.rc"
		done
	) </dev/null &
	UNPACK_PID=$!
}

# await_unpack LINE: wait until the background job is done with LINE
await_unpack() {
	local t0 f=$UNPACK_DIR/$1.rc
	[[ -n $UNPACK_PID ]] || return 0
	t0=$(now_s)
	while [[ ! -f $f ]] && kill -0 "$UNPACK_PID" 2>/dev/null; do sleep 1; done
	say "   the background unpack of $1: $(if [[ -f $f ]]; then echo "exit $(<"$f")"; else echo "ended early"; fi), waited $(elapsed "$t0") s"
	[[ ! -f $UNPACK_DIR/$1.log ]] || sed 's/^/   | /' "$UNPACK_DIR/$1.log"
}
