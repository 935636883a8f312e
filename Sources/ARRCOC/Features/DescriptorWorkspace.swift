/// Scratch memory for `CellDescriptor`'s strip kernel: per-pixel gradient and change planes of
/// one strip of cells (32 pixel rows × the frame's width), and the lookup tables, allocated once
/// and reused for every strip and frame, so that describing allocates nothing per cell or frame.
///
/// Not thread-safe: one workspace per describing thread (`FeatureAnalyzer` owns one).
final class DescriptorWorkspace {
    /// Gradient magnitude, 0 where it is at most 1e-6 (such pixels add nothing to the HOG).
    private(set) var magnitude: UnsafeMutablePointer<Float>
    /// |L − previous L|.
    private(set) var change: UnsafeMutablePointer<Float>
    /// Orientation bin 0…7.
    private(set) var orientation: UnsafeMutablePointer<UInt8>
    /// `oneHot[k]` is 1 in lane k, 0 elsewhere: a pixel's orientation histogram update.
    let oneHot: UnsafeMutablePointer<SIMD8<Float>>
    /// Per-pixel values looked up by channel sums and differences.
    let tables = DescriptorTables.make()
    private var capacity: Int

    init(stripPixels: Int = 0) {
        capacity = max(stripPixels, 1)
        magnitude = .allocate(capacity: capacity)
        change = .allocate(capacity: capacity)
        orientation = .allocate(capacity: capacity)
        oneHot = .allocate(capacity: 8)
        for k in 0..<8 {
            var lane = SIMD8<Float>()
            lane[k] = 1
            (oneHot + k).initialize(to: lane)
        }
    }

    deinit {
        for plane in [magnitude, change] { plane.deallocate() }
        orientation.deallocate()
        oneHot.deallocate()
        tables.deallocate()
    }

    /// Makes room for strips of `pixels` pixels (keeps the planes when they are large enough).
    func reserve(stripPixels pixels: Int) {
        guard pixels > capacity else { return }
        for plane in [magnitude, change] { plane.deallocate() }
        orientation.deallocate()
        capacity = pixels
        magnitude = .allocate(capacity: pixels)
        change = .allocate(capacity: pixels)
        orientation = .allocate(capacity: pixels)
    }
}
