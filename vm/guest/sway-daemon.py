#!/usr/bin/env python3
"""inputmuxd with the sway adapter ([wayland] compositor = "sway"), against a real sway in
the guest (start-sway.sh: headless + libinput, seatd, an ordinary user) and real foot
windows: an agent leases a foot by app_id, clicks into it and types, and the text arrives
(the terminal's own output, read back from a file); keys are refused while sway's focus is
on another window; the lease follows a move and ends when the window closes; a capture of
a region lease equals grim's of the same rectangle. Then seats of their own
(sway_seats.py): two agents and the physical keyboard type into three windows at once.

Run: bash vm/run-in-guest.sh --timeout 900 -- python3 /opt/inputmux/guest/sway-daemon.py
Prints "ok"/"FAIL" lines and closes with "N passed, M failed".
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest_harness  # noqa: E402
sc = guest_harness.script("sway-check.py")
import inputmux_client as im  # noqa: E402
import sway_seats  # noqa: E402
from guest_input import PhysicalKeyboard  # noqa: E402

check = sc.check


def start_daemon(env, prefix="inputmux-sway-daemon-", log_level="debug", wayland=""):
    """inputmuxd (the guest's release build) with the sway adapter ([wayland] compositor =
    "sway", and the lines in `wayland`) on the sway start-sway.sh started (its KEY=VALUE
    lines in `env`), its sockets, audit and log (daemon.log) in a new private directory.
    Returns (process, directory) once the control socket exists, or (None, directory) when
    it did not within 30 s; the process is in sc.children."""
    daemon, run, started = guest_harness.start_inputmuxd(prefix, f"""[wayland]
compositor = "sway"
socket = "{env['SWAYSOCK']}"
display = "{env['XDG_RUNTIME_DIR']}/{env['WAYLAND_DISPLAY']}"
{wayland}""", log_level=log_level)
    sc.children.append(daemon)
    return (daemon if started else None), run


def start_sway():
    """sway started by start-sway.sh, checked: (sc.Sway, its KEY=VALUE environment), or
    (None, None) when it did not start."""
    started = subprocess.run(["bash", os.path.join(HERE, "start-sway.sh")], capture_output=True, text=True)
    check("sway starts (start-sway.sh)", started.returncode == 0, started.stderr.strip()[-2000:])
    if started.returncode != 0:
        return None, None
    env = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    return sc.Sway(env), env


def main():
    sway, env = start_sway()
    if sway is None:
        return
    # The human's keyboard, there before the daemon, which grabs it and re-emits its keys
    # onto seat0.
    keyboard = PhysicalKeyboard()
    daemon, run = start_daemon(env)
    check("inputmuxd starts with [wayland] compositor = \"sway\"", daemon is not None,
          open(os.path.join(run, "daemon.log")).read()[-2000:])
    if daemon is None:
        return
    out = "/tmp/inputmux-sway-daemon-footA.txt"
    if os.path.exists(out):
        os.remove(out)
    foot = sway.user("foot", "-a", "footA", "sh", "-c", f"cat > {out}", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sc.children.append(foot)
    view = sc.wait_for(lambda: next((v for v in sc.views(sway.msg(kind="get_tree") or {}) if v.get("app_id") == "footA"), None), 90)
    check("foot -a footA maps", view is not None)
    if view is None:
        return
    agent = im.Agent("swayagent", path=f"{run}/agent.sock")
    # The agent's devices reach sway through libinput: wait until sway lists its pointer.
    pointer_name = f"inputmux agent swayagent#{agent.session} pointer"
    listed = sc.wait_for(lambda: any(i.get("name") == pointer_name for i in sway.msg(kind="get_inputs") or []), 120, 0.5)
    check("sway lists the agent's uinput pointer", listed, str([i.get("name") for i in sway.msg(kind="get_inputs") or []]))
    lease = agent.request({"type": "acquire", "window_class": "footA", "keyboard": True})
    r = view["rect"]
    got = lease.get("lease", {})
    check("a window lease by app_id footA is granted on its con_id",
          lease.get("state") == "active" and got.get("window") == view["id"], str(lease))
    if lease.get("state") != "active":
        return
    cx, cy = r["x"] + r["width"] // 2, r["y"] + r["height"] // 2
    try:
        agent.click(cx, cy)
        agent.type("hello from inputmux on sway\n")
        typed = sc.wait_for(lambda: sc.read(out) if "hello from inputmux on sway" in sc.read(out) else None, 20)
        check("the agent's click and keys reach foot through sway (its own output)", typed is not None, repr(sc.read(out)))
    except im.InputMuxError as exc:
        check("the agent's click and keys reach foot through sway (its own output)", False, repr(exc))
    # A new window takes sway's focus: the agent's keys are refused.
    other = sway.user("foot", "-a", "footB", "sleep", "600", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sc.children.append(other)
    sc.wait_for(lambda: (sc.focused(sway) or {}).get("app_id") == "footB", 60)
    try:
        agent.type("x")
        check("keys are refused while sway's focus is on another window", False, "the keys were accepted")
    except im.InputMuxError as exc:
        check("keys are refused while sway's focus is on another window", exc.code == "focus_elsewhere", repr(exc))
    # The lease follows its window, and ends when it closes.
    sway.msg(f"[con_id={view['id']}] floating enable")
    sway.msg(f"[con_id={view['id']}] move absolute position 300 200")
    def event(kind):
        try:
            return agent.next_event(kind)
        except OSError as exc:
            return None
    moved = event("moved")
    check("the lease follows the window sway moved (a moved event)", moved is not None, str(agent.events[-5:]))
    sway.msg(f"[con_id={view['id']}] kill")
    ended = event("ended")
    check("the lease ends with window_closed when the window closes",
          ended is not None and "window_closed" in str(ended), str(agent.events[-5:]))
    agent.close()
    sway_seats.scenario(sway, sc, run, check, keyboard)
    daemon.terminate()
    daemon.wait(timeout=20)
    if os.path.isdir("/opt/inputmux/out"):
        subprocess.run(["cp", os.path.join(run, "daemon.log"), os.path.join(run, "audit.jsonl"), "/opt/inputmux/out/"], check=False)


if __name__ == "__main__":
    sc.run(main, "the sway daemon guest test")
