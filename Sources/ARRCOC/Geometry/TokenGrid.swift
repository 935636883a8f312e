/// The token grids a frame can be given: `rows × columns` LLM tokens (one token = 32×32 px,
/// that is 2×2 merged 16-px patches in Qwen3-VL), keeping the frame's aspect ratio.
public enum TokenGrid {
    /// Pixels covered by one LLM token along each side (16-px patch × spatial merge 2).
    public static let tokenSide = 32

    /// The grid of about `target` tokens for a `width × height` frame: sides proportional to
    /// the frame's, rounded, each at least 1, and the product never above `maximum`.
    public static func grid(width: Int, height: Int, target: Int, maximum: Int) -> THW {
        precondition(width > 0 && height > 0 && target > 0 && maximum >= target)
        let aspect = Double(width) / Double(height)
        // Sides beyond `maximum` cannot fit: clamp before converting, so that no aspect ratio
        // overflows `Int` and the loop below runs at most O(maximum) times.
        let cap = Double(maximum) + 1
        var h = max(1, Int(min((Double(target) / aspect).squareRoot(), cap).rounded()))
        var w = max(1, Int(min(Double(h) * aspect, cap).rounded()))
        // Shrink the longer side until the grid fits (one step where a side-by-side walk down
        // would take many), then both alternately.
        if w > h, h * w > maximum { w = max(h, maximum / h, 1) }
        if h > w, h * w > maximum { h = max(w, maximum / w, 1) }
        while h * w > maximum {
            if w >= h, w > 1 { w -= 1 } else if h > 1 { h -= 1 } else { break }
        }
        return THW(t: 1, h: h, w: w)
    }

    /// The distinct grids of a frame with between `minimum` and `maximum` tokens, smallest
    /// first, all keeping the aspect ratio as closely as whole cells allow (8×8 … 20×20 for a
    /// square frame with the defaults 64 and 400).
    ///
    /// - Complexity: O(√maximum) grids.
    public static func levels(width: Int, height: Int, minimum: Int = 64, maximum: Int = 400) -> [THW] {
        precondition(width > 0 && height > 0 && minimum > 0 && maximum >= minimum)
        let aspect = Double(width) / Double(height)
        var result: [THW] = []
        var h = 1
        while true {
            let w = max(1, Int(min(Double(h) * aspect, Double(maximum) + 1).rounded()))
            let n = h * w
            if n > maximum { break }
            if n >= minimum, result.last.map({ $0.product < n }) ?? true {
                result.append(THW(t: 1, h: h, w: w))
            }
            h += 1
        }
        if result.isEmpty {
            // Extreme aspect ratios: take the largest grid within the maximum.
            result.append(grid(width: width, height: height, target: maximum, maximum: maximum))
        }
        return result
    }
}
