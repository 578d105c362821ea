#!/usr/bin/env python3
"""A GTK 3 application whose typed text a test can read back: one top-level window
holding a Gtk.Entry, which has the window's focus. One JSON object per line on stdout:

  {"ready": true, "window": XID}                    once the window is mapped
  {"text": "..."}                                   on every change of the entry's text
  {"key": KEYVAL, "device": NAME, "source": NAME}   every key press the window receives
  {"focus": true|false, "device": NAME}             the window's keyboard focus comes or goes

`device` is the master device GTK says delivered the event, `source` the slave it came
from (an agent seat's key names the seat's master keyboard and the session's device).

Usage: gtkentry.py TITLE X Y WIDTH HEIGHT
"""
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("GdkX11", "3.0")
from gi.repository import GdkX11, Gtk  # noqa: E402,F401 - GdkX11 gives get_xid()


def emit(**record):
    print(json.dumps(record), flush=True)


def name_of(device):
    return device.get_name() if device is not None else None


def main():
    title, x, y, w, h = sys.argv[1], *(int(v) for v in sys.argv[2:6])
    window = Gtk.Window(title=title)
    window.set_default_size(w, h)
    window.move(x, y)
    entry = Gtk.Entry()
    window.add(entry)
    entry.connect("changed", lambda e: emit(text=e.get_text()))

    def key(_widget, event):
        emit(key=event.keyval, device=name_of(event.get_device()), source=name_of(event.get_source_device()))
        return False

    def focus(_widget, event, inside):
        emit(focus=inside, device=name_of(event.get_device()))
        return False

    window.connect("key-press-event", key)
    window.connect("focus-in-event", focus, True)
    window.connect("focus-out-event", focus, False)
    window.connect("map-event", lambda *_: emit(ready=True, window=window.get_window().get_xid()))
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    entry.grab_focus()
    Gtk.main()


if __name__ == "__main__":
    main()
