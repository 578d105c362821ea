#!/usr/bin/env bash
# Generates the C glue for the Wayland protocols the capture source speaks
# (protocols/README.md) into Sources/CWaylandProtocols, with wayland-scanner.
# The output is committed; `--check` generates into a temporary folder and fails
# when it differs from what is committed (WaylandProtocolsTests runs that).
source "$(dirname "$0")/on-error.sh"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Sources/CWaylandProtocols"
check=0
[[ "${1:-}" == "--check" ]] && check=1
on_error_hint "wayland-scanner or the protocol XML is missing: run bash scripts/deps.sh (libwayland-bin, wayland-protocols)"
command -v wayland-scanner >/dev/null || { echo "wayland-protocols: error: wayland-scanner is missing: run bash scripts/deps.sh (package libwayland-bin)" >&2; exit 1; }
protocols=(
    "wlr-screencopy-unstable-v1|$root/protocols/wlr/wlr-screencopy-unstable-v1.xml"
    "xdg-output-unstable-v1|/usr/share/wayland-protocols/unstable/xdg-output/xdg-output-unstable-v1.xml"
)
target="$out"
if ((check)); then
    target="$(mktemp -d)"
    trap 'rm -rf "$target"' EXIT
fi
mkdir -p "$target/include"
for p in "${protocols[@]}"; do
    name="${p%%|*}" xml="${p#*|}"
    [[ -f "$xml" ]] || { echo "wayland-protocols: error: $xml is missing: run bash scripts/deps.sh (package wayland-protocols)" >&2; exit 1; }
    wayland-scanner client-header "$xml" "$target/include/$name-client-protocol.h"
    wayland-scanner private-code "$xml" "$target/$name-protocol.c"
done
if ((check)); then
    # Only what the scanner writes: CWaylandProtocols.h and interfaces.c are written by hand.
    for f in "$target"/*.c "$target"/include/*.h; do
        rel="${f#"$target"/}"
        if ! cmp -s "$f" "$out/$rel"; then
            echo "wayland-protocols: $rel differs from what scripts/wayland-protocols.sh generates: run it and commit the result" >&2
            exit 1
        fi
    done
    echo "wayland-protocols: the committed glue matches the XML"
fi
