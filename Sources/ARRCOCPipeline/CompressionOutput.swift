import ARRCOC
import Foundation

/// An output directory of `arrcoc compress` (or of a batch task), checked without reading its
/// pixels: what `preview` draws from and what `batch merge` links into a merged batch.
public enum CompressionOutput {
    /// Reads `directory`'s `manifest.json` and the header of its `tensors.safetensors`, and checks
    /// them against each other: one `video_grid_thw` row per block, each the block's grid in 16-px
    /// patches, and in resize mode as many `pixel_values_videos` rows as the grids hold. A
    /// truncated tensors file, a manifest edited, or one paired with another run's tensors is
    /// refused, naming the file and what it holds against what the manifest says.
    /// - Returns: the manifest and the open tensors file (whose values are read on demand).
    public static func check(directory: URL) throws -> (manifest: Manifest, tensors: SafetensorsFile) {
        let manifest = try Manifest.load(path: directory.appendingPathComponent("manifest.json").path)
        let tensorsPath = directory.appendingPathComponent("tensors.safetensors").path
        let file = try SafetensorsFile(path: tensorsPath)
        guard let pixels = file.tensorInfo("pixel_values_videos") else {
            throw FormatError.missingTensor(path: tensorsPath, name: "pixel_values_videos")
        }
        guard let thw = try file.int64s("video_grid_thw") else { throw FormatError.missingTensor(path: tensorsPath, name: "video_grid_thw") }
        func disagree(_ expected: String, _ found: String) -> FormatError {
            .wrongTensor(path: tensorsPath, name: "video_grid_thw", expected: expected + " (as manifest.json says)", found: found)
        }
        guard thw.count == 3 * manifest.blocks.count else { throw disagree("\(manifest.blocks.count) rows", "\(thw.count / 3)") }
        for (i, block) in manifest.blocks.enumerated() where thw[3 * i] != 1 || thw[3 * i + 1] != Int64(2 * block.grid.h) || thw[3 * i + 2] != Int64(2 * block.grid.w) {
            throw disagree("row \(i) = [1, \(2 * block.grid.h), \(2 * block.grid.w)]", "[\(thw[3 * i]), \(thw[3 * i + 1]), \(thw[3 * i + 2])]")
        }
        if manifest.mode == .resize {
            let rows = manifest.blocks.reduce(0) { $0 + 4 * $1.grid.h * $1.grid.w }
            guard manifest.blocks.allSatisfy({ $0.tokens == $0.grid.h * $0.grid.w }), pixels.shape == [rows, 1536] else {
                throw FormatError.wrongTensor(path: tensorsPath, name: "pixel_values_videos", expected: "[\(rows), 1536] (as manifest.json says)",
                                              found: "\(pixels.shape)")
            }
        }
        return (manifest, file)
    }
}
