import Testing
@testable import InputMuxCore

@Test func regionOverlap() {
    let a = Region(x: 0, y: 0, width: 960, height: 1080)
    let b = Region(x: 960, y: 0, width: 960, height: 1080)
    #expect(!a.overlaps(b))
    #expect(a.overlaps(Region(x: 959, y: 0, width: 2, height: 2)))
}
