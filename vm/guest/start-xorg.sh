#!/bin/bash
# Starts an Xorg on DISPLAY (default :1) in the guest that reads the kernel's
# input devices through libinput, as a desktop does (dummy video driver, config
# /etc/X11/xorg-inputmux.conf), and returns once it answers. Then e.g.
#   DISPLAY=:1 xinput list; DISPLAY=:1 xdotool getmouselocation
# Stop it with: kill "$(cat /tmp/xorg-inputmux.pid)".
set -euo pipefail
display="${1:-:1}"
Xorg "$display" -config xorg-inputmux.conf -nolisten tcp -noreset \
    -logfile "/tmp/Xorg${display#:}.log" > /dev/null 2>&1 &
echo $! > /tmp/xorg-inputmux.pid
for _ in $(seq 100); do
    DISPLAY="$display" xinput list > /dev/null 2>&1 && exit 0
    sleep 0.2
done
echo "start-xorg: Xorg on $display did not come up; see /tmp/Xorg${display#:}.log" >&2
exit 1
