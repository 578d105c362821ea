import InputMuxCore
import InputMuxSight
import Testing

@Suite struct CaptureTransformTests {
    static func fit(_ w: Int, _ h: Int, _ box: (Int, Int)?) throws -> [Int] {
        let r = try CaptureTransform.fit(width: w, height: h, into: box.map { (maxWidth: $0.0, maxHeight: $0.1) })
        return [r.width, r.height]
    }

    @Test func fitKeepsTheAspectRatioAndRoundsToNearest() throws {
        #expect(try Self.fit(1920, 1080, (1280, 800)) == [1280, 720])     // width limits
        #expect(try Self.fit(1600, 1200, (1280, 800)) == [1067, 800])     // height limits: 1066.67
        #expect(try Self.fit(1280, 800, (1280, 800)) == [1280, 800])      // the same size
        #expect(try Self.fit(1280, 800, nil) == [1280, 800])              // no box: 1:1
        #expect(try Self.fit(3, 2, (4, 4)) == [4, 3])                     // 2.67 rounds up
        #expect(try Self.fit(7, 3, (5, 5)) == [5, 2])                     // 2.14 rounds down
        #expect(try Self.fit(10_000, 1, (100, 100)) == [100, 1])          // a side never under 1
        #expect(try Self.fit(1, 10_000, (100, 100)) == [1, 100])
        #expect(try Self.fit(640, 480, (1, 1)) == [1, 1])
    }

    @Test func fitScalesUpButCapsEachSide() throws {
        #expect(try Self.fit(100, 50, (1000, 1000)) == [1000, 500])
        #expect(try Self.fit(100, 50, (100_000, 100_000)) == [8192, 4096])
        #expect(try Self.fit(50, 100, (100_000, 9000)) == [4096, 8192])
        #expect(try Self.fit(10_000, 5000, nil) == [8192, 4096])          // 1:1 would pass the cap
        #expect(try Self.fit(8192, 8192, nil) == [8192, 8192])
    }

    @Test func fitRefusesEmptyRectsAndBoxesUnderOnePixel() throws {
        #expect(throws: RenderError.badBox(width: 0, height: 10)) { try Self.fit(100, 100, (0, 10)) }
        #expect(throws: RenderError.badBox(width: 10, height: -1)) { try Self.fit(100, 100, (10, -1)) }
        #expect(throws: RenderError.badRect(width: 0, height: 10)) { try Self.fit(0, 10, nil) }
        #expect(RenderError.badBox(width: 0, height: 10).description.contains("at least 1x1"))
    }

    static let cases: [(Region, Int, Int)] = [
        (Region(x: 0, y: 0, width: 1920, height: 1080), 1280, 720),
        (Region(x: 960, y: 540, width: 960, height: 540), 1280, 720),
        (Region(x: -300, y: 17, width: 301, height: 199), 97, 64),
        (Region(x: 5, y: 9, width: 100, height: 80), 100, 80),
        (Region(x: 5, y: 9, width: 100, height: 80), 250, 200),
        (Region(x: 1000, y: 3, width: 37, height: 23), 800, 497),
        (Region(x: 0, y: 0, width: 1600, height: 1200), 1067, 800),
    ]

    /// Every image pixel maps to a desktop pixel inside the rectangle; a shrink maps back
    /// to within one image pixel, an enlargement maps each desktop pixel back to itself,
    /// and 1:1 is the identity (plus the origin).
    @Test func everyPixelRoundTrips() {
        for (rect, w, h) in Self.cases {
            let t = CaptureTransform(rect: rect, width: w, height: h)
            #expect(t.origin == Point(x: rect.x, y: rect.y))
            var worst = 0
            for y in 0..<h { for x in 0..<w {
                let d = t.toDesktop(imageX: x, imageY: y)
                if !rect.contains(d) { Issue.record("\(t): image \(x),\(y) maps to \(d), outside"); return }
                let back = t.toImage(desktop: d)
                worst = max(worst, abs(back.x - x), abs(back.y - y))
                if t.scaleX == 1 && t.scaleY == 1 {
                    #expect(d == Point(x: rect.x + Int32(x), y: rect.y + Int32(y)) && back.x == x && back.y == y)
                }
            } }
            if t.scaleX <= 1 && t.scaleY <= 1 {
                #expect(worst <= 1, "\(t): an image pixel came back \(worst) away")
            } else {
                for dy in 0..<rect.height { for dx in 0..<rect.width {
                    let d = Point(x: rect.x + dx, y: rect.y + dy)
                    let i = t.toImage(desktop: d)
                    #expect((0..<w).contains(i.x) && (0..<h).contains(i.y))
                    if t.toDesktop(imageX: i.x, imageY: i.y) != d { Issue.record("\(t): \(d) → \(i) does not come back"); return }
                } }
            }
        }
    }

    @Test func pixelsOutsideTheImageClampIntoTheRectAndDesktopPointsOutsideMapOutside() {
        let t = CaptureTransform(rect: Region(x: 100, y: 200, width: 300, height: 150), width: 200, height: 100)
        #expect(t.toDesktop(imageX: -50, imageY: -50) == Point(x: 100, y: 200))
        #expect(t.toDesktop(imageX: 5000, imageY: 5000) == Point(x: 399, y: 349))
        let left = t.toImage(desktop: Point(x: 10, y: 200))
        #expect(left.x < 0 && left.y == 0)
        let below = t.toImage(desktop: Point(x: 399, y: 500))
        #expect(below.x == 199 && below.y >= 100)
        #expect(t.scaleX == 2.0 / 3.0 && t.scaleY == 2.0 / 3.0)
    }
}
