"""The MCP client from PyPI (`mcp`, vm/guest/requirements.txt) drives `inputmux-mcp`
over stdio against the live daemon; python_clients_test.py runs it and prints the
checks. The client is not ours: what it accepts is what any MCP host accepts."""
import asyncio
import json

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

SERVER = "/usr/bin/inputmux-mcp"
REGION = "600,100,300,200"


def text_of(result):
    return " ".join(getattr(c, "text", "") for c in result.content)


def field(obj, snake, camel):
    """A result field: the pinned `mcp` (2.x) names them in snake_case (is_error,
    server_info, read_only_hint); 1.x used the wire's camelCase."""
    return getattr(obj, snake, getattr(obj, camel, None))


def is_error(result):
    return bool(field(result, "is_error", "isError"))


def server(name):
    return StdioServerParameters(command=SERVER, args=["--name", name, "--region", REGION])


async def scenario(reader_type, pointer_summary, keys, out):
    def check(name, ok, detail=""):
        out.append((f"mcp (PyPI client): {name}", bool(ok), detail))

    async with stdio_client(server("mcp-first")) as (read, write):
        async with ClientSession(read, write) as first:
            init = await first.initialize()
            info = field(init, "server_info", "serverInfo")
            check("initialize names the server", bool(getattr(info, "name", "")), info)
            tools = {t.name: t for t in (await first.list_tools()).tools}
            wanted = {"computer", "lease_acquire", "lease_release", "lease_status"}
            check("tools listed", wanted <= set(tools), sorted(tools))
            read_only = {n for n, t in tools.items() if t.annotations and field(t.annotations, "read_only_hint", "readOnlyHint")}
            check("lease_status and cursor_position are read-only",
                  {"lease_status", "cursor_position"} <= read_only, sorted(read_only))

            r = await first.call_tool("lease_acquire", {"mode": "try", "keyboard": True})
            check("lease_acquire grants the region", not is_error(r), text_of(r))
            r = await first.call_tool("lease_status", {})
            try:
                status = json.loads(text_of(r))
            except ValueError:
                status = {}
            devices = status.get("devices", {})
            check("lease_status names the session's devices", "pointer" in devices and "keyboard" in devices,
                  text_of(r))
            if "pointer" not in devices:
                return
            pointer, keyboard = reader_type(devices["pointer"]), reader_type(devices["keyboard"])

            r = await first.call_tool("computer", {"action": "left_click", "coordinate": [650, 150]})
            check("computer left_click is accepted", not is_error(r), text_of(r))
            x, y, buttons = pointer_summary(pointer.take())
            check("the click reads back at (650,150) on the agent's pointer", (x, y) == (650, 150), (x, y))
            check("the click reads back as BTN_LEFT down and up", [c for c, _ in buttons] == [0x110, 0x110]
                  and [v for _, v in buttons] == [1, 0], buttons)

            r = await first.call_tool("computer", {"action": "type", "text": "hi"})
            check("computer type is accepted", not is_error(r), text_of(r))
            got = keys(keyboard.take())
            check("\"hi\" reads back on the agent's keyboard", got == [(35, 1), (35, 0), (23, 1), (23, 0)], got)

            r = await first.call_tool("computer", {"action": "left_click", "coordinate": [50, 50]})
            check("a click outside the region is an error that says why",
                  is_error(r) and "region" in text_of(r), text_of(r))

            async with stdio_client(server("mcp-second")) as (read2, write2):
                async with ClientSession(read2, write2) as second:
                    await second.initialize()
                    r = await second.call_tool("lease_acquire", {"mode": "wait", "timeout_ms": 1500})
                    t = text_of(r)
                    check("a second session on the same region is told it is queued",
                          is_error(r) and "queued" in t and "mcp-first" in t, t)
                    await first.call_tool("lease_release", {})
                    r = await second.call_tool("lease_acquire", {"mode": "wait", "timeout_ms": 10000})
                    check("after the first releases, the second is granted", not is_error(r), text_of(r))


def run(reader_type, pointer_summary, keys):
    out = []
    try:
        asyncio.run(asyncio.wait_for(scenario(reader_type, pointer_summary, keys, out), 120))
    except Exception as err:  # report, don't hide: the scenario did not finish
        out.append(("mcp (PyPI client): the scenario ran to its end", False, f"{type(err).__name__}: {err}"))
    return out
