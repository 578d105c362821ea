"""Seats of their own under Xorg with libinput (x11-uinput.py, section "seats"): each agent
session gets an XInput2 master pair with its uinput devices attached under it; two agents
type into two xterms and a GTK 3 application while the human's physical keyboard types
into another xterm that holds the core focus, all at once; every application gets exactly
its text, no agent is paused by the human's typing elsewhere ([human] pause = "touched"),
and the pairs go when the sessions end.

Also the X helpers x11-uinput.py reads the hierarchy and a seat's pointer with
(`xinput_devices`, `pointer_of`), and the "physical" keyboard (`PhysicalKeyboard`), made
before the daemon starts so that the daemon grabs it as the human's.
"""
import ctypes
import json
import os
import re
import subprocess
import threading
import time

import inputmux_client as im
from guest_harness import AtOnce
from guest_input import PhysicalKeyboard, text_of  # noqa: F401  (x11-uinput.py makes the keyboard through this module)

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r"^[\s⎡⎜⎣↳∼]*(?P<name>\S.*?)\s+id=(?P<id>\d+)\s+\[(?P<use>master|slave|floating)\s+"
                  r"(?P<kind>pointer|keyboard|slave)\s*(?:\((?P<att>\d+)\))?\s*\]")


def xinput_list(env):
    return subprocess.run(["xinput", "list"], env=env, capture_output=True, text=True).stdout


def xinput_devices(env, listed=None):
    """`xinput list` as dicts: name, id, use (master/slave/floating), kind, attachment."""
    out = []
    for line in (listed if listed is not None else xinput_list(env)).splitlines():
        m = LINE.match(line)
        if m:
            out.append({"name": m["name"], "id": int(m["id"]), "use": m["use"],
                        "kind": m["kind"] if m["use"] != "floating" else None,
                        "attachment": int(m["att"]) if m["att"] else None})
    return out


def device(devices, name, use):
    """The one device named `name` with use master/slave/floating, or None."""
    found = [d for d in devices if d["name"] == name and d["use"] == use]
    return found[0] if len(found) == 1 else None


class _ButtonState(ctypes.Structure):
    _fields_ = [("mask_len", ctypes.c_int), ("mask", ctypes.c_void_p)]


class _ModState(ctypes.Structure):
    _fields_ = [("base", ctypes.c_int), ("latched", ctypes.c_int), ("locked", ctypes.c_int), ("effective", ctypes.c_int)]


def pointer_of(master_id, display=":1"):
    """Where the master pointer `master_id` is, (x, y) in root coordinates (XIQueryPointer):
    an agent's pointer is its own seat's, which xdotool (the core pointer) does not see."""
    x11 = ctypes.CDLL("libX11.so.6")
    xi = ctypes.CDLL("libXi.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xi.XIQueryVersion.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
    xi.XIQueryPointer.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                  ctypes.POINTER(ctypes.c_ulong)] + [ctypes.POINTER(ctypes.c_double)] * 4 + \
                                 [ctypes.POINTER(_ButtonState), ctypes.POINTER(_ModState), ctypes.POINTER(_ModState)]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        raise OSError(f"cannot open X display {display}")
    try:
        major, minor = ctypes.c_int(2), ctypes.c_int(2)
        xi.XIQueryVersion(dpy, ctypes.byref(major), ctypes.byref(minor))
        root, child = ctypes.c_ulong(), ctypes.c_ulong()
        rx, ry, wx, wy = (ctypes.c_double() for _ in range(4))
        buttons, mods, group = _ButtonState(), _ModState(), _ModState()
        ok = xi.XIQueryPointer(dpy, master_id, x11.XDefaultRootWindow(dpy), ctypes.byref(root), ctypes.byref(child),
                               ctypes.byref(rx), ctypes.byref(ry), ctypes.byref(wx), ctypes.byref(wy),
                               ctypes.byref(buttons), ctypes.byref(mods), ctypes.byref(group))
        if not ok:
            raise OSError(f"XIQueryPointer failed for device {master_id}")
        return round(rx.value), round(ry.value)
    finally:
        x11.XCloseDisplay(dpy)


