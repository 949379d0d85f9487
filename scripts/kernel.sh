# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Kernel trees and builds in the cache; sourced after lib.sh.
#
# KERNEL_SRC picks the kernel: a 6.12 source tree (copied, never changed)
# or a tarball; by default Debian's linux-source-6.12 tarball.

KERNEL_SRC=${KERNEL_SRC:-$OSC_KERNEL_TARBALL}
# Fixed identity and date for the cache's own commits, so that they and
# the exported patches come out the same on every machine.
export GIT_COMMITTER_NAME="osc-procfs harness" GIT_COMMITTER_EMAIL="harness@osc-procfs.invalid"
PRISTINE_ENV=(GIT_AUTHOR_NAME="osc-procfs harness" GIT_AUTHOR_EMAIL="harness@osc-procfs.invalid"
	GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z)

# src_key: a cache directory name for KERNEL_SRC
src_key() {
	local b
	b=$(basename "$KERNEL_SRC")
	b=${b%.tar.*}
	printf '%s-%s' "$b" "$(realpath "$KERNEL_SRC" | sha1sum | cut -c1-8)"
}

set_paths() {
	SRC_DIR=$OSC_CACHE/src/$(src_key)
	PLAIN=$SRC_DIR/plain     # plain tree (no .git inside)
	PGIT=$SRC_DIR/pristine.git   # its git dir, kept beside it
	GTREE=$SRC_DIR/git       # git checkout for git am, export, builds
	BUILD=$OSC_CACHE/build/$(src_key)
	OUT=$OSC_CACHE/out/$(src_key)
}

pgit() { git --git-dir="$PGIT" --work-tree="$PLAIN" "$@"; }

unpack_source() {
	rm -rf "$PLAIN" && mkdir -p "$PLAIN"
	if [[ -d $KERNEL_SRC ]]; then
		say "   copying $KERNEL_SRC"
		tar -C "$KERNEL_SRC" --exclude=.git -cf - . | tar -C "$PLAIN" -xf -
	elif [[ -f $KERNEL_SRC ]]; then
		say "   extracting $KERNEL_SRC ($(du -h "$KERNEL_SRC" | cut -f1))"
		tar -C "$PLAIN" --strip-components=1 -xf "$KERNEL_SRC"
	else
		die "KERNEL_SRC=$KERNEL_SRC is neither a kernel tree nor a tarball"
	fi
	[[ -f $PLAIN/Makefile && -d $PLAIN/samples ]] ||
		die "$KERNEL_SRC does not hold a kernel source tree"
}

record_pristine() {
	rm -rf "$PGIT"
	pgit init -q
	pgit add -f -A .
	env "${PRISTINE_ENV[@]}" git --git-dir="$PGIT" --work-tree="$PLAIN" \
		commit -q -m "Linux $(make -s -C "$PLAIN" kernelversion) from $(basename "$KERNEL_SRC")"
	pgit tag pristine
}

clone_git_tree() {
	rm -rf "$GTREE"
	git clone -q "$PGIT" "$GTREE"
	git -C "$GTREE" checkout -q -B osc-procfs pristine
}

# prepare_source: unpack KERNEL_SRC into the cache once, with its pristine
# commit and the git checkout
prepare_source() {
	set_paths
	if [[ -f $SRC_DIR/.ready ]]; then
		say "   cached: $SRC_DIR"
		return 0
	fi
	[[ -e $KERNEL_SRC ]] || die "no kernel source at $KERNEL_SRC: run scripts/deps.sh, or set KERNEL_SRC to a 6.12 tree or tarball"
	rm -rf "$SRC_DIR" && mkdir -p "$SRC_DIR"
	step "unpack the kernel source" unpack_source
	step "record the pristine tree in git" record_pristine
	step "make the git checkout" clone_git_tree
	touch "$SRC_DIR/.ready"
}

# reset_plain / reset_git: back to the pristine tree, nothing else touched
reset_plain() {
	pgit reset -q --hard pristine
	pgit clean -q -fdx
}

reset_git() {
	[[ ! -d $GTREE/.git/rebase-apply ]] || git -C "$GTREE" am --abort
	git -C "$GTREE" checkout -q -f -B osc-procfs pristine
	git -C "$GTREE" clean -q -fdx
}

