#!/usr/bin/env bash
# Per-command cost of `muxctl agent … click` against `ydotool click`, side by side in
# one guest run (vm/guest/bench.sh runs it; alone: vm/run-in-guest.sh -- bash
# /opt/inputmux/guest/cli-bench.sh [RUNS]). Starts its own inputmuxd.
# With INPUTMUX_CLI_BENCH_OTHERS="DIR [DIR]" (other builds' muxctl, each with what it
# needs beside it, copied into the payload), each build's muxctl rows run in the same
# rounds, marked with its directory's name, so builds are compared under the same load.
#
# Rows: a click through a held lease (`lease acquire` first: the way scripts should
# call it), a click as a session of its own (connect, new devices, lease, click,
# release), muxctl parsing a whole command line with no request (`lease status` of an
# agent without a holder), the floor of any process start (/bin/true), and ydotool as
# Debian ships it (0.1.8, no ydotoold: its own uinput device and a 100 ms delay per
# click). ydotool's device is a "physical" one to inputmuxd, so each round ends with it
# and then waits out the human quiet period (400 ms) with a 2 s gap: with 0.6 s, and
# once with 1 s on a loaded host, a held click of the next round was still refused as
# paused (exit 5), in a fraction of a click's time, which pulled the median down. The
# warm-up pass (one untimed run of each command, ydotool last) is followed by the same
# gap: since inputmuxd grabs a plugged-in device off its human thread, it sees that
# ydotool click too, and the first round's held clicks were refused as paused. The goal
# (a held-lease click at most a third of ydotool's time) is judged natively
# (scripts/cli-bench-host.sh); here the ratio is shown, and not when any held click failed.
#
# Then where the time goes: a held click's parts (the muxctl process alone against a
# stand-in holder, the holder's own work) and an own-session click's requests (the
# hello waits for the session's two devices to exist and settle, DESIGN §5).
set -euo pipefail
runs="${1:-15}"
bin=/opt/inputmux/bin
D=/tmp/inputmux-cli-bench
R=/run/inputmux-cli-bench
out=/opt/inputmux/out
mkdir -p "$D" "$R" "$out"
cat > "$D/inputmux.toml" << EOT
[desktop]
width = 1920
height = 1080
[human]
quiet_period_ms = 400
[sockets]
agent = "$R/agent.sock"
control = "$R/control.sock"
agent_group = ""
control_group = ""
[audit]
path = "$D/audit.jsonl"
key_path = "$D/audit.key"
EOT
"$bin/inputmuxd" --config "$D/inputmux.toml" 2> "$D/daemon.log" &
daemon=$!
trap 'muxctl agent --name bench lease release > /dev/null 2>&1 || true; kill $daemon 2> /dev/null || true; wait $daemon 2> /dev/null || true' EXIT
for _ in $(seq 100); do [[ -S "$R/agent.sock" ]] && break; sleep 0.1; done
[[ -S "$R/agent.sock" ]] || { echo "cli-bench: inputmuxd did not start:" >&2; tail -5 "$D/daemon.log" >&2; exit 1; }
export INPUTMUX_AGENT_SOCKET="$R/agent.sock" PATH="$bin:$PATH"

