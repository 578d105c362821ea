#!/usr/bin/env bash
# `make demo` where there is no /dev/uinput: boots the real-kernel guest, starts
# inputmuxd there and runs three scripted agents sharing the desktop (vm/guest/demo.py).
set -euo pipefail
bash "$(dirname "$0")/run-in-guest.sh" --timeout 600 -- python3 /opt/inputmux/guest/demo.py
