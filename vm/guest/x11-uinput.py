#!/usr/bin/env python3
"""The kernel path and the X path meet (issue 6): in the guest, Xorg (dummy video,
libinput input) adds an agent's uinput devices that inputmuxd made as X input devices,
and a click the agent sends through inputmuxd reaches an X client as a ButtonPress
from that very device. inputmuxd runs with [x11] enabled, so the desktop (and the
agent pointer's absolute range) is Xorg's RandR layout. `xinput test-xi2 --root` is the
X client that records the press. With [x11] seats (the default) each agent session has a
master pair of its own, with its uinput devices attached under it: the agent's cursor is
that master's, not the core pointer xdotool reads. Section "seats" (x11_seats.py): two
agents and the human's physical keyboard type into two xterms, a GTK 3 window and the
human's xterm at once.

Run: bash vm/run-in-guest.sh -- python3 /opt/inputmux/guest/x11-uinput.py [seats]
(with "seats", only the daemon's start and the seats section).
Prints "N passed, M failed".
"""
import base64
import hashlib
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest_harness  # noqa: E402
import inputmux_client as im  # noqa: E402
import x11_seats  # noqa: E402

results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""), flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, DISPLAY=":1")
    xorg = subprocess.run(["bash", os.path.join(here, "start-xorg.sh"), ":1"], capture_output=True, text=True)
    check("Xorg (dummy video, libinput input) starts", xorg.returncode == 0, xorg.stderr.strip())
    if xorg.returncode != 0:
        return
    # The human's keyboard exists before the daemon starts, which grabs it.
    keyboard = x11_seats.PhysicalKeyboard()
    time.sleep(0.5)
    daemon, run, started = guest_harness.start_inputmuxd("inputmux-x11-", """[x11]
enabled = true
display = ":1"
""")
    try:
        why = open(os.path.join(run, "daemon.log")).read()[-3000:]
        if not started:
            why += f" (exit status {daemon.poll()}; "
            try:
                why += "wchan " + open(f"/proc/{daemon.pid}/wchan").read() + "; "
                why += subprocess.run(["ls", "-l", f"/proc/{daemon.pid}/fd"], capture_output=True, text=True).stdout
            except OSError as exc:
                why += repr(exc)
            why += ")"
        check("inputmuxd starts with [x11] enabled (uinput output)", started, why)
        if not started:
            return
        try:
            x11_seats.scenario(run, env, check, keyboard)
        except Exception as exc:  # noqa: BLE001 - a crash is a failed check; the rest still runs
            check("seats: the section ran to the end", False, repr(exc))
        if sys.argv[1:] == ["seats"]:
            return
        agent = im.Agent("xagent", path=f"{run}/agent.sock")
        # The hello came once the agent's devices were on its seat: its uinput pointer is a
        # slave of its own master pointer, both named "inputmux agent xagent#SID pointer".
        name = f"inputmux agent xagent#{agent.session} pointer"
        listed = x11_seats.xinput_list(env)
        devices = x11_seats.xinput_devices(env, listed)
        slave = x11_seats.device(devices, name, "slave")
        master = x11_seats.device(devices, name, "master")
        check("Xorg lists the agent's uinput pointer (xinput list)", slave is not None, listed)
        if slave is None:
            return
        dev_id = str(slave["id"])
        check("the agent's uinput pointer is attached to its own master pointer",
              master is not None and slave["attachment"] == master["id"], f"{slave} {master}")
        if master is None:
            return

        lease = agent.acquire("0,0,1920x1080")
        check("a lease on the whole Xorg desktop is granted", lease.get("state") == "active", str(lease))
        log = open(os.path.join(run, "xi2.log"), "w")
        watcher = subprocess.Popen(["stdbuf", "-oL", "xinput", "test-xi2", "--root"], env=env, stdout=log,
                                   stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        clicked = agent.click(640, 360)
        check("the agent's click is played", True, str(clicked))
        time.sleep(1.0)
        watcher.terminate()
        watcher.wait()
        log.close()
        text = open(os.path.join(run, "xi2.log")).read()
        presses = []
        block = []
        for line in text.splitlines() + ["EVENT end"]:
            if line.startswith("EVENT"):
                if block and "(ButtonPress)" in block[0]:
                    presses.append("\n".join(block))
                block = [line]
            else:
                block.append(line.strip())
        # Each press shows as the slave's event and the master pointer's, both with the
        # agent's device as the source: "device: N (SOURCE)".
        button1 = [p for p in presses if "\ndetail: 1\n" in p + "\n"]
        from_ours = [p for p in button1 if p.split("\n")[1].endswith(f"({dev_id})")]
        types = sorted(set(line for line in text.splitlines() if line.startswith("EVENT")))
        check("the click reaches an X client as a ButtonPress of button 1 from the agent's device",
              from_ours and len(from_ours) == len(button1), f"{len(presses)} presses, event types {types}, first press: {presses[:1]}")
        xy = x11_seats.pointer_of(master["id"])
        # libinput scales the absolute axis range onto the screen: within a pixel.
        check("the agent's cursor (its master pointer) is where the agent clicked (640,360)",
              abs(xy[0] - 640) <= 1 and abs(xy[1] - 360) <= 1, str(xy))
        core = subprocess.run(["xdotool", "getmouselocation"], env=env, capture_output=True, text=True).stdout
        core_xy = [int(part.split(":")[1]) for part in core.split()[:2]] if core.startswith("x:") else [-9, -9]
        check("the core pointer did not move to the agent's click", (core_xy[0], core_xy[1]) != (640, 360), core.strip())
        sight(agent, env, lease["lease"]["id"], run)
        layout_change(agent, run, env, name, dev_id, master["id"])
        agent.close()
    finally:
        daemon.terminate()
        daemon.wait(timeout=20)
        keyboard.close()
        # The daemon's log and audit come back with INPUTMUX_VM_OUT (vm/README.md).
        if os.path.isdir("/opt/inputmux/out"):
            for f in ("daemon.log", "audit.jsonl"):
                if os.path.exists(os.path.join(run, f)):
                    subprocess.run(["cp", os.path.join(run, f), "/opt/inputmux/out/"], check=False)
        subprocess.run(["sh", "-c", "kill $(cat /tmp/xorg-inputmux.pid)"], check=False)


def capture(agent, **fields):
    """A capture of the agent's lease as raw RGBA: (result, bytes), or (error, None)."""
    try:
        result = agent.request(dict(type="capture", format="raw", **fields))
    except im.InputMuxError as exc:
        return {"code": exc.code, "message": str(exc)}, None
    return result, base64.b64decode(result["data"])


def pixel(result, data, x, y):
    """The 0xRRGGBB of image pixel (x, y) of a raw capture."""
    i = (y * result["width"] + x) * 4
    return data[i] << 16 | data[i + 1] << 8 | data[i + 2]


class Records:
    """Every JSON line the X client prints, read by a thread as it comes."""

    def __init__(self, client):
        import json
        import threading
        self.lines = []

        def read():
            for line in client.stdout:
                try:
                    self.lines.append(json.loads(line))
                except ValueError:
                    pass
        threading.Thread(target=read, daemon=True).start()

    def wait(self, match, timeout=10.0):
        """The records matching `match` once there is one (or after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in list(self.lines) if match(r)]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)


def presses(records, window, timeout=5.0):
    """The X client's ButtonPress records in `window`."""
    return records.wait(lambda r: r.get("ev") == "press" and r.get("win") == window, timeout)


def mcp_sessions(agent, lease, run, records, env):
    """Two MCP sessions (the PyPI client) in disjoint regions: each sees only its own
    window, and the model's click at an image pixel lands on that pixel."""
    try:
        agent.release(lease)
        released = True
    except im.InputMuxError as exc:
        released = exc
    check("the whole-desktop lease is released for the MCP sessions", released is True, str(released))
    try:
        sys.path.insert(0, "/opt/inputmux/pylib")
        import mcp_sight_check
        def pointer_ready(name):
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                listed = subprocess.run(["xinput", "list", "--name-only"], env=env, capture_output=True, text=True).stdout
                if any(line.startswith(f"inputmux agent {name}#") and line.endswith(" pointer") for line in listed.splitlines()):
                    return True
                time.sleep(0.2)
            return False
        mcp_sight_check.scenario(f"{run}/agent.sock", check, pointer_ready)
    except Exception as exc:  # noqa: BLE001 - a failure to run is a failed check, never a skip
        check("the MCP sight scenario runs (PyPI mcp in /opt/inputmux/pylib)", False, repr(exc))
    # libinput scales the uinput pointer's absolute range onto the screen: within a pixel.
    def near(found, x, y):
        return bool(found) and abs(found[0].get("x") - x) <= 1 and abs(found[0].get("y") - y) <= 1
    left = presses(records, "left")
    check("the left session's click at image pixel 30,40 reaches its window within a pixel of 30,40",
          near(left, 30, 40), str(left))
    right = presses(records, "right")
    check("the right session's click at image pixel 250,150 reaches its window within a pixel of 250,150",
          near(right, 250, 150), str(right))
    again = agent.acquire("0,0,1920x1080")
    check("the whole desktop is leased again", again.get("state") == "active", str(again))


def sight(agent, env, lease, run):
    """Issue 17 in the real kernel: the agent clicks a window through its uinput pointer
    (libinput, Xorg), then captures it; the capture shows what the click changed."""
    here = os.path.dirname(os.path.abspath(__file__))
    client = subprocess.Popen(["python3", os.path.join(here, "xclient.py"), "cap:200,200,400x300#E03020!50#20C040",
                               "left:200,600,300x200#E03020", "right:700,600,300x200#3050E0"],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        records = Records(client)
        ready = records.wait(lambda r: "ready" in r, 15)
        check("an X client maps a red window at 200,200,400x300", bool(ready), str(ready))
        rect = "200,200,400x300"
        before, data = capture(agent, rect=rect)
        check("a capture of the window before the click is red", data is not None and pixel(before, data, 200, 150) == 0xE03020,
              str(before))
        if data is not None:
            check("the capture's sha256 is the hash of the bytes received",
                  hashlib.sha256(data).hexdigest() == before.get("sha256"), str(before.get("sha256")))
        clicked = agent.click(400, 350)
        check("the agent clicks the window through its uinput pointer", clicked in (True, {"done": True}), str(clicked))
        started = time.monotonic()
        after, data = capture(agent, rect=rect, settle={"quiet_ms": 100, "max_ms": 3000})
        waited = time.monotonic() - started
        check("the settled capture after the click shows the window repainted green",
              data is not None and pixel(after, data, 200, 150) == 0x20C040, f"{after} after {waited:.3f} s")
        check("the capture settled (the repaint came and the area went quiet)",
              (after.get("settle") or {}).get("settled") is True, str(after.get("settle")))
        half, data = capture(agent, rect=rect, width=200)
        check("a capture scaled to half is 200x150", data is not None and (half.get("width"), half.get("height")) == (200, 150)
              and len(data) == 200 * 150 * 4, str(half))
        outside, _ = capture(agent, rect="1900,1060,40x40")
        check("a rectangle off the lease is refused with outside_region", (outside or {}).get("code") == "outside_region", str(outside))
        mcp_sessions(agent, lease, run, records, env)
    finally:
        client.terminate()
        client.wait()


def layout_change(agent, run, env, name, old_id, master_id):
    """Xorg switches to a smaller mode: the daemon's desktop follows, the agent's pointer
    is replaced by one whose ABS range is the new desktop, and a click lands where the
    agent aimed on the new screen (with the old range libinput would scale it elsewhere)."""
    import evdev
    import randr_mode
    old_node = agent.hello["devices"]["pointer"]
    try:
        w, h = randr_mode.shrink(":1")
    except Exception as exc:
        check("Xorg switches to a smaller RandR mode", False, repr(exc))
        return
    event = agent.next_event("desktop")
    desktop = event.get("desktop", {})
    check("the agent is told the new desktop (desktop event)", (desktop.get("width"), desktop.get("height")) == (w, h), str(event))
    node = event.get("devices", {}).get("pointer", "")
    check("the event names a new pointer node", node and node != old_node, f"{old_node} -> {node}")
    status = im.Operator(path=f"{run}/control.sock").status()
    check("status reports the new desktop", status.get("desktop", {}).get("text") == f"0,0,{w}x{h}", str(status.get("desktop")))
    try:
        info = evdev.InputDevice(node).absinfo(evdev.ecodes.ABS_X)
        check(f"the new pointer's ABS_X spans the new desktop (max {w - 1})", info.min == 0 and info.max == w - 1, str(info))
        info = evdev.InputDevice(node).absinfo(evdev.ecodes.ABS_Y)
        check(f"the new pointer's ABS_Y spans the new desktop (max {h - 1})", info.min == 0 and info.max == h - 1, str(info))
    except OSError as exc:
        check("the new pointer node can be read", False, repr(exc))
    deadline = time.monotonic() + 10
    while os.path.exists(old_node) and time.monotonic() < deadline:
        time.sleep(0.1)
    # The old node may be reused by the new device: gone means "not the old device".
    gone = not os.path.exists(old_node) or old_node == node
    check("the old pointer is removed", gone, old_node)
    new_id = ""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        new = x11_seats.device(x11_seats.xinput_devices(env), name, "slave")
        new_id = str(new["id"]) if new else ""
        if new_id and new_id != old_id and new["attachment"] == master_id:
            break
        time.sleep(0.2)
    check("Xorg adds the new pointer (a new X device id)", new_id.isdigit() and new_id != old_id, f"{old_id} -> {new_id}")
    check("the new pointer is attached to the agent's master pointer", bool(new) and new["attachment"] == master_id,
          f"{new}, master {master_id}")
    # The keyboard is made anew with the pointer (the session's pair): it joins the seat too.
    kname = name[: -len(" pointer")] + " keyboard"
    devices = x11_seats.xinput_devices(env)
    mk, kbd = x11_seats.device(devices, kname, "master"), x11_seats.device(devices, kname, "slave")
    check("the new keyboard is attached to the agent's master keyboard", bool(mk and kbd) and kbd["attachment"] == mk["id"],
          f"{kbd}, master {mk}")
    x, y = w - 100, h - 60
    try:
        agent.click(x, y)
        clicked = True
    except im.InputMuxError as exc:
        clicked = repr(exc)
    check(f"a click at {x},{y} on the new desktop is accepted", clicked is True, str(clicked))
    time.sleep(0.5)
    xy = x11_seats.pointer_of(master_id)
    check(f"the agent's cursor is where the agent clicked on the new desktop ({x},{y})",
          abs(xy[0] - x) <= 1 and abs(xy[1] - y) <= 1, str(xy))
    try:
        agent.click(w + 10, 10)
        outside = "accepted"
    except im.InputMuxError as exc:
        outside = exc.code
    check("a click off the new desktop (inside the old lease) is refused with outside_region", outside == "outside_region", outside)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # any crash is a failed check, not a silent pass
        check("the X11 guest test ran to the end", False, repr(exc))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(1 if not all(results) or not results else 0)
