import Testing
@testable import ARRCOC

@Suite struct TokenGridTests {
    @Test func squareFrameLevelsRunFrom8x8To20x20() {
        let levels = TokenGrid.levels(width: 640, height: 640)
        #expect(levels.first == THW(t: 1, h: 8, w: 8))
        #expect(levels.last == THW(t: 1, h: 20, w: 20))
        #expect(levels.count == 13)
    }

    @Test func levelsKeepAspectAndBounds() {
        for (w, h) in [(1280, 720), (768, 576), (640, 272), (1024, 768), (720, 528), (333, 999)] {
            let levels = TokenGrid.levels(width: w, height: h)
            #expect(!levels.isEmpty)
            for g in levels {
                #expect(g.product >= 64 && g.product <= 400, "\(w)x\(h) gave \(g)")
                let aspect = Double(w) / Double(h)
                #expect(abs(Double(g.w) / Double(g.h) - aspect) / aspect < 0.25, "\(w)x\(h) gave \(g)")
            }
            #expect(zip(levels, levels.dropFirst()).allSatisfy { $0.product < $1.product })
        }
        // 16:9 at the top level: 15×27 = 405 is too many, so 14×25 = 350.
        #expect(TokenGrid.levels(width: 1280, height: 720).last == THW(t: 1, h: 14, w: 25))
    }

    @Test func thwProduct() {
        #expect(THW(t: 2, h: 3, w: 4).product == 24)
        #expect(THW(t: 1, h: 10, w: 18).description == "1×10×18")
    }
}
