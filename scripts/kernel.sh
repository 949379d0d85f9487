# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Kernel configurations, builds and boots in the cache; sourced after
# lib.sh. The kernels are ./kernels' (scripts/matrix.sh reads it); their
# sources, scripts/source.sh's.

# shellcheck source=scripts/matrix.sh
. "$OSC_TOP/scripts/matrix.sh"
# shellcheck source=scripts/source.sh
. "$OSC_TOP/scripts/source.sh"

# A mode names a kernel of ./kernels, on the line in use: m, y or n (our
# options =m, =y, =n), demo (the demo's and the grader's, with no test
# key), or FLAVOUR-m/y (debug-m, arm64-y, trace-y). Its row gives its
# arch, options, object directory and config fragments.

# mode_row MODE: MODE's row of ./kernels, on the line in use
mode_row() { kn_row "${SRC_LINE:-$OSC_BASE_LINE}" "$1"; }

# mode_field MODE ARRAY: a field of MODE's row (ARRAY: KN_ARCH ...)
mode_field() {
	local i
	i=$(mode_row "$1") || return 1
	local -n _field=$2
	echo "${_field[i]}"
}

mode_arch() { mode_field "$1" KN_ARCH; }
mode_opt() { mode_field "$1" KN_OPTS; }

# mode_build_dir MODE: MODE's object directory: the line's own, BUILD, or
# BUILD-OBJDIR for a kernel of another kind. With OSC_BUILTIN_DIR=1
# (make quick), our options built in or left out (=y, =n) build in a
# directory of their own, $BUILD-builtin, so that going from =m to =y
# and back relinks no kernel: an edit to a module then rebuilds four
# modules in one and four objects and the kernel in the other. Made the
# first time (a cold build); make check keeps one directory, as a second
# cold build would cost it 4 minutes. (A copy of the =m directory does
# not do: objtool's own build records absolute paths, rebuilds itself in
# a copy, and every object then depends on the new objtool.)
mode_build_dir() {
	local objdir
	objdir=$(mode_field "$1" KN_OBJDIR)
	echo "$BUILD${objdir:+-$objdir}$([[ ${OSC_BUILTIN_DIR:-} != 1 || $(mode_opt "$1") == m ]] || echo -builtin)"
}

# has_fragment MODE NAME: MODE's kernel merges configs/NAME.config
has_fragment() {
	local frags
	frags=$(mode_field "$1" KN_FRAGS) && [[ " $frags " == *" $2 "* ]]
}

# mode_signed MODE: MODE's kernel checks module signatures (its row has
# configs/module-sig.config; the test's key is built in)
mode_signed() { has_fragment "$1" module-sig; }

# mode_hz MODE: the tick rate MODE's kernel is built with: N from its
# fragment configs/hz-N.config, or the kernel's default, 250
mode_hz() {
	local frags
	frags=$(mode_field "$1" KN_FRAGS) && frags_hz "$frags"
}

# arch_make_args ARCH: what make needs to build for ARCH on this x86_64 host
arch_make_args() { arch_fact "$1" make; }

# arch_image ARCH: the bootable image, under the object directory
arch_image() { arch_fact "$1" image; }

# mode_fragments MODE: the config fragments, merged over allnoconfig in
# this order: the arch's base ones from the kernel, configs/qemu-ARCH.config,
# the options' fragment, the row's own; with module-sig, the test's key
mode_fragments() {
	local arch f frags
	arch=$(mode_arch "$1") && frags=$(mode_field "$1" KN_FRAGS) || return 1
	for f in $(arch_fact "$arch" base_configs); do echo "$f"; done
	echo "$OSC_TOP/configs/qemu-$arch.config"
	echo "$OSC_TOP/configs/osc-procfs-$(mode_opt "$1").config"
	for f in $frags; do fragment_file "$f"; done
	! mode_signed "$1" || echo "$OUT/sig-key/key.config"
}

