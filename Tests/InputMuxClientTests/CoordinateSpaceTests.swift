import Testing

@testable import InputMuxClient

@Suite("Coordinate spaces")
struct CoordinateSpaceTests {
    let fullHD = Region(x: 0, y: 0, width: 1920, height: 1080)

    @Test("a WXGA screenshot point scales onto a larger desktop")
    func scaledScreenshot() {
        let wxga = CoordinateSpace.scaled(width: 1280, height: 720)
        #expect(wxga.toDesktop(x: 640, y: 360, desktop: fullHD) == Point(x: 960, y: 540))
        #expect(wxga.toDesktop(x: 0, y: 0, desktop: fullHD) == Point(x: 0, y: 0))
        #expect(wxga.toDesktop(x: 1279, y: 719, desktop: fullHD) == Point(x: 1919, y: 1079))
        let xga = CoordinateSpace.scaled(width: 1024, height: 768)
        let big = Region(x: 0, y: 0, width: 2048, height: 1536)
        #expect(xga.toDesktop(x: 100, y: 50, desktop: big) == Point(x: 200, y: 100))
    }

    @Test("the 0-1000 grid and 0.0-1.0 fractions reach both edges")
    func gridAndUnit() {
        #expect(CoordinateSpace.grid(1000).toDesktop(x: 500, y: 500, desktop: fullHD) == Point(x: 960, y: 540))
        #expect(CoordinateSpace.grid(1000).toDesktop(x: 1000, y: 1000, desktop: fullHD) == Point(x: 1919, y: 1079))
        #expect(CoordinateSpace.unit.toDesktop(x: 0.25, y: 0.5, desktop: fullHD) == Point(x: 480, y: 540))
        #expect(CoordinateSpace.unit.toDesktop(x: 1, y: 1, desktop: fullHD) == Point(x: 1919, y: 1079))
    }

    @Test("points off the space are clamped onto the desktop, and the desktop origin is kept")
    func clampingAndOrigin() {
        let offset = Region(x: 1920, y: 0, width: 1280, height: 1024)
        #expect(CoordinateSpace.unit.toDesktop(x: -0.5, y: 2, desktop: offset) == Point(x: 1920, y: 1023))
        #expect(CoordinateSpace.grid(1000).toDesktop(x: 500, y: 0, desktop: offset) == Point(x: 2560, y: 0))
        #expect(CoordinateSpace.desktop.toDesktop(x: 2000, y: 5000, desktop: offset) == Point(x: 2000, y: 1023))
    }

    @Test("desktop points map back into the model's space")
    func roundTrip() {
        let wxga = CoordinateSpace.scaled(width: 1280, height: 720)
        let back = wxga.fromDesktop(Point(x: 960, y: 540), desktop: fullHD)
        #expect(back.x == 640 && back.y == 360)
        let unit = CoordinateSpace.unit.fromDesktop(Point(x: 480, y: 270), desktop: fullHD)
        #expect(unit.x == 0.25 && unit.y == 0.25)
        #expect(wxga.scaleDistance(dx: 128, dy: -72, desktop: fullHD) == (dx: 192, dy: -108))
    }

    @Test("the recommended screenshot keeps the aspect ratio")
    func recommended() {
        #expect(CoordinateSpace.recommendedScreenshot(for: Region(x: 0, y: 0, width: 2560, height: 1600)) == .scaled(width: 1280, height: 800))
        #expect(CoordinateSpace.recommendedScreenshot(for: Region(x: 0, y: 0, width: 2048, height: 1536)) == .scaled(width: 1024, height: 768))
        #expect(CoordinateSpace.recommendedScreenshot(for: fullHD) == .scaled(width: 1366, height: 768))
        #expect(CoordinateSpace.recommendedScreenshot(for: Region(x: 0, y: 0, width: 800, height: 600)) == .desktop)
    }

    @Test("spaces parse from their names", arguments: [
        ("xga", CoordinateSpace.scaled(width: 1024, height: 768)), ("WXGA", .scaled(width: 1280, height: 800)),
        ("grid", .grid(1000)), ("grid:100", .grid(100)), ("unit", .unit), ("1280x720", .scaled(width: 1280, height: 720)),
        ("desktop", .desktop),
    ])
    func parsing(pair: (String, CoordinateSpace)) {
        #expect(CoordinateSpace(parsing: pair.0) == pair.1)
    }

    @Test("regions parse in both spellings and reject nonsense")
    func regions() {
        #expect(Region(parsing: "0,0,960x1080") == Region(x: 0, y: 0, width: 960, height: 1080))
        #expect(Region(parsing: "10,20,30,40") == Region(x: 10, y: 20, width: 30, height: 40))
        #expect(Region(parsing: "1,2,0x5") == nil)
        #expect(Region(parsing: "a,b,c,d") == nil)
        #expect(Region(x: 0, y: 0, width: 10, height: 10).overlaps(Region(x: 9, y: 9, width: 5, height: 5)))
        #expect(!Region(x: 0, y: 0, width: 10, height: 10).overlaps(Region(x: 10, y: 0, width: 5, height: 5)))
    }
}
