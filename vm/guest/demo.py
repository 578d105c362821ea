#!/usr/bin/env python3
"""The InputMux demo, run inside the real-kernel guest by `make demo`.

A test-created keyboard and mouse play the human. inputmuxd grabs them, and three
scripted agents share the desktop: disjoint regions in parallel, a conflict queued with
its reason, a human burst pausing them, an operator revoke. Every agent event is read
back from the agent's own evdev device, the way a compositor sees it.
"""
import os
import subprocess
import sys
import threading
import time

import evdev
from evdev import ecodes as e

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inputmux_client import Agent, InputMuxError, Operator  # noqa: E402

RUN = "/run/inputmux-demo"
CONFIG = f"""
[desktop]
width = 1920
height = 1080
[human]
quiet_period_ms = 600
[sockets]
agent = "{RUN}/agent.sock"
control = "{RUN}/control.sock"
agent_group = ""
control_group = ""
[audit]
path = "/tmp/inputmux-demo/audit.jsonl"
key_path = "/tmp/inputmux-demo/audit.key"
"""


def say(text=""):
    print(text, flush=True)


class Reader:
    """Reads an agent's device as a compositor does (opened before the agent acts)."""

    def __init__(self, path):
        self.dev = evdev.InputDevice(path)
        self.position = [None, None]

    def take(self, seconds=0.3):
        out, end = [], time.time() + seconds
        while time.time() < end:
            try:
                out.extend(self.dev.read())
            except BlockingIOError:
                time.sleep(0.01)
        return out


def describe(events, position=None):
    """Presses in order; clicks with the position the device reported (kept across reads)."""
    position = position if position is not None else [None, None]
    parts = []
    for ev in events:
        if ev.type == e.EV_ABS and ev.code in (e.ABS_X, e.ABS_Y):
            position[ev.code - e.ABS_X] = ev.value
        elif ev.type == e.EV_KEY and ev.value == 1:
            x, y = position
            name = e.BTN.get(ev.code) or e.KEY.get(ev.code)
            name = name[0] if isinstance(name, list) else name
            parts.append(f"{name}@{x},{y}" if ev.code >= 0x110 else name.replace("KEY_", "").lower())
    return " ".join(parts)


def main():
    os.makedirs("/tmp/inputmux-demo", exist_ok=True)
    with open("/tmp/inputmux-demo/inputmux.toml", "w") as f:
        f.write(CONFIG)
    human_kbd = evdev.UInput({e.EV_KEY: list(range(e.KEY_ESC, e.KEY_KPDOT + 1))}, name="demo human keyboard",
                             vendor=0x046D, product=0xC31C)
    human_mouse = evdev.UInput({e.EV_KEY: [e.BTN_LEFT, e.BTN_RIGHT], e.EV_REL: [e.REL_X, e.REL_Y]},
                               name="demo human mouse", vendor=0x046D, product=0xC077)
    time.sleep(0.5)
    daemon = subprocess.Popen(["/opt/inputmux/bin/inputmuxd", "--config", "/tmp/inputmux-demo/inputmux.toml"],
                              stderr=open("/tmp/inputmux-demo/daemon.log", "w"))
    for _ in range(100):
        if os.path.exists(f"{RUN}/control.sock"):
            break
        time.sleep(0.1)
    say("== inputmuxd is running; it grabbed the human's keyboard and mouse")
    op = Operator(path=f"{RUN}/control.sock")
    for d in op.hello.get("devices", []):
        say(f"   {d['path']} ({d['name']}) -> clone {d['clone']}")
    op.monitor()

    regions = {"alice": "0,0,640x1080", "bob": "640,0,640x1080", "carol": "1280,0,640x1080"}
    agents = {n: Agent(n, path=f"{RUN}/agent.sock") for n in regions}
    say("\n== three agents, three disjoint regions, in parallel")
    pointers = {n: Reader(a.hello["devices"]["pointer"]) for n, a in agents.items()}
    keyboard = Reader(agents["alice"].hello["devices"]["keyboard"])
    for n, a in agents.items():
        r = a.acquire(regions[n], keyboard=(n == "alice"))
        say(f"   {n}#{a.session}: lease {r['lease']['id']} {r['state']} on {regions[n]}; devices {a.hello['devices']}")

    threads = [threading.Thread(target=a.click, args=(100 + 640 * i, 500)) for i, a in enumerate(agents.values())]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in agents:
        say(f"   {n}'s pointer read back: {describe(pointers[n].take(), pointers[n].position)}")
    try:
        agents["alice"].type("hi")
    except InputMuxError as err:
        say(f"   alice types without clicking again: {err.code}: {err.message}")
    agents["alice"].click(100, 500)
    agents["alice"].type("hi")
    say(f"   alice clicks into her region, then types: {describe(pointers['alice'].take(), pointers['alice'].position)} | keys: {describe(keyboard.take())}")
    try:
        agents["bob"].click(100, 500)
    except InputMuxError as err:
        say(f"   bob clicking in alice's region: refused, {err.code}: {err.message}")

    say("\n== a fourth agent wants alice's region: queued, with the reason")
    dave = Agent("dave", path=f"{RUN}/agent.sock")
    r = dave.acquire(regions["alice"], mode="wait")
    say(f"   dave: {r['state']} at position {r.get('position')}: {r.get('reason')}")
    try:
        dave.acquire(regions["alice"], mode="try")
    except InputMuxError as err:
        say(f"   dave in try mode: {err.code}: {err.message}")

    say("\n== the human types: every agent pauses for the quiet period")
    human_kbd.write(e.EV_KEY, e.KEY_A, 1); human_kbd.syn()
    human_kbd.write(e.EV_KEY, e.KEY_A, 0); human_kbd.syn()
    time.sleep(0.1)
    try:
        agents["carol"].click(1300, 500)
    except InputMuxError as err:
        say(f"   carol's click: {err.code}: {err.message}")
    ev = agents["carol"].next_event("resumed")
    say(f"   carol: {ev['event']} after the quiet period")

    say("\n== the operator revokes alice's lease: dave is granted at once")
    lease = [l for l in op.status()["held"] if l["holder"]["name"] == "alice"][0]
    op.verb("revoke", lease["id"])
    ev = agents["alice"].next_event("revoked")
    say(f"   alice told: {ev['reason']['message']}")
    g = dave.next_event("granted")
    say(f"   dave: granted {g['lease']['id']} on {g['lease']['region']['text']}")

    say("\n== muxctl status (control socket)")
    st = op.status()
    for l in st["held"]:
        say(f"   {l['id']:5} {l['holder']['name']}#{l['holder']['session']:<3} {l['region']['text']:16} {l['state']}")
    say("\n== audit excerpt (monitor stream)")
    for ev in op.events[-12:]:
        if ev.get("event") == "audit":
            who = ev.get("agent", {}).get("name", "-")
            say(f"   {ev['decision']:9} {ev['action']:10} {who:6} {ev.get('reason', '')}")
    for a in list(agents.values()) + [dave]:
        a.close()
    op.close()
    daemon.terminate()
    daemon.wait(timeout=10)
    say("\n== inputmuxd stopped: devices ungrabbed, agent devices removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
