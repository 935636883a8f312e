/// A frame whose RGB pixels are made when asked for (`FrameSource.samplePending`): the decoder
/// hands on a reference to its frame, and the consumer converts it on its own thread.
public struct PendingImage: Sendable {
    private let make: @Sendable () throws -> RGBImage

    /// - Parameter make: converts the frame; called once, from any thread.
    public init(_ make: @escaping @Sendable () throws -> RGBImage) {
        self.make = make
    }

    /// The RGB image (converting now).
    public func image() throws -> RGBImage { try make() }
}
