#!/usr/bin/env python3
"""Proves the VM rig end to end, without any InputMux code.

Runs in the guest (vm/smoke.sh): creates a uinput keyboard and an absolute
pointer with python3-evdev, finds their /dev/input/eventN nodes, grabs the
keyboard and reads a key press back through evdev, checks what udev says about
the devices, and that libinput (what compositors use) lists them. Closes with
the rig's plain summary line "N passed, N failed".
"""
import os
import select
import subprocess
import sys
import time

import evdev
from evdev import UInput, AbsInfo, ecodes as e

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def find_node(name, timeout=5.0):
    """The event node of the device called NAME, once udev has made it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in evdev.list_devices():
            try:
                if evdev.InputDevice(path).name == name:
                    return path
            except OSError:
                pass
        time.sleep(0.05)
    return None


def read_events(dev, want, timeout=2.0):
    """(type, code, value) tuples read from DEV until WANT were all seen."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(w in got for w in want):
        r, _, _ = select.select([dev.fd], [], [], max(0.0, deadline - time.monotonic()))
        if r:
            got += [(ev.type, ev.code, ev.value) for ev in dev.read()]
    return got


def main():
    check("/dev/uinput exists", os.path.exists("/dev/uinput"))
    kbd_name = "inputmux smoke keyboard"
    ptr_name = "inputmux smoke pointer"
    # udev calls a device a keyboard only when it has KEY_ESC..KEY_S (codes 1-31).
    kbd = UInput({e.EV_KEY: list(range(1, 32)) + [e.KEY_LEFTSHIFT]}, name=kbd_name, vendor=0x1234, product=0x5678)
    ptr = UInput(
        {
            e.EV_KEY: [e.BTN_LEFT, e.BTN_RIGHT, e.BTN_MIDDLE],
            e.EV_ABS: [
                (e.ABS_X, AbsInfo(0, 0, 1919, 0, 0, 0)),
                (e.ABS_Y, AbsInfo(0, 0, 1079, 0, 0, 0)),
            ],
            e.EV_REL: [e.REL_WHEEL],
        },
        name=ptr_name,
        vendor=0x1234,
        product=0x5679,
    )
    try:
        kbd_path = find_node(kbd_name)
        ptr_path = find_node(ptr_name)
        check("keyboard node appears", kbd_path is not None, str(kbd_path))
        check("pointer node appears", ptr_path is not None, str(ptr_path))
        if not kbd_path or not ptr_path:
            return

        dev = evdev.InputDevice(kbd_path)
        dev.grab()  # EVIOCGRAB: what the daemon does to physical keyboards
        time.sleep(0.1)
        kbd.write(e.EV_KEY, e.KEY_A, 1)
        kbd.syn()
        kbd.write(e.EV_KEY, e.KEY_A, 0)
        kbd.syn()
        got = read_events(dev, [(e.EV_KEY, e.KEY_A, 1), (e.EV_KEY, e.KEY_A, 0)])
        check("key press read back through a grabbed evdev node", (e.EV_KEY, e.KEY_A, 1) in got, str(got))
        check("key release read back", (e.EV_KEY, e.KEY_A, 0) in got)
        dev.ungrab()
        dev.close()

        pdev = evdev.InputDevice(ptr_path)
        ptr.write(e.EV_ABS, e.ABS_X, 960)
        ptr.write(e.EV_ABS, e.ABS_Y, 540)
        ptr.syn()
        got = read_events(pdev, [(e.EV_ABS, e.ABS_X, 960), (e.EV_ABS, e.ABS_Y, 540)])
        check("absolute motion read back", (e.EV_ABS, e.ABS_X, 960) in got and (e.EV_ABS, e.ABS_Y, 540) in got, str(got))
        pdev.close()

        subprocess.run(["udevadm", "settle", "--timeout=10"], check=False)
        info = subprocess.run(["udevadm", "info", kbd_path], capture_output=True, text=True).stdout
        tags = [line[3:] for line in info.splitlines() if line.startswith("E: ID_INPUT")]
        check("udev tags the keyboard ID_INPUT_KEYBOARD", "ID_INPUT_KEYBOARD=1" in tags, str(tags))
        info = subprocess.run(["udevadm", "info", ptr_path], capture_output=True, text=True).stdout
        check("udev tags the pointer ID_INPUT", "ID_INPUT=1" in info)

        t0 = time.monotonic()
        lib = subprocess.run(["libinput", "list-devices"], capture_output=True, text=True)
        listed = [line.split(":", 1)[1].strip() for line in lib.stdout.splitlines() if line.startswith("Device:")]
        check("libinput lists the keyboard", kbd_name in listed, f"{listed} ({time.monotonic() - t0:.1f}s)")
        check("libinput lists the pointer", ptr_name in listed)

        # A real desktop view: Xorg reads the pointer through libinput and
        # moves its cursor where the absolute motion says.
        here = os.path.dirname(os.path.abspath(__file__))
        xorg = subprocess.run(["bash", os.path.join(here, "start-xorg.sh"), ":1"], capture_output=True, text=True)
        check("Xorg (libinput driver) starts", xorg.returncode == 0, xorg.stderr.strip())
        if xorg.returncode == 0:
            env = dict(os.environ, DISPLAY=":1")
            listed = ""
            deadline = time.monotonic() + 10
            while ptr_name not in listed and time.monotonic() < deadline:
                listed = subprocess.run(["xinput", "list", "--name-only"], env=env, capture_output=True, text=True).stdout
                time.sleep(0.2)
            check("Xorg lists the pointer", ptr_name in listed)
            where = ""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                ptr.write(e.EV_ABS, e.ABS_X, 400)
                ptr.write(e.EV_ABS, e.ABS_Y, 300)
                ptr.syn()
                time.sleep(0.2)
                where = subprocess.run(["xdotool", "getmouselocation"], env=env, capture_output=True, text=True).stdout
                if where.startswith("x:"):
                    x, y = (int(part.split(":")[1]) for part in where.split()[:2])
                    if abs(x - 400) <= 1 and abs(y - 300) <= 1:
                        break
            check("Xorg cursor follows absolute motion to 400,300", where.startswith("x:") and abs(x - 400) <= 1 and abs(y - 300) <= 1, where.strip())
            subprocess.run(["sh", "-c", "kill $(cat /tmp/xorg-inputmux.pid)"], check=False)
    finally:
        kbd.close()
        ptr.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # any crash is a failed check, not a silent pass
        check("smoke test ran to the end", False, repr(exc))
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
