# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the limits are for grade/submission.sh and grade.sh too
# The sandbox a submission's build runs in, and its limits. Sourced by
# grade.sh, which picks how builds are isolated on this machine, says so
# in its header and exports it (GRADE_SANDBOX), and by
# grade/submission.sh, which builds each part in it.
#
# With bubblewrap (bwrap, as Flatpak uses it) a build sees only the
# toolchain (/usr, its links /bin, /lib, /lib64 and /sbin, and
# /etc/alternatives, through which Debian links awk and cc), the grading
# kernel's build directory for external modules and the source tree its
# Makefile includes (read only; the series' own modules and the signing
# key hidden in both), and the part's scratch copy (writable): no home,
# no /tmp or /var/tmp of this machine, no checkout of this project, no
# other submission or part; a /proc and a /tmp of its own, no network, a
# clean environment. Where bwrap cannot run (a container without user
# namespaces) and the grader is root, the build runs as a uid of its own
# on the host: it reads what any user of the machine may read, and the
# header says so. Else there is no isolation, and grade.sh grades only
# with --trust. Run as root, the build takes a uid of its own (root
# ignores RLIMIT_NPROC); a part's uid is GRADE_UID plus the part's
# place in PARTS, and grade.sh gives each submission its own four.
#
#   sandbox_method             bwrap, uid or none: the best this machine gives
#   sandbox_words METHOD       how a build is isolated, for the header
#   sandbox_ready METHOD KDIR  a build in METHOD's sandbox can read the
#                              kernel directory KDIR's build directory,
#                              write its scratch copy and nothing else
#   sandbox_uid PART           the uid of PART's build (as root)
#   sandbox_build DIR LOG UID CMD...  CMD in DIR, isolated and within the
#                              limits; its output, cut at SB_LOG_BYTES, in
#                              LOG; the status of timeout (124: wall time)
#   limit_reached LOG STATUS   the limit a build reached, in words, or nothing

# The limits of each build: memory (address space) of each process in
# MiB, CPU seconds of each process, wall seconds of the whole build,
# processes of its uid, the size of a file it writes in MiB, and the
# bytes of its output kept
SB_MEM_MIB=1024 SB_CPU_S=60 SB_WALL_S=90 SB_NPROC=64 SB_FSIZE_MIB=64 SB_LOG_BYTES=65536
# the first of the uids builds take when the grader is root (grade.sh
# adds a slot a run and four a submission)
SB_UID_BASE=2000000000


# sandbox_uid PART: the uid PART's build takes when the grader is root
sandbox_uid() {
	local i
	for i in "${!PARTS[@]}"; do
		[[ ${PARTS[i]} != "$1" ]] || { echo $((${GRADE_UID:-$SB_UID_BASE} + i)); return 0; }
	done
	return 1
}

# sandbox_method: OSC_GRADE_SANDBOX if set (the tests), else bwrap if it
# runs here, else uid if this is root, else none
sandbox_method() {
	if [[ -n ${OSC_GRADE_SANDBOX:-} ]]; then
		echo "$OSC_GRADE_SANDBOX"
	elif command -v bwrap >/dev/null && bwrap --unshare-all --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc true 2>/dev/null; then
		echo bwrap
	elif ((EUID == 0)) && command -v setpriv >/dev/null; then
		echo uid
	else
		echo none
	fi
}

# sandbox_words METHOD: the header's line on it
sandbox_words() {
	local limits
	limits="limits: $SB_MEM_MIB MiB of memory, $SB_CPU_S s of CPU, $SB_WALL_S s, $SB_NPROC processes, files of $SB_FSIZE_MIB MiB, $((SB_LOG_BYTES / 1024)) KiB of output"
	case $1 in
	bwrap) echo "build isolated with bubblewrap: no network, no host files but the toolchain and the kernel's build directory; $limits" ;;
	uid) echo "build NOT isolated from the host's files (bubblewrap cannot run here): it runs as a uid of its own, which reads what any user of this machine may read; no network limit; $limits" ;;
	none) echo "build NOT isolated (--trust): the compiler reads what this user may read; $limits" ;;
	esac
}

