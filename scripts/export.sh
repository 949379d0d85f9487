#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export the series from a kernel git tree where it is applied as commits,
# into patches/ and series: the maintainer's loop is apply.sh, edit,
# commit (or rebase), export.
#
#   scripts/export.sh [--check] [--line LINE] KERNEL_DIR [BASE]
#
# Without --line it writes the base series (patches/ and series, for the
# first line of kernel-lines); --line names another line of kernel-lines,
# whose backport it writes (backports/LINE/patches/ and
# backports/LINE/series). KERNEL_DIR is a git tree of that line.
# The base series is posted as version VERSION ([PATCH v3 n/m]), To: and
# Cc: whom scripts/get_maintainer.pl names for it, and the two it cannot
# name (ALSO_TO, ALSO_CC); it also gives Kconfig.snippet, a copy of the
# samples/osc_procfs/Kconfig it adds. A backport is a tree for students
# on that line, not a submission: stable-kernel-rules.rst takes only
# fixes already in mainline, and a subject [PATCH 6.12 n/m] asks for
# exactly that. Its subjects are tagged [osc-procfs LINE n/m], and it
# names no recipient.
#
# The series is the run of commits on top of HEAD whose subjects start
# with "samples: osc_procfs:" or "selftests: osc_procfs:"; BASE names the
# commit below them instead. The cover letter keeps its subject and text
# from patches/0000-cover-letter.patch; its shortlog and diffstat are made
# anew. The output depends only on the commits, so the same commits give
# the same bytes. --check writes nothing: it only reports whether patches/
# and series already hold exactly what an export would write.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

SUBJECT_RE='^(samples|selftests): osc_procfs: '
# the version of the base series as posted: v3 answers v2's review
VERSION=3
# whom get_maintainer.pl cannot name: samples/ has no entry of its own in
# MAINTAINERS (Andrew Morton takes it), and the files are procfs files
ALSO_TO=('Andrew Morton <akpm@linux-foundation.org>')
ALSO_CC=('linux-fsdevel@vger.kernel.org')
CHECK=0 TREE='' BASE='' OUT='' LINE=$OSC_BASE_LINE DEST='' COVER=''

usage() {
	echo "usage: scripts/export.sh [--check] [--line LINE] KERNEL_DIR [BASE]" >&2
	exit 2
}

