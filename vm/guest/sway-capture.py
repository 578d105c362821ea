#!/usr/bin/env python3
"""Captures on sway through inputmuxd ([wayland] compositor = "sway"), against a real sway
in the guest (start-sway.sh: headless + libinput, seatd, an ordinary user) and foot
windows of known colours, with grim as the reference: an agent leases a foot window by
app_id and its PNG capture equals grim's of the window's rectangle pixel for pixel; a
region lease's capture likewise; a floating foot placed over part of the leased window
(with a title bar) leaves exactly that part blank in the window's capture, and its
colour appears nowhere in it; the window on a workspace not shown is refused.

PNGs (ours and grim's) are decoded with GdkPixbuf (python3-gi, in the guest).

Run: bash vm/run-in-guest.sh --timeout 900 -- python3 /opt/inputmux/guest/sway-capture.py
Prints "ok"/"FAIL" lines and closes with "N passed, M failed".
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest_harness  # noqa: E402
sd = guest_harness.script("sway-daemon.py")
sc = sd.sc
import inputmux_client as im  # noqa: E402

check = sc.check
RED, GREEN, BLUE = 0xFF0000, 0x00C000, 0x0000FF


class Image:
    """A PNG decoded by GdkPixbuf: width, height, and pixel(x, y) as 0xRRGGBB."""

    def __init__(self, path):
        import gi
        gi.require_version("GdkPixbuf", "2.0")
        from gi.repository import GdkPixbuf
        pb = GdkPixbuf.Pixbuf.new_from_file(path)
        self.width, self.height = pb.get_width(), pb.get_height()
        self.stride, self.channels = pb.get_rowstride(), pb.get_n_channels()
        self.bytes = pb.get_pixels()

    def pixel(self, x, y):
        i = y * self.stride + x * self.channels
        return self.bytes[i] << 16 | self.bytes[i + 1] << 8 | self.bytes[i + 2]


def grim(sway, rect, path):
    """grim's PNG of desktop rectangle (x, y, w, h), decoded; None when grim failed."""
    x, y, w, h = rect
    done = subprocess.run(["grim", "-g", f"{x},{y} {w}x{h}", path], env=sway.root_env, capture_output=True, text=True)
    return Image(path) if done.returncode == 0 else None


def ours(shot, path):
    shot.save(path)
    return Image(path)


def compare(image, reference, blank=None):
    """(pixels differing from the reference outside `blank`, pixels inside `blank` not
    black, pixels inside `blank`): `blank` is (x, y, w, h) in image coordinates."""
    differing = not_blank = blanked = 0
    bx, by, bw, bh = blank or (0, 0, 0, 0)
    for y in range(image.height):
        for x in range(image.width):
            if bx <= x < bx + bw and by <= y < by + bh:
                blanked += 1
                if image.pixel(x, y) != 0:
                    not_blank += 1
            elif image.pixel(x, y) != reference.pixel(x, y):
                differing += 1
    return differing, not_blank, blanked


def count(image, colour):
    return sum(1 for y in range(image.height) for x in range(image.width) if image.pixel(x, y) == colour)


def rect_of(shot):
    r = shot.rect
    return r["x"], r["y"], r["width"], r["height"]


