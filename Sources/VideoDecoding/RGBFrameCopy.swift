import CFFmpeg

/// Copies packed RGB rows into an AVFrame's first plane (whose stride may be padded).
enum RGBFrameCopy {
    static func copy(_ rgb: [UInt8], width: Int, height: Int, into frame: UnsafeMutablePointer<AVFrame>) {
        let stride = Int(frame.pointee.linesize.0)
        guard let plane = frame.pointee.data.0 else { return }
        rgb.withUnsafeBufferPointer { src in
            for y in 0..<height {
                (plane + y * stride).update(from: src.baseAddress! + y * width * 3, count: width * 3)
            }
        }
    }
}
