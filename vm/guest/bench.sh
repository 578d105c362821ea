#!/usr/bin/env bash
# The benchmarks in the guest (vm/bench.sh runs this): the passthrough benchmark, then
# inputmuxd end to end (muxbench daemon), whose JSON goes to /opt/inputmux/out/daemon.json.
#
#   bash /opt/inputmux/guest/bench.sh [--json] [MUXBENCH-DAEMON-ARGS...]
#
# With --json, stdout is one JSON object {"passthrough": …, "daemon": …} and the tables
# go to stderr.
set -euo pipefail
json=0
if [[ "${1:-}" == --json ]]; then json=1; shift; fi
out=/opt/inputmux/out
mkdir -p "$out"

if ((json)); then
    muxbench passthrough --json > "$out/passthrough.json"
    muxbench daemon --json "$out/daemon.json" "$@" >&2
    printf '{"passthrough":%s,"daemon":%s}\n' "$(cat "$out/passthrough.json")" "$(cat "$out/daemon.json")"
else
    muxbench passthrough
    echo
    muxbench daemon --json "$out/daemon.json" "$@"
fi
