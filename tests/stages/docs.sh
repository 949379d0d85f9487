# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The stage docs: what README.md and docs/ name is there. Each path of
# this repository they name exists (a kernel path, scripts/ or tools/ of
# the tree the series was applied to, in that tree); each make target is
# one of our Makefile's or the kernel's; each option they give one of our
# scripts is one the script takes. Sourced by tests/run.sh.

DOC_FILES=(README.md docs/*.md)

stage_docs() {
	needs source || return 1
	cd "$OSC_TOP" || return 1
	local bad
	bad=$(doc_paths | while read -r f p; do doc_path_exists "$p" || echo "$f: $p"; done)
	expect "every path README.md and docs/ name exists${bad:+ (not: ${bad//$'\n'/, })}" [ -z "$bad" ]
	bad=$(doc_targets | while read -r f t; do doc_target_exists "$t" || echo "$f: make $t"; done)
	expect "every make target they name is ours or the kernel's${bad:+ (not: ${bad//$'\n'/, })}" [ -z "$bad" ]
	bad=$(doc_options | while read -r f s o; do grep -qF -- "$o" "$s" || echo "$f: $s $o"; done)
	expect "every option they give our scripts is one the script takes${bad:+ (not: ${bad//$'\n'/, })}" [ -z "$bad" ]
	cd - >/dev/null || return 1
}

# doc_code: "FILE TEXT" for each `code span` of the docs
doc_code() {
	local f
	for f in "${DOC_FILES[@]}"; do
		# shellcheck disable=SC2016 # backquotes, not an expansion
		grep -o '`[^`]*`' "$f" | tr -d '`' | sed "s|^|$f |"
	done
}

# doc_paths: "FILE PATH" for each path under one of our top directories
# (placeholders such as ARCH or LINE left out)
doc_paths() {
	doc_code | while read -r f text; do
		grep -oE '(^|[ (])(\./)?(patches|docs|scripts|tests|guest|grade|configs|backports|bench|tools|samples|\.ci)/[A-Za-z0-9_.*{},/-]*' <<<"$text" |
			sed 's/^[ (]//; s/^\.\///' | grep -vE '[A-Z]{2,}' | sed "s|^|$f |" || :
	done | sort -u
}

# doc_path_exists PATH: PATH (a glob or {a,b} list) is in this checkout,
# or in the kernel tree; what a build makes (a program, a .ko) has its
# source there, PATH.c
doc_path_exists() {
	local p=$1 root
	for root in "$OSC_TOP" "$GTREE"; do
		(cd "$root" && { eval "ls -d $p" || eval "ls -d ${p%.ko}.c"; } >/dev/null 2>&1) && return 0
	done
	return 1
}

# doc_targets: "FILE TARGET" for each "make TARGET" the docs name
doc_targets() {
	doc_code | while read -r f text; do
		# not a package list (apt-get install ... make jq)
		[[ $text == *apt* ]] && continue
		grep -oE '(^|[ ;&(])make [a-z][a-z_-]*' <<<"$text" | sed 's/.*make //; s|^|'"$f"' |' || :
	done | sort -u
}

# doc_target_exists TARGET: a target of our Makefile, or of the kernel's
# (menuconfig: its rule %config)
doc_target_exists() {
	grep -qE "^([a-z ]* )?$1( [a-z ]*)?:" "$OSC_TOP/Makefile" ||
		grep -qE "^([a-z_-]* )?$1( [a-z_-]*)*:" "$GTREE/Makefile" ||
		{ [[ $1 == *config ]] && grep -q '^%config:' "$GTREE/Makefile"; }
}

# doc_options: "FILE SCRIPT OPTION" for each option the docs give one of
# our scripts, up to the end of its command (&&, |, ;)
doc_options() {
	doc_code | while read -r f text; do
		grep -oE '(\./)?(grade\.sh|apply\.sh|scripts/[a-z-]+\.sh|tests/run\.sh)( [^&|;]*)?' <<<"$text" |
			sed 's/^\.\///' | awk -v f="$f" '{ for (i = 2; i <= NF; i++) if ($i ~ /^--?[a-z]/) print f, $1, $i }' || :
	done | sed 's/[=,.)]*$//' | sort -u
}
