#!/bin/bash
# Starts sway in the guest the way a desktop runs it, headless but reading the
# kernel's input devices through libinput, and returns once its IPC answers.
#
#   bash start-sway.sh          start (root only); prints KEY=VALUE lines on stdout
#   bash start-sway.sh stop     stop sway and seatd
#
# sway refuses to run as root, so it runs as an ordinary user (SWAY_USER, default
# inputmux-sway, created when missing) with seatd handing it the input devices
# (LIBSEAT_BACKEND=seatd; libseat's noop backend waits for a session that never
# comes). Backends: WLR_BACKENDS=headless,libinput with WLR_LIBINPUT_NO_DEVICES=1
# (there may be no input device when it starts) and the pixman renderer (no GPU).
#
# The configuration makes window geometry deterministic: one headless output,
# HEADLESS-1, 1280x800 at 0,0, scale 1; no bar, no borders, no gaps, no title
# bars; tiled windows split the output side by side (splith); focus does not
# follow the mouse and the cursor does not warp; XWayland off; no background
# client (swaybg), so the empty desktop is black.
#
# What it prints (also written to /run/inputmux-sway.env, to source):
#   SWAY_USER, SWAY_UID, SWAY_GID   the compositor's user
#   XDG_RUNTIME_DIR                 that user's runtime dir (sockets live there)
#   SWAYSOCK                        sway's IPC socket; root can use it (swaymsg -s)
#   WAYLAND_DISPLAY                 the socket's name in XDG_RUNTIME_DIR; root's
#                                   Wayland clients (grim) use it with that dir
#   SWAY_PID, SEATD_PID
#   SWAY_START_SECONDS              from starting sway until get_outputs answered
#                                   and get_inputs listed the devices already there
# Logs: /tmp/inputmux-sway/{sway.log,seatd.log}. Clients that must run as the
# compositor's user (foot, wev): bash as-sway-user.sh CMD [ARG...].
#
# New devices (uinput) are added as they come: about a second after they appear,
# under TCG.
#
# Environment: SWAY_USER, SWAY_WIDTH/SWAY_HEIGHT (1280/800), SWAY_TIMEOUT (seconds
# to wait for the IPC, 180), SWAY_DEBUG=1 (sway -d: a verbose log, slower on TCG).
set -euo pipefail

state=/tmp/inputmux-sway
envfile=/run/inputmux-sway.env
user="${SWAY_USER:-inputmux-sway}"
width="${SWAY_WIDTH:-1280}"
height="${SWAY_HEIGHT:-800}"
limit="${SWAY_TIMEOUT:-180}"

