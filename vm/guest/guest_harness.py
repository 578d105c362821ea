"""What the guest's check scripts share beyond input devices (guest_input.py): loading a
sibling script whose file name is not a module name (sway-check.py), starting inputmuxd
with a private configuration, and running tasks at the same time."""
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INPUTMUXD = "/opt/inputmux/bin/inputmuxd"


def script(file):
    """The sibling script `file` (e.g. "sway-check.py") as a module, loaded once: every
    script that loads it shares its state (its checks, its children to clean up)."""
    name = os.path.splitext(file)[0].replace("-", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def start_inputmuxd(prefix, sections, log_level="debug", timeout=30):
    """inputmuxd (the guest's release build) with its sockets, audit and log (daemon.log)
    in a new private directory, and `sections` (TOML: the window system's) after them.
    Returns (process, directory, started): started once the control socket exists,
    within `timeout` seconds."""
    run = tempfile.mkdtemp(prefix=prefix)
    os.chmod(run, 0o700)
    config = os.path.join(run, "inputmux.toml")
    with open(config, "w") as f:
        f.write(f"""
[sockets]
agent = "{run}/agent.sock"
control = "{run}/control.sock"
agent_group = ""
control_group = ""
[audit]
path = "{run}/audit.jsonl"
key_path = "{run}/audit.key"
{sections}""")
    daemon = subprocess.Popen([INPUTMUXD, "--config", config, "--log-level", log_level],
                              stderr=open(os.path.join(run, "daemon.log"), "w"))
    deadline = time.monotonic() + timeout
    while not os.path.exists(f"{run}/control.sock") and time.monotonic() < deadline and daemon.poll() is None:
        time.sleep(0.1)
    return daemon, run, os.path.exists(f"{run}/control.sock")


class AtOnce:
    """Named tasks run at the same time, one thread each: how each ended ("ok", or
    "CODE: sentence" for a refusal, or the error) in `outcome`, and when it ran in `spans`
    (a task calls `begin(label)` once its own work starts, after a lease, say)."""

    def __init__(self):
        self.outcome, self.spans, self.started = {}, {}, None

    def begin(self, label):
        self.spans[label][0] = time.monotonic()

    def run(self, tasks, timeout=240):
        """Runs [(label, callable)] at once; returns the seconds until all ended."""
        self.started = time.monotonic()
        threads = [threading.Thread(target=self._guard, args=(label, fn)) for label, fn in tasks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=timeout)
        return time.monotonic() - self.started

    def _guard(self, label, fn):
        try:
            self.spans[label] = [time.monotonic(), None]
            fn()
            self.spans[label][1] = time.monotonic()
            self.outcome[label] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            code = getattr(exc, "code", None)
            self.outcome[label] = f"{code}: {exc}" if code else repr(exc)

    def finished(self):
        return all(end for _, end in self.spans.values())

    def shown(self):
        """Each span from the start, as text."""
        return {k: f"{a - self.started:.2f}-{b - self.started:.2f} s" for k, (a, b) in self.spans.items()}

    def overlapping(self):
        """Whether every task was running at one moment (the spans overlap)."""
        return max(a for a, _ in self.spans.values()) < min(b for _, b in self.spans.values())
