#!/usr/bin/env bash
# Boots the kernel-test guest, runs one command there as root, prints its
# output, powers off and exits with the command's exit status.
#
#   vm/run-in-guest.sh [--timeout SEC] [--no-build] [--] CMD [ARG...]
#
# CMD is looked up in /opt/inputmux/bin (the Swift products) first, then the
# guest's PATH; vm/guest/ is at /opt/inputmux/guest and the working directory
# is /opt/inputmux. The command's stdout goes to stdout and its stderr to
# stderr (the guest's boot log is kept apart). Files the command writes to
# /opt/inputmux/out are copied back into $INPUTMUX_VM_OUT if that is set.
#
# Exit status: the command's, or 124 when the run hit the time limit, 125 when
# the guest never reported an exit status (boot failure, crash).
#
# Environment: INPUTMUX_VM_CACHE (cache dir, default /var/cache/inputmux-vm),
# INPUTMUX_VM_PRODUCTS (Swift products to build and copy), INPUTMUX_VM_NO_BUILD=1
# (reuse what .build-vm has), INPUTMUX_VM_VERBOSE=1 (boot log to stderr live),
# INPUTMUX_VM_KEEP=1 (keep the run dir), INPUTMUX_VM_MEM, INPUTMUX_VM_SMP.
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"

timeout_s="${INPUTMUX_VM_TIMEOUT:-600}"
while (($#)); do
    case "$1" in
        --timeout) timeout_s="$2"; shift 2 ;;
        --no-build) export INPUTMUX_VM_NO_BUILD=1; shift ;;
        --) shift; break ;;
        -*) vm_die "unknown option $1 (usage: vm/run-in-guest.sh [--timeout SEC] [--no-build] [--] CMD [ARG...])" ;;
        *) break ;;
    esac
done
(($#)) || vm_die "usage: vm/run-in-guest.sh [--timeout SEC] [--no-build] [--] CMD [ARG...]"

t_start=$(vm_now)
vm_ensure_guest
t_guest=$(vm_now)

run="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-vm.XXXXXX")"
keep="${INPUTMUX_VM_KEEP:-0}"
cleanup() {
    [[ -n "${tail_out:-}" ]] && { kill "$tail_out" 2>/dev/null || true; }
    [[ -n "${tail_err:-}" ]] && { kill "$tail_err" 2>/dev/null || true; }
    if [[ "$keep" == 1 ]]; then vm_log "run dir kept: $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT

# The guest stops the command a bit before the host stops QEMU, so a hung
# command still reports (boot takes well under a minute even on TCG).
guest_limit=$((timeout_s > 150 ? timeout_s - 90 : timeout_s * 2 / 3))
VM_GUEST_TIMEOUT="$guest_limit" vm_make_payload "$run" "$@"
t_payload=$(vm_now)

vm_qemu_args "$run" "inputmux.run=1 systemd.mask=serial-getty@ttyS0.service"
: > "$run/stdout"; : > "$run/stderr"; : > "$run/console.log"
vm_log "booting the guest (limit ${timeout_s}s; boot log: $run/console.log)"

# -serial file: the console goes to a log we print on failure; with
# INPUTMUX_VM_VERBOSE=1 it is also followed live on stderr.
timeout -k 10 "$timeout_s" "${QEMU_ARGS[@]}" -display none -monitor none \
    -serial "file:$run/console.log" < /dev/null > "$run/qemu.log" 2>&1 &
qemu=$!

# Follow the command's output live (CI logs then show progress even if the
# run hangs), without the rig's own markers.
strip_markers() { sed -u -e 's/\r$//' -e '/^@@INPUTMUX-\(BEGIN\|EXIT [0-9]*\)@@$/d'; }
tail -s 0.2 -n +1 -f --pid="$qemu" "$run/stdout" | strip_markers &
tail_out=$!
tail -s 0.2 -n +1 -f --pid="$qemu" "$run/stderr" | strip_markers >&2 &
tail_err=$!
if [[ "${INPUTMUX_VM_VERBOSE:-0}" == 1 ]]; then
    tail -s 0.2 -n +1 -f --pid="$qemu" "$run/console.log" >&2 &
fi

set +e
wait "$qemu"
qemu_rc=$?
wait "$tail_out" "$tail_err"
set -e
tail_out="" tail_err=""
t_end=$(vm_now)

if [[ -n "${INPUTMUX_VM_OUT:-}" && -f "$run/payload.img" ]]; then
    mkdir -p "$INPUTMUX_VM_OUT"
    debugfs -R "rdump /out $INPUTMUX_VM_OUT" "$run/payload.img" > /dev/null 2>&1 || true
fi

show_console() {
    vm_log "last lines of the guest's boot log:"
    tail -n 40 "$run/console.log" | sed -e 's/\r$//' -e 's/^/  | /' >&2
    [[ -s "$run/qemu.log" ]] && sed 's/^/  qemu: /' "$run/qemu.log" >&2
    keep=1
}

timing="payload $((t_payload - t_guest))s, guest run $((t_end - t_payload))s, total $((t_end - t_start))s"
if ((qemu_rc == 124 || qemu_rc == 137)); then
    vm_log "TIMEOUT: QEMU did not finish within ${timeout_s}s ($timing)"
    show_console
    exit 124
fi
rc_line="$(grep -a -o '^@@INPUTMUX-EXIT [0-9]*@@' "$run/stdout" | tail -n 1 || true)"
if [[ -z "$rc_line" ]]; then
    if grep -aq '^@@INPUTMUX-BEGIN@@' "$run/stdout"; then
        vm_log "the command started but the guest stopped before it reported an exit status (qemu exit $qemu_rc; $timing)"
    else
        vm_log "the command never started: the guest failed to boot or to run inputmux-run (qemu exit $qemu_rc; $timing)"
    fi
    show_console
    exit 125
fi
rc="${rc_line//[^0-9]/}"
vm_log "guest command exited with $rc ($timing)"
if ((rc != 0)); then
    # A failing command: the boot log matters only if the kernel complained.
    if grep -aqE 'Oops|BUG:|WARNING:|Call Trace|segfault|traps:|general protection' "$run/console.log"; then
        vm_log "the guest kernel logged problems:"
        grep -aE -A3 'Oops|BUG:|WARNING:|Call Trace|segfault|traps:|general protection' "$run/console.log" \
            | head -n 60 | sed -e 's/\r$//' -e 's/^/  | /' >&2
    fi
fi
exit "$rc"
