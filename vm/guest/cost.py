#!/usr/bin/env python3
"""Per-command cost of short-lived processes, measured side by side: each command runs
N times, in interleaved rounds (every command a share of its runs per round, in the
order given), after one untimed warm-up run each. Prints, per command, the median, min
and max wall time, the median user and system CPU time and minor page faults of the
child (os.wait4's rusage), its exit statuses, and the median's ratio to a baseline.

    python3 cost.py [-n N] [--rounds R] [--gap SECONDS] [--baseline LABEL] [--json FILE]
                    LABEL=COMMAND [LABEL=COMMAND ...]

COMMAND is split like a shell word list (shlex); its output is discarded. --gap sleeps
after the warm-up pass and after each round (e.g. for a quiet period that a command's
input starts).
"""
import argparse, json, os, shlex, statistics, sys, time


def run_once(argv):
    t0 = time.monotonic_ns()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(os.devnull, os.O_RDWR)
            os.dup2(fd, 0); os.dup2(fd, 1); os.dup2(fd, 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.monotonic_ns()
    return {"ms": (t1 - t0) / 1e6, "user_ms": ru.ru_utime * 1e3, "sys_ms": ru.ru_stime * 1e3,
            "minflt": ru.ru_minflt, "status": os.waitstatus_to_exitcode(status)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=15, help="runs per command (default 15)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--gap", type=float, default=0, help="seconds to sleep after the warm-up pass and after each round")
    ap.add_argument("--baseline", help="the label the ratio column divides by")
    ap.add_argument("--title", default="per-command cost")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    a = ap.parse_args()
    commands = []
    for spec in a.commands:
        label, sep, cmd = spec.partition("=")
        if not sep or not cmd:
            ap.error(f"not LABEL=COMMAND: {spec}")
        commands.append((label, shlex.split(cmd)))
    runs = {label: [] for label, _ in commands}
    for _, argv in commands:
        run_once(argv)
    # The warm-up pass is a round too: what it leaves behind (a quiet period) is waited out.
    if a.gap:
        time.sleep(a.gap)
    per_round = [a.n // a.rounds + (1 if r < a.n % a.rounds else 0) for r in range(a.rounds)]
    for count in per_round:
        for label, argv in commands:
            runs[label] += [run_once(argv) for _ in range(count)]
        if a.gap:
            time.sleep(a.gap)
    out = {}
    for label, rs in runs.items():
        ms = [r["ms"] for r in rs]
        out[label] = {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
                      "user_ms": statistics.median(r["user_ms"] for r in rs),
                      "sys_ms": statistics.median(r["sys_ms"] for r in rs),
                      "minflt": statistics.median(r["minflt"] for r in rs),
                      "exit": sorted({r["status"] for r in rs}), "runs": len(rs),
                      "nonzero_runs": sum(1 for r in rs if r["status"] != 0)}
    base = out.get(a.baseline, {}).get("median_ms") if a.baseline else None
    for m in out.values():
        m["ratio"] = m["median_ms"] / base if base else None
    print(f"{a.title}: {a.n} runs each in {a.rounds} interleaved rounds, same run")
    width = max(len(l) for l in out) + 2
    head = ["median ms", "min ms", "max ms", "user ms", "sys ms", "minflt", "exit"] + (["vs " + a.baseline] if base else [])
    print(f"{'command':<{width}}" + "".join(f"{h:>{max(10, len(h) + 2)}}" for h in head))
    for label, m in out.items():
        cells = [f"{m['median_ms']:.1f}", f"{m['min_ms']:.1f}", f"{m['max_ms']:.1f}", f"{m['user_ms']:.1f}",
                 f"{m['sys_ms']:.1f}", f"{m['minflt']:.0f}", ",".join(map(str, m["exit"]))]
        if base:
            cells.append(f"{m['ratio']:.2f}x")
        print(f"{label:<{width}}" + "".join(f"{c:>{max(10, len(h) + 2)}}" for c, h in zip(cells, head)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"title": a.title, "baseline": a.baseline, "commands": out}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
