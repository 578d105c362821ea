#!/usr/bin/env bash
# The benchmarks in the guest (vm/bench.sh runs this): the passthrough benchmark,
# inputmuxd end to end (muxbench daemon), whose JSON goes to /opt/inputmux/out/daemon.json,
# then muxctl's per-command cost against ydotool (cli-bench.sh, JSON in cli.json).
# Without MUXBENCH-DAEMON-ARGS, the lease grants run a second time with joydev kept out of
# the kernel (JSON in daemon-no-joydev.json): with it, each session's pointer also takes a
# js node, and the kernel's 1024 input minors run out at about 210 sessions
# (docs/INSTALL.md, "How many agent sessions fit").
#
#   bash /opt/inputmux/guest/bench.sh [--json] [MUXBENCH-DAEMON-ARGS...]
#
# With --json, stdout is one JSON object {"passthrough": …, "daemon": …, "daemon_no_joydev": …, "cli": …}
# (daemon_no_joydev null when MUXBENCH-DAEMON-ARGS are given) and the tables
# go to stderr.
set -euo pipefail
json=0
if [[ "${1:-}" == --json ]]; then json=1; shift; fi
out=/opt/inputmux/out
mkdir -p "$out"
extra=$#

# The lease grants again, joydev unloaded and kept from loading again (as an operator of a
# host without joysticks that runs many agents would do).
leases_without_joydev() {
    echo "install joydev /bin/false" > /etc/modprobe.d/inputmux-bench-no-joydev.conf
    modprobe -r joydev 2>/dev/null || true
    muxbench daemon --only leases --json "$out/daemon-no-joydev.json"
    rm -f /etc/modprobe.d/inputmux-bench-no-joydev.conf
}

if ((json)); then
    muxbench passthrough --json > "$out/passthrough.json"
    muxbench daemon --json "$out/daemon.json" "$@" >&2
    if ((extra == 0)); then leases_without_joydev >&2; else echo null > "$out/daemon-no-joydev.json"; fi
    bash /opt/inputmux/guest/cli-bench.sh >&2
    printf '{"passthrough":%s,"daemon":%s,"daemon_no_joydev":%s,"cli":%s}\n' "$(cat "$out/passthrough.json")" "$(cat "$out/daemon.json")" \
        "$(cat "$out/daemon-no-joydev.json")" "$(cat "$out/cli.json")"
else
    muxbench passthrough
    echo
    muxbench daemon --json "$out/daemon.json" "$@"
    echo
    if ((extra == 0)); then leases_without_joydev; echo; fi
    bash /opt/inputmux/guest/cli-bench.sh
fi
