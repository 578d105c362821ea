#!/bin/bash
# Runs a command as the user sway runs as, in that session's environment (the
# Wayland socket, the IPC socket, a UTF-8 locale), as a client started from the
# desktop would be. Needs a sway started by start-sway.sh (/run/inputmux-sway.env).
#
#   bash as-sway-user.sh foot -a footA sh -c 'cat > /tmp/F'
#
# It execs the command, so its pid is the client's (what GET_TREE reports).
set -euo pipefail
envfile=/run/inputmux-sway.env
[[ -f "$envfile" ]] || { echo "as-sway-user: no $envfile: start sway first (bash start-sway.sh)" >&2; exit 1; }
(($#)) || { echo "usage: as-sway-user.sh CMD [ARG...]" >&2; exit 2; }
# shellcheck disable=SC1090
source "$envfile"
home="$(getent passwd "$SWAY_USER" | cut -d: -f6)"
exec setpriv --reuid="$SWAY_UID" --regid="$SWAY_GID" --init-groups -- \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$SWAY_USER" LOGNAME="$SWAY_USER" SHELL=/bin/sh \
        LANG=C.UTF-8 TERM=xterm-256color XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" \
        WAYLAND_DISPLAY="$WAYLAND_DISPLAY" SWAYSOCK="$SWAYSOCK" XKB_DEFAULT_LAYOUT=us \
    "$@"
