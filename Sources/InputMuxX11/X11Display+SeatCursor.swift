import CX11
import CXfixes
import CXi
import InputMuxCore
import InputMuxImage
import InputMuxSight

/// Each agent's cursor visibly its own (DESIGN §5a): an arrow in the seat's colour with
/// a label beside it, so the human sees which cursor is whose.
extension X11Display {
    /// Colours for agent cursors, picked by session id (`X11Seat.cursorColor`).
    static let cursorPalette: [UInt32] = [0xD32F2F, 0x1976D2, 0x388E3C, 0xF57C00, 0x7B1FA2, 0x00838F, 0xC2185B, 0x5D4037]

    /// Gives `seat`'s pointer an arrow in `color` (0xRRGGBB) outlined in white, with
    /// `label` (its first 16 characters) in `color` on a white box below and right of the
    /// tip, drawn in the server's "fixed" font. It is the seat's cursor wherever a window
    /// defines none of its own (it is defined on the root window, for this seat only).
    /// The corresponding C functions are `XCreatePixmapCursor` and `XIDefineCursor`.
    public func labelCursor(of seat: X11Seat, label: String, color: UInt32) throws(X11Error) {
        guard let font = XLoadQueryFont(display, "fixed") else { throw .cursorRefused(seat.name) }
        defer { XFreeFont(display, font) }
        // "fixed" is a Latin-1 font: what is not printable ASCII shows as "?".
        let text = label.unicodeScalars.prefix(16).map { (0x20..<0x7f).contains($0.value) ? CChar($0.value) : CChar(0x3f) }
        let textWidth = text.isEmpty ? 0 : XTextWidth(font, text, Int32(text.count))
        let ascent = font.pointee.ascent, descent = font.pointee.descent
        let boxX: Int32 = 9, boxY: Int32 = 17
        let wanted = (w: UInt32(boxX + textWidth + 5), h: UInt32(boxY + ascent + descent + 3))
        var best = (w: UInt32(0), h: UInt32(0))
        XQueryBestCursor(display, root, wanted.w, wanted.h, &best.w, &best.h)
        let w = max(1, min(wanted.w, best.w)), h = max(1, min(wanted.h, best.h))

        let source = XCreatePixmap(display, root, w, h, 1), mask = XCreatePixmap(display, root, w, h, 1)
        defer { XFreePixmap(display, source); XFreePixmap(display, mask) }
        guard let gc = XCreateGC(display, source, 0, nil) else { throw .cursorRefused(seat.name) }
        defer { XFreeGC(display, gc) }
        XSetFont(display, gc, font.pointee.fid)
        // The classic arrow, tip at 0,0.
        let corners: [(Int16, Int16)] = [(0, 0), (0, 15), (4, 11), (7, 17), (9, 16), (6, 10), (11, 10), (0, 0)]
        var arrow = corners.map { XPoint(x: $0.0, y: $0.1) }
        let box = (x: boxX, y: boxY, w: UInt32(textWidth + 4), h: UInt32(ascent + descent + 2))
        for p in [source, mask] {
            XSetForeground(display, gc, 0)
            XFillRectangle(display, p, gc, 0, 0, w, h)
            XSetForeground(display, gc, 1)
            XFillPolygon(display, p, gc, &arrow, Int32(arrow.count), Nonconvex, CoordModeOrigin)
        }
        // The mask also covers a white outline round the arrow and the label's box.
        XSetLineAttributes(display, gc, 3, LineSolid, CapRound, JoinRound)
        XDrawLines(display, mask, gc, &arrow, Int32(arrow.count), CoordModeOrigin)
        if !text.isEmpty {
            XFillRectangle(display, mask, gc, box.x, box.y, box.w, box.h)
            XDrawString(display, source, gc, box.x + 2, box.y + 1 + ascent, text, Int32(text.count))
        }
        func xcolor(_ rgb: UInt32) -> XColor {
            XColor(pixel: 0, red: UInt16(rgb >> 16 & 0xff) * 257, green: UInt16(rgb >> 8 & 0xff) * 257,
                   blue: UInt16(rgb & 0xff) * 257, flags: CChar(7) /* DoRed | DoGreen | DoBlue */, pad: 0)
        }
        var fg = xcolor(color), bg = xcolor(0xFFFFFF)
        let (cursor, failed) = checked { XCreatePixmapCursor(display, source, mask, &fg, &bg, 0, 0) }
        guard !failed, cursor != 0 else { throw .cursorRefused(seat.name) }
        // The server keeps the cursor while it is defined somewhere.
        defer { XFreeCursor(display, cursor) }
        let (_, refused) = checked { XIDefineCursor(display, seat.pointer, root, cursor) }
        guard !refused else { throw exists(seat) ? X11Error.cursorRefused(seat.name) : X11Error.noSuchSeat(seat.name) }
    }

    /// The image `seat`'s pointer shows now (where it is), nil without XFIXES.
    /// XFIXES shows a client its own pointer's cursor, so this connection's client pointer
    /// is `seat`'s for the one request and then what it was before.
    /// The corresponding C functions are `XISetClientPointer` and `XFixesGetCursorImage`.
    public func cursorImage(of seat: X11Seat) throws(X11Error) -> CursorImage? {
        var event: Int32 = 0, error: Int32 = 0, major: Int32 = 5, minor: Int32 = 0
        guard XFixesQueryExtension(display, &event, &error) != 0, XFixesQueryVersion(display, &major, &minor) != 0 else { return nil }
        // A client that never needed a pointer has none set yet (0): it would get the core one.
        var previous: Int32 = 0
        if XIGetClientPointer(display, 0, &previous) == 0 || previous == 0 { previous = coreSeat()?.pointer ?? 2 }
        let (image, failed) = checked { () -> UnsafeMutablePointer<XFixesCursorImage>? in
            XISetClientPointer(display, 0, seat.pointer)
            let image = XFixesGetCursorImage(display)
            XISetClientPointer(display, 0, previous)
            return image
        }
        guard !failed else {
            if let image { XFree(image) }
            throw .noSuchSeat(seat.name)
        }
        guard let c = image else { return nil }
        defer { XFree(c) }
        return CursorImage(xfixes: c)
    }
}

extension X11Seat {
    /// A distinct colour for session `sid`'s cursor (0xRRGGBB), from a palette of eight.
    public static func cursorColor(session sid: UInt32) -> UInt32 {
        X11Display.cursorPalette[Int(sid % UInt32(X11Display.cursorPalette.count))]
    }
}
