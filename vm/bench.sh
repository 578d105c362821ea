#!/usr/bin/env bash
# Runs the benchmarks against the real kernel in the QEMU guest and prints their
# tables: `muxbench passthrough` (the human's input path vs the bare kernel hop and
# interception-tools), then `muxbench daemon` (inputmuxd end to end: injection and
# typing vs ydotool, lease grants with 256 sessions, passthrough under a 16-agent
# flood, memory with 64 sessions), then `muxctl agent … click` per command vs
# `ydotool click` (vm/guest/cli-bench.sh), then inputmuxd on a real sway
# (vm/guest/sway-bench.py: a 1280x800 capture vs grim, three agents typing at once vs one).
#
#   bash vm/bench.sh [--json] [MUXBENCH-DAEMON-ARGS...]
#
# The JSON of the daemon and CLI benchmarks is copied to ${INPUTMUX_BENCH_OUT:-bench-results}/
# (daemon.json, cli.json, sway.json). The guest loads joydev first, as a stock kernel has it.
# With --json, stdout is one JSON object {"passthrough": …, "daemon": …, "cli": …, "sway": …} and nothing else.
source "$(dirname "$0")/../scripts/on-error.sh"
source "$(dirname "$0")/lib.sh"
results="${INPUTMUX_BENCH_OUT:-$VM_REPO/bench-results}"
mkdir -p "$results"
# The rig copies the guest's /opt/inputmux/out back as DIR/out.
export INPUTMUX_VM_OUT="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-bench.XXXXXX")"
trap 'rm -rf "$INPUTMUX_VM_OUT"' EXIT
set +e
bash "$VM_DIR/run-in-guest.sh" --timeout "${INPUTMUX_BENCH_TIMEOUT:-2400}" -- bash /opt/inputmux/guest/bench.sh "$@"
rc=$?
set -e
for f in "$INPUTMUX_VM_OUT"/out/*.json; do
    [[ -f "$f" ]] || continue
    cp "$f" "$results/"
    vm_log "benchmark JSON: $results/$(basename "$f")"
done
exit "$rc"
