#!/usr/bin/python3
"""A real X client for the X11 tests: opens top-level windows and records input.

Usage: xclient.py NAME:X,Y,WxH [NAME:X,Y,WxH ...]
Each window gets WM_CLASS (NAME, "InputMuxTest") and the title "inputmux test NAME".
stdout, one JSON object per line (flushed):
  {"ready":{"NAME":{"id":XID,"x":..,"y":..,"w":..,"h":..},...}}   once all are mapped
  {"ev":"press"|"release"|"key"|"motion","win":NAME,"x":..,"y":..,"root_x":..,"root_y":..,"button":..,"keycode":..}
  {"ack":N}   after command N was applied
stdin, one command per line: "N move NAME X Y" | "N close NAME" | "N focus NAME" |
  "N pointerroot" | "N sync"
"""
import json
import select
import sys

from Xlib import X, display

def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def main():
    d = display.Display()
    screen = d.screen()
    windows = {}
    names = {}
    mask = (X.ButtonPressMask | X.ButtonReleaseMask | X.KeyPressMask | X.PointerMotionMask |
            X.StructureNotifyMask | X.ExposureMask)
    for spec in sys.argv[1:]:
        name, geo = spec.split(":")
        x, y, wh = geo.split(",")
        w, h = wh.split("x")
        win = screen.root.create_window(int(x), int(y), int(w), int(h), 0, screen.root_depth,
                                        background_pixel=screen.white_pixel, event_mask=mask,
                                        override_redirect=False)
        win.set_wm_name("inputmux test " + name)
        win.set_wm_class(name, "InputMuxTest")
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
    while True:
        while d.pending_events():
            e = d.next_event()
            wid = getattr(getattr(e, "window", None), "id", None)
            name = names.get(wid)
            if name is None:
                continue
            if e.type == X.ButtonPress or e.type == X.ButtonRelease:
                out({"ev": "press" if e.type == X.ButtonPress else "release", "win": name, "x": e.event_x,
                     "y": e.event_y, "root_x": e.root_x, "root_y": e.root_y, "button": e.detail})
            elif e.type == X.KeyPress:
                out({"ev": "key", "win": name, "x": e.event_x, "y": e.event_y, "keycode": e.detail,
                     "state": e.state})
            elif e.type == X.MotionNotify:
                out({"ev": "motion", "win": name, "x": e.event_x, "y": e.event_y, "root_x": e.root_x,
                     "root_y": e.root_y})
        watch = [fd] + ([sys.stdin] if stdin_open else [])
        r, _, _ = select.select(watch, [], [], 1.0)
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
            elif cmd == "pointerroot":
                d.set_input_focus(X.PointerRoot, X.RevertToPointerRoot, X.CurrentTime)
            d.sync()
            out({"ack": int(n)})

if __name__ == "__main__":
    main()