def main():
    sway, env = sd.start_sway()
    if sway is None:
        return
    daemon, run = sd.start_daemon(env, "inputmux-sway-capture-")
    check("inputmuxd starts with [wayland] compositor = \"sway\"", daemon is not None,
          sc.read(os.path.join(run, "daemon.log"))[-2000:])
    if daemon is None:
        return
    tree = lambda: sway.msg(kind="get_tree") or {}  # noqa: E731
    def view(app_id):
        return next((v for v in sc.views(tree()) if v.get("app_id") == app_id), None)

    def foot(app_id, colour, place, border="none"):
        """A foot window of one colour, floating with `border`, its outer corner (title bar
        included) and size `place` (x, y, w, h)."""
        sc.children.append(sway.user("foot", "-a", app_id, "-o", f"colors.background={colour:06x}",
                                     "-o", f"colors.foreground={colour:06x}", "sleep", "600",
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        mapped = sc.wait_for(lambda: view(app_id), 90)
        check(f"foot -a {app_id} maps", mapped is not None)
        if mapped is None:
            return False
        x, y, w, h = place

        def placed():
            v = view(app_id) or {}
            r, bar = v.get("rect") or {}, (v.get("deco_rect") or {}).get("height", 0)
            return (r.get("x"), r.get("y") - bar if "y" in r else None, r.get("width"), r.get("height", 0) + bar) == (x, y, w, h)
        # A client that has not drawn its first frame yet may answer with its own size:
        # the placement is repeated until the tree shows it.
        for _ in range(10):
            sway.msg(f"[app_id={app_id}] floating enable, border {border}, resize set {w} {h}, move absolute position {x} {y}")
            if sc.wait_for(placed, 2, 0.2):
                break
        check(f"{app_id} floats with its outer corner at {x},{y}, {w}x{h}", placed(), str((view(app_id) or {}).get("rect")))
        return placed()

    def shows(x, y, colour):
        """Waits until grim shows `colour` at desktop (x, y): the client has drawn."""
        def seen():
            got = grim(sway, (x, y, 1, 1), f"{run}/probe.png")
            return got is not None and got.pixel(0, 0) == colour
        return sc.wait_for(seen, 60, 0.5)

    if not (foot("footA", RED, (100, 100, 600, 400)) and foot("footB", GREEN, (800, 100, 300, 300))):
        return
    check("both windows are drawn (grim)", shows(400, 300, RED) and shows(1000, 250, GREEN))

    def acquire(agent, request):
        """The acquire's result, or what refused it."""
        try:
            return agent.request(dict(request, type="acquire"))
        except im.InputMuxError as exc:
            return {"refused": repr(exc)}

    agent = im.Agent("swaycapture", path=f"{run}/agent.sock")
    lease = acquire(agent, {"window_class": "footA"})
    check("a window lease on footA by app_id is active", lease.get("state") == "active", str(lease))
    if lease.get("state") != "active":
        return
    # The whole lease, settled: the window's rectangle of the screen, as grim sees it.
    try:
        shot = agent.capture(settle={"quiet_ms": 100, "max_ms": 3000})
    except im.InputMuxError as exc:
        check("the window lease's capture is made", False, repr(exc))
        return
    check("the window lease's capture is its rectangle, 600x400 PNG, settled",
          rect_of(shot) == (100, 100, 600, 400) and (shot.width, shot.height) == (600, 400) and shot.format == "png"
          and (shot.settle or {}).get("settled") is True, f"{shot.rect} {shot.width}x{shot.height} {shot.format} {shot.settle}")
    image, reference = ours(shot, f"{run}/window.png"), grim(sway, rect_of(shot), f"{run}/grim-window.png")
    differing, _, _ = compare(image, reference)
    check("the window capture equals grim -g of the same rectangle pixel for pixel", differing == 0 and count(image, RED) > 200000,
          f"{differing} pixels differ, {count(image, RED)} red")

    # A region lease of another agent: that rectangle of the screen, window and background.
    other = im.Agent("swayregion", path=f"{run}/agent.sock")
    region = acquire(other, {"region": "760,60,400x400"})
    check("a region lease 760,60,400x400 is active", region.get("state") == "active", str(region))
    try:
        shot = other.capture()
        image, reference = ours(shot, f"{run}/region.png"), grim(sway, (760, 60, 400, 400), f"{run}/grim-region.png")
        differing, _, _ = compare(image, reference)
        check("the region capture equals grim -g of the same rectangle pixel for pixel",
              (image.width, image.height) == (400, 400) and differing == 0 and count(image, GREEN) > 80000,
              f"{image.width}x{image.height}, {differing} differ, {count(image, GREEN)} green")
    except im.InputMuxError as exc:
        check("the region capture equals grim -g of the same rectangle pixel for pixel", False, repr(exc))

    # A floating foot over the leased window's lower right, with sway's title bar: its
    # container (outer corner 400,300, 300x300) covers 400..700 x 300..500 of footA.
    if not foot("footC", BLUE, (400, 300, 300, 300), border="normal 2"):
        return
    check("footC is drawn over footA (grim)", shows(550, 450, BLUE))
    c = view("footC") or {}
    title = (c.get("deco_rect") or {}).get("height", 0)
    check("footC has a title bar and its container's outer corner is at 400,300",
          title > 0 and c.get("rect", {}).get("y") == 300 + title and c.get("rect", {}).get("x") == 400, str(c.get("rect")))
    try:
        shot = agent.capture(settle={"quiet_ms": 100, "max_ms": 3000})
        image, reference = ours(shot, f"{run}/covered.png"), grim(sway, rect_of(shot), f"{run}/grim-covered.png")
        differing, not_blank, blanked = compare(image, reference, blank=(300, 200, 300, 200))
        check("the covered part of the window capture is blank, title bar included, the rest equals grim",
              differing == 0 and not_blank == 0 and blanked == 300 * 200, f"{differing} differ, {not_blank} of {blanked} covered not blank")
        check("footC's colour appears nowhere in the window capture (grim shows it there)",
              count(image, BLUE) == 0 and reference.pixel(450, 350) == BLUE, f"{count(image, BLUE)} blue pixels")
    except im.InputMuxError as exc:
        check("the covered part of the window capture is blank, title bar included, the rest equals grim", False, repr(exc))

    # On a workspace no output shows, the window is not captured.
    sway.msg("[app_id=footA] move container to workspace 2")
    try:
        agent.capture()
        check("a capture of the window on a workspace not shown is refused", False, "it was made")
    except im.InputMuxError as exc:
        check("a capture of the window on a workspace not shown is refused",
              exc.code == "capture_failed" and "not shown" in str(exc), repr(exc))
    agent.close()
    other.close()
    daemon.terminate()
    daemon.wait(timeout=20)
    if os.path.isdir("/opt/inputmux/out"):
        subprocess.run(["cp", os.path.join(run, "daemon.log"), os.path.join(run, "audit.jsonl"), "/opt/inputmux/out/"], check=False)


if __name__ == "__main__":
    sc.run(main, "the sway capture guest test")
