#!/usr/bin/env bash
# The kernel suite: builds the Swift products, boots the Debian kernel in QEMU
# and runs /opt/inputmux/bin/muxkerneltests there as root (after udev has
# settled, with uinput and evdev loaded). Extra arguments go to
# muxkerneltests (e.g. a test filter).
#
# Passes only when the suite's closing line "N passed, N failed" is there with
# N failed == 0 and N passed > 0, and the run finished in time: a suite that
# ran nothing, crashed or hung fails CI.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

limit="${INPUTMUX_KERNEL_SUITE_TIMEOUT:-900}"
log="$(mktemp "${TMPDIR:-/tmp}/inputmux-kernel-suite.XXXXXX")"
trap 'rm -f "$log"' EXIT

set +e
bash "$VM_DIR/run-in-guest.sh" --timeout "$limit" -- muxkerneltests "$@" | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# The plain closing line, optionally after one "word:" prefix.
summary="$(grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
if [[ -z "$summary" ]]; then
    vm_log "kernel suite FAILED: no 'N passed, N failed' line (run exit status $rc)"
    exit 1
fi
passed="$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<< "$summary")"
failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$summary")"
# Restated as the log's last count line, with the run's verdict below it.
echo "kernel-suite: $passed passed, $failed failed"
if ((failed > 0)); then
    vm_log "kernel suite FAILED: $failed failed, $passed passed"
    exit 1
fi
if ((passed == 0)); then
    vm_log "kernel suite FAILED: it ran no test (0 passed)"
    exit 1
fi
if ((rc != 0)); then
    vm_log "kernel suite FAILED: $passed passed, but the run exited with $rc"
    exit 1
fi
vm_log "kernel suite passed: $passed passed, 0 failed"
