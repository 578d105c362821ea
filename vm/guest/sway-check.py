#!/usr/bin/env python3
"""A real sway in the guest, reading the kernel's input devices through libinput as on a
desktop (start-sway.sh: headless + libinput backends, pixman, seatd, an ordinary user),
proven without InputMux code: sway adds a uinput keyboard and an absolute pointer made
here (python3-evdev); two foot terminals show up in GET_TREE with app_id and pid and
tile side by side; a click of the uinput pointer focuses one and keys typed on the
uinput keyboard arrive in it (the terminal's own output, read back from a file) and in
wev; `seat seat1 attach` moves the keyboard to a seat of its own; grim, run as root on
the user's Wayland socket, captures a region. Prints the times sway takes under TCG.

Run: bash vm/run-in-guest.sh --timeout 900 -- python3 /opt/inputmux/guest/sway-check.py
Prints "ok"/"FAIL" lines, "time: ..." lines and closes with "N passed, M failed".
"""
import json
import os
import struct
import subprocess
import sys
import time
import traceback

import evdev
from evdev import AbsInfo, UInput, ecodes as e

from guest_input import UinputKeyboard

HERE = os.path.dirname(os.path.abspath(__file__))
KEYBOARD = "InputMux Sway Test Keyboard"
PHYSICAL = "InputMux Sway Test USB Keyboard"  # there before sway starts, as a desktop's keyboard is
POINTER = "InputMux Sway Test Pointer"
WIDTH, HEIGHT = 1280, 800

results = []
timings = []
children = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""), flush=True)


def timing(what, seconds):
    timings.append((what, seconds))
    print(f"time: {what}: {seconds:.1f}s", flush=True)


class Sway:
    """The running sway: its IPC (as root) and its user's clients."""

    def __init__(self, env):
        self.env = env
        self.root_env = dict(os.environ, SWAYSOCK=env["SWAYSOCK"], XDG_RUNTIME_DIR=env["XDG_RUNTIME_DIR"],
                             WAYLAND_DISPLAY=env["WAYLAND_DISPLAY"])

    def msg(self, *args, kind=None):
        """swaymsg's JSON answer (run as root on the user's $SWAYSOCK), or None."""
        cmd = ["swaymsg", "-s", self.env["SWAYSOCK"], "-r"] + (["-t", kind] if kind else []) + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        try:
            return json.loads(out.stdout)
        except ValueError:
            return None

    def user(self, *cmd, **kw):
        """A client started as the compositor's user (its pid is the client's)."""
        proc = subprocess.Popen(["bash", os.path.join(HERE, "as-sway-user.sh"), *cmd], **kw)
        children.append(proc)
        return proc


def views(node):
    """Every window (con with a pid) of a GET_TREE answer."""
    found = []
    if node.get("pid"):
        found.append(node)
    for child in node.get("nodes", []) + node.get("floating_nodes", []):
        found += views(child)
    return found


def wait_for(predicate, timeout, step=0.2):
    """predicate()'s first true answer within timeout seconds, or None."""
    deadline = time.monotonic() + timeout
    while True:
        got = predicate()
        if got or time.monotonic() >= deadline:
            return got or None
        time.sleep(step)


class Keyboard(UinputKeyboard):
    def __init__(self, name=KEYBOARD, product=0x5301):
        super().__init__(name, vendor=0x1209, product=product)

    def type(self, text, hold=0.02, gap=0.02):
        super().type(text, hold, gap)


