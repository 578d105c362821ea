#!/usr/bin/env python3
"""Clients in other languages against the live inputmuxd (run by system-test.sh).

    python3 /opt/inputmux/guest/python_clients_test.py example
    PYTHONPATH=/opt/inputmux/pylib python3 /opt/inputmux/guest/python_clients_test.py mcp

`example`: examples/python/inputmux_client.py (standard-library Python, written
from docs/PROTOCOL.md) acquires a region with the keyboard, clicks and types; the
events are read back on the session's own devices with python-evdev. A second
agent asking for an overlapping region in try mode is refused with `conflict`, an
operator sees both sessions and revokes the lease, and the holder hears `revoked`.

`mcp`: the MCP client from PyPI (the `mcp` package, vm/guest/requirements.txt),
which this project did not write, starts `inputmux-mcp` over stdio, lists the tools,
acquires a lease, clicks and types through the `computer` tool; the events read
back on the agent's devices. A second MCP session on the same region is told it
is queued.

Prints one "PASS name" / "FAIL name (detail)" line per check; exit 1 on a failure.
"""
import os
import select
import sys
import time

import evdev
from evdev import ecodes as e

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inputmux_client import Agent, InputMuxError, Operator  # noqa: E402

failures = 0


def check(name, ok, detail=""):
    global failures
    if ok:
        print(f"PASS {name}")
    else:
        failures += 1
        print(f"FAIL {name} ({detail})")
    sys.stdout.flush()


class Reader:
    """Reads an event node the way a compositor would, without grabbing it."""

    def __init__(self, path):
        self.dev = evdev.InputDevice(path)

    def take(self, quiet=0.4, limit=5.0):
        """Every event until the node has been quiet for `quiet` seconds."""
        events, deadline = [], time.monotonic() + limit
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.dev.fd], [], [], quiet)
            if not r:
                break
            events.extend(ev for ev in self.dev.read() if ev.type != e.EV_SYN)
        return events


def pointer_summary(events):
    x = y = None
    buttons = []
    for ev in events:
        if ev.type == e.EV_ABS and ev.code == e.ABS_X:
            x = ev.value
        elif ev.type == e.EV_ABS and ev.code == e.ABS_Y:
            y = ev.value
        elif ev.type == e.EV_KEY:
            buttons.append((ev.code, ev.value))
    return x, y, buttons


def keys(events):
    return [(ev.code, ev.value) for ev in events if ev.type == e.EV_KEY and ev.value in (0, 1)]


TYPED_HI = [(e.KEY_H, 1), (e.KEY_H, 0), (e.KEY_I, 1), (e.KEY_I, 0)]
LEFT_CLICK = [(e.BTN_LEFT, 1), (e.BTN_LEFT, 0)]


def example_client():
    with Agent("py-example") as a:
        devices = a.hello.get("devices", {})
        check("example client: hello names the session's devices",
              "pointer" in devices and "keyboard" in devices, a.hello)
        pointer, keyboard = Reader(devices["pointer"]), Reader(devices["keyboard"])
        r = a.acquire("100,100,400x300", keyboard=True, mode="try")
        check("example client: lease granted", r.get("state") == "active", r)
        lease = r["lease"]["id"]
        a.click(150, 170)
        a.type("hi")
        x, y, buttons = pointer_summary(pointer.take())
        check("example client: click lands at (150,170) on its pointer", (x, y) == (150, 170), (x, y))
        check("example client: left button pressed and released", buttons == LEFT_CLICK, buttons)
        got = keys(keyboard.take())
        check("example client: \"hi\" typed on its keyboard", got == TYPED_HI, got)

        with Agent("py-example-rival") as b:
            try:
                b.acquire("300,300,100x100", mode="try")
                check("example client: overlapping try is refused with conflict", False, "granted")
            except InputMuxError as err:
                check("example client: overlapping try is refused with conflict", err.code == "conflict",
                      f"{err.code}: {err.message}")
                check("example client: the refusal names the holder", "py-example" in err.message, err.message)
            try:
                b.click(350, 350)
                check("example client: a click without a lease is rejected", False, "accepted")
            except InputMuxError as err:
                check("example client: a click without a lease is rejected", err.code == "no_lease", err.code)

            with Operator() as op:
                status = op.status()
                names = sorted(s.get("name", s.get("identity", {}).get("name", "")) for s in status.get("sessions", []))
                check("example client: the operator sees both sessions",
                      "py-example" in names and "py-example-rival" in names, names)
                op.verb("revoke", lease)
        revoked = a.next_event("revoked")
        check("example client: the holder hears its lease was revoked",
              revoked.get("lease") == lease and revoked.get("reason", {}).get("code") == "revoked", revoked)
        try:
            a.click(150, 170)
            check("example client: a click after the revoke is rejected", False, "accepted")
        except InputMuxError as err:
            check("example client: a click after the revoke is rejected", err.code in ("no_lease", "lease_not_active"),
                  err.code)


def main():
    which = sys.argv[1:] or ["example"]
    for part in which:
        if part == "example":
            example_client()
        elif part == "mcp":
            import mcp_pypi_check
            for name, ok, detail in mcp_pypi_check.run(Reader, pointer_summary, keys):
                check(name, ok, detail)
        else:
            print(f"unknown part {part!r}: use example or mcp", file=sys.stderr)
            return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
