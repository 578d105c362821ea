#!/usr/bin/python3
"""A real X client for the X11 tests: opens top-level windows and records input.

Usage: xclient.py NAME:X,Y,WxH[@PARENT][#RRGGBB][!DELAYMS#RRGGBB] [...]   (#RRGGBB: the background, white by default)
Each window gets WM_CLASS (NAME, "InputMuxTest") and the title "inputmux test NAME";
with @PARENT it is a child of window PARENT (named earlier), at X,Y inside it.
With !DELAYMS#RRGGBB the window repaints itself wholly in the second colour DELAYMS
milliseconds after each ButtonPress in it (an app that answers a click late), and then
reports {"ev":"repainted",...}.
stdout, one JSON object per line (flushed):
  {"ready":{"NAME":{"id":XID,"x":..,"y":..,"w":..,"h":..},...}}   once all are mapped
  {"ev":"press"|"release"|"key"|"motion","win":NAME,"x":..,"y":..,"root_x":..,"root_y":..,"button":..,"keycode":..,"state":..,"char":C}
        (char: the printable ASCII character a key press types, or "")
  {"ev":"repainted","win":NAME,"color":"RRGGBB","t":NS}   after a delayed repaint reached the server
        (t: CLOCK_MONOTONIC in nanoseconds when it did)
  {"ack":N}   after command N was applied
  After "N xi2 NAME", window NAME's presses, releases and keys are XInput2 events instead
  (XI2 delivery replaces core delivery to the same client), and their records also carry
  "device" (the XInput2 master device that delivered them) and "source" (the slave that
  produced them, e.g. a master's XTEST keyboard) and "time" (the server's timestamp, in
  milliseconds); its motion is still a core record.
stdin, one command per line: "N move NAME X Y" | "N close NAME" | "N focus NAME" |
  "N xi2 NAME" | "N unmap NAME" | "N map NAME" |
  "N pointerroot" | "N screen W H" (RandR: the one output's mode and the screen size
  become WxH, at most the size Xvfb started with) | "N sync" |
  "N fill NAME X Y W H RRGGBB" (draws a filled rectangle in window NAME, at X,Y inside it)
"""
import json
import os
import select
import sys
import time

from Xlib import X, display
from Xlib.ext import randr, xinput
from Xlib.protocol import rq


class XkbUseExtension(rq.ReplyRequest):
    """XkbUseExtension (XKB request 0), as Xlib sends it in XOpenDisplay. Without it the
    server rewrites the modifiers of every key event to those of this client's own
    keyboard (the core seat's), whichever seat typed; with it the event keeps the state
    of the seat that typed, as real applications see it."""
    _request = rq.Struct(rq.Card8('opcode'), rq.Opcode(0), rq.RequestLength(),
                         rq.Card16('wanted_major'), rq.Card16('wanted_minor'))
    _reply = rq.Struct(rq.ReplyCode(), rq.Bool('supported'), rq.Card16('sequence_number'),
                       rq.ReplyLength(), rq.Card16('server_major'), rq.Card16('server_minor'),
                       rq.Pad(20))


def use_xkb(d):
    ext = d.query_extension('XKEYBOARD')
    if ext.present:
        XkbUseExtension(display=d.display, opcode=ext.major_opcode, wanted_major=1, wanted_minor=0)

def set_screen(d, root, w, h):
    """Resizes the screen the way a monitor change does: a WxH mode on the one CRTC."""
    res = randr.get_screen_resources(root)
    output, crtc = res.outputs[0], res.crtcs[0]
    mode = next((m.id for m in res.modes if m.width == w and m.height == h), None)
    if mode is None:
        name = "%dx%d" % (w, h)
        info = dict(id=0, width=w, height=h, dot_clock=60 * w * h, h_sync_start=w, h_sync_end=w, h_total=w,
                    h_skew=0, v_sync_start=h, v_sync_end=h, v_total=h, name_length=len(name), flags=0)
        mode = randr.create_mode(root, info, name).mode
        randr.add_output_mode(d, output, mode)
    current = randr.get_crtc_info(d, crtc, res.config_timestamp)
    g = root.get_geometry()
    mm = lambda px: px * 254 // 960   # 96 dpi
    if w > g.width or h > g.height:   # the screen must hold the CRTC: grow it first
        randr.set_screen_size(root, max(w, g.width), max(h, g.height), mm(max(w, g.width)), mm(max(h, g.height)))
    randr.set_crtc_config(d, crtc, res.config_timestamp, 0, 0, mode, current.rotation, [output])
    randr.set_screen_size(root, w, h, mm(w), mm(h))

GENERIC_EVENT = 35   # X.h GenericEvent, which python-xlib does not name