class Pointer:
    """An absolute pointer whose range is the output's pixels (libinput maps it onto the layout)."""

    def __init__(self):
        self.dev = UInput({e.EV_KEY: [e.BTN_LEFT, e.BTN_RIGHT, e.BTN_MIDDLE],
                           e.EV_ABS: [(e.ABS_X, AbsInfo(0, 0, WIDTH - 1, 0, 0, 0)),
                                      (e.ABS_Y, AbsInfo(0, 0, HEIGHT - 1, 0, 0, 0))]},
                          name=POINTER, vendor=0x1209, product=0x5302)

    def click(self, x, y):
        self.dev.write(e.EV_ABS, e.ABS_X, x)
        self.dev.write(e.EV_ABS, e.ABS_Y, y)
        self.dev.syn()
        time.sleep(0.1)
        self.dev.write(e.EV_KEY, e.BTN_LEFT, 1)
        self.dev.syn()
        time.sleep(0.05)
        self.dev.write(e.EV_KEY, e.BTN_LEFT, 0)
        self.dev.syn()


def uinput_identifier(name):
    """vendor:product:Name_with_underscores of a uinput device, from its event node."""
    for path in evdev.list_devices():
        try:
            dev = evdev.InputDevice(path)
        except OSError:
            continue
        if dev.name == name:
            return f"{dev.info.vendor}:{dev.info.product}:{name.replace(' ', '_')}"
    return None


def focused(sway):
    tree = sway.msg(kind="get_tree") or {}
    return next((v for v in views(tree) if v.get("focused")), None)


def seat_focus(sway, ids):
    """{seat name: app_id (or con id) of its focus} from GET_SEATS."""
    return {seat.get("name"): ids.get(seat.get("focus"), seat.get("focus")) for seat in sway.msg(kind="get_seats") or []}


