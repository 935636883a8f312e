/// A frame the emitter needs: a candidate frame's time and the size to decode it at.
public struct PixelRequest: Sendable, Hashable, Comparable {
    public var time: Double
    public var width: Int
    public var height: Int

    public init(time: Double, width: Int, height: Int) {
        self.time = time
        self.width = width
        self.height = height
    }

    public static func < (a: PixelRequest, b: PixelRequest) -> Bool {
        (a.time, a.width, a.height) < (b.time, b.width, b.height)
    }
}