# fragment_file NAME: the file of a row's fragment NAME: configs/NAME.config,
# or for "kselftest" the selftest's own fragment in the tree (what a
# kernel CI merges before it runs the selftest)
fragment_file() {
	if [[ $1 == kselftest ]]; then
		echo "$GTREE/tools/testing/selftests/osc_procfs/config"
	else
		echo "$OSC_TOP/configs/$1.config"
	fi
}

# make_sig_keys: the keys of the kernels that check signatures, made once with openssl as
# the kernel's certs/Makefile makes its own: signing_key.pem, built into
# the kernel (CONFIG_MODULE_SIG_KEY), and other_key.pem, a key the kernel
# does not know (a MOK key that was never enrolled)
make_sig_keys() {
	local dir=$OUT/sig-key k
	[[ -f $dir/key.config ]] && return 0
	mkdir -p "$dir"
	cat >"$dir/x509.genkey" <<-'GENKEY'
		[ req ]
		default_bits = 2048
		distinguished_name = req_distinguished_name
		prompt = no
		string_mask = utf8only
		x509_extensions = myexts

		[ req_distinguished_name ]
		CN = osc-procfs test module signing key

		[ myexts ]
		basicConstraints=critical,CA:FALSE
		keyUsage=digitalSignature
		subjectKeyIdentifier=hash
		authorityKeyIdentifier=keyid
	GENKEY
	for k in signing_key other_key; do
		openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 \
			-config "$dir/x509.genkey" -outform PEM -out "$dir/$k.pem" \
			-keyout "$dir/$k.pem" 2>"$dir/openssl.log" ||
			{ cat "$dir/openssl.log"; return 1; }
	done
	printf 'CONFIG_MODULE_SIG_KEY="%s"\n' "$dir/signing_key.pem" >"$dir/key.config"
}

# config_stamp MODE FRAGMENT...: what a configuration is made of: MODE,
# its make arguments, the fragments' text and every Kconfig file of the
# tree, by content (apply.sh rewrites the series' files each time it
# runs; the tree is a git checkout or, before the tests, a plain one)
config_stamp() {
	local mode=$1
	shift
	(
		cd "$GTREE" &&
			printf '%s\n' "$mode" "$(arch_make_args "$(mode_arch "$mode")")" &&
			cat -- "$@" &&
			find . -path ./.git -prune -o -name '*Kconfig*' -type f -print0 | LC_ALL=C sort -z |
				xargs -0 sha1sum
	) | sha1sum | cut -d' ' -f1
}

# configure MODE: the QEMU base config with our options as MODE says. A
# .config that this made from the same stamp, unchanged since, is kept
# (merge_config.sh takes 4 s; switching the options relinks the kernel)
configure() {
	local mode=$1 log=$OUT/config-$1.log dir frags make_args stamp
	dir=$(mode_build_dir "$mode")
	read -ra make_args <<<"$(arch_make_args "$(mode_arch "$mode")")"
	! mode_signed "$mode" || make_sig_keys || return 1
	frags=$(mode_fragments "$mode") || return 1
	mapfile -t frags <<<"$frags"
	stamp=$(config_stamp "$mode" "${frags[@]}") || return 1
	if [[ -f $dir/.config && -f $dir/.osc-config-stamp &&
		$(<"$dir/.osc-config-stamp") == "$stamp $(sha1sum <"$dir/.config" | cut -d' ' -f1)" ]]; then
		say "   $dir/.config: made from these fragments and Kconfig files, kept"
		return 0
	fi
	mkdir -p "$dir" && rm -f "$dir/.osc-config-stamp"
	(cd "$GTREE" && env "${make_args[@]}" scripts/kconfig/merge_config.sh -n -O "$dir" \
		"${frags[@]}") >"$log" 2>&1 ||
		{ cat "$log"; return 1; }
	untaken_values "$dir" "${frags[@]}" || return 1
	echo "$stamp $(sha1sum <"$dir/.config" | cut -d' ' -f1)" >"$dir/.osc-config-stamp"
}