class Xterm:
    """An xterm whose shell is `cat > FILE`: what is typed into it lands in FILE once a line
    ends. Its window id (WINDOWID) is read from FILE.wid."""

    def __init__(self, run, label, geometry, env):
        self.file = os.path.join(run, f"{label}.txt")
        self.wid_file = self.file + ".wid"
        self.proc = subprocess.Popen(["xterm", "-geometry", geometry, "-title", label, "-e", "sh", "-c",
                                      f'echo "$WINDOWID" > {self.wid_file}; exec cat > {self.file}'],
                                     env=env, stdout=subprocess.DEVNULL, stderr=open(self.file + ".err", "w"))

    def window(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                wid = open(self.wid_file).read().strip()
                if wid.isdigit():
                    return int(wid)
            except OSError:
                pass
            time.sleep(0.1)
        return None

    def line(self, timeout=30.0):
        """The first line typed (without its newline), or what is there after `timeout`."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            try:
                text = open(self.file).read()
            except OSError:
                text = ""
            if "\n" in text:
                return text.split("\n")[0]
            time.sleep(0.1)
        return text

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class GtkEntry:
    """vm/guest/gtkentry.py: a GTK 3 window with an entry; its JSON lines read by a thread."""

    def __init__(self, title, x, y, w, h, env):
        env = dict(env, NO_AT_BRIDGE="1", GDK_BACKEND="x11")
        self.proc = subprocess.Popen(["python3", os.path.join(HERE, "gtkentry.py"), title, str(x), str(y), str(w), str(h)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.records = []
        self.errors = []

        def read(stream, into, parse):
            for line in stream:
                into.append(parse(line))
        threading.Thread(target=read, args=(self.proc.stdout, self.records, self._parse), daemon=True).start()
        threading.Thread(target=read, args=(self.proc.stderr, self.errors, str.rstrip), daemon=True).start()

    @staticmethod
    def _parse(line):
        try:
            return json.loads(line)
        except ValueError:
            return {"raw": line.rstrip()}

    def window(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in list(self.records):
                if r.get("ready"):
                    return r["window"]
            if self.proc.poll() is not None:
                return None
            time.sleep(0.1)
        return None

    def text(self):
        texts = [r["text"] for r in list(self.records) if "text" in r]
        return texts[-1] if texts else ""

    def wait_text(self, want, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.text() != want:
            time.sleep(0.1)
        return self.text()

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def hierarchy_excerpt(listed, prefix):
    return "\n".join(line for line in listed.splitlines() if prefix in line)


def scenario(run, env, check, keyboard, say=print):
    """The "seats" section. `keyboard` is the PhysicalKeyboard made before the daemon."""
    socket = f"{run}/agent.sock"
    op = im.Operator(path=f"{run}/control.sock")
    grabbed = [d.get("name") for d in op.hello.get("devices", [])]
    check("seats: the daemon grabbed the physical keyboard as the human's", PhysicalKeyboard.NAME in grabbed, str(grabbed))
    apps = []
    agents = {}
    try:
        x1 = Xterm(run, "xterm-alice", "100x6+0+0", env)
        x2 = Xterm(run, "xterm-bob", "100x6+0+300", env)
        xh = Xterm(run, "xterm-human", "100x6+0+600", env)
        gtk = GtkEntry("gtk-bob", 1000, 0, 700, 80, env)
        apps += [x1, x2, xh, gtk]
        wins = {"xterm 1": x1.window(), "xterm 2": x2.window(), "human xterm": xh.window(), "GTK 3 window": gtk.window()}
        check("seats: two xterms, the human's xterm and a GTK 3 window are mapped", all(wins.values()),
              f"{wins}; GTK stderr: {gtk.errors[-5:]}")
        if not all(wins.values()):
            return
        focused = subprocess.run(["xdotool", "windowfocus", "--sync", str(wins["human xterm"])], env=env,
                                 capture_output=True, text=True, timeout=20)
        core = subprocess.run(["xdotool", "getwindowfocus"], env=env, capture_output=True, text=True).stdout.strip()
        check("seats: the human's xterm has the core focus", focused.returncode == 0 and core == str(wins["human xterm"]),
              f"{focused.stderr.strip()} focus {core}")

        for name in ("alice", "bob"):
            agents[name] = im.Agent(name, path=socket)
        for name, a in agents.items():
            seat = a.hello.get("seat", {})
            check(f"seats: {name}'s hello says seat mode own, named inputmux agent {name}#{a.session}",
                  seat.get("mode") == "own" and seat.get("name") == f"inputmux agent {name}#{a.session}", str(seat))
        listed = xinput_list(env)
        devices = xinput_devices(env, listed)
        for name, a in agents.items():
            base = f"inputmux agent {name}#{a.session}"
            mp, mk = device(devices, f"{base} pointer", "master"), device(devices, f"{base} keyboard", "master")
            check(f"seats: xinput list shows {name}'s master pair ({base} pointer/keyboard)",
                  mp is not None and mk is not None and mp["kind"] == "pointer" and mk["kind"] == "keyboard", listed)
            if mp is None or mk is None:
                continue
            sp, sk = device(devices, f"{base} pointer", "slave"), device(devices, f"{base} keyboard", "slave")
            check(f"seats: {name}'s uinput pointer is a slave of its master pointer",
                  sp is not None and sp["attachment"] == mp["id"], str(sp))
            check(f"seats: {name}'s uinput keyboard is a slave of its master keyboard",
                  sk is not None and sk["attachment"] == mk["id"], str(sk))
            xp, xk = device(devices, f"{base} XTEST pointer", "slave"), device(devices, f"{base} XTEST keyboard", "slave")
            check(f"seats: {name}'s XTEST pointer and keyboard are slaves of its pair",
                  xp is not None and xk is not None and xp["attachment"] == mp["id"] and xk["attachment"] == mk["id"],
                  f"{xp} {xk}")
        say("seats: xinput list (agent seats):\n" + hierarchy_excerpt(listed, "inputmux agent"))

        texts = {"alice": text_of("alice"), "bob gtk": text_of("bobgtk"), "bob xterm": text_of("bobxterm"),
                 "human": text_of("human")}
        together = AtOnce()

        def alice():
            a = agents["alice"]
            lease = a.request({"type": "acquire", "window": wins["xterm 1"], "keyboard": True, "mode": "wait"})
            if lease.get("state") != "active":
                raise RuntimeError(f"alice's lease: {lease}")
            together.begin("alice")
            a.type(texts["alice"])
            a.key("Return")

        def bob():
            b = agents["bob"]
            lease = b.request({"type": "acquire", "window": wins["GTK 3 window"], "keyboard": True, "mode": "wait"})
            if lease.get("state") != "active":
                raise RuntimeError(f"bob's GTK lease: {lease}")
            together.begin("bob")
            b.type(texts["bob gtk"])
            b.release(lease)
            lease = b.request({"type": "acquire", "window": wins["xterm 2"], "keyboard": True, "mode": "wait"})
            if lease.get("state") != "active":
                raise RuntimeError(f"bob's xterm lease: {lease}")
            b.type(texts["bob xterm"])
            b.key("Return")

        # The human starts typing with the agents: the daemon asks the X server where
        # each first key of the human went (and waits for the answer) before it counts the
        # key against anyone's lease.
        def human():
            keyboard.type(texts["human"] + "\n")

        took = together.run([("alice", alice), ("bob", bob), ("human", human)])
        say(f"seats: the three typed at once in {took:.1f} s; outcomes {together.outcome}")
        check("seats: alice's and bob's gestures and the human's typing all finished without a refusal",
              together.outcome == {"alice": "ok", "bob": "ok", "human": "ok"}, str(together.outcome))
        if together.finished():
            say(f"seats: typing spans (from the start): {together.shown()}")
            check("seats: alice, bob and the human were all typing at one time (their typing spans overlap)",
                  together.overlapping(), str(together.shown()))
        got = {"alice": x1.line(), "bob gtk": gtk.wait_text(texts["bob gtk"]), "bob xterm": x2.line(),
               "human": xh.line()}
        for label, app in (("alice", "xterm 1"), ("bob gtk", "the GTK 3 entry"), ("bob xterm", "xterm 2"),
                           ("human", "the human's xterm")):
            check(f"seats: {app} got exactly its {len(texts[label])}-character text ({label})", got[label] == texts[label],
                  f"want {texts[label]!r}, got {got[label]!r}")
        paused = {n: [e for e in a.events if e.get("event") == "paused"] for n, a in agents.items()}
        refused = [o for o in together.outcome.values() if "paused_human" in o]
        check("seats: no agent was paused by the human typing into the human's own window ([human] pause = touched)",
              not any(paused.values()) and not refused, f"{paused} {refused}")
        core = subprocess.run(["xdotool", "getwindowfocus"], env=env, capture_output=True, text=True).stdout.strip()
        check("seats: the human's xterm still has the core focus", core == str(wins["human xterm"]), core)
        keys = [r for r in gtk.records if "key" in r]
        sources = sorted({(r.get("device"), r.get("source")) for r in keys})
        focus = [r for r in gtk.records if "focus" in r]
        say(f"seats: the GTK 3 window saw {len(keys)} key presses from (device, source) {sources}; focus records {focus}")
        base = f"inputmux agent bob#{agents['bob'].session}"
        check("seats: GTK names bob's master keyboard as the device of his keys",
              bool(keys) and all(r.get("device") == f"{base} keyboard" for r in keys), str(sources))

        names = {n: f"inputmux agent {n}#{a.session}" for n, a in agents.items()}
        for a in agents.values():
            a.close()
        agents = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            listed = xinput_list(env)
            if not any(n in listed for n in names.values()):
                break
            time.sleep(0.2)
        left = hierarchy_excerpt(listed, "inputmux agent")
        check("seats: after the agents disconnect their master pairs are gone from xinput list",
              not any(n in listed for n in names.values()), left)
    finally:
        for a in agents.values():
            a.close()
        for app in apps:
            app.close()
        op.close()
