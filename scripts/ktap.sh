# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its regexes are for the files that source it
# KTAP, the kernel's test output format (Documentation/dev-tools/ktap.rst),
# as the guest writes it: the one reader of the guest's output and console
# logs (ktap_results, log_clean) and the regexes it reads them with, for
# the tests (tests/lib/ktap.sh) and the bench alike. scripts/boot.sh gives
# LOG_BAD to the guest too (/osc-log-bad), whose log_clean reads dmesg.

# KTAP_VERSION: the line a KTAP document begins with
KTAP_VERSION='KTAP version 1'
# KTAP_RESULT: the start of a result line, "ok N " or "not ok N ", as an
# ERE without its anchor: "^$KTAP_RESULT" at the top level, a nested one
# has KTAP_INDENT in front
KTAP_RESULT='(not )?ok [0-9]+ '
# KTAP_INDENT: what a nested line (a test's own results, or a line the
# guest quotes under a check) has in front
KTAP_INDENT='  '
# KTAP_PLAN: a plan line, "1..N", as an ERE without its anchor
KTAP_PLAN='1\.\.[0-9]+$'
# LOG_BAD: what a console log of a kernel that is not a debug kernel must
# not show, outside the guest's own KTAP lines (guest/log-verdict.awk
# judges a debug kernel's)
LOG_BAD='BUG|WARNING|Oops|Call Trace'

# ktap_results LOG: LOG's result lines, at the top level and nested one
# level, without the carriage returns of a serial console
ktap_results() { tr -d '\r' <"$1" | grep -a -E "^($KTAP_INDENT)?$KTAP_RESULT"; }

# log_clean LOG: no line of LOG matches LOG_BAD, leaving out the guest's
# own KTAP result lines (which name what they look for) and the lines it
# quotes or nests
log_clean() { ! grep -av -E "^$KTAP_RESULT|^$KTAP_INDENT" "$1" | grep -E "$LOG_BAD"; }

