#!/usr/bin/env bash
# Installs InputMux: the binaries, the systemd unit, the sysusers.d, tmpfiles.d
# and modules-load.d snippets, the udev rules and the default configuration.
# `make install` runs it; see docs/INSTALL.md.
#
#   [PREFIX=/usr/local] [DESTDIR=] [INPUTMUX_NO_BUILD=1] bash scripts/install.sh
#
# PREFIX       where binaries go ($PREFIX/bin) and, for /usr and /usr/local
#              (both on systemd's and udev's search paths), the system snippets
#              ($PREFIX/lib/...). Any other prefix puts the snippets under /etc.
# DESTDIR      a staging root for packaging (nothing outside it is touched and
#              nothing is activated).
# INPUTMUX_NO_BUILD=1  install no binaries (system files only), e.g. when the
#              binaries come from elsewhere (the VM rig builds its own).
# INPUTMUX_BIN_DIR     take prebuilt binaries from this directory instead of
#              building them.
# Directory overrides: SYSTEMD_UNIT_DIR, SYSUSERS_DIR, TMPFILES_DIR,
# MODULES_LOAD_DIR, UDEV_RULES_DIR, DOC_DIR.
#
# Idempotent and non-interactive: files are replaced with the same content, an
# existing /etc/inputmux/inputmux.toml is never overwritten. On a live system
# (no DESTDIR, root, systemd running) it then creates the groups and
# directories and reloads systemd and udev; it enables nothing.
source "$(dirname "$0")/on-error.sh"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${PREFIX:-/usr/local}"
PREFIX="${PREFIX%/}"
DESTDIR="${DESTDIR:-}"
DESTDIR="${DESTDIR%/}"

log() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

