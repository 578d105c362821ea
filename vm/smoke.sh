#!/usr/bin/env bash
# Proves the VM rig without any InputMux code: boots the kernel-test guest and
# runs vm/guest/smoke.py there (uinput device -> grabbed evdev node -> key read
# back; udev tags; libinput list-devices sees it). No Swift build.
#   vm/smoke.sh              the rootfs guest (systemd, udev, libinput)
#   vm/smoke.sh --initramfs  the fast path: busybox initramfs + a C round-trip
source "$(dirname "$0")/../scripts/on-error.sh"
if [[ "${1:-}" == --initramfs ]]; then
    exec bash "$(dirname "$0")/smoke-initramfs.sh"
fi
exec bash "$(dirname "$0")/run-in-guest.sh" --no-build --timeout "${INPUTMUX_VM_TIMEOUT:-300}" -- python3 /opt/inputmux/guest/smoke.py
