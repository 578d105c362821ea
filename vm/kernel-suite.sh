#!/usr/bin/env bash
# The kernel suite: builds the Swift products, boots the Debian kernel in QEMU
# and runs /opt/inputmux/bin/muxkerneltests there as root (after udev has
# settled, with uinput and evdev loaded). Extra arguments go to
# muxkerneltests (e.g. a test filter).
#
# Passes only when the suite's closing line "N passed, N failed" is there with
# N failed == 0 and N passed > 0, and the run finished in time: a suite that
# ran nothing, crashed or hung fails CI.
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"

limit="${INPUTMUX_KERNEL_SUITE_TIMEOUT:-900}"
log="$(mktemp "${TMPDIR:-/tmp}/inputmux-kernel-suite.XXXXXX")"
trap 'rm -f "$log"' EXIT

set +e
bash "$VM_DIR/run-in-guest.sh" --timeout "$limit" -- muxkerneltests "$@" | tee "$log"
rc=${PIPESTATUS[0]}
set -e

on_error_hint "the suite's output above names each failing test; run one alone with: bash vm/kernel-suite.sh TEST-NAME"
# Restated as the log's last count line, with the run's verdict below it.
vm_judge_summary "$log" "$rc" "kernel suite" "kernel-suite"