# untaken_values DIR FRAGMENT...: fails when a value one of our fragments
# asks for is not what DIR's .config holds, each symbol's value read with
# the kernel's scripts/config --state (y, m, a value, or undef). Not
# merge_config.sh -s: it also fails where our fragment overrides one of
# the kernel's own (tiny.config's KERNEL_XZ), and on 7.3 on a value only
# the kernel's own fragments ask for (tiny.config's
# LD_DEAD_CODE_DATA_ELIMINATION, which 7.3's x86 no longer offers).
untaken_values() {
	local dir=$1 f line sym want have bad=0
	shift
	for f in "$@"; do
		[[ $f == "$OSC_TOP"/* || $f == "$OUT"/* || $f == "$GTREE"/tools/* ]] || continue
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*) sym=${line%%=*} want=${line#*=} ;;
			"# CONFIG_"*" is not set") sym=${line#\# } sym=${sym% is not set} want=n ;;
			*) continue ;;
			esac
			want=${want#\"} want=${want%\"}
			have=$("$GTREE/scripts/config" --file "$dir/.config" --state "${sym#CONFIG_}")
			[[ $want == n && $have == undef ]] && continue
			[[ $have == "$want" ]] && continue
			warn "   ${f#"$OSC_TOP"/} asks for $sym=$want; the kernel's .config has $have"
			bad=1
		done <"$f"
	done
	return "$bad"
}

# build_kernel DIR [MAKE ARGS...]: build with the object directory DIR;
# the log is BUILD_LOG (build_mode sets one per mode), or OUT/build.log
build_kernel() {
	local dir=$1 log=${BUILD_LOG:-$OUT/build.log}
	shift
	if ! make -C "$GTREE" O="$dir" -j"$OSC_JOBS" -s "$@" >"$log" 2>&1; then
		tail -n 30 "$log"
		warn "   the build failed; its whole log: $log"
		return 1
	fi
}

# build_mode MODE: configure and build; keep the image, vmlinux, .config
# and the modules in OUT/MODE, a kernel directory (write_facts)
build_mode() {
	local mode=$1 dir arch make_args BUILD_LOG=$OUT/build-$1.log
	dir=$(mode_build_dir "$mode")
	arch=$(mode_arch "$mode")
	read -ra make_args <<<"$(arch_make_args "$arch")"
	configure "$mode" && build_kernel "$dir" "${make_args[@]}" all || return 1
	rm -rf "${OUT:?}/$mode" && mkdir -p "$OUT/$mode"
	cp "$dir/$(arch_image "$arch")" "$dir/.config" "$dir/vmlinux" "$OUT/$mode/" || return 1
	write_facts "$mode" || return 1
	[[ $(mode_opt "$mode") == m ]] || return 0
	copy_modules "$dir" "$OUT/$mode" || return 1
	! mode_signed "$mode" || sign_modules "$mode" || return 1
	install_modules "$dir" "$OUT/$mode/root" "${make_args[@]}"
}

# write_facts MODE: OUT/MODE/facts, what boots kernel MODE and builds
# modules for it (scripts/lib.sh, "A kernel directory"): the image there,
# the tools of its object directory and the selftest build_selftest
# makes for its arch
write_facts() {
	local dir arch
	dir=$(mode_build_dir "$1") arch=$(mode_arch "$1")
	{
		printf 'ARCH=%s\nHZ=%s\n' "$arch" "$(config_hz "$1")"
		printf 'KVER=%s\n' "$(cat "$dir/include/config/kernel.release")"
		printf 'MAKE=%s\n' "$(arch_make_args "$arch")"
		printf 'IMAGE=%s\n' "$(basename "$(arch_image "$arch")")"
		printf 'CPIO=%s\n' "$dir/usr/gen_init_cpio"
		printf 'SELFTEST=%s\n' "$(selftest_dir "$arch")/osc_procfs_test"
		printf 'BUSYBOX=%s\n' "$(arch_busybox "$arch")"
		printf 'BUILD=%s\n' "$dir"
	} >"$OUT/$1/facts"
}

# install_modules DIR ROOT [MAKE ARGS...]: make modules_install from
# object directory DIR into ROOT/lib/modules/RELEASE, with depmod's
# tables, as a distribution installs them (signed, where the kernel
# checks signatures)
install_modules() {
	local dir=$1 root=$2
	shift 2
	rm -rf "$root" && build_kernel "$dir" "$@" INSTALL_MOD_PATH="$root" modules_install
}

# make_ci_tools DIR: what a kernel CI's root file system has and busybox
# lacks, for the kselftest guest: kmod as /sbin/modprobe and depmod
# (busybox's modprobe has no -n), coreutils' /usr/bin/timeout, which
# kselftest's runner.sh needs to enforce a test's timeout, and dash, for
# /bin/sh (busybox's sh runs its own modprobe whatever PATH says), with
# the shared libraries they load (x86_64 guests only: the host's binaries)
make_ci_tools() {
	local dir=$1 lib
	rm -rf "$dir" && mkdir -p "$dir/sbin" "$dir/usr/bin" || return 1
	cp /usr/bin/kmod "$dir/sbin/kmod" && cp /usr/bin/timeout /usr/bin/dash "$dir/usr/bin/" &&
		ln -s kmod "$dir/sbin/modprobe" && ln -s kmod "$dir/sbin/depmod" || return 1
	for lib in $(ldd /usr/bin/kmod /usr/bin/timeout /usr/bin/dash | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
		mkdir -p "$dir$(dirname "$lib")" && cp -L "$lib" "$dir$lib" || return 1
	done
}

# install_kselftest: the selftest as a kernel CI installs it, with
# "make -C tools/testing/selftests TARGETS=osc_procfs install", into
# OUT/kselftest (run_kselftest.sh and the test; statically linked for the
# initramfs; objects in OUT/kselftest-build, not in the tree)
install_kselftest() {
	local log=$OUT/kselftest-install.log
	rm -rf "$OUT/kselftest" "$OUT/kselftest-build"
	make -C "$GTREE/tools/testing/selftests" TARGETS=osc_procfs LDFLAGS=-static \
		BUILD="$OUT/kselftest-build" INSTALL_PATH="$OUT/kselftest" install >"$log" 2>&1 ||
		{ tail -n 30 "$log"; return 1; }
}

# copy_modules DIR DEST: the modules built under DIR's samples/osc_procfs
# and, in a debug kernel, samples/kmemleak (the kmemleak-test control).
# Only for the options =m: a .ko an earlier =m build left in the object
# directory is not the =y or =n kernel's.
copy_modules() {
	local d
	for d in osc_procfs kmemleak; do
		[[ -d $1/samples/$d ]] || continue
		find "$1/samples/$d" -name '*.ko' -exec cp -t "$2/" {} + || return 1
	done
}

# sign_modules MODE: sign OUT/MODE's modules as a student would sign
# theirs, with the kernel's scripts/sign-file. Each NAME.ko is kept
# unsigned as NAME.unsigned.ko, signed with the key the kernel does not
# know as NAME.otherkey.ko, and signed in place with the kernel's key.
sign_modules() {
	local dir=$OUT/$1 keys=$OUT/sig-key sign m base
	sign=$(mode_build_dir "$1")/scripts/sign-file
	for m in "$dir"/osc_*.ko; do
		[[ $m == *.unsigned.ko || $m == *.otherkey.ko ]] && continue
		base=${m%.ko}
		cp "$m" "$base.unsigned.ko" &&
			"$sign" sha256 "$keys/other_key.pem" "$keys/other_key.pem" "$m" "$base.otherkey.ko" &&
			"$sign" sha256 "$keys/signing_key.pem" "$keys/signing_key.pem" "$m" || return 1
	done
}

# selftest_dir ARCH: where build_selftest puts the selftest for ARCH
selftest_dir() {
	if [[ $1 == x86_64 ]]; then echo "$OUT/selftest"; else echo "$OUT/selftest-$1"; fi
}

# prepare_and_build MODE [ARCH]: what make demo and grade.sh build: the
# source unpacked once, the series applied on it (scripts/source.sh),
# MODE's kernel and ARCH's selftest, each a step with its time
prepare_and_build() {
	step "prepare the kernel source ($KERNEL_SRC)" prepare_tree || return 1
	mkdir -p "$OUT"
	step "apply the series with apply.sh ($GTREE)" apply_series || return 1
	step "build the kernel, $1 (make O=$(mode_build_dir "$1"))" build_mode "$1" || return 1
	step "build the selftest" build_selftest "${2:-x86_64}"
}

# build_selftest [ARCH]: the kselftest, statically linked for the initramfs
build_selftest() {
	local arch=${1:-x86_64} dir make_args
	dir=$(selftest_dir "$arch")
	read -ra make_args <<<"$(arch_make_args "$arch")"
	mkdir -p "$dir"
	make -s -C "$GTREE/tools/testing/selftests/osc_procfs" OUTPUT="$dir" \
		"${make_args[@]}" LDFLAGS=-static >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}

# build_guest_tools: the debug run's helper, statically linked
build_guest_tools() {
	mkdir -p "$OUT/bin"
	gcc -static -O2 -Wall -Werror -o "$OUT/bin/osc_stress" "$OSC_TOP/guest/osc_stress.c"
}

# kconfig_state FILE SYMBOL: SYMBOL's value in the kernel config FILE, as
# the kernel's scripts/config --state gives it (y, m, n, undef, a value):
# the one reader of a .config
kconfig_state() { "$GTREE/scripts/config" --file "$1" --state "$2"; }

# config_state MODE SYMBOL: SYMBOL's value in OUT/MODE's .config
config_state() { kconfig_state "$OUT/$1/.config" "$2"; }
config_hz() { config_state "$1" HZ; }

# boot_mode [--image FILE] [--no-modules] MODE SCENARIO LOG [CMDLINE
# [BOOT.SH OPTIONS...]]: boot kernel MODE of ./kernels, its kernel
# directory OUT/MODE (scripts/boot.sh --kernel-dir), with a guest
# scenario and MODE's modules in /lib/modules/osc. --image boots another
# image of MODE's arch (Debian's own kernel) with MODE's tools, and then
# the caller gives its facts; --no-modules leaves MODE's modules out.
boot_mode() {
	local kopts=() own_modules=1 mode scenario log extra mods=() m
	while [[ ${1:-} == --* ]]; do
		case $1 in
		--image) kopts=(--kernel "$2") && shift ;;
		--no-modules) own_modules=0 ;;
		*) warn "boot_mode: unknown option $1" && return 2 ;;
		esac
		shift
	done
	mode=$1 scenario=$2 log=$3 extra=${4:-}
	shift $(($# < 4 ? $# : 4))
	if ((own_modules)); then
		for m in "$OUT/$mode"/*.ko; do
			[[ -e $m ]] && mods+=(--module "$m")
		done
	fi
	# the debug run's helper, built for the host (build_guest_tools)
	[[ $(mode_arch "$mode") != x86_64 || ! -x $OUT/bin/osc_stress ]] || mods+=(--bin "$OUT/bin/osc_stress")
	"$OSC_TOP/scripts/boot.sh" --kernel-dir "$OUT/$mode" "${kopts[@]}" --scenario "$scenario" \
		--log "$log" --append "$extra" "${mods[@]}" "$@"
}
