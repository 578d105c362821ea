#!/usr/bin/env bash
# Runs one check script of vm/guest/ in the real-kernel guest and judges it:
#
#   bash vm/guest-test.sh LABEL TIMEOUT SCRIPT [ARG...]
#
# SCRIPT (python3, under /opt/inputmux/guest) must close with "N passed, N failed".
# Passes only when N failed == 0, N passed > 0 and it exited 0; restates the count as
# "LABEL: N passed, N failed", the line CI looks for (.ci/run), so a check dropped
# from `make test`, or one that never reached its closing line, fails CI.
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"

(($# >= 3)) || vm_die "usage: vm/guest-test.sh LABEL TIMEOUT SCRIPT [ARG...]"
label="$1" timeout_s="$2" script="$3"
shift 3
[[ -f "$VM_DIR/guest/$script" ]] || vm_die "no vm/guest/$script"
log="$(mktemp "${TMPDIR:-/tmp}/inputmux-$label.XXXXXX")"
trap 'rm -f "$log"' EXIT

set +e
bash "$VM_DIR/run-in-guest.sh" --timeout "$timeout_s" -- python3 "/opt/inputmux/guest/$script" "$@" | tee "$log"
rc=${PIPESTATUS[0]}
set -e

on_error_hint "the checks above marked FAIL say what went wrong; INPUTMUX_VM_KEEP=1 keeps the run directory with the guest's boot log"
vm_judge_summary "$log" "$rc" "$label" "$label"
