import ARRCOC
import Foundation

/// Writes a compression's files into a directory: `tensors.safetensors` streamed from the
/// sequence's arrays (no copy of `pixel_values_videos`), `manifest.json`, `prompt.txt` (the video
/// segment as text that the Qwen tokenizer turns into exactly `input_ids`) and
/// `prompt-compact.txt` (the same for people, `<|video_pad|>` runs written once with a count).
public enum OutputWriter {
    public static func write(_ result: CompressionResult, to directory: URL) throws {
        let sequence = result.sequence
        // Schema 2: `input_ids` carry the timestamp text's real token ids (1 had -1 there).
        var tensors = SafetensorsWriter(metadata: ["schema": "arrcoc.tensors/2"])
        let l = sequence.length
        tensors.tensors = [
            "pixel_values_videos": ([sequence.pixelValues.count / QwenPatchLayout.rowLength, QwenPatchLayout.rowLength], .float32(sequence.pixelValues)),
            "video_grid_thw": ([sequence.gridTHW.count / 3, 3], .int64(sequence.gridTHW)),
            "position_ids": ([3, l], .int64(sequence.positionIDs)),
            "input_ids": ([l], .int64(sequence.inputIDs)),
        ]
        try tensors.write(to: directory.appendingPathComponent("tensors.safetensors").path)
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
