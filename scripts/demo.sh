#!/usr/bin/env bash
# The README's main-job command (`make demo`).
# With /dev/uinput and root: runs inputmuxd for real, in the foreground, with the
# configuration given in INPUTMUX_CONFIG (default /etc/inputmux/inputmux.toml).
# Without /dev/uinput (a build machine, a container): boots the real-kernel VM and
# shows agents sharing a desktop there.
source "$(dirname "$0")/on-error.sh"
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
if [[ -c /dev/uinput && $(id -u) == 0 && "${INPUTMUX_DEMO_VM:-0}" != 1 ]]; then
    config="${INPUTMUX_CONFIG:-/etc/inputmux/inputmux.toml}"
    [[ -f "$config" ]] || config="inputmux.toml"
    swift build -c release --product inputmuxd
    exec .build/release/inputmuxd --config "$config"
fi
echo "demo: no usable /dev/uinput here, so the demo runs in the real-kernel VM (QEMU)"
exec bash vm/demo.sh
