#!/usr/bin/env bash
# Installs what building and testing InputMux needs on a Debian machine (idempotent).
source "$(dirname "$0")/on-error.sh"
pkgs=(pkg-config libevdev-dev libudev-dev libsystemd-dev libxkbcommon-dev xkb-data
      # inputmux-mcp: the MCP SDK links Foundation's networking library, which links
      # libcurl (docs/MCP.md, "Linking note"); a static-stdlib build needs libcurl.so.
      libcurl4-openssl-dev
      # The X11 adapter (Xlib, XTest, RandR, XInput2) and its host tests: a private
      # Xvfb, real X clients (python3-xlib under /usr/bin/python3), xdotool as the
      # stray injector and the benchmark's reference, xdpyinfo/xwininfo for people.
      libx11-dev libxtst-dev libxrandr-dev libxi-dev xvfb xdotool python3-xlib x11-utils
      # What agents are shown (docs/DESIGN.md §5b): MIT-SHM, XComposite, XDamage and
      # XFixes from the X server; pixman to scale; libpng and libturbojpeg to encode.
      # scrot and ImageMagick are the capture benchmark's peers (muxbench capture).
      libxext-dev libxcomposite-dev libxdamage-dev libxfixes-dev
      libpixman-1-dev libpng-dev libturbojpeg0-dev scrot imagemagick x11-apps
      # sway for the host tests (InputMuxSwayTests, InputMuxWaylandTests): a headless
      # sway (started as an unprivileged user through util-linux's setpriv) with foot
      # windows in it (foot needs a monospace font), Xwayland for an X client's window
      # (x11-apps' xlogo), grim as the capture reference; libwayland-client,
      # wayland-scanner (libwayland-bin) and wayland-protocols for Sources/InputMuxWayland
      # and its protocol glue (scripts/wayland-protocols.sh).
      sway foot fonts-noto-mono fonts-dejavu-core xwayland grim libwayland-dev libwayland-bin wayland-protocols
      # The real-kernel VM rig (vm/): QEMU (TCG), the guest's boot initramfs,
      # debootstrap for its root, ext4 images, flock, objdump for the library
      # check, gcc + static libc for the initramfs fast path.
      qemu-system-x86 qemu-utils busybox-static cpio debootstrap kmod e2fsprogs
      util-linux binutils gcc libc6-dev
      # pip fetches the guest's PyPI packages (vm/guest/requirements.txt: the
      # MCP client that tests `inputmux-mcp`) on the host.
      python3-pip)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "deps: installing ${missing[*]}"
    if (($(id -u) != 0)); then
        echo "deps: error: installing packages needs root: run the command again with sudo, or install them first: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    on_error_hint "apt could not install the packages: check that this machine reaches its Debian mirror (/etc/apt/sources.list*) and that no other apt runs, then run the command again"
    # A new machine's own apt (unattended-upgrades, cloud-init) may hold the lock for a while.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi
