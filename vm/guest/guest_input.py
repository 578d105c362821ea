"""Input devices the guest's tests make through the kernel's uinput (python-evdev), as a
user's hardware would appear: a keyboard that types text. One implementation for every
guest check (sway-check.py, x11_seats.py, sway-seats.py)."""
import time

import evdev
from evdev import ecodes as e


def key_of(ch):
    """(evdev key code, shifted) for a letter, digit, space or newline."""
    if ch == " ":
        return e.KEY_SPACE, False
    if ch == "\n":
        return e.KEY_ENTER, False
    if ch.isdigit():
        return getattr(e, f"KEY_{ch}"), False
    return getattr(e, f"KEY_{ch.upper()}"), ch.isupper()


def text_of(label, n=120):
    """A text of `n` characters (letters, digits, spaces), distinct per label."""
    words = ["quick", "Brown", "fox", "jumps", "over", "Lazy", "dog", "Seat", "xterm", "GTK", "cursor", "focus"]
    out, i = [], sum(map(ord, label))
    while len(" ".join(out)) < n:
        out.append(f"{label}{len(out)}" if len(out) % 4 == 0 else words[(i + len(out) * 7) % len(words)])
        i += 3
    return " ".join(out)[:n].rstrip() + "Z"


class UinputKeyboard:
    """A keyboard on uinput. `bustype`/`phys` make it look like a USB keyboard (what the
    daemon grabs as the human's); a device under the project's reserved vendor and product
    range is one the daemon leaves alone."""

    def __init__(self, name, vendor, product, bustype=0x03, phys=None):
        self.name = name
        options = {"name": name, "vendor": vendor, "product": product, "bustype": bustype}
        if phys:
            options["phys"] = phys
        self.dev = evdev.UInput({e.EV_KEY: list(range(1, 249))}, **options)

    def type(self, text, hold=0.012, gap=0.012):
        for ch in text:
            code, shift = key_of(ch)
            if shift:
                self.dev.write(e.EV_KEY, e.KEY_LEFTSHIFT, 1)
                self.dev.syn()
            self.dev.write(e.EV_KEY, code, 1)
            self.dev.syn()
            time.sleep(hold)
            self.dev.write(e.EV_KEY, code, 0)
            self.dev.syn()
            if shift:
                self.dev.write(e.EV_KEY, e.KEY_LEFTSHIFT, 0)
                self.dev.syn()
            time.sleep(gap)

    def close(self):
        self.dev.close()


class PhysicalKeyboard(UinputKeyboard):
    """A USB keyboard as the kernel shows one: the daemon grabs it as the human's and
    re-emits what it types onto the human's seat."""
    NAME = "InputMux Test USB Keyboard"

    def __init__(self):
        super().__init__(self.NAME, vendor=0x046D, product=0xC31C, bustype=0x03, phys="usb-0000:00:14.0-1/input0")
