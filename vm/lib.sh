# Shared functions of the real-kernel VM rig. Source it; do not run it.
#
# The build machine has no /dev/uinput and no KVM, so every kernel test runs in
# a QEMU (TCG) guest: a stock Debian bookworm kernel plus a debootstrapped
# bookworm root with systemd and udev (libinput needs udev). The kernel, the
# root image and the small initramfs that mounts it are cached outside the repo
# (a fresh CI clone reuses them); the Swift products and vm/guest/ travel in a
# small per-run "payload" disk. See vm/README.md.

# Bump to force a rebuild of every cached guest (e.g. after changing how the
# image is made). The cache key also covers the package list, the kernel
# package and the files under vm/image/.
VM_GUEST_VERSION=4

VM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Strict mode, and a sentence for every stop (the command, file, line, what to do).
source "$VM_DIR/../scripts/on-error.sh"
VM_REPO="$(cd "$VM_DIR/.." && pwd)"
VM_CACHE="${INPUTMUX_VM_CACHE:-/var/cache/inputmux-vm}"
VM_MIRROR="${INPUTMUX_VM_MIRROR:-http://deb.debian.org/debian}"
VM_SUITE=bookworm

# Installed with debootstrap itself (the minimum to boot with systemd and udev).
VM_BASE_PKGS=(systemd systemd-sysv udev dbus kmod)
# Installed afterwards with apt inside the root: these fail as --include.
# What the kernel suite and its helpers read devices back with: libinput (what
# compositors use), python evdev bindings, evtest/evemu, interception-tools and
# ydotool (for comparisons), an Xorg that reads input through libinput plus
# xinput/xdotool (a real "compositor" view), and the shared libraries the Swift
# products link against (libcurl4: inputmux-mcp's FoundationNetworking links it).
# xterm, x11-utils and GTK 3 (through PyGObject, vm/guest/gtkentry.py) are the real
# applications the agents' own seats type into (x11-uinput.py, "seats").
# sway (wlroots; swaymsg is in the package) with seatd and libseat, foot (a Wayland
# terminal, which needs a font: fonts-dejavu-core), wev (prints the keys its window
# gets) and grim (wlr-screencopy to PNG): the Wayland desktop of guest/start-sway.sh
# and guest/sway-check.py; wl-clipboard (wl-copy/wl-paste --seat, through
# wlr-data-control) shows each seat's own clipboard (guest/sway_seats.py).
VM_GUEST_PKGS=(
    libinput-tools libinput10 libevdev2 libudev1 libsystemd0 libxkbcommon0 xkb-data libcurl4
    python3 python3-evdev python3-libevdev
    evtest evemu-tools interception-tools ydotool
    xserver-xorg-core xserver-xorg-video-dummy xserver-xorg-input-libinput
    xinput xdotool x11-xkb-utils libx11-6 libxtst6 libxrandr2 libxi6
    libxext6 libxcomposite1 libxdamage1 libxfixes3 libpixman-1-0 libpng16-16 libturbojpeg0 python3-xlib
    libwayland-client0
    xterm x11-utils python3-gi gir1.2-gtk-3.0
    sway seatd libseat1 foot wev grim fonts-dejavu-core wl-clipboard
    procps psmisc strace less
)

# Swift products put into the guest at /opt/inputmux/bin (those not yet in
# Package.swift are skipped).
VM_PRODUCTS_DEFAULT="muxkerneltests muxbench inputmuxd muxctl inputmux-mcp"
VM_SCRATCH="$VM_REPO/.build-vm"

VM_MEM="${INPUTMUX_VM_MEM:-2048}"
VM_SMP="${INPUTMUX_VM_SMP:-2}"

vm_log() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }
vm_now() { date +%s; }

# Prints the seconds since the given start time (for the time figures we log).
vm_since() { echo "$(( $(vm_now) - $1 ))s"; }