parse_args() {
	while [[ ${1:-} == --* ]]; do
		case $1 in
		--check) CHECK=1 ;;
		--line)
			(($# > 1)) || usage
			LINE=$2
			shift
			;;
		*) usage ;;
		esac
		shift
	done
	[[ -n ${OSC_LINE_DIR[$LINE]:-} ]] || die "--line $LINE: not a line of kernel-lines (${OSC_LINES[*]})"
	DEST=$(line_series "$LINE")
	DEST=${DEST%/}
	COVER=$DEST/patches/0000-cover-letter.patch
	(($# == 1 || $# == 2)) || usage
	TREE=$1 BASE=${2:-}
	[[ -d $TREE ]] || die "$TREE is not a directory"
	[[ $(git -C "$TREE" rev-parse --show-toplevel 2>/dev/null) == "$(cd "$TREE" && pwd -P)" ]] ||
		die "$TREE is not the top of a git checkout; apply the series there with apply.sh first"
}

# find_base: the commit below the run of osc_procfs commits on top of HEAD
find_base() {
	local c=HEAD n=0
	while git -C "$TREE" log -1 --format=%s "$c" 2>/dev/null | grep -Eq "$SUBJECT_RE"; do
		c=$c^ n=$((n + 1))
	done
	((n)) || die "HEAD of $TREE is not an osc_procfs commit; name the base commit: $0 $TREE BASE"
	git -C "$TREE" rev-parse "$c"
}

# recipients: format-patch's --to and --cc options for the base series:
# the maintainers get_maintainer.pl names for the series' patches (OUT
# holds them, formatted once without recipients) but the author, then
# ALSO_TO, as To:; the lists it names, then ALSO_CC, as Cc:
recipients() {
	local author=$1 who role
	while IFS= read -r who; do
		role=${who##* (}
		who=${who% (*}
		[[ $who != "$author" ]] || continue
		if [[ $role == maintainer:* ]]; then echo "--to=$who"; else echo "--cc=$who"; fi
	done < <(cd "$TREE" && /usr/bin/perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		"$OUT"/0[0-9][0-9][1-9]-*.patch)
	printf -- '--to=%s\n' "${ALSO_TO[@]}"
	printf -- '--cc=%s\n' "${ALSO_CC[@]}"
}

format_patches() {
	local date name email prefix=PATCH to=()
	if [[ $LINE == "$OSC_BASE_LINE" ]]; then
		((VERSION < 2)) || prefix="PATCH v$VERSION"
	else
		prefix="osc-procfs $LINE"
	fi
	date=$(git -C "$TREE" log -1 --format=%aD HEAD)
	name=$(git -C "$TREE" log -1 --format=%an HEAD)
	email=$(git -C "$TREE" log -1 --format=%ae HEAD)
	if [[ $LINE == "$OSC_BASE_LINE" ]]; then
		format_series "$prefix" "$date" "$name" "$email"
		mapfile -t to < <(recipients "$name <$email>")
		rm -f "$OUT"/*.patch
	fi
	format_series "$prefix" "$date" "$name" "$email" "${to[@]}"
}

# format_series PREFIX DATE NAME EMAIL [FORMAT-PATCH OPTIONS...]: the
# series and its cover letter in OUT; the cover letter is dated and
# signed as the last patch
format_series() {
	local prefix=$1 date=$2 name=$3 email=$4
	shift 4
	GIT_COMMITTER_DATE=$date GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email git -C "$TREE" -c core.abbrev=12 -c diff.noprefix=false \
		-c diff.mnemonicPrefix=false -c diff.relative=false -c format.numbered=auto \
		format-patch -q --zero-commit --no-signature --cover-letter --no-base \
		--subject-prefix="$prefix" "$@" \
		--stat=80 --stat-graph-width=40 -o "$OUT" "$BASE..HEAD"
}

# cover_text: subject and blurb of the current cover letter, or placeholders
cover_subject() {
	[[ -f $COVER ]] || { echo '*** SUBJECT HERE ***'; return; }
	sed -n 's/^Subject: \[[^]]*\] //p' "$COVER" | head -n 1
}

cover_blurb() {
	[[ -f $COVER ]] || { echo '*** BLURB HERE ***'; return; }
	# after the header's blank line, up to the shortlog's "Author (N):"
	awk 'body && /^[^ ].* \([0-9]+\):$/ { exit }
	     body { print }
	     !body && /^$/ { body = 1 }' "$COVER" | sed '$ { /^$/d }'
}

fill_cover() {
	local new=$OUT/0000-cover-letter.patch subject blurb
	subject=$(cover_subject)
	blurb=$(cover_blurb)
	SUBJECT=$subject BLURB=$blurb awk '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, ENVIRON["SUBJECT"]) }
		/^\*\*\* BLURB HERE \*\*\*$/ { print ENVIRON["BLURB"]; next }
		{ print }' "$new" >"$new.tmp"
	mv "$new.tmp" "$new"
}

write_series() {
	{
		if [[ $LINE == "$OSC_BASE_LINE" ]]; then
			echo "# The osc_procfs series, applied in this order (scripts/export.sh writes it)."
		else
			echo "# The osc_procfs series backported to $LINE, applied in this order (scripts/export.sh --line $LINE writes it)."
		fi
		(cd "$OUT" && ls -- *.patch) | grep -v '^0000-cover-letter.patch$'
	} >"$OUT/series"
}

# write_snippet: the base series' samples/osc_procfs/Kconfig, as
# Kconfig.snippet (what apply.sh's users paste when they add it by hand)
write_snippet() {
	[[ $LINE == "$OSC_BASE_LINE" ]] || return 0
	git -C "$TREE" show HEAD:samples/osc_procfs/Kconfig >"$OUT/Kconfig.snippet" ||
		die "HEAD of $TREE has no samples/osc_procfs/Kconfig"
}

# line_opt: the --line option that names LINE, for messages
line_opt() { [[ $LINE == "$OSC_BASE_LINE" ]] || printf -- '--line %s ' "$LINE"; }
# dest_name: DEST's patches and series, as a reader finds them here
dest_name() {
	local rel
	rel=$(line_series_rel "$LINE")
	if [[ $LINE == "$OSC_BASE_LINE" ]]; then
		printf 'patches/, series and Kconfig.snippet'
	else
		printf '%spatches/ and %sseries' "$rel" "$rel"
	fi
}

compare() {
	if diff -ru "$DEST/patches" "$OUT" --exclude=series --exclude=Kconfig.snippet >&2 &&
		diff -u "$DEST/series" "$OUT/series" >&2 &&
		{ [[ ! -f $OUT/Kconfig.snippet ]] || diff -u "$OSC_TOP/Kconfig.snippet" "$OUT/Kconfig.snippet" >&2; }; then
		say "$(dest_name) match the export of $TREE ($BASE..HEAD)"
	else
		die "$(dest_name) differ from the export of $TREE (diff above); run: scripts/export.sh $(line_opt)$TREE"
	fi
}

install_export() {
	mkdir -p "$DEST/patches"
	rm -f "$DEST"/patches/*.patch
	mv "$OUT"/*.patch "$DEST/patches/"
	mv "$OUT/series" "$DEST/series"
	[[ ! -f $OUT/Kconfig.snippet ]] || mv "$OUT/Kconfig.snippet" "$OSC_TOP/Kconfig.snippet"
	say "exported $(grep -c "^[^#]" "$DEST/series") patches and a cover letter to $DEST/patches/"
	say "next: review with 'git diff' here, then run 'make check'"
}

main() {
	parse_args "$@"
	[[ -n $BASE ]] || BASE=$(find_base)
	OUT=$(mktemp -d)
	trap 'rm -rf "$OUT"' EXIT
	format_patches
	fill_cover
	write_series
	write_snippet
	if ((CHECK)); then
		compare
	else
		install_export
	fi
}

main "$@"
