#!/usr/bin/env bash
# Builds (or reuses) the cached guest: kernel, root image, boot initramfs.
# Every other vm/ script does this on its own; run this to pre-warm the cache
# or to see where it is. Prints the guest's directory.
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"
vm_ensure_guest
echo "$VM_GUEST"
