#!/usr/bin/env bash
# Whole-system test of the unit, udev rules, sysusers/tmpfiles/modules-load
# snippets and default configuration, in the systemd guest:
#
#   bash vm/system-test.sh [--no-build]
#
# Stages `scripts/install.sh` with DESTDIR (PREFIX=/usr, no binaries), boots
# the guest through vm/run-in-guest.sh (which builds inputmuxd and muxctl when
# Package.swift has them and puts them in the payload) and runs
# vm/guest/system-test.sh there, which unpacks the staged tree over / and
# checks everything (see that file). Without inputmuxd it still tests the unit's
# sandbox with a stand-in (probe mode).
#
# Passes only on a closing "N passed, N failed" line with N failed == 0 and
# N passed > 0; restates that count as "system-test: N passed, N failed" (the
# line CI looks for).
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"

args=()
[[ "${1:-}" == --no-build ]] && args+=(--no-build)

stage="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-stage.XXXXXX")"
log="$(mktemp "${TMPDIR:-/tmp}/inputmux-system-test.XXXXXX")"
trap 'rm -rf "$stage" "$log"' EXIT

DESTDIR="$stage" PREFIX=/usr INPUTMUX_NO_BUILD=1 bash "$VM_REPO/scripts/install.sh" | sed 's/^/  /' >&2
# The staged tree travels as one argument of the guest command (a few KB): the
# rig's payload carries vm/guest/ and the products, nothing else. Top-level
# entries only, so tar never records (and resets) the mode of / itself.
mapfile -t top < <(ls -A "$stage")
blob="$(tar -C "$stage" --owner=0 --group=0 -czf - "${top[@]}" | base64 -w0)"

set +e
INPUTMUX_VM_PYTHON_LIBS=1 INPUTMUX_VM_PRODUCTS="${INPUTMUX_VM_PRODUCTS:-inputmuxd muxctl inputmux-mcp}" \
    bash "$VM_DIR/run-in-guest.sh" --timeout "${INPUTMUX_SYSTEM_TEST_TIMEOUT:-600}" "${args[@]}" \
    -- bash /opt/inputmux/guest/system-test.sh --stage-b64 "$blob" | tee "$log"
rc=${PIPESTATUS[0]}
set -e

on_error_hint "the checks above marked FAIL say what went wrong; INPUTMUX_VM_KEEP=1 keeps the run directory with the guest's boot log"
vm_judge_summary "$log" "$rc" "system test" "system-test"
