#!/usr/bin/env python3
"""See what this agent's lease shows, then click a pixel of the screenshot.

    python3 screenshot_click.py --name demo --region 0,0,960x1080 --size 1280x800 --pixel 640,400

Captures the lease twice, inline (base64 in the reply) and by descriptor (a sealed memfd
passed with the reply, read with recvmsg), checks each image's SHA-256, saves the PNG,
maps the image pixel back to the desktop with the reply's transform and clicks there.
Standard library only (inputmux_client.py beside this file).
"""
import argparse
import sys

from inputmux_client import AGENT_SOCKET, Agent, InputMuxError


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", default=AGENT_SOCKET)
    p.add_argument("--name", default="screenshot-demo")
    p.add_argument("--region", default=None, help="x,y,WxH to lease (default: the whole desktop)")
    p.add_argument("--size", default=None, help="fit the image into WxH, keeping the aspect ratio")
    p.add_argument("--pixel", default=None, help="px,py of the image to click (default: its centre)")
    p.add_argument("--out", default="lease.png", help="where to save the PNG")
    p.add_argument("--settle", action="store_true", help="wait until the lease's area has settled")
    p.add_argument("--no-click", action="store_true")
    args = p.parse_args(argv)

    width = height = None
    if args.size:
        width, height = (int(v) for v in args.size.lower().split("x"))
    try:
        with Agent(args.name, path=args.socket) as agent:
            region = args.region or agent.hello["desktop"]["text"]
            acquired = agent.acquire(region)
            lease = acquired["lease"]["id"]
            if acquired["state"] != "active":
                print(f"{lease} is {acquired['state']}; waiting for it", file=sys.stderr)
                agent.wait_granted()
            settle = True if args.settle else None

            inline = agent.capture(lease=lease, width=width, height=height, settle=settle)
            print(f"inline: {inline.width}x{inline.height} {inline.format}, {len(inline.data)} bytes, sha256 {inline.sha256} (checked)")
            by_fd = agent.capture(lease=lease, width=width, height=height, delivery="fd")
            print(f"fd:     {by_fd.width}x{by_fd.height} {by_fd.format}, {len(by_fd.data)} bytes, sha256 {by_fd.sha256} (checked)")
            inline.save(args.out)
            print(f"saved {args.out}: desktop {inline.rect['text']}, transform {inline.transform}")

            if args.pixel:
                px, py = (int(v) for v in args.pixel.split(","))
            else:
                px, py = inline.width // 2, inline.height // 2
            x, y = inline.to_desktop(px, py)
            print(f"image pixel {px},{py} shows desktop pixel {x},{y}")
            if not args.no_click:
                agent.click(x, y)
                print(f"clicked {x},{y}")
            agent.release(lease)
    except InputMuxError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
