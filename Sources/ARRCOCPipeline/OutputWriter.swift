import ARRCOC
import Foundation

/// Writes a compression's files into a directory: `tensors.safetensors` streamed from the
/// sequence's arrays (no copy of `pixel_values_videos`) or block by block from the decoder
/// (`write(_:pixelRows:to:pixels:)`), `manifest.json`, `prompt.txt` (the video
/// segment as text that the Qwen tokenizer turns into exactly `input_ids`) and
/// `prompt-compact.txt` (the same for people, `<|video_pad|>` runs written once with a count).
public enum OutputWriter {
    /// Schema 2: `input_ids` carry the timestamp text's real token ids (1 had -1 there).
    static let tensorsMetadata = ["schema": "arrcoc.tensors/2"]

    public static func write(_ result: CompressionResult, to directory: URL) throws {
        let sequence = result.sequence
        try write(result, pixelRows: sequence.pixelValues.count / QwenPatchLayout.rowLength, to: directory) { append in
            try append(sequence.pixelValues)
        }
    }

    /// Writes the files of `result`, whose sequence carries no pixel values: `pixels` is called
    /// once, after `input_ids` are written, and hands `pixelRows` rows of `pixel_values_videos`
    /// (block by block, in order) to the function it is given, which streams them into
    /// `tensors.safetensors`. The bytes are those `write(_:to:)` gives for the same values.
    public static func write(
        _ result: CompressionResult, pixelRows: Int, to directory: URL,
        pixels: (_ append: ([Float]) throws -> Void) throws -> Void
    ) throws {
        let sequence = result.sequence
        let l = sequence.length
        let stream = try SafetensorsStream(
            path: directory.appendingPathComponent("tensors.safetensors").path,
            entries: [
                .init(name: "pixel_values_videos", dtype: .f32, shape: [pixelRows, QwenPatchLayout.rowLength]),
                .init(name: "video_grid_thw", dtype: .i64, shape: [sequence.gridTHW.count / 3, 3]),
                .init(name: "position_ids", dtype: .i64, shape: [3, l]),
                .init(name: "input_ids", dtype: .i64, shape: [l]),
            ], metadata: tensorsMetadata)
        for entry in stream.entries {
            switch entry.name {
            case "pixel_values_videos": try pixels { try stream.append($0) }
            case "video_grid_thw": try stream.append(sequence.gridTHW)
            case "position_ids": try stream.append(sequence.positionIDs)
            default: try stream.append(sequence.inputIDs)
            }
        }
        try stream.finish()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(result.manifest).write(to: directory.appendingPathComponent("manifest.json"))
        try Data(sequence.text.utf8).write(to: directory.appendingPathComponent("prompt.txt"))
        try Data((sequence.prompt + "\n").utf8).write(to: directory.appendingPathComponent("prompt-compact.txt"))
    }
}

extension CompressionResult {
    /// Writes the outputs to the directory `path`, which appears only when complete.
    /// - Parameters:
    ///   - force: replace an existing arrcoc output directory (never anything else).
    ///   - inputs: files the run read (the output may not be or contain one of them).
    public func write(to path: String, force: Bool = false, inputs: [String] = []) throws {
        let output = try StagedOutput(path: path, kind: .directory, force: force, inputs: inputs + [manifest.source.path], command: "compress")
        try OutputWriter.write(self, to: output.staging)
        try output.commit()
    }
}
