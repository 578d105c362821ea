#!/usr/bin/env bash
# The benchmarks in the guest (vm/bench.sh runs this): the passthrough benchmark,
# inputmuxd end to end (muxbench daemon), whose JSON goes to /opt/inputmux/out/daemon.json,
# then muxctl's per-command cost against ydotool (cli-bench.sh, JSON in cli.json),
# then inputmuxd's sway adapter against a real sway (sway-bench.py: a 1280x800 capture
# against grim, three agents typing at once against one alone; JSON in sway.json).
# joydev is loaded first, as a stock kernel loads it as soon as an absolute device
# appears: agent pointers keep clear of it (docs/INSTALL.md, "How many agent sessions
# fit"), so the lease grants connect all 256 sessions with it loaded.
#
#   bash /opt/inputmux/guest/bench.sh [--json] [MUXBENCH-DAEMON-ARGS...]
#
# With --json, stdout is one JSON object {"passthrough": …, "daemon": …, "cli": …, "sway": …} and the
# tables go to stderr.
set -euo pipefail
json=0
if [[ "${1:-}" == --json ]]; then json=1; shift; fi
out=/opt/inputmux/out
mkdir -p "$out"
modprobe joydev

if ((json)); then
    muxbench passthrough --json > "$out/passthrough.json"
    muxbench daemon --json "$out/daemon.json" "$@" >&2
    bash /opt/inputmux/guest/cli-bench.sh >&2
    python3 /opt/inputmux/guest/sway-bench.py --json "$out/sway.json" >&2
    printf '{"passthrough":%s,"daemon":%s,"cli":%s,"sway":%s}\n' "$(cat "$out/passthrough.json")" "$(cat "$out/daemon.json")" \
        "$(cat "$out/cli.json")" "$(cat "$out/sway.json")"
else
    muxbench passthrough
    echo
    muxbench daemon --json "$out/daemon.json" "$@"
    echo
    bash /opt/inputmux/guest/cli-bench.sh
    echo
    python3 /opt/inputmux/guest/sway-bench.py --json "$out/sway.json"
fi