def char_of(d, keycode, state):
    """The printable ASCII character a key press types (Shift and Lock applied), or ""."""
    shifted = bool(state & X.ShiftMask)
    sym = d.keycode_to_keysym(keycode, 1 if shifted else 0)
    if 0x61 <= sym <= 0x7a and state & X.LockMask and not shifted:
        sym -= 0x20
    return chr(sym) if 0x20 <= sym <= 0x7e else ""


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def main():
    d = display.Display()
    use_xkb(d)
    screen = d.screen()
    windows = {}
    names = {}
    repaints = {}   # NAME: (delay in seconds, colour) after a ButtonPress
    due = []        # [(monotonic time, NAME, colour)], the repaints waiting
    mask = (X.ButtonPressMask | X.ButtonReleaseMask | X.KeyPressMask | X.PointerMotionMask |
            X.StructureNotifyMask | X.ExposureMask)
    for spec in sys.argv[1:]:
        name, geo = spec.split(":")
        geo, _, later = geo.partition("!")
        if later:
            delay, _, later_color = later.partition("#")
            repaints[name] = (int(delay) / 1000.0, later_color)
        geo, _, color = geo.partition("#")
        geo, _, parent = geo.partition("@")
        x, y, wh = geo.split(",")
        w, h = wh.split("x")
        win = (windows[parent] if parent else screen.root).create_window(int(x), int(y), int(w), int(h), 0, screen.root_depth,
                                        background_pixel=int(color, 16) if color else screen.white_pixel, event_mask=mask,
                                        override_redirect=False)
        win.set_wm_name("inputmux test " + name)
        win.set_wm_class(name, "InputMuxTest")
        win.change_property(d.intern_atom("_NET_WM_PID"), d.intern_atom("CARDINAL"), 32, [os.getpid()])
        win.map()
        windows[name] = win
        names[win.id] = name
    d.sync()
    mapped = set()
    while len(mapped) < len(windows):
        e = d.next_event()
        if e.type == X.MapNotify and e.window.id in names:
            mapped.add(e.window.id)
    ready = {}
    for name, win in windows.items():
        g = win.get_geometry()
        t = win.translate_coords(screen.root, 0, 0)
        ready[name] = {"id": win.id, "x": -t.x, "y": -t.y, "w": g.width, "h": g.height}
    out({"ready": ready})

    fd = d.fileno()
    stdin_open = True
    xi_opcode = None
    xi_kinds = {xinput.ButtonPress: "press", xinput.ButtonRelease: "release", xinput.KeyPress: "key"}
    while True:
        while d.pending_events():
            e = d.next_event()
            if xi_opcode is not None and e.type == GENERIC_EVENT and e.extension == xi_opcode:
                kind = xi_kinds.get(e.evtype)
                name = names.get(e.data.event.id)
                if kind is None or name is None:
                    continue
                rec = {"ev": kind, "win": name, "x": int(e.data.event_x), "y": int(e.data.event_y),
                       "root_x": int(e.data.root_x), "root_y": int(e.data.root_y),
                       "device": e.data.deviceid, "source": e.data.sourceid, "time": e.data.time, "xi2": True}
                if kind == "key":
                    rec["keycode"] = e.data.detail
                    rec["state"] = e.data.mods.effective_mods
                else:
                    rec["button"] = e.data.detail
                out(rec)
                continue
            wid = getattr(getattr(e, "window", None), "id", None)
            name = names.get(wid)
            if name is None:
                continue
            if e.type == X.ButtonPress or e.type == X.ButtonRelease:
                out({"ev": "press" if e.type == X.ButtonPress else "release", "win": name, "x": e.event_x,
                     "y": e.event_y, "root_x": e.root_x, "root_y": e.root_y, "button": e.detail})
                if e.type == X.ButtonPress and name in repaints:
                    delay, later_color = repaints[name]
                    due.append((time.monotonic() + delay, name, later_color))
            elif e.type == X.KeyPress:
                out({"ev": "key", "win": name, "x": e.event_x, "y": e.event_y, "keycode": e.detail,
                     "state": e.state, "char": char_of(d, e.detail, e.state)})
            elif e.type == X.MotionNotify:
                out({"ev": "motion", "win": name, "x": e.event_x, "y": e.event_y, "root_x": e.root_x,
                     "root_y": e.root_y})
        now = time.monotonic()
        for at, name, later_color in [r for r in due if r[0] <= now]:
            due.remove((at, name, later_color))
            win = windows[name]
            win.change_attributes(background_pixel=int(later_color, 16))
            win.clear_area(0, 0, 0, 0)
            d.sync()
            out({"ev": "repainted", "win": name, "color": later_color, "t": time.monotonic_ns()})
        if d.pending_events():
            continue
        watch = [fd] + ([sys.stdin] if stdin_open else [])
        timeout = max(0.0, min(r[0] for r in due) - time.monotonic()) if due else 1.0
        r, _, _ = select.select(watch, [], [], timeout)
        if sys.stdin in r:
            line = sys.stdin.readline()
            if not line:
                stdin_open = False
                return
            parts = line.split()
            n, cmd, args = parts[0], parts[1], parts[2:]
            if cmd == "move":
                windows[args[0]].configure(x=int(args[1]), y=int(args[2]))
            elif cmd == "close":
                windows[args[0]].destroy()
            elif cmd == "focus":
                windows[args[0]].set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
            elif cmd == "unmap":
                windows[args[0]].unmap()
            elif cmd == "map":
                windows[args[0]].map()
            elif cmd == "xi2":
                if xi_opcode is None:
                    d.xinput_query_version()
                    xi_opcode = d.query_extension(xinput.extname).major_opcode
                windows[args[0]].xinput_select_events([(xinput.AllMasterDevices, xinput.KeyPressMask |
                                                        xinput.ButtonPressMask | xinput.ButtonReleaseMask)])
            elif cmd == "pointerroot":
                d.set_input_focus(X.PointerRoot, X.RevertToPointerRoot, X.CurrentTime)
            elif cmd == "fill":
                win = windows[args[0]]
                gc = win.create_gc(foreground=int(args[5], 16))
                win.fill_rectangle(gc, int(args[1]), int(args[2]), int(args[3]), int(args[4]))
                gc.free()
            elif cmd == "screen":
                set_screen(d, screen.root, int(args[0]), int(args[1]))
            d.sync()
            out({"ack": int(n)})

if __name__ == "__main__":
    main()
