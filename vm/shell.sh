#!/usr/bin/env bash
# Boots the kernel-test guest with a root shell on the serial console, for
# debugging (make vm-shell). The payload is there as in a test run:
# /opt/inputmux/bin (the Swift products; pass --no-build to skip building
# them) and /opt/inputmux/guest. uinput/evdev are not loaded yet: modprobe
# them, or run /usr/local/sbin/inputmux-run's steps by hand.
# Leave with `poweroff` (or Ctrl-A X, QEMU's escape).
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"
[[ "${1:-}" == --no-build ]] && export INPUTMUX_VM_NO_BUILD=1
[[ -t 0 ]] || vm_die "vm/shell.sh needs a terminal; for a non-interactive run use vm/run-in-guest.sh CMD"

vm_ensure_guest
run="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-vm-shell.XXXXXX")"
trap 'rm -rf "$run"' EXIT
vm_make_payload "$run" bash
vm_qemu_args "$run" ""
vm_log "booting (about 30-60 s on TCG); log in is automatic; Ctrl-A X quits QEMU"
"${QEMU_ARGS[@]}" -nographic
