#!/usr/bin/env python3
"""Switches an X screen to a smaller RandR mode, as `xrandr --output OUT --mode WxH`
would, for the guest's X11 test (the guest has libXrandr but neither xrandr nor a
Python X library: ctypes it is).

Use: `randr_mode.shrink(":1")` from the test's own process, which keeps the X
connection (and with it a mode it had to create) until it exits.
"""
import ctypes as C

Time = XID = C.c_ulong
Rotation = C.c_ushort


class ModeInfo(C.Structure):
    _fields_ = [("id", XID), ("width", C.c_uint), ("height", C.c_uint), ("dotClock", C.c_ulong),
                ("hSyncStart", C.c_uint), ("hSyncEnd", C.c_uint), ("hTotal", C.c_uint), ("hSkew", C.c_uint),
                ("vSyncStart", C.c_uint), ("vSyncEnd", C.c_uint), ("vTotal", C.c_uint),
                ("name", C.c_char_p), ("nameLength", C.c_uint), ("modeFlags", C.c_ulong)]


class ScreenResources(C.Structure):
    _fields_ = [("timestamp", Time), ("configTimestamp", Time), ("ncrtc", C.c_int), ("crtcs", C.POINTER(XID)),
                ("noutput", C.c_int), ("outputs", C.POINTER(XID)), ("nmode", C.c_int),
                ("modes", C.POINTER(ModeInfo))]


class CrtcInfo(C.Structure):
    _fields_ = [("timestamp", Time), ("x", C.c_int), ("y", C.c_int), ("width", C.c_uint), ("height", C.c_uint),
                ("mode", XID), ("rotation", Rotation), ("noutput", C.c_int), ("outputs", C.POINTER(XID)),
                ("rotations", Rotation), ("npossible", C.c_int), ("possible", C.POINTER(XID))]


class OutputInfo(C.Structure):
    _fields_ = [("timestamp", Time), ("crtc", XID), ("name", C.c_char_p), ("nameLen", C.c_int),
                ("mm_width", C.c_ulong), ("mm_height", C.c_ulong), ("connection", C.c_ushort),
                ("subpixel_order", C.c_ushort), ("ncrtc", C.c_int), ("crtcs", C.POINTER(XID)),
                ("nclone", C.c_int), ("clones", C.POINTER(XID)), ("nmode", C.c_int), ("npreferred", C.c_int),
                ("modes", C.POINTER(XID))]


def shrink(display=None):
    """Puts the active CRTC on a smaller mode its output offers (1280x720 is added when
    it offers none) and sizes the screen to it. Returns (width, height)."""
    x11 = C.CDLL("libX11.so.6")
    rr = C.CDLL("libXrandr.so.2")
    x11.XOpenDisplay.restype = C.c_void_p
    x11.XOpenDisplay.argtypes = [C.c_char_p]
    x11.XDefaultRootWindow.restype = XID
    x11.XDefaultRootWindow.argtypes = [C.c_void_p]
    x11.XSync.argtypes = [C.c_void_p, C.c_int]
    rr.XRRGetScreenResourcesCurrent.restype = C.POINTER(ScreenResources)
    rr.XRRGetScreenResourcesCurrent.argtypes = [C.c_void_p, XID]
    rr.XRRGetCrtcInfo.restype = C.POINTER(CrtcInfo)
    rr.XRRGetCrtcInfo.argtypes = [C.c_void_p, C.POINTER(ScreenResources), XID]
    rr.XRRGetOutputInfo.restype = C.POINTER(OutputInfo)
    rr.XRRGetOutputInfo.argtypes = [C.c_void_p, C.POINTER(ScreenResources), XID]
    rr.XRRCreateMode.restype = XID
    rr.XRRCreateMode.argtypes = [C.c_void_p, XID, C.POINTER(ModeInfo)]
    rr.XRRAddOutputMode.argtypes = [C.c_void_p, XID, XID]
    rr.XRRSetCrtcConfig.argtypes = [C.c_void_p, C.POINTER(ScreenResources), XID, Time, C.c_int, C.c_int, XID,
                                    Rotation, C.POINTER(XID), C.c_int]
    rr.XRRSetScreenSize.argtypes = [C.c_void_p, XID, C.c_int, C.c_int, C.c_int, C.c_int]

    dpy = x11.XOpenDisplay(display.encode() if display else None)
    if not dpy:
        raise RuntimeError(f"cannot open X display {display}")
    root = x11.XDefaultRootWindow(dpy)
    res = rr.XRRGetScreenResourcesCurrent(dpy, root)
    modes = {res.contents.modes[i].id: res.contents.modes[i] for i in range(res.contents.nmode)}
    active = None
    for i in range(res.contents.ncrtc):
        crtc = res.contents.crtcs[i]
        info = rr.XRRGetCrtcInfo(dpy, res, crtc).contents
        if info.mode and info.noutput:
            active = (crtc, info)
            break
    if active is None:
        raise RuntimeError("no active CRTC")
    crtc, info = active
    output = info.outputs[0]
    out = rr.XRRGetOutputInfo(dpy, res, output).contents
    smaller = [modes[out.modes[i]] for i in range(out.nmode)
               if out.modes[i] in modes and modes[out.modes[i]].width < info.width
               and modes[out.modes[i]].height < info.height]
    if smaller:
        mode = max(smaller, key=lambda m: m.width * m.height)
        mode_id, w, h = mode.id, mode.width, mode.height
    else:
        name = b"1280x720"
        m = ModeInfo(0, 1280, 720, 74250000, 1390, 1430, 1650, 0, 725, 730, 750, name, len(name), 0)
        mode_id, w, h = rr.XRRCreateMode(dpy, root, C.byref(m)), 1280, 720
        rr.XRRAddOutputMode(dpy, output, mode_id)
    outputs = (XID * 1)(output)
    status = rr.XRRSetCrtcConfig(dpy, res, crtc, 0, 0, 0, mode_id, info.rotation, outputs, 1)
    if status != 0:
        raise RuntimeError(f"XRRSetCrtcConfig failed with status {status}")
    rr.XRRSetScreenSize(dpy, root, w, h, w * 254 // 960, h * 254 // 960)
    x11.XSync(dpy, 0)
    # The connection stays open: a mode this client created lives only as long as it.
    return w, h