[[ "$PREFIX" == /* ]] || die "PREFIX must be an absolute path (got '$PREFIX')"

case "$PREFIX" in
    /usr | /usr/local) libdir="$PREFIX/lib" ;;
    *) libdir="" ;;
esac
SYSTEMD_UNIT_DIR="${SYSTEMD_UNIT_DIR:-${libdir:-/etc}/systemd/system}"
SYSUSERS_DIR="${SYSUSERS_DIR:-${libdir:-/etc}/sysusers.d}"
TMPFILES_DIR="${TMPFILES_DIR:-${libdir:-/etc}/tmpfiles.d}"
MODULES_LOAD_DIR="${MODULES_LOAD_DIR:-${libdir:-/etc}/modules-load.d}"
UDEV_RULES_DIR="${UDEV_RULES_DIR:-${libdir:-/etc}/udev/rules.d}"
DOC_DIR="${DOC_DIR:-$PREFIX/share/doc/inputmux}"
BIN_DIR="$PREFIX/bin"
CONFIG_DIR=/etc/inputmux

# --- binaries -----------------------------------------------------------------
# inputmux-mcp (the MCP server) needs libcurl.so.4 where it runs: the MCP SDK links
# Foundation's networking library, which links libcurl (docs/MCP.md, "Linking note").
products=(inputmuxd muxctl inputmux-mcp)
have_product() { grep -Eq "\\.executable\\(name: *\"$1\"" "$repo/Package.swift"; }

install_binaries() {
    local from="" p built=()
    for p in "${products[@]}"; do
        if have_product "$p"; then built+=("$p"); else log "note: $p is not in Package.swift yet; skipping it"; fi
    done
    ((${#built[@]})) || return 0
    if [[ -n "${INPUTMUX_BIN_DIR:-}" ]]; then
        from="$INPUTMUX_BIN_DIR"
    else
        [[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"
        command -v swift > /dev/null || die "swift is not on PATH (or set INPUTMUX_NO_BUILD=1 / INPUTMUX_BIN_DIR)"
        # One product per invocation: SwiftPM builds only the last --product given.
        for p in "${built[@]}"; do
            log "swift build -c release --static-swift-stdlib --product $p"
            (cd "$repo" && swift build -c release --static-swift-stdlib --product "$p") || die "building $p failed"
        done
        from="$(cd "$repo" && swift build -c release --static-swift-stdlib --show-bin-path)"
    fi
    for p in "${built[@]}"; do
        [[ -x "$from/$p" ]] || die "$from/$p is missing"
        install -D -m 0755 "$from/$p" "$DESTDIR$BIN_DIR/$p"
        log "$BIN_DIR/$p"
    done
    # Before one muxctl, its verbs were a second binary in libexec: an upgrade removes it.
    local old="$DESTDIR$PREFIX/libexec/inputmux/muxctl-commands"
    if [[ -e "$old" ]]; then
        rm -f "$old"
        rmdir --ignore-fail-on-non-empty "$(dirname "$old")"
        log "removed $PREFIX/libexec/inputmux/muxctl-commands (muxctl is one binary now)"
    fi
}

if [[ "${INPUTMUX_NO_BUILD:-0}" == 1 ]]; then
    log "INPUTMUX_NO_BUILD=1: no binaries"
else
    install_binaries
fi

# --- system files ---------------------------------------------------------------
# put SRC DEST MODE: install one file (content replaced, so reruns are no-ops).
put() {
    install -D -m "$3" "$repo/$1" "$DESTDIR$2"
    log "$2"
}

unit="$(mktemp)"
trap 'rm -f "$unit"' EXIT
sed "s|@PREFIX@|$PREFIX|g" "$repo/systemd/inputmuxd.service" > "$unit"
install -D -m 0644 "$unit" "$DESTDIR$SYSTEMD_UNIT_DIR/inputmuxd.service"
log "$SYSTEMD_UNIT_DIR/inputmuxd.service"

put systemd/inputmux.sysusers "$SYSUSERS_DIR/inputmux.conf" 0644
put systemd/inputmux.tmpfiles "$TMPFILES_DIR/inputmux.conf" 0644
put systemd/inputmux-modules.conf "$MODULES_LOAD_DIR/inputmux.conf" 0644
for r in "$repo"/udev/*.rules; do
    put "udev/$(basename "$r")" "$UDEV_RULES_DIR/$(basename "$r")" 0644
done
put docs/INSTALL.md "$DOC_DIR/INSTALL.md" 0644
put docs/MUXCTL.md "$DOC_DIR/MUXCTL.md" 0644
# The commented default, always current here, for comparing with /etc after upgrades.
put inputmux.toml "$DOC_DIR/inputmux.toml" 0644

install -d -m 0755 "$DESTDIR$CONFIG_DIR"
if [[ -e "$DESTDIR$CONFIG_DIR/inputmux.toml" ]]; then
    if cmp -s "$repo/inputmux.toml" "$DESTDIR$CONFIG_DIR/inputmux.toml"; then
        log "$CONFIG_DIR/inputmux.toml (unchanged)"
    else
        log "$CONFIG_DIR/inputmux.toml exists and is kept; the current default is $DOC_DIR/inputmux.toml"
    fi
else
    install -m 0644 "$repo/inputmux.toml" "$DESTDIR$CONFIG_DIR/inputmux.toml"
    log "$CONFIG_DIR/inputmux.toml"
fi

# --- activation (live systems only) ----------------------------------------------------
if [[ -n "$DESTDIR" ]]; then
    log "staged into $DESTDIR; nothing activated"
    exit 0
fi
if [[ "$(id -u)" != 0 || ! -d /run/systemd/system ]]; then
    log "not root or systemd is not running: run systemd-sysusers, systemd-tmpfiles --create, udevadm control --reload and systemctl daemon-reload yourself"
    exit 0
fi
systemd-sysusers "$SYSUSERS_DIR/inputmux.conf"
systemd-tmpfiles --create "$TMPFILES_DIR/inputmux.conf"
modprobe uinput 2> /dev/null || log "warning: modprobe uinput failed (see docs/INSTALL.md)"
if command -v udevadm > /dev/null; then
    udevadm control --reload
    # Apply the rules to what exists now (uinput's mode, marks on our devices).
    udevadm trigger --action=change --subsystem-match=input --subsystem-match=misc --sysname-match='uinput' \
        --sysname-match='input*' --sysname-match='event*' || true
fi
systemctl daemon-reload
log "done. Start it with: systemctl enable --now inputmuxd (then: systemctl status inputmuxd)"