read -r -a others <<< "${INPUTMUX_CLI_BENCH_OTHERS:-}"
# The desktop in columns: this build's held lease, then each other build's, and the own
# sessions' region on the right.
w=$((1920 / (${#others[@]} + 2)))
own="$((w * (${#others[@]} + 1)))"
solo="--name solo --region $own,0,$((1920 - own)),1080 click $((own + 20)) 20"
muxctl agent --name bench --region "0,0,$w,1080" lease acquire > /dev/null
muxctl agent --name bench click 10 10   # the holder answers: the lease works

commands=(
    "muxctl agent click (held lease)=muxctl agent --name bench click 20 20"
    "muxctl agent click (own session)=muxctl agent $solo"
    "muxctl parse alone (no request)=muxctl agent --name nobody lease status"
)
release_others() { for o in "${others[@]}"; do "$o/muxctl" agent --name "bench-${o##*/}" lease release > /dev/null 2>&1 || true; done; }
trap 'release_others; muxctl agent --name bench lease release > /dev/null 2>&1 || true; kill $daemon 2> /dev/null || true; wait $daemon 2> /dev/null || true' EXIT
x=$w
for o in "${others[@]}"; do
    l="${o##*/}"
    "$o/muxctl" agent --name "bench-$l" --region "$x,0,$w,1080" lease acquire > /dev/null
    "$o/muxctl" agent --name "bench-$l" click $((x + 10)) 10
    commands+=(
        "muxctl agent click (held lease) ($l)=$o/muxctl agent --name bench-$l click $((x + 20)) 20"
        "muxctl agent click (own session) ($l)=$o/muxctl agent $solo"
        "muxctl parse alone (no request) ($l)=$o/muxctl agent --name nobody lease status"
    )
    x=$((x + w))
done
commands+=("process start floor (/bin/true)=/bin/true")
baseline=()
if command -v ydotool > /dev/null; then
    baseline=(--baseline "ydotool click 1 (as Debian ships it)")
    commands+=("ydotool click 1 (as Debian ships it)=ydotool click 1")
else
    echo "(ydotool is not installed in the guest: no baseline)"
fi
python3 /opt/inputmux/guest/cost.py -n "$runs" --rounds 3 --gap 2.0 --json "$out/cli.json" \
    --title "muxctl agent click vs ydotool click (TCG guest)" "${baseline[@]}" "${commands[@]}"
# The ratio is shown only for held clicks that all succeeded: a refused one (exit 5,
# paused by ydotool's click) returns early and would flatter the median.
python3 - "$out/cli.json" << 'EOT'
import json, sys
held = json.load(open(sys.argv[1]))["commands"]["muxctl agent click (held lease)"]
r, bad = held.get("ratio"), held.get("nonzero_runs", 0)
if r is None:
    pass
elif bad:
    print("goal: held-lease click ≤ 0.33x ydotool (judged natively): %d of %d held clicks here did not succeed, exit %s" % (bad, held["runs"], held["exit"]))
else:
    # Under TCG each of muxctl's page faults and relocations costs many times what it
    # costs on hardware; ydotool's 100 ms sleep does not.
    print("goal: held-lease click ≤ 0.33x ydotool (judged natively; here under TCG): %.2fx" % r)
EOT

echo
echo "where a held-lease click's time goes:"
python3 - << 'EOT'
import os, socket, statistics, subprocess, threading, time
relay = "/tmp/inputmux-muxctl-%d" % os.geteuid()
def ask(path, line):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(line.encode() + b"\n")
    reply = b""
    while not reply.endswith(b"\n"):
        reply += s.recv(4096)
    s.close()
    return reply.decode().strip()
def timed(f, n=15):
    f()
    ts = []
    for _ in range(n):
        t0 = time.monotonic(); f(); ts.append((time.monotonic() - t0) * 1000)
    return statistics.median(ts)
holder = relay + "/bench.sock"
argv = "argv agent --name bench click 20 20"
print("  holder plays a script line (click 20 20), no process start:  %6.1f ms" % timed(lambda: ask(holder, "click 20 20")))
print("  holder parses a forwarded command line and plays it:         %6.1f ms" % timed(lambda: ask(holder, argv)))
# A stand-in holder that answers at once: what is left is muxctl's own start and exit.
fake = relay + "/fake.sock"
srv = socket.socket(socket.AF_UNIX); srv.bind(fake); srv.listen(8)
def serve():
    while True:
        c, _ = srv.accept()
        data = b""
        while not data.endswith(b"\n"):
            d = c.recv(4096)
            if not d: break
            data += d
        if data.startswith(b"argv"): c.sendall(b"ok\n")
        c.close()
threading.Thread(target=serve, daemon=True).start()
run = lambda: subprocess.run(["muxctl", "agent", "--name", "fake", "click", "1", "1"], check=True)
print("  muxctl process alone (a holder that answers at once):        %6.1f ms" % timed(run))
for other in os.environ.get("INPUTMUX_CLI_BENCH_OTHERS", "").split():
    run = lambda: subprocess.run([other + "/muxctl", "agent", "--name", "fake", "click", "1", "1"], check=True)
    print("  the same, %-50s %6.1f ms" % (os.path.basename(other) + ":", timed(run)))
os.unlink(fake)
EOT

echo
echo "where an own-session click's time goes (the same requests from Python, medians of 5):"
PYTHONPATH=/opt/inputmux/guest python3 - "$R/agent.sock" "$own" << 'EOT'
import statistics, sys, time
from inputmux_client import Agent
steps = {"connect + hello (the session's two devices created and settled)": [], "acquire": [], "click": [], "release": [], "bye": []}
for i in range(5):
    t0 = time.monotonic()
    a = Agent("solo-py", path=sys.argv[1])
    t1 = time.monotonic()
    lease = a.acquire("%d,0,%dx1080" % (int(sys.argv[2]), 1920 - int(sys.argv[2])))
    t2 = time.monotonic()
    a.click(int(sys.argv[2]) + 30, 40)
    t3 = time.monotonic()
    a.release(lease)
    t4 = time.monotonic()
    a.close()
    t5 = time.monotonic()
    for k, v in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
        steps[k].append(v * 1000)
for k, v in steps.items():
    print("  %-66s %7.1f ms" % (k, statistics.median(v)))
EOT
