import Testing
import InputMuxCore

/// Rectangles: the bounding box a desktop is made of (X11 monitors, sway outputs).
@Suite struct RegionTests {
    @Test func theBoundingBoxHoldsEveryRegionAndNothingMore() {
        let left = Region(x: 0, y: 0, width: 1280, height: 800), right = Region(x: 1280, y: 100, width: 640, height: 480)
        #expect(left.bounding(right) == Region(x: 0, y: 0, width: 1920, height: 800))
        #expect(Region.bounding([right, Region(x: -100, y: 600, width: 50, height: 50)]) == Region(x: -100, y: 100, width: 2020, height: 550))
        #expect(Region.bounding([left]) == left)
        #expect(Region.bounding([Region]()) == nil)
    }
}
