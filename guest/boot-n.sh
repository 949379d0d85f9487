#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest scenario: the options left out (=n). Nothing of ours exists, and
# the selftest reports every test as skipped, none as passed.
# Word lists such as $OSC_FILES are split on purpose: busybox sh has no arrays.
# shellcheck disable=SC2086
# shellcheck source=guest/lib.sh
. /lib.sh

check "no /proc entry of ours exists" none_present $OSC_FILES
check "the kernel log has no osc_ line" not_in_dmesg "osc_"
check "the selftest skips every test and passes none" selftest_ok 0 any
check "the kernel log has no BUG, WARNING, Oops or Call Trace" log_clean