def png_size(path):
    """(width, height) from a PNG's IHDR, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def read(path):
    """A file's text, or "" while it does not exist."""
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def ppm_pixel(path, x, y):
    """(r, g, b) of pixel (x, y) of a binary PPM (grim -t ppm), or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    fields = data.split(maxsplit=4)
    if len(fields) < 5 or fields[0] != b"P6":
        return None
    width = int(fields[1])
    body = data[len(data) - int(fields[1]) * int(fields[2]) * 3:]
    i = (y * width + x) * 3
    return tuple(body[i:i + 3])


def main():
    physical = Keyboard(PHYSICAL, 0x5300)
    t0 = time.monotonic()
    started = subprocess.run(["bash", os.path.join(HERE, "start-sway.sh")], capture_output=True, text=True)
    check("sway starts as an ordinary user (seatd, headless+libinput, pixman) and answers get_outputs",
          started.returncode == 0, started.stderr.strip()[-3000:])
    if started.returncode != 0:
        return
    timing("sway start (start-sway.sh: until get_outputs answers and get_inputs lists the devices already there)", time.monotonic() - t0)
    env = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    sway = Sway(env)
    check("start-sway.sh prints SWAYSOCK and WAYLAND_DISPLAY", env.get("SWAYSOCK") and env.get("WAYLAND_DISPLAY"), started.stdout)

    outputs = sway.msg(kind="get_outputs") or []
    active = [o for o in outputs if o.get("active")]
    rect = active[0]["rect"] if active else {}
    check("one active output HEADLESS-1 of 1280x800 at 0,0",
          len(active) == 1 and active[0]["name"] == "HEADLESS-1"
          and (rect.get("x"), rect.get("y"), rect.get("width"), rect.get("height")) == (0, 0, WIDTH, HEIGHT),
          json.dumps(outputs)[:1500])

    phys_id = uinput_identifier(PHYSICAL)
    t_phys = time.monotonic()
    there = wait_for(lambda: any(i["identifier"] == phys_id for i in sway.msg(kind="get_inputs") or []), 120, 0.5)
    check(f"sway lists the keyboard that was there before it started ({phys_id})", there, str(sway.msg(kind="get_inputs")))
    timing("device there before sway started, from get_outputs answering to get_inputs listing it", time.monotonic() - t_phys)

    keyboard = Keyboard()
    pointer = Pointer()
    t_dev = time.monotonic()
    subprocess.run(["udevadm", "settle", "--timeout=10"], check=False)
    kbd_id = uinput_identifier(KEYBOARD)
    ptr_id = uinput_identifier(POINTER)
    check("the uinput keyboard and pointer have event nodes", kbd_id and ptr_id, f"{kbd_id} {ptr_id}")

    def inputs():
        return {i["identifier"]: i for i in (sway.msg(kind="get_inputs") or [])}
    listed = wait_for(lambda: (lambda got: got if kbd_id in got and ptr_id in got else None)(inputs()), 180, 0.5)
    seconds = time.monotonic() - t_dev
    listed = listed or inputs()
    check(f"sway lists the uinput keyboard ({kbd_id}) as a keyboard",
          listed.get(kbd_id, {}).get("type") == "keyboard", json.dumps(list(listed.values()))[:2000])
    check(f"sway lists the uinput pointer ({ptr_id}) as a pointer",
          listed.get(ptr_id, {}).get("type") == "pointer", json.dumps(listed.get(ptr_id)))
    timing("device add (uinput created to both in get_inputs)", seconds)
    if kbd_id not in listed:
        return

    files = {"footA": "/tmp/inputmux-sway-footA.txt", "footB": "/tmp/inputmux-sway-footB.txt"}
    for f in files.values():
        if os.path.exists(f):
            os.remove(f)
    foots = {}
    for app, out in files.items():
        t_map = time.monotonic()
        proc = sway.user("foot", "-a", app, "sh", "-c", f"cat > {out}",
                         stdout=subprocess.DEVNULL, stderr=open(f"/tmp/inputmux-sway-{app}.log", "w"))

        def mapped():
            return next((v for v in views(sway.msg(kind="get_tree") or {}) if v.get("app_id") == app), None)
        view = wait_for(mapped, 90)
        check(f"GET_TREE shows foot -a {app} with app_id {app} and the pid of the client started as the user",
              view is not None and view.get("pid") == proc.pid,
              f"view {json.dumps(view)[:800]}, started pid {proc.pid}, exit {proc.poll()}, "
              f"log {open(f'/tmp/inputmux-sway-{app}.log').read()[-800:]}")
        timing(f"foot {app} map (start to GET_TREE)", time.monotonic() - t_map)
        foots[app] = view
    if None in foots.values():
        return
    tree = views(sway.msg(kind="get_tree") or {})
    rects = {v["app_id"]: v["rect"] for v in tree if v.get("app_id") in files}
    geometry = {app: (r["x"], r["y"], r["width"], r["height"]) for app, r in rects.items()}
    check("footA and footB tile the output side by side, no borders: 0,0 640x800 and 640,0 640x800",
          geometry == {"footA": (0, 0, 640, 800), "footB": (640, 0, 640, 800)}, str(geometry))
    now = focused(sway)
    check("the newest window (footB) has the focus", now is not None and now.get("app_id") == "footB", str(now and now.get("app_id")))

    # The uinput pointer clicks footA (focus_follows_mouse no: the click is what focuses it).
    t_click = time.monotonic()
    pointer.click(320, 400)
    now = wait_for(lambda: (lambda f: f if f and f.get("app_id") == "footA" else None)(focused(sway)), 15)
    check("a click of the uinput pointer at 320,400 focuses footA", now is not None, str(focused(sway)))
    timing("click to focus", time.monotonic() - t_click)

    text = "hello sway 42\n"
    t_type = time.monotonic()
    keyboard.type(text)
    got = wait_for(lambda: (lambda s: s if s == text else None)(open(files["footA"]).read() if os.path.exists(files["footA"]) else ""), 15)
    seen = open(files["footA"]).read() if os.path.exists(files["footA"]) else "(no file)"
    check("keys typed on the uinput keyboard reach the focused foot (its cat writes them)", got == text, repr(seen))
    timing("typing 14 keys until the terminal wrote them", time.monotonic() - t_type)
    other = open(files["footB"]).read() if os.path.exists(files["footB"]) else ""
    check("the unfocused foot got none of them", other == "", repr(other))

    # wev: a Wayland client that prints every key event its window gets.
    wev_log = "/tmp/inputmux-sway-wev.txt"
    wev = sway.user("stdbuf", "-oL", "wev", stdout=open(wev_log, "w"), stderr=subprocess.STDOUT)
    view = wait_for(lambda: next((v for v in views(sway.msg(kind="get_tree") or {}) if v.get("pid") == wev.pid and v.get("focused")), None), 60)
    check("wev maps and takes the focus", view is not None, open(wev_log).read()[-500:])
    keyboard.type("w")
    line = wait_for(lambda: "sym: w" in open(wev_log).read(), 10)
    log = open(wev_log).read()
    keys = [ln.strip() for ln in log.splitlines() if "wl_keyboard] key:" in ln or "sym:" in ln]
    check("wev reads the key w from the uinput keyboard (wl_keyboard key, sym: w)",
          line and any("state: 1 (pressed)" in k for k in keys), "\n".join(keys[-6:]) or log[-800:])
    wev.terminate()
    wev.wait(timeout=10)

    # seat0's focus back on footA now that wev is gone: a click of the pointer (still on seat0).
    pointer.click(320, 400)
    now = wait_for(lambda: (lambda f: f if f and f.get("app_id") == "footA" else None)(focused(sway)), 15)
    check("after wev closes, a click focuses footA again", now is not None, str(focused(sway)))

    # Seats of their own: the uinput keyboard and pointer move to seat1; the keyboard that
    # was there before sway started stays on seat0.
    answers = [sway.msg("seat", "seat1", "attach", ident) for ident in (kbd_id, ptr_id)]
    check(f'`seat seat1 attach "{kbd_id}"` and "{ptr_id}" answer success',
          all(isinstance(a, list) and a and all(x.get("success") for x in a) for a in answers), str(answers))
    seats = sway.msg(kind="get_seats") or []
    seat1 = next((s for s in seats if s.get("name") == "seat1"), {})
    seat0 = next((s for s in seats if s.get("name") == "seat0"), {})
    on1 = [d.get("identifier") for d in seat1.get("devices", [])]
    on0 = [d.get("identifier") for d in seat0.get("devices", [])]
    check("GET_SEATS shows seat1 with the uinput keyboard and pointer, and seat0 without them",
          kbd_id in on1 and ptr_id in on1 and kbd_id not in on0 and ptr_id not in on0, json.dumps(seats)[:1500])
    check("seat0 keeps the keyboard that was there before sway started", phys_id in on0, str(on0))
    print(f"info: seat0 devices {on0}; seat1 devices {on1}", flush=True)

    # What a new seat's keyboard does before its pointer has clicked anything (a fact, not a check).
    ids = {v["id"]: v.get("app_id") for v in views(sway.msg(kind="get_tree") or {})}
    before = {app: read(f) for app, f in files.items()}
    keyboard.type("n\n")
    time.sleep(1.5)
    went = [app for app, f in files.items() if read(f) != before[app]]
    print(f"info: seat focus after attach: {seat_focus(sway, ids)}; seat1's keys before any click went to {went or 'no window'}",
          flush=True)

    # seat1's pointer clicks footB and seat1's keyboard types there; the keyboard left on
    # seat0 types into footA, seat0's focus, which seat1's click did not move.
    before = {app: read(f) for app, f in files.items()}
    pointer.click(960, 400)
    time.sleep(1.0)
    keyboard.type("one\n")
    got = wait_for(lambda: read(files["footB"]) == before["footB"] + "one\n", 10)
    check("seat1: after its pointer clicks footB, its keyboard's keys land in footB", got,
          f"footA {read(files['footA'])!r}, footB {read(files['footB'])!r}")
    after1 = focused(sway)
    physical.type("zero\n")
    got = wait_for(lambda: read(files["footA"]) == before["footA"] + "zero\n", 10)
    check("seat0: its keyboard still types into footA (seat1's click did not move seat0's focus)", got,
          f"footA {read(files['footA'])!r}, footB {read(files['footB'])!r}")
    after0 = focused(sway)
    print(f"info: GET_TREE's focused window: {after1 and after1.get('app_id')} after seat1 typed, "
          f"{after0 and after0.get('app_id')} after seat0 typed; seats: {seat_focus(sway, ids)}", flush=True)

    # grim as root on the user's Wayland socket: footB's half of the output.
    shot = "/tmp/inputmux-sway-shot.png"
    t_grim = time.monotonic()
    grim = subprocess.run(["grim", "-g", "640,0 640x800", shot], env=sway.root_env, capture_output=True, text=True, timeout=60)
    timing("grim -g 640,0 640x800 to PNG (root)", time.monotonic() - t_grim)
    check("grim -g as root on the user's Wayland socket writes a 640x800 PNG",
          grim.returncode == 0 and png_size(shot) == (640, 800), f"exit {grim.returncode} {grim.stderr.strip()} size {png_size(shot)}")
    ppm = "/tmp/inputmux-sway-shot.ppm"
    grim = subprocess.run(["grim", "-t", "ppm", "-g", "640,0 640x800", ppm], env=sway.root_env, capture_output=True, text=True, timeout=60)
    inside = ppm_pixel(ppm, 600, 700)
    corner = ppm_pixel(ppm, 639, 799)
    check("the capture shows footB (its background, not the black empty desktop, at 600,700 and 639,799)",
          grim.returncode == 0 and inside is not None and inside != (0, 0, 0) and inside == corner,
          f"exit {grim.returncode} {grim.stderr.strip()} 600,700 {inside} 639,799 {corner}")
    # The headless backend has no hardware cursor plane: seat1's cursor (last at 960,400)
    # is drawn into the output, so captures show it even without grim -c.
    print(f"info: footB's background {inside}; pixel under seat1's cursor (960,400): {ppm_pixel(ppm, 320, 400)}", flush=True)

    # A new window while each seat has its own focus: which seats does it take? (a fact)
    footc = sway.user("foot", "-a", "footC", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: any(v.get("app_id") == "footC" for v in views(sway.msg(kind="get_tree") or {})), 60)
    time.sleep(0.5)
    ids = {v["id"]: v.get("app_id") for v in views(sway.msg(kind="get_tree") or {})}
    print(f"info: after footC maps, seats focus: {seat_focus(sway, ids)}", flush=True)
    footc.terminate()


def cleanup():
    for proc in children:
        if proc.poll() is None:
            proc.terminate()
    for proc in children:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    subprocess.run(["bash", os.path.join(HERE, "start-sway.sh"), "stop"], check=False)

    if os.path.isdir("/opt/inputmux/out"):
        subprocess.run("cp /tmp/inputmux-sway/*.log /tmp/inputmux-sway-*.txt /tmp/inputmux-sway-*.log /opt/inputmux/out/ 2>/dev/null",
                       shell=True, check=False)


def run(main, what):
    """Runs a sway guest check's `main` (this script's, sway-daemon.py's, sway-capture.py's):
    a crash is a failed check ("WHAT ran to its end", with the traceback), never a silent
    pass with the rest skipped; then cleans up, prints the times and closes with
    "N passed, M failed", exiting 1 unless every check passed."""
    try:
        main()
    except Exception:  # noqa: BLE001 - reported as a failed check
        check(f"{what} ran to its end", False, traceback.format_exc()[-3000:])
    finally:
        cleanup()
    if timings:
        print("times: " + ", ".join(f"{w} {s:.1f}s" for w, s in timings))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed", flush=True)
    sys.exit(1 if not all(results) or not results else 0)


if __name__ == "__main__":
    run(main, "the sway guest test")