# apply_series_git: the series as commits on the git checkout
apply_series_git() {
	reset_git
	"$OSC_TOP/apply.sh" "$GTREE" >"$OUT/apply-git.log" ||
		{ cat "$OUT/apply-git.log"; return 1; }
	say "   $(git -C "$GTREE" rev-list --count pristine..HEAD) commits on top of pristine"
}

# A mode is m, y or n (our options =m, =y, =n), or debug-m or debug-y: the
# same with configs/debug.config on top, built in an object directory of
# its own, since KASAN and lockdep change every object file.
mode_build_dir() {
	case $1 in
	debug-*) echo "$BUILD-debug" ;;
	*) echo "$BUILD" ;;
	esac
}

mode_fragments() {
	echo "$OSC_TOP/configs/qemu-x86_64.config"
	echo "$OSC_TOP/configs/osc-procfs-${1#debug-}.config"
	[[ $1 != debug-* ]] || echo "$OSC_TOP/configs/debug.config"
}

# configure MODE: the QEMU base config with our options as MODE says
configure() {
	local mode=$1 log=$OUT/config-$1.log dir frags
	dir=$(mode_build_dir "$mode")
	mapfile -t frags < <(mode_fragments "$mode")
	mkdir -p "$dir"
	(cd "$GTREE" && scripts/kconfig/merge_config.sh -n -O "$dir" \
		kernel/configs/tiny-base.config kernel/configs/tiny.config "${frags[@]}") >"$log" 2>&1 ||
		{ cat "$log"; return 1; }
	if grep -A2 '^Value requested' "$log"; then
		warn "   the config fragments ask for values the kernel did not take (above)"
		return 1
	fi
}

# build_kernel DIR [MAKE ARGS...]: build with the object directory DIR
build_kernel() {
	local dir=$1 log=$OUT/build.log
	shift
	if ! make -C "$GTREE" O="$dir" -j"$OSC_JOBS" -s "$@" >"$log" 2>&1; then
		tail -n 30 "$log"
		return 1
	fi
}

# build_mode MODE: configure and build; keep bzImage and modules in OUT/MODE
build_mode() {
	local mode=$1 dir
	dir=$(mode_build_dir "$mode")
	configure "$mode" && build_kernel "$dir" all || return 1
	rm -rf "${OUT:?}/$mode" && mkdir -p "$OUT/$mode"
	cp "$dir/arch/x86/boot/bzImage" "$dir/.config" "$dir/vmlinux" "$OUT/$mode/"
	find "$dir/samples/osc_procfs" "$dir/samples/kmemleak" -name '*.ko' \
		-exec cp {} "$OUT/$mode/" \; 2>/dev/null || true
}

# build_selftest: the kselftest, statically linked for the initramfs
build_selftest() {
	mkdir -p "$OUT/selftest"
	make -s -C "$GTREE/tools/testing/selftests/osc_procfs" OUTPUT="$OUT/selftest" \
		LDFLAGS=-static >"$OUT/selftest.log" 2>&1 || { cat "$OUT/selftest.log"; return 1; }
}

# build_guest_tools: the debug run's helper, statically linked
build_guest_tools() {
	mkdir -p "$OUT/bin"
	gcc -static -O2 -Wall -Werror -o "$OUT/bin/osc_stress" "$OSC_TOP/tests/guest/osc_stress.c"
}

config_hz() { sed -n 's/^CONFIG_HZ=//p' "$OUT/$1/.config"; }

# boot_mode MODE SCENARIO LOG [CMDLINE [BOOT.SH OPTIONS...]]: boot
# OUT/MODE's kernel with a guest scenario
boot_mode() {
	local mode=$1 scenario=$2 log=$3 extra=${4:-} mods=() m
	shift $(($# < 4 ? $# : 4))
	for m in "$OUT/$mode"/*.ko; do
		[[ -e $m ]] && mods+=(--module "$m")
	done
	[[ ! -x $OUT/bin/osc_stress ]] || mods+=(--bin "$OUT/bin/osc_stress")
	"$OSC_TOP/scripts/boot.sh" --kernel "$OUT/$mode/bzImage" \
		--cpio-tool "$(mode_build_dir "$mode")/usr/gen_init_cpio" --scenario "$scenario" \
		--log "$log" --selftest "$OUT/selftest/osc_procfs_test" \
		--append "OSC_PROCFS_HZ=$(config_hz "$mode") $extra" "${mods[@]}" "$@"
}