# sb_source_tree BUILD: the kernel source tree the build directory's
# Makefile includes, if it is outside BUILD (an object directory made
# with O=; a kit's, made by install-extmod-build, is whole)
sb_source_tree() {
	local src
	src=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$1/Makefile" | head -n 1)
	[[ -z $src || $src == "$1" || $src == "$1"/* ]] || printf '%s\n' "$src"
}

# sb_parents PATH...: bwrap's arguments that make each PATH's parents,
# readable by all (bwrap makes them 0700 otherwise)
sb_parents() {
	local p d
	local -A made=()
	for p in "$@"; do
		d=''
		for part in $(dirname "$p" | tr / ' '); do
			d+=/$part
			[[ -z ${made[$d]:-} ]] || continue
			made[$d]=1
			printf '%s\0' --perms 0755 --dir "$d"
		done
	done
}

# sb_hidden TREE: bwrap's arguments that hide what of TREE a submission
# could borrow from: the series' own modules (the teacher's solutions),
# their selftest, the tree's git history, the module signing key
sb_hidden() {
	local d f
	for d in samples/osc_procfs tools/testing/selftests/osc_procfs .git; do
		[[ ! -d $1/$d ]] || printf '%s\0' --tmpfs "$1/$d"
	done
	for f in certs/signing_key.pem certs/signing_key.x509; do
		[[ ! -f $1/$f ]] || printf '%s\0' --ro-bind /dev/null "$1/$f"
	done
}

# sb_bwrap_args DIR KBUILD: bwrap's arguments for a build in DIR against
# the kernel build directory KBUILD, NUL-separated
sb_bwrap_args() {
	local dir=$1 kbuild=$2 src t
	src=$(sb_source_tree "$kbuild")
	printf '%s\0' --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try \
		--die-with-parent --new-session --clearenv
	((EUID == 0)) || printf '%s\0' --unshare-user
	printf '%s\0' --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/sbin /sbin
	[[ ! -e /lib64 ]] || printf '%s\0' --symlink usr/lib64 /lib64
	printf '%s\0' --proc /proc --dev /dev --perms 1777 --size $((64 << 20)) --tmpfs /tmp
	sb_parents /etc/alternatives "$kbuild" ${src:+"$src"} "$dir"
	for t in /etc/alternatives /etc/ld.so.cache; do
		[[ ! -e $t ]] || printf '%s\0' --ro-bind "$t" "$t"
	done
	printf '%s\0' --ro-bind "$kbuild" "$kbuild"
	sb_hidden "$kbuild"
	if [[ -n $src ]]; then
		printf '%s\0' --ro-bind "$src" "$src"
		sb_hidden "$src"
	fi
	printf '%s\0' --bind "$dir" "$dir" --chdir "$dir"
	printf '%s\0' --setenv PATH /usr/bin:/bin --setenv LANG C --setenv LC_CTYPE C --setenv LC_MESSAGES C \
		--setenv HOME "$dir" --setenv TMPDIR /tmp
}

# sb_drop UID: as root, the command that becomes UID, with no
# capabilities and no way to get any back (nothing otherwise)
sb_drop() {
	((EUID == 0)) || return 0
	printf '%s\0' setpriv --reuid="$1" --regid="$1" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs
}

# sb_limits: the command that sets the limits of the build's processes
sb_limits() {
	printf '%s\0' prlimit --as=$((SB_MEM_MIB << 20)) --cpu="$SB_CPU_S" --nproc="$SB_NPROC" \
		--fsize=$((SB_FSIZE_MIB << 20)) --core=0 --
}

# sb_own DIR UID: DIR (the scratch copy) writable by UID, when root gives
# it one; in the uid method its parents in the run's scratch directory
# are made passable (not readable) for UID
sb_own() {
	((EUID == 0)) || return 0
	chown -R "$2:$2" "$1"
	[[ $GRADE_SANDBOX != uid ]] || chmod o+x "$(dirname "$1")" "$(dirname "$(dirname "$1")")" \
		"$(dirname "$(dirname "$(dirname "$1")")")"
}

# sb_command DIR UID CMD...: the whole command line of a build, NUL-separated
sb_command() {
	local dir=$1 uid=$2
	shift 2
	case $GRADE_SANDBOX in
	bwrap)
		printf '%s\0' bwrap
		sb_bwrap_args "$dir" "$(kernel_path "$GRADE_DIR" BUILD)"
		printf '%s\0' --
		;;
	uid | none)
		printf '%s\0' env -i PATH=/usr/bin:/bin LANG=C LC_CTYPE=C LC_MESSAGES=C HOME="$dir" TMPDIR="$dir"
		;;
	esac
	[[ $GRADE_SANDBOX == none ]] || sb_drop "$uid"
	sb_limits
	printf '%s\0' "$@"
}

# sandbox_build DIR LOG UID CMD...: CMD run in DIR as above; its status
# is timeout's (124 when the wall time ran out)
sandbox_build() {
	local dir=$1 log=$2 uid=$3 cmd=() rc
	shift 3
	sb_own "$dir" "$uid"
	mapfile -d '' cmd < <(sb_command "$dir" "$uid" "$@")
	(cd "$dir" && timeout -k 5 "$SB_WALL_S" "${cmd[@]}" </dev/null 2>&1 | head -c "$SB_LOG_BYTES" >"$log"
		exit "${PIPESTATUS[0]}") && rc=0 || rc=$?
	return "$rc"
}

# limit_reached LOG STATUS: the limit the build whose output is LOG and
# whose status is STATUS reached, in words (nothing if none)
limit_reached() {
	local log=$1 rc=$2
	if ((rc == 124 || rc == 137)); then
		echo "the build ran more than $SB_WALL_S s and was stopped"
	elif (($(stat -c %s "$log") >= SB_LOG_BYTES)); then
		echo "the build printed more than $((SB_LOG_BYTES / 1024)) KiB and was stopped"
	elif grep -qE 'out of memory allocating|virtual memory exhausted|Cannot allocate memory|std::bad_alloc' "$log"; then
		echo "the compiler used more than $SB_MEM_MIB MiB of memory and was stopped"
	elif grep -qE 'CPU time limit exceeded' "$log"; then
		echo "the compiler used more than $SB_CPU_S s of CPU time and was stopped"
	elif grep -qE 'File size limit exceeded|File too large' "$log"; then
		echo "the build wrote a file of more than $SB_FSIZE_MIB MiB and was stopped"
	elif grep -qE 'Resource temporarily unavailable|[Cc]annot fork' "$log"; then
		echo "the build started more than $SB_NPROC processes and was stopped"
	fi
}

# sandbox_ready METHOD KDIR: a build in METHOD's sandbox, as a uid not
# root's, can read the build directory of the kernel directory KDIR and
# write its scratch copy; else what it cannot, and a failure
sandbox_ready() {
	local GRADE_SANDBOX=$1 GRADE_DIR=$2 tmp rc=0 kbuild
	[[ $1 != none ]] || return 0
	kbuild=$(kernel_path "$2" BUILD)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/osc-grade-probe.XXXXXX")
	mkdir -p "$tmp/a/b/c"
	sandbox_build "$tmp/a/b/c" "$tmp/log" "$((SB_UID_BASE + 3))" sh -c "
		test -r '$kbuild/Makefile' || { echo 'it cannot read the kernel build directory $kbuild'; exit 1; }
		touch x || { echo 'it cannot write its scratch copy'; exit 1; }
		[ \$(id -u) != 0 ] || { echo 'it runs as root'; exit 1; }" || rc=$?
	((rc == 0)) || cat "$tmp/log"
	rm -rf "$tmp"
	return "$rc"
}
