"""A small InputMux client in standard-library Python (docs/PROTOCOL.md, version 1).

    from inputmux_client import Agent
    with Agent("demo-agent") as a:
        lease = a.acquire("0,0,960x1080", keyboard=True)
        a.click(100, 200)
        a.type("hello")
        a.release(lease)

Replies are matched to requests by id; events (granted, paused, revoked, ...) that
arrive meanwhile are kept in `events`, in order.
"""
import json
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
    def __init__(self, path, name=None, timeout=30.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rwb")
        self.next_id = 1
        self.events = []
        hello = {"type": "hello", "protocol": PROTOCOL}
        if name is not None:
            hello["name"] = name
        self.hello = self.request(hello)

    def send(self, message):
        self.file.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        self.file.flush()

    def read(self):
        line = self.file.readline()
        if not line:
            raise ConnectionError("inputmuxd closed the connection")
        return json.loads(line)

    def request(self, message):
        """Sends one request and waits for its reply; returns `result` or raises."""
        message = dict(message, id=self.next_id)
        self.next_id += 1
        self.send(message)
        while True:
            m = self.read()
            if m.get("type") == "event":
                self.events.append(m)
            elif m.get("id") == message["id"] or m.get("id") is None:
                if m.get("ok"):
                    return m.get("result", {})
                err = m.get("error", {})
                raise InputMuxError(err.get("code", "unknown"), err.get("message", ""))

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
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