# Installs the host tools the rig needs (idempotent, quiet when all present).
vm_host_deps() {
    local need=(qemu-system-x86 busybox-static cpio debootstrap kmod e2fsprogs coreutils util-linux binutils)
    local missing=() p
    for p in "${need[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        vm_log "installing host packages: ${missing[*]}"
        # stderr only: stdout belongs to the guest command (bench --json).
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

# Prints the second word of the first line of `apt-cache VERB PKG` that matches
# PATTERN, or nothing: an unknown package or empty apt lists print nothing.
vm_apt_field() {
    local out
    out="$(apt-cache "$1" "$2" 2>/dev/null)" || return 0
    awk -v pat="$3" 'index($0, pat) { print $2; exit }' <<< "$out"
}

# Sets VM_KPKG (e.g. linux-image-6.1.0-56-amd64) and VM_KPKG_VERSION from the
# host's apt lists: the versioned package the linux-image-amd64 metapackage
# depends on. Updates the lists once if they know nothing yet. Returns 1 when
# it cannot tell (offline with no lists).
vm_resolve_kernel() {
    if [[ -n "${INPUTMUX_VM_KERNEL_PKG:-}" ]]; then
        VM_KPKG="$INPUTMUX_VM_KERNEL_PKG"
    else
        # apt-cache exits 100 when the lists are empty (a new machine): that is
        # "unknown", answered by updating the lists, not a reason to stop.
        VM_KPKG="$(vm_apt_field depends linux-image-amd64 'Depends: linux-image-')"
        if [[ -z "$VM_KPKG" ]]; then
            vm_log "the apt lists do not know linux-image-amd64 yet: apt-get update"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || vm_log "apt-get update failed (offline?)"
            VM_KPKG="$(vm_apt_field depends linux-image-amd64 'Depends: linux-image-')"
        fi
    fi
    [[ -n "$VM_KPKG" ]] || return 1
    VM_KPKG_VERSION="$(vm_apt_field policy "$VM_KPKG" 'Candidate:')"
    [[ -n "$VM_KPKG_VERSION" && "$VM_KPKG_VERSION" != "(none)" ]] || return 1
}

# The cache key of a guest: everything that changes what goes into it.
vm_guest_key() {
    {
        echo "version=$VM_GUEST_VERSION suite=$VM_SUITE mirror=$VM_MIRROR"
        echo "kernel=$VM_KPKG=$VM_KPKG_VERSION"
        echo "base=${VM_BASE_PKGS[*]}"
        echo "pkgs=${VM_GUEST_PKGS[*]}"
        (cd "$VM_DIR/image" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    } | sha256sum | cut -c1-16
}

# Takes the cache lock (one builder at a time; a second run waits).
vm_lock_cache() {
    mkdir -p "$VM_CACHE"
    exec {VM_LOCK_FD}>"$VM_CACHE/.lock"
    if ! flock -n "$VM_LOCK_FD"; then
        vm_log "waiting for another build of the VM cache ($VM_CACHE/.lock)"
        flock "$VM_LOCK_FD"
    fi
}
vm_unlock_cache() { flock -u "$VM_LOCK_FD"; }

# Fetches and unpacks the kernel package into $VM_CACHE/kernel/PKG_VERSION
# (vmlinuz + lib/modules/KVER, depmod'ed). Atomic: unpack into tmp, rename.
# Sets VM_KDIR, VM_KVER.
vm_ensure_kernel() {
    VM_KDIR="$VM_CACHE/kernel/${VM_KPKG}_${VM_KPKG_VERSION}"
    if [[ ! -f "$VM_KDIR/.complete" ]]; then
        local t0 tmp
        t0=$(vm_now)
        vm_log "fetching kernel $VM_KPKG $VM_KPKG_VERSION"
        mkdir -p "$VM_CACHE/kernel"
        tmp="$(mktemp -d "$VM_CACHE/kernel/.tmp.XXXXXX")"
        # apt-get download runs as _apt, which needs to write into the dir.
        chmod 777 "$tmp"
        if ! (cd "$tmp" && apt-get download -qq "$VM_KPKG=$VM_KPKG_VERSION" > /dev/null 2>&1); then
            # Stale lists name a version the mirror no longer has: refresh
            # them and ask again which kernel linux-image-amd64 means now.
            vm_log "download failed; updating the apt lists and resolving the kernel again"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
            vm_resolve_kernel || vm_die "cannot resolve the kernel package after apt-get update"
            rm -rf "$tmp"
            VM_KDIR="$VM_CACHE/kernel/${VM_KPKG}_${VM_KPKG_VERSION}"
            if [[ -f "$VM_KDIR/.complete" ]]; then
                VM_KVER="$(cat "$VM_KDIR/kver")"
                return 0
            fi
            tmp="$(mktemp -d "$VM_CACHE/kernel/.tmp.XXXXXX")"
            chmod 777 "$tmp"
            (cd "$tmp" && apt-get download -qq "$VM_KPKG=$VM_KPKG_VERSION" >&2) || vm_die "cannot download $VM_KPKG"
        fi
        chmod 755 "$tmp"
        dpkg-deb -x "$tmp"/*.deb "$tmp/x"
        rm -f "$tmp"/*.deb
        local kver
        kver="$(ls "$tmp/x/lib/modules")"
        mv "$tmp/x/boot/vmlinuz-$kver" "$tmp/vmlinuz"
        mkdir -p "$tmp/lib/modules"
        mv "$tmp/x/lib/modules/$kver" "$tmp/lib/modules/$kver"
        rm -rf "$tmp/x"
        depmod -b "$tmp" "$kver"
        echo "$kver" > "$tmp/kver"
        touch "$tmp/.complete"
        rm -rf "$VM_KDIR"
        mv "$tmp" "$VM_KDIR"
        vm_log "kernel ready in $(vm_since "$t0")"
    fi
    VM_KVER="$(cat "$VM_KDIR/kver")"
}

# Prints the .ko files (in insmod order, deps first) needed for MODULES...,
# without duplicates. crc32c-intel is skipped: it fails under TCG, and
# crc32c_generic covers it.
vm_module_order() {
    local m deps
    for m in "$@"; do
        deps="$(modprobe -d "$VM_KDIR" -S "$VM_KVER" --show-depends "$m")" \
            || vm_die "the kernel $VM_KVER in $VM_KDIR has no module $m (delete that directory to fetch the kernel again)"
        awk '$1=="insmod"{print $2}' <<< "$deps"
    done | awk '!/crc32c-intel/ && !seen[$0]++'
}

# Builds the tiny busybox initramfs that loads virtio/virtio_blk/ext4 (and
# virtio_console for the result channels), mounts /dev/vda and switch_roots
# into systemd. Writes it to $1.
vm_make_boot_initramfs() {
    local out="$1" d i=0 ko
    d="$(mktemp -d)"
    mkdir -p "$d/bin" "$d/lib/mods" "$d/proc" "$d/sys" "$d/dev" "$d/newroot"
    cp /bin/busybox "$d/bin/busybox"
    while read -r ko; do
        i=$((i + 1))
        cp "$ko" "$d/lib/mods/$(printf '%02d' "$i")-$(basename "$ko")"
    done < <(vm_module_order virtio_pci virtio_blk crc32c_generic ext4 virtio_console)
    install -m 755 "$VM_DIR/image/initramfs-init" "$d/init"
    (cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out"
    rm -rf "$d"
}

# Runs a command inside the guest's root. The host's APT_CONFIG (CI points it at
# fresh apt lists) names a file of the host, not of the root: the root's apt
# must read its own configuration.
vm_chroot() { env -u APT_CONFIG chroot "$@"; }

# Mounts what apt needs inside the chroot; vm_chroot_umount undoes it.
vm_chroot_mount() {
    local r="$1"
    mount -t proc proc "$r/proc"
    mount -t sysfs sysfs "$r/sys"
    mount --bind /dev "$r/dev"
    mount --bind /dev/pts "$r/dev/pts"
}
vm_chroot_umount() {
    local r="$1" m
    for m in dev/pts dev sys proc; do
        mountpoint -q "$r/$m" && umount -l "$r/$m" || true
    done
}

# Builds a guest into $VM_CACHE/guest-KEY: debootstrap, apt inside the chroot,
# the kernel's modules, our units, then root.img (ext4) and initrd.img.
# Atomic: everything happens in a tmp dir that is renamed at the end, so an
# interrupted build never leaves a half guest behind.
vm_build_guest() {
    local dest="$1" t0 tmp root
    t0=$(vm_now)
    tmp="$(mktemp -d "$VM_CACHE/.tmp-guest.XXXXXX")"
    chmod 755 "$tmp"
    root="$tmp/root"
    # Unmount the chroot even when the build fails half-way. (A leftover tmp
    # dir of an interrupted build is removed by the next vm_ensure_guest.)
    trap "vm_chroot_umount '$root'" EXIT
    vm_log "building guest $(basename "$dest") (debootstrap $VM_SUITE, takes a few minutes)"
    local includes
    includes="$(IFS=,; echo "${VM_BASE_PKGS[*]}")"
    env -u APT_CONFIG debootstrap --variant=minbase --include="$includes" "$VM_SUITE" "$root" "$VM_MIRROR" \
        > "$tmp/debootstrap.log" 2>&1 || { tail -30 "$tmp/debootstrap.log" >&2; vm_die "debootstrap failed"; }
    vm_log "debootstrap done after $(vm_since "$t0")"

    # No service may start inside the chroot while packages install.
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    echo "deb $VM_MIRROR $VM_SUITE main" > "$root/etc/apt/sources.list"
    vm_chroot_mount "$root"
    {
        vm_chroot "$root" apt-get update -qq
        vm_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${VM_GUEST_PKGS[@]}"
        vm_chroot "$root" apt-get clean
    } > "$tmp/apt.log" 2>&1 || { tail -30 "$tmp/apt.log" >&2; vm_die "apt inside the guest root failed"; }
    vm_chroot_umount "$root"
    rm -f "$root/usr/sbin/policy-rc.d"
    rm -rf "$root/var/lib/apt/lists/"*
    vm_log "guest packages installed after $(vm_since "$t0")"

    vm_configure_root "$root"

    # Image size: the tree plus room for test output (the root runs with
    # -snapshot, so the cached image itself is never written to).
    local mb
    mb=$(( $(du -sm "$root" | cut -f1) * 12 / 10 + 512 ))
    truncate -s "${mb}M" "$tmp/root.img"
    mkfs.ext4 -q -F -L inputmux-root -d "$root" "$tmp/root.img"
    vm_make_boot_initramfs "$tmp/initrd.img"
    cp "$VM_KDIR/vmlinuz" "$tmp/vmlinuz"
    echo "$VM_KVER" > "$tmp/kver"
    # A list of the guest's shared libraries, to check the payload against.
    (cd "$root" && find usr/lib lib -name '*.so*' -printf '%f\n' 2>/dev/null || true) | sort -u > "$tmp/libs.txt"
    printf '%s\n' "${VM_BASE_PKGS[@]}" "${VM_GUEST_PKGS[@]}" > "$tmp/packages.txt"
    vm_chroot "$root" dpkg-query -W > "$tmp/dpkg-versions.txt"
    rm -rf "$root"
    trap - EXIT
    rm -rf "$dest"
    mv "$tmp" "$dest"
    vm_log "guest built in $(vm_since "$t0") ($(du -sh "$dest/root.img" | cut -f1) on disk)"
}

# Configures the root for our boots: no password, fixed identity, the
# kernel's input-related modules, the runner unit, and no timers or gettys
# that slow a TCG boot down.
vm_configure_root() {
    local r="$1"
    echo inputmux-guest > "$r/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 inputmux-guest\n' > "$r/etc/hosts"
    # A fixed machine-id: no first-boot setup on every (snapshot) boot.
    echo 0123456789abcdef0123456789abcdef > "$r/etc/machine-id"
    vm_chroot "$r" passwd -d root > /dev/null
    # /dev/vdb (the payload) is mounted by image/inputmux-mount-payload.
    echo '/dev/vda  /  ext4  rw,errors=remount-ro  0 0' > "$r/etc/fstab"
    mkdir -p "$r/opt/inputmux"

    # Only the modules a test VM can use: input, hid, virtio, block, ext4 and
    # their helpers. udev would otherwise spend TCG time loading drivers for
    # every emulated PC device.
    local src="$VM_KDIR/lib/modules/$VM_KVER" dst="$r/lib/modules/$VM_KVER" sub
    mkdir -p "$dst/kernel"
    cp "$src"/modules.order "$src"/modules.builtin* "$dst/"
    for sub in drivers/input drivers/hid drivers/virtio drivers/block drivers/char fs/ext4 fs/jbd2 fs/mbcache.ko lib crypto; do
        [[ -e "$src/kernel/$sub" ]] || continue
        mkdir -p "$dst/kernel/$(dirname "$sub")"
        cp -a "$src/kernel/$sub" "$dst/kernel/$sub"
    done
    depmod -b "$r" "$VM_KVER"

    # Our files: the runner, its unit, the getty autologin for vm/shell.sh.
    install -m 755 "$VM_DIR/image/inputmux-run" "$r/usr/local/sbin/inputmux-run"
    install -m 755 "$VM_DIR/image/inputmux-mount-payload" "$r/usr/local/sbin/inputmux-mount-payload"
    install -m 644 "$VM_DIR/image/inputmux-run.service" "$r/etc/systemd/system/inputmux-run.service"
    install -m 644 "$VM_DIR/image/inputmux-payload.service" "$r/etc/systemd/system/inputmux-payload.service"
    mkdir -p "$r/etc/systemd/system/serial-getty@ttyS0.service.d"
    install -m 644 "$VM_DIR/image/autologin.conf" "$r/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
    mkdir -p "$r/etc/X11"
    install -m 644 "$VM_DIR/image/xorg-dummy.conf" "$r/etc/X11/xorg-inputmux.conf"
    vm_chroot "$r" systemctl enable inputmux-run.service inputmux-payload.service > /dev/null 2>&1
    local u
    for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
             fstrim.timer man-db.timer dpkg-db-backup.timer logrotate.timer \
             getty@tty1.service systemd-timesyncd.service systemd-networkd.service \
             systemd-networkd-wait-online.service systemd-pstore.service \
             udevmon.service ydotoold.service seatd.service; do
        ln -sf /dev/null "$r/etc/systemd/system/$u"
    done
    # (udevmon, from interception-tools, grabs devices by its own config and
    # ydotoold creates a device: tests start them explicitly when they want. seatd's
    # unit serves the group video; guest/start-sway.sh runs one for sway's user.)
    # Journald to the console would interleave with the boot log we keep; keep
    # the journal in memory only (faster on TCG, nothing to persist).
    mkdir -p "$r/etc/systemd/journald.conf.d"
    printf '[Journal]\nStorage=volatile\n' > "$r/etc/systemd/journald.conf.d/inputmux.conf"
}

# Removes what interrupted builds left behind, and all but the most recently
# used guests (about 650 MB each; several are kept because work trees of
# different branches may need different guests at the same time). Runs with the
# cache lock held, so no other build is in progress. A killed build may still
# have /dev bind-mounted into its chroot: unmount before deleting.
VM_KEEP_GUESTS=3
vm_clean_cache() {
    local d
    for d in "$VM_CACHE"/.tmp-guest.* "$VM_CACHE"/kernel/.tmp.*; do
        [[ -d "$d" ]] || continue
        [[ -d "$d/root" ]] && vm_chroot_umount "$d/root"
        rm -rf --one-file-system "$d"
    done
    # Guests by last use (the .used file is touched by every run), oldest last.
    # No glob match (a new machine has no guest yet) is an empty list, not an
    # error: nullglob instead of `ls`, which exits 2 on a pattern that matches
    # nothing and, under pipefail, used to end the run without a word.
    local used=() old
    mapfile -t used < <(shopt -s nullglob; for d in "$VM_CACHE"/guest-*/.used; do
        printf '%s %s\n' "$(stat -c %Y "$d")" "$d"; done | sort -rn | cut -d' ' -f2-)
    for old in "${used[@]:$((VM_KEEP_GUESTS - 1))}"; do
        rm -rf --one-file-system "$(dirname "$old")"
    done
}

# Makes sure a guest for the current key exists; sets VM_GUEST (its dir).
vm_ensure_guest() {
    local hint="$INPUTMUX_ERROR_HINT"
    on_error_hint "preparing the VM cache in $VM_CACHE failed: it must be a writable directory with about 3 GB free (INPUTMUX_VM_CACHE names another), and the first run needs the Debian mirror ($VM_MIRROR)"
    (($(id -u) == 0)) || vm_die "the VM rig installs packages and builds its guest with debootstrap, chroot and mount, which need root: run the command again with sudo"
    vm_host_deps
    mkdir -p "$VM_CACHE"
    if vm_resolve_kernel; then
        vm_lock_cache
        vm_ensure_kernel
        local key
        key="$(vm_guest_key)"
        VM_GUEST="$VM_CACHE/guest-$key"
        if [[ ! -f "$VM_GUEST/root.img" ]]; then
            # Leaves room for the new one: VM_KEEP_GUESTS - 1 older guests.
            vm_clean_cache
            vm_build_guest "$VM_GUEST"
        fi
        touch "$VM_GUEST/.used"
        ln -sfn "guest-$key" "$VM_CACHE/current"
        vm_unlock_cache
    elif [[ -f "$VM_CACHE/current/root.img" ]]; then
        # Offline and no apt lists: the last guest we built is the best we have.
        vm_log "cannot resolve the kernel package (offline?); using the cached guest"
        VM_GUEST="$(readlink -f "$VM_CACHE/current")"
    else
        vm_die "cannot resolve the kernel package and no cached guest in $VM_CACHE"
    fi
    on_error_hint "$hint"
}

# Prints the products of VM_PRODUCTS (default: VM_PRODUCTS_DEFAULT).
vm_wanted_products() {
    local p
    for p in ${INPUTMUX_VM_PRODUCTS:-$VM_PRODUCTS_DEFAULT}; do
        echo "$p"
    done
}

# Prints the wanted products that Package.swift declares, so the rig keeps
# working while products are added.
vm_existing_products() {
    local p
    for p in $(vm_wanted_products); do
        if grep -Eq "\\.executable\\(name: *\"$p\"" "$VM_REPO/Package.swift"; then
            echo "$p"
        else
            vm_log "product $p is not in Package.swift yet; skipping it"
        fi
    done
}

# Builds the Swift products for the guest (release, static Swift stdlib; they
# still link glibc, libevdev and libudev dynamically, which the guest has).
vm_build_products() {
    local products=("$@") args=() p t0
    ((${#products[@]})) || return 0
    t0=$(vm_now)
    export PATH="/opt/swift/usr/bin:$PATH"
    for p in "${products[@]}"; do args+=(--product "$p"); done
    vm_log "swift build -c release --static-swift-stdlib ${args[*]}"
    # One product per invocation: SwiftPM builds only the last --product given.
    for p in "${products[@]}"; do
        (cd "$VM_REPO" && swift build -c release --static-swift-stdlib --scratch-path "$VM_SCRATCH" --product "$p") >&2 \
            || vm_die "swift build of $p failed"
    done
    vm_log "products built in $(vm_since "$t0")"
}

# Checks that every shared library a binary needs exists in the guest, so a
# missing package shows up as a clear message instead of a loader error.
vm_check_libs() {
    local bin="$1" lib missing=()
    while read -r lib; do
        grep -qxF "$lib" "$VM_GUEST/libs.txt" || missing+=("$lib")
    done < <(objdump -p "$bin" 2>/dev/null | awk '/NEEDED/{print $2}')
    if ((${#missing[@]})); then
        vm_log "warning: $(basename "$bin") needs ${missing[*]}, which the guest lacks (add the package to VM_GUEST_PKGS in vm/lib.sh)"
    fi
}

# PyPI packages guest tests use (vm/guest/requirements.txt, pinned), installed on
# the host by pip for the guest's Python (bookworm: CPython 3.11, x86_64 glibc)
# into a cache directory keyed on the requirements; prints that directory. Wheels
# only, chosen by the guest's tags rather than the host interpreter's, so a host
# with another Python still fetches what the guest can import.
vm_python_libs() {
    local req="$VM_DIR/guest/requirements.txt" key dir tmp py
    key="$(sha256sum "$req" | cut -c1-16)"
    dir="$VM_CACHE/pylib-$key"
    if [[ ! -d "$dir" ]]; then
        mkdir -p "$VM_CACHE"
        py="$(command -v python3)" || vm_die "python3 is needed to fetch the guest's PyPI packages (scripts/deps.sh)"
        tmp="$(mktemp -d "$VM_CACHE/pylib-tmp.XXXXXX")"
        vm_log "fetching the guest's PyPI packages ($(grep -v '^#' "$req" | xargs))"
        if ! "$py" -m pip install --quiet --disable-pip-version-check --no-warn-conflicts --root-user-action=ignore \
                --break-system-packages --no-compile --target "$tmp" \
                --only-binary=:all: --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none \
                --platform manylinux_2_36_x86_64 --platform manylinux_2_28_x86_64 \
                --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any \
                -r "$req" >&2; then
            rm -rf "$tmp"
            vm_die "pip could not fetch vm/guest/requirements.txt (network to PyPI needed once; then it is cached in $VM_CACHE)"
        fi
        mv "$tmp" "$dir"
    fi
    echo "$dir"
}

# Builds the per-run payload disk: /opt/inputmux/{bin,guest,run} in the guest.
# With INPUTMUX_VM_PYTHON_LIBS=1 it also carries /opt/inputmux/pylib (vm_python_libs),
# for guest scripts run with PYTHONPATH=/opt/inputmux/pylib.
# $1 = run dir; the command to run is the rest.
vm_make_payload() {
    local run="$1"; shift
    local p="$run/payload" products=() prod
    mkdir -p "$p/bin" "$p/guest" "$p/run" "$p/out"
    if [[ "${INPUTMUX_VM_NO_BUILD:-0}" != 1 ]]; then
        mapfile -t products < <(vm_existing_products)
        vm_build_products "${products[@]}"
    fi
    for prod in $(vm_wanted_products); do
        if [[ -x "$VM_SCRATCH/release/$prod" ]]; then
            cp "$VM_SCRATCH/release/$prod" "$p/bin/"
            vm_check_libs "$p/bin/$prod"
        fi
    done
    cp -a "$VM_DIR/guest/." "$p/guest/"
    if [[ "${INPUTMUX_VM_PYTHON_LIBS:-0}" == 1 ]]; then
        # Assigned first: a failed fetch stops here, not as a cp of an empty path.
        local pylib
        pylib="$(vm_python_libs)"
        cp -a "$pylib" "$p/pylib"
    fi
    # The standard-library Python client, which guest scripts (the demo) use.
    cp "$VM_DIR/../examples/python/inputmux_client.py" "$p/guest/"
    # The recording X client the X11 tests use, for the guest's Xorg test (python3-xlib).
    cp "$VM_DIR/../Tests/InputMuxX11Tests/Fixtures/xclient.py" "$p/guest/"
    # The command, quoted, so arguments survive the trip as they are.
    {
        echo '#!/bin/bash'
        printf 'exec'
        printf ' %q' "$@"
        echo
    } > "$p/run/cmd"
    chmod 755 "$p/run/cmd"
    echo "${VM_GUEST_TIMEOUT:-0}" > "$p/run/timeout"
    local mb
    mb=$(( $(du -sm "$p" | cut -f1) + 64 ))
    truncate -s "${mb}M" "$run/payload.img"
    mkfs.ext4 -q -F -L inputmux-payload -d "$p" "$run/payload.img"
}

# The QEMU command line shared by every boot. $1 = run dir, $2 = kernel cmdline
# extras. Serial 0 is the console; two virtio-serial ports carry the payload
# command's stdout and stderr to files (binary-clean, never mixed with the
# boot log).
vm_qemu_args() {
    local run="$1" extra="$2"
    QEMU_ARGS=(
        qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu max
        -m "$VM_MEM" -smp "$VM_SMP" -no-reboot -vga none -nic none
        -kernel "$VM_GUEST/vmlinuz" -initrd "$VM_GUEST/initrd.img"
        -append "console=ttyS0 panic=-1 loglevel=4 rw $extra"
        -drive "file=$VM_GUEST/root.img,format=raw,if=virtio,snapshot=on"
    )
    if [[ -f "$run/payload.img" ]]; then
        QEMU_ARGS+=(-drive "file=$run/payload.img,format=raw,if=virtio")
    fi
    QEMU_ARGS+=(
        -device virtio-serial-pci
        -chardev "file,id=out,path=$run/stdout"
        -device "virtserialport,chardev=out,name=inputmux.stdout"
        -chardev "file,id=err,path=$run/stderr"
        -device "virtserialport,chardev=err,name=inputmux.stderr"
    )
}

# Judges a suite run from its log: the plain closing line "N passed, N failed"
# (optionally after one "word:" prefix) must be there with N failed == 0 and
# N passed > 0, and the run's exit status must be 0. $1 = log, $2 = exit status,
# $3 = what ran (for messages), $4 = a prefix to restate the count under (as the
# log's last count line), or empty. Returns non-zero on any failure.
vm_judge_summary() {
    local log="$1" rc="$2" what="$3" restate="$4" summary passed failed
    summary="$(grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
    if [[ -z "$summary" ]]; then
        vm_log "$what FAILED: no 'N passed, N failed' line (run exit status $rc)"
        return 1
    fi
    passed="$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<< "$summary")"
    failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$summary")"
    [[ -n "$restate" ]] && echo "$restate: $passed passed, $failed failed"
    if ((failed > 0)); then
        vm_log "$what FAILED: $failed failed, $passed passed"
        return 1
    fi
    if ((passed == 0)); then
        vm_log "$what FAILED: it ran no test (0 passed)"
        return 1
    fi
    if ((rc != 0)); then
        vm_log "$what FAILED: $passed passed, but the run exited with $rc"
        return 1
    fi
    vm_log "$what passed: $passed passed, 0 failed"
}
