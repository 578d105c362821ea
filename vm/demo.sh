#!/usr/bin/env bash
# `make demo` where there is no /dev/uinput: boots the real-kernel guest, starts
# inputmuxd there and runs three scripted agents sharing the desktop (vm/guest/demo.py).
source "$(dirname "$0")/../scripts/on-error.sh"
on_error_hint "the demo's output above says which step failed; INPUTMUX_VM_VERBOSE=1 shows the guest's boot log live"
bash "$(dirname "$0")/run-in-guest.sh" --timeout 600 -- python3 /opt/inputmux/guest/demo.py
