#!/usr/bin/env bash
# The fast path (vm/smoke.sh --initramfs): no root image, no systemd, no udev.
# An initramfs with busybox, evdev.ko, uinput.ko and a static C uinput
# round-trip (vm/quick/uinput-roundtrip.c) boots in about 10 s. Good for a
# quick "does this kernel do uinput" check; the kernel suite uses the full
# guest (libinput needs udev).
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"

t0=$(vm_now)
vm_host_deps
mkdir -p "$VM_CACHE"
vm_resolve_kernel || vm_die "cannot resolve the kernel package (apt lists?)"
vm_lock_cache
vm_ensure_kernel
vm_unlock_cache

run="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-quick.XXXXXX")"
trap 'rm -rf "$run"' EXIT
d="$run/initramfs"
mkdir -p "$d/bin" "$d/lib/mods" "$d/proc" "$d/sys" "$d/dev"
cp /bin/busybox "$d/bin/"
i=0
while read -r ko; do
    i=$((i + 1))
    cp "$ko" "$d/lib/mods/$(printf '%02d' "$i")-$(basename "$ko")"
done < <(vm_module_order evdev uinput)
gcc -O2 -Wall -static -o "$d/run-cmd" "$VM_DIR/quick/uinput-roundtrip.c"
install -m 755 "$VM_DIR/quick/init" "$d/init"
(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$run/initrd.img"

vm_log "booting the initramfs guest"
set +e
timeout -k 5 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 512 -smp 1 \
    -no-reboot -vga none -nic none -display none -monitor none \
    -kernel "$VM_KDIR/vmlinuz" -initrd "$run/initrd.img" \
    -append "console=ttyS0 panic=-1 loglevel=3 rdinit=/init" \
    -serial "file:$run/console.log" < /dev/null
qemu_rc=$?
set -e
# Print what the round-trip said (between the markers).
sed -e 's/\r$//' "$run/console.log" | sed -n '/^@@INPUTMUX-BEGIN@@$/,/^@@INPUTMUX-EXIT/{/^@@INPUTMUX-/!p}'
rc_line="$(sed -e 's/\r$//' "$run/console.log" | grep -a -o '^@@INPUTMUX-EXIT [0-9]*@@' | tail -n 1 || true)"
if [[ -z "$rc_line" ]]; then
    vm_log "the initramfs guest did not report (qemu exit $qemu_rc); last console lines:"
    tail -n 30 "$run/console.log" >&2
    exit 125
fi
rc="${rc_line//[^0-9]/}"
vm_log "initramfs smoke exited with $rc after $(vm_since "$t0")"
exit "$rc"
