"""A small InputMux client in standard-library Python (docs/PROTOCOL.md, version 1).

    from inputmux_client import Agent
    with Agent("demo-agent") as a:
        lease = a.acquire("0,0,960x1080", keyboard=True)
        a.click(100, 200)
        a.type("hello")
        a.release(lease)

Replies are matched to requests by id; events (granted, paused, revoked, ...) that
arrive meanwhile are kept in `events`, in order.

Captures (`Agent.capture`) come inline (base64) or, with delivery="fd", as a sealed
memfd passed with the reply line (SCM_RIGHTS): the socket is read with recvmsg, and
descriptors are kept in arrival order; each reply with "fd": true takes the oldest.
"""
import array
import base64
import hashlib
import json
import os
import socket

AGENT_SOCKET = "/run/inputmux/agent.sock"
CONTROL_SOCKET = "/run/inputmux/control.sock"
PROTOCOL = 1


class InputMuxError(Exception):
    """A refused request: `code` is the stable reason code, `message` says what to do."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Connection:
    MAX_FDS = 16

    def __init__(self, path, name=None, timeout=30.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buffer = bytearray()
        self.fds = []  # received descriptors not yet taken, oldest first
        self.next_id = 1
        self.events = []
        hello = {"type": "hello", "protocol": PROTOCOL}
        if name is not None:
            hello["name"] = name
        self.hello = self.request(hello)

    def send(self, message):
        self.sock.sendall(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def read(self):
        """The next message. Reads with recvmsg so descriptors passed with a line are kept."""
        scanned = 0  # a long line (an inline image) is searched for its end once, not per read
        while (end := self.buffer.find(b"\n", scanned)) < 0:
            scanned = len(self.buffer)
            data, ancdata, _flags, _addr = self.sock.recvmsg(1 << 16, socket.CMSG_LEN(self.MAX_FDS * 4))
            for level, kind, payload in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                    self.fds.extend(fds)
            if not data:
                raise ConnectionError("inputmuxd closed the connection")
            self.buffer += data
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        return json.loads(line)

    def take_fd(self):
        """The oldest received descriptor (a reply with "fd": true owns it)."""
        if not self.fds:
            raise InputMuxError("protocol_violation", "the reply announced a descriptor but none arrived")
        return self.fds.pop(0)

    def request(self, message):
        """Sends one request and waits for its reply; returns `result` or raises."""
        message = dict(message, id=self.next_id)
        self.next_id += 1
        self.send(message)
        while True:
            m = self.read()
            if m.get("type") == "event":
                self.events.append(m)
                continue
            result = m.get("result") if m.get("ok") else None
            if isinstance(result, dict) and result.get("fd") is True:
                # The descriptor is this reply's even if it answers another request.
                result["_fd"] = self.take_fd()
            if m.get("id") == message["id"] or m.get("id") is None:
                if m.get("ok"):
                    return result if result is not None else {}
                err = m.get("error", {})
                raise InputMuxError(err.get("code", "unknown"), err.get("message", ""))
            if isinstance(result, dict) and "_fd" in result:
                os.close(result["_fd"])

    def next_event(self, kind=None):
        """The next event (of `kind`, if given), waiting for it if none is queued."""
        while True:
            for i, e in enumerate(self.events):
                if kind is None or e.get("event") == kind:
                    return self.events.pop(i)
            m = self.read()
            if m.get("type") == "event":
                self.events.append(m)

    def close(self):
        try:
            self.send({"type": "bye"})
        except OSError:
            pass
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        self.sock.close()

    def capture(self, lease=None, rect=None, width=None, height=None, format="png", quality=None,
                delivery="inline", cursor=False, settle=None):
        """What a lease shows, as a `Screenshot` (docs/PROTOCOL.md, capture).

        `settle`: True, or {"quiet_ms": 100, "max_ms": 2000}. The image's SHA-256 is checked.
        """
        m = {"type": "capture", "format": format, "delivery": delivery}
        for key, value in (("lease", lease), ("rect", rect), ("width", width), ("height", height),
                           ("quality", quality), ("settle", settle)):
            if value is not None:
                m[key] = value
        if cursor:
            m["cursor"] = True
        return Screenshot(self.request(m))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_sealed_memfd(fd):
    """The whole contents of a sealed memfd (refused unless write, grow, shrink and seal are sealed)."""
    import fcntl
    seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
    wanted = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL
    if seals & wanted != wanted:
        raise InputMuxError("protocol_violation", "the capture's descriptor is not sealed; do not trust it")
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0) if size else b""


class Screenshot:
    """A capture: `data` (the image bytes), `rect` (desktop), `width`, `height`, `format`,
    `transform`, `settle`; `to_desktop(px, py)` maps an image pixel to the desktop pixel it shows."""

    def __init__(self, result):
        if "_fd" in result:
            fd = result.pop("_fd")
            try:
                self.data = read_sealed_memfd(fd)
            finally:
                os.close(fd)
        else:
            self.data = base64.b64decode(result["data"])
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        if self.sha256 != result["sha256"] or len(self.data) != result["bytes"]:
            raise InputMuxError("protocol_violation", "the image does not match the SHA-256 inputmuxd announced")
        self.lease = result["lease"]
        self.rect = result["rect"]
        self.width = result["width"]
        self.height = result["height"]
        self.format = result["format"]
        self.transform = result["transform"]
        self.settle = result.get("settle")

    def to_desktop(self, px, py):
        """Image pixel (px, py) -> the desktop pixel it shows: origin + round((p + 0.5) / scale - 0.5)."""
        t = self.transform

        def axis(p, origin, scale):
            v = (p + 0.5) / scale - 0.5
            # Python's round() rounds halves to even; the protocol rounds them away from zero.
            return origin + (int(v + 0.5) if v >= 0 else -int(-v + 0.5))

        return axis(px, t["origin_x"], t["scale_x"]), axis(py, t["origin_y"], t["scale_y"])

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)


class Agent(Connection):
    """One agent session: its own virtual pointer and keyboard, and its leases."""

    def __init__(self, name, path=AGENT_SOCKET, timeout=30.0):
        super().__init__(path, name=name, timeout=timeout)
        self.session = self.hello["session"]

    def acquire(self, region, keyboard=False, mode="wait", timeout_ms=None, ttl_ms=None):
        """Returns the acquire result: state active, queued (position, reason) or pending_approval."""
        m = {"type": "acquire", "region": region, "keyboard": keyboard, "mode": mode}
        if timeout_ms is not None:
            m["timeout_ms"] = timeout_ms
        if ttl_ms is not None:
            m["ttl_ms"] = ttl_ms
        return self.request(m)

    def wait_granted(self):
        return self.next_event("granted")["lease"]

    def release(self, lease):
        lease_id = lease["lease"]["id"] if "lease" in lease else lease
        return self.request({"type": "release", "lease": lease_id})

    def heartbeat(self):
        return self.request({"type": "heartbeat"})

    def status(self):
        return self.request({"type": "status"})

    def gesture(self, action, **fields):
        return self.request(dict(fields, type="gesture", action=action))

    def move(self, x, y):
        return self.gesture("move", x=x, y=y)

    def click(self, x=None, y=None, button="left", count=1, modifiers=""):
        at = {} if x is None else {"x": x, "y": y}
        return self.gesture("click", button=button, count=count, modifiers=modifiers, **at)

    def drag(self, path, button="left"):
        return self.gesture("drag", path=[list(p) for p in path], button=button)

    def scroll(self, dx=0, dy=0, x=None, y=None, unit="notches"):
        at = {} if x is None else {"x": x, "y": y}
        return self.gesture("scroll", dx=dx, dy=dy, unit=unit, **at)

    def key(self, keys, repeat=1):
        return self.gesture("key", keys=keys, repeat=repeat)

    def type(self, text):
        return self.gesture("type", text=text)


class Operator(Connection):
    """The control socket: what `muxctl` speaks."""

    def __init__(self, path=CONTROL_SOCKET, timeout=30.0):
        super().__init__(path, timeout=timeout)

    def status(self):
        return self.request({"type": "status"})

    def verb(self, verb, lease, **fields):
        return self.request(dict(fields, type=verb, lease=lease))

    def monitor(self):
        return self.request({"type": "monitor"})

    def approve(self, lease, capture=False):
        """Approves a pending lease; with capture=True also captures of its sensitive regions."""
        return self.verb("approve", lease, **({"capture": True} if capture else {}))
