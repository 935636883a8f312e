import ARRCOC
import ARRCOCPipeline
import Foundation

/// The smaller examples of Docs/library.md, compiled here (LibraryDocTests checks that the
/// document shows exactly these lines, and runs them).
enum LibraryTour {
    // snippet:begin progress
    /// Renders progress on stderr. Called from any thread, so it keeps no state of its own.
    static let progress: ProgressHandler = { event in
        let line: String
        switch event {
        case .started(let task, let total): line = "\(task)" + (total.map { " (\($0))" } ?? "")
        case .advanced(let done): line = done % 10 == 0 ? "  \(done) done" : ""
        case .finished: line = "  finished"
        case .note(let text): line = "note: \(text)"
        }
        if !line.isEmpty { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
    // snippet:end progress

    // snippet:begin reuse
    /// Decodes the whole video once, then compresses it at several budgets; the features file
    /// lets a later run (or `arrcoc compress --features`) skip the analysis.
    static func compressAtSeveralBudgets(video: String, queryImage: String, featuresFile: String,
                                         budgets: [Int], outputs: URL) throws -> [Manifest] {
        let engine = try Engine(config: CompressionConfig(), progress: progress)
        let features = try engine.analyze(video: video)
        try features.write(to: featuresFile)
        // Later: load it, checking by SHA-256 that it was made from this video.
        let cached = try engine.features(at: featuresFile, for: video)
        let query = try engine.query(image: queryImage, features: cached)
        var manifests: [Manifest] = []
        for budget in budgets {
            let result = try engine.compress(video: video, features: cached, query: query, budget: budget)
            let out = outputs.appendingPathComponent("budget-\(budget)")
            try result.write(to: out.path)
            // preview.png (the blocks as the model sees them) and timeline.svg.
            try Preview.write(result, features: cached, heat: true, to: out)
            manifests.append(result.manifest)
        }
        return manifests
    }
    // snippet:end reuse

    // snippet:begin haystack
    /// A needle-in-a-haystack clip (the needle's pixels pasted into the background's frames),
    /// compressed with the needle as the query, and scored against its ground truth.
    static func needleInAHaystack(background: String, needle: String, directory: URL, budget: Int) throws -> Metrics {
        // One event: the needle from 1 to 2.5 s, at the upper right, a quarter of the width.
        let recipe = HaystackRecipe(events: [.init(startSeconds: 1, endSeconds: 2.5, box: [0.7, 0.1, 0.25, 0.25])])
        let clip = directory.appendingPathComponent("haystack.mp4").path
        let truth = try HaystackBuilder.build(background: background, needle: needle, recipe: recipe, output: clip)
        try truth.yaml().write(to: directory.appendingPathComponent("haystack.yaml"), atomically: true, encoding: .utf8)

        let engine = try Engine()
        let result = try engine.compress(video: clip, queryImage: truth.query, budget: budget)
        return try Evaluation.evaluate(manifest: result.manifest, truth: truth, delta: 1.0)
    }
    // snippet:end haystack

    // snippet:begin sweep
    /// Recall against budget for every strategy of a sweep file (what `arrcoc sweep` runs):
    /// `results.csv`, `summary.md` and `recall-vs-budget.svg` in `out`.
    static func sweep(file: String, out: URL) throws -> Bool {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Sample names (`bikes.mp4`) are looked up in the sample cache.
        let config = try SweepConfig.parse(yaml: text, path: file, resolve: CacheDirectory.resolveSample)
        let runner = SweepRunner(config: config, configText: text, out: out, jobs: 2, progress: progress)
        return try runner.run()  // false when a video failed; the others ran
    }
    // snippet:end sweep
}
