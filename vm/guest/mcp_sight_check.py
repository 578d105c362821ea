"""Issue 17 in the guest with a client that is not ours: the MCP client from PyPI
(`mcp`, vm/guest/requirements.txt) drives two `inputmux-mcp` servers in disjoint
regions of the guest's Xorg. Each `screenshot` is an image of its own lease only (every
pixel of a PNG decoded here is its window's colour), of the lease's size, and the
model's click at an image pixel reaches the X client at that very pixel.

x11-uinput.py runs it (`scenario(...)`) with PYTHONPATH=/opt/inputmux/pylib."""
import asyncio
import base64
import struct
import zlib

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

SERVER = "/opt/inputmux/bin/inputmux-mcp"


def png_pixels(data):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def image_of(result):
    for c in result.content:
        if getattr(c, "type", "") == "image":
            return getattr(c, "mimeType", getattr(c, "mime_type", "")), base64.b64decode(c.data)
    return None, None


async def session(name, region, socket, colour, click_at, check, pointer_ready):
    params = StdioServerParameters(command=SERVER, args=["--name", name, "--region", region, "--agent-socket", socket])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            r = await s.call_tool("computer", {"action": "screenshot"})
            mime, data = image_of(r)
            check(f"{name}: screenshot is an image content (image/png)", mime == "image/png", str(r)[:300])
            if data is None:
                return
            w, h, rows = png_pixels(data)
            rw, rh = (int(v) for v in region.split(",")[2].split("x"))
            check(f"{name}: the image is its lease's size ({rw}x{rh})", (w, h) == (rw, rh), f"{w}x{h}")
            foreign = sum(1 for row in rows for px in row if px != colour)
            check(f"{name}: every pixel is its own window's colour", foreign == 0, f"{foreign} pixels are not {colour}")
            # The session's uinput pointer exists; Xorg opens it a moment later (hotplug),
            # and a click before that is not lost to the gate but to Xorg.
            check(f"{name}: Xorg lists the session's uinput pointer", pointer_ready(name), name)
            r = await s.call_tool("computer", {"action": "left_click", "coordinate": list(click_at)})
            check(f"{name}: the model's click at image pixel {click_at} is accepted", not getattr(r, "isError", getattr(r, "is_error", False)),
                  str(r)[:300])
            await asyncio.sleep(1.0)  # Xorg reads the device before the session (and it) goes


def scenario(socket, check, pointer_ready):
    """Two sessions, one after the other, each in its own region (x11-uinput.py maps the
    windows, says when Xorg has a session's pointer, and reads the X client's presses)."""
    asyncio.run(session("mcp-left", "200,600,300x200", socket, (0xE0, 0x30, 0x20), (30, 40), check, pointer_ready))
    asyncio.run(session("mcp-right", "700,600,300x200", socket, (0x30, 0x50, 0xE0), (250, 150), check, pointer_ready))
