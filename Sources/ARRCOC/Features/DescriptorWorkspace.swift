/// Scratch memory for `CellDescriptor`'s kernel, allocated once and reused for every strip and
/// frame, so that describing allocates nothing per cell or frame:
/// - per pixel of the frame: R − G, R + G − 2B and the joint luminance/colour bin;
/// - per pixel of one strip of cells (32 rows × the frame's width): gradient magnitude and
///   orientation bin;
/// - per cell: the four partial orientation histograms the kernel scatters into, and the bin counts.
///
/// Not thread-safe: one workspace per describing thread (`FeatureAnalyzer` owns one).
final class DescriptorWorkspace {
    /// R − G per pixel of the frame.
    private(set) var redGreen: UnsafeMutablePointer<Int16>
    /// R + G − 2B per pixel of the frame.
    private(set) var yellowBlue: UnsafeMutablePointer<Int16>
    /// The joint bin per pixel of the frame: its luminance bin `min(15, 16·T / 765)` times 8 plus
    /// its colour bin (R ≥ 128)·4 + (G ≥ 128)·2 + (B ≥ 128).
    private(set) var bins: UnsafeMutablePointer<UInt8>
    /// √(gx² + gy²) of the totals, per pixel of a strip.
    private(set) var magnitude: UnsafeMutablePointer<Float>
    /// Orientation bin 0…7 per pixel of a strip.
    private(set) var orientation: UnsafeMutablePointer<UInt8>
    /// Per cell: pixels per colour bin (8), then per luminance bin (16).
    let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 24)
    /// Per cell: 4 partial orientation histograms (x mod 4), 8 bins each.
    let orientationSums = UnsafeMutablePointer<Float>.allocate(capacity: 4 * 8)
    private var framePixels = 0
    private var stripPixels = 0

    init() {
        redGreen = .allocate(capacity: 1)
        yellowBlue = .allocate(capacity: 1)
        bins = .allocate(capacity: 1)
        magnitude = .allocate(capacity: 1)
        orientation = .allocate(capacity: 1)
    }

    deinit {
        redGreen.deallocate()
        yellowBlue.deallocate()
        bins.deallocate()
        magnitude.deallocate()
        orientation.deallocate()
        counts.deallocate()
        orientationSums.deallocate()
    }

    /// Makes room for frames of `frame` pixels and strips of `strip` pixels (keeps the planes
    /// when they are large enough).
    func reserve(framePixels frame: Int, stripPixels strip: Int) {
        if frame > framePixels {
            redGreen.deallocate()
            yellowBlue.deallocate()
            bins.deallocate()
            redGreen = .allocate(capacity: frame)
            yellowBlue = .allocate(capacity: frame)
            bins = .allocate(capacity: frame)
            framePixels = frame
        }
        if strip > stripPixels {
            magnitude.deallocate()
            orientation.deallocate()
            magnitude = .allocate(capacity: strip)
            orientation = .allocate(capacity: strip)
            stripPixels = strip
        }
    }
}