say() { printf 'start-sway: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

stop() {
    local f pid
    for f in sway seatd; do
        [[ -f "$state/$f.pid" ]] || continue
        pid="$(cat "$state/$f.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$state/$f.pid"
    done
    rm -f "$envfile"
}

if [[ "${1:-}" == stop ]]; then
    stop
    exit 0
fi
[[ $# -eq 0 ]] || die "usage: start-sway.sh [stop]"
(($(id -u) == 0)) || die "run it as root: it creates the compositor's user and starts seatd for it"
for tool in sway swaymsg seatd setpriv; do
    command -v "$tool" > /dev/null || die "$tool is not installed in this guest (VM_GUEST_PKGS in vm/lib.sh names sway, seatd; rebuild the guest)"
done
[[ -f "$state/sway.pid" ]] && kill -0 "$(cat "$state/sway.pid")" 2>/dev/null \
    && die "sway is already running (pid $(cat "$state/sway.pid")); stop it first: bash start-sway.sh stop"

# The compositor's user: an ordinary account with a home (foot and fontconfig
# want one) and no password.
if ! id -u "$user" > /dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/sh "$user" \
        || die "useradd $user failed: create the compositor's user by hand or name another in SWAY_USER"
fi
uid="$(id -u "$user")"
gid="$(id -g "$user")"
home="$(getent passwd "$user" | cut -d: -f6)"
runtime="/run/user/$uid"
mkdir -p "$state"
chmod 755 "$state"
install -d -m 700 -o "$uid" -g "$gid" "$runtime"
# A left-over socket from an earlier sway would be taken for this one's.
rm -f "$runtime"/sway-ipc.*.sock "$runtime"/wayland-* 2>/dev/null || true

cat > "$state/config" <<EOF
# Written by start-sway.sh: deterministic geometry for tests.
output HEADLESS-1 mode ${width}x${height} position 0 0 scale 1
default_border none
default_floating_border none
titlebar_border_thickness 0
gaps inner 0
gaps outer 0
smart_borders off
workspace_layout default
default_orientation horizontal
focus_follows_mouse no
focus_wrapping no
mouse_warping none
xwayland disable
input type:keyboard xkb_layout us
workspace 1 output HEADLESS-1
EOF
chmod 644 "$state/config"

# seatd: root's daemon that opens the input devices for the user's session. Its
# socket must belong to the user: a seatd started otherwise (Debian's seatd.service
# runs `seatd -g video`; the guest image masks it) is stopped first.
: > "$state/seatd.log"
ours=""
[[ -f "$state/seatd.pid" ]] && kill -0 "$(cat "$state/seatd.pid")" 2>/dev/null && ours=1
if [[ -z "$ours" ]] && pgrep -x seatd > /dev/null; then
    say "a seatd not started here is running (socket $(stat -c '%U:%G %a' /run/seatd.sock 2>/dev/null || echo none)); stopping it"
    systemctl stop seatd.service 2> /dev/null || true
    for _ in $(seq 50); do pgrep -x seatd > /dev/null || break; sleep 0.1; done
    pgrep -x seatd > /dev/null && die "cannot stop the running seatd (pid $(pgrep -x seatd | head -n 1)); stop it and run start-sway.sh again"
fi
if [[ -z "$ours" ]]; then
    rm -f /run/seatd.sock
    seatd -u "$user" -g "$(id -gn "$user")" -l info > "$state/seatd.log" 2>&1 &
    echo $! > "$state/seatd.pid"
    for _ in $(seq 100); do [[ -S /run/seatd.sock ]] && break; sleep 0.1; done
    [[ -S /run/seatd.sock ]] || die "seatd did not create /run/seatd.sock within 10 s; see $state/seatd.log: $(tail -n 5 "$state/seatd.log")"
fi

t0="$(date +%s.%N)"
: > "$state/sway.log"
chown "$uid:$gid" "$state/sway.log"
debug=()
[[ "${SWAY_DEBUG:-0}" == 1 ]] && debug=(-d)
setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/sh \
        LANG=C.UTF-8 XDG_RUNTIME_DIR="$runtime" LIBSEAT_BACKEND=seatd \
        WLR_BACKENDS=headless,libinput WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman WLR_HEADLESS_OUTPUTS=1 \
        XKB_DEFAULT_LAYOUT=us \
    sway -c "$state/config" "${debug[@]}" > "$state/sway.log" 2>&1 &
sway_pid=$!
echo "$sway_pid" > "$state/sway.pid"

# Ready: sway's IPC socket exists and get_outputs answers with an active output.
sock="" outputs=""
deadline=$(( $(date +%s) + limit ))
while (( $(date +%s) < deadline )); do
    if ! kill -0 "$sway_pid" 2>/dev/null; then
        wait "$sway_pid" && rc=0 || rc=$?
        die "sway exited with status $rc before its IPC answered; last lines of $state/sway.log:
$(tail -n 20 "$state/sway.log")"
    fi
    sock="$(ls "$runtime"/sway-ipc."$uid"."$sway_pid".sock 2>/dev/null || true)"
    if [[ -n "$sock" ]] && outputs="$(swaymsg -s "$sock" -t get_outputs -r 2>/dev/null)" \
            && grep -q '"active": true' <<< "$outputs"; then
        break
    fi
    outputs=""
    sleep 0.2
done
if [[ -z "$outputs" ]]; then
    stop
    die "sway did not answer get_outputs with an active output within ${limit}s (socket: ${sock:-none}); last lines of $state/sway.log:
$(tail -n 20 "$state/sway.log")"
fi
# The input devices that were there before sway started. With WLR_LIBINPUT_NO_DEVICES=1,
# wlroots 0.15 (sway 1.7) does not read libinput's queue when it starts: the devices
# libinput enumerated wait there until its fd next becomes readable (a hotplug, or an
# input event from one of them), which can be minutes. A "change" uevent on the input
# devices makes it readable; libinput ignores the event itself and sway adds the devices.
if compgen -G '/dev/input/event*' > /dev/null; then
    inputs=""
    for _ in $(seq 100); do
        udevadm trigger --action=change --subsystem-match=input 2> /dev/null || true
        inputs="$(swaymsg -s "$sock" -t get_inputs -r 2>/dev/null || true)"
        grep -q '"identifier"' <<< "$inputs" && break
        inputs=""
        sleep 0.3
    done
    [[ -n "$inputs" ]] || die "sway lists no input device 30 s after it started, though /dev/input has $(ls /dev/input/event* | wc -l) event nodes; see $state/sway.log and $state/seatd.log"
fi
t1="$(date +%s.%N)"
wayland="$(cd "$runtime" && ls -d wayland-[0-9]* 2>/dev/null | grep -v '\.lock$' | head -n 1 || true)"
[[ -n "$wayland" ]] || die "sway answers on $sock but made no Wayland socket in $runtime"

seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
{
    echo "SWAY_USER=$user"
    echo "SWAY_UID=$uid"
    echo "SWAY_GID=$gid"
    echo "XDG_RUNTIME_DIR=$runtime"
    echo "SWAYSOCK=$sock"
    echo "WAYLAND_DISPLAY=$wayland"
    echo "SWAY_PID=$sway_pid"
    echo "SEATD_PID=$(cat "$state/seatd.pid" 2>/dev/null || pgrep -x seatd | head -n 1)"
    echo "SWAY_START_SECONDS=$seconds"
} | tee "$envfile"
say "sway ${width}x${height} is ready after ${seconds}s: SWAYSOCK=$sock WAYLAND_DISPLAY=$wayland (source $envfile)"
