import ARRCOC
import Foundation

/// Writes the scorer's per-cell maps as `scores.safetensors` (`arrcoc compress --scores`): what a
/// person needs to see why a moment was or was not found — the raw query similarity of every
/// cell (cosine after template matching, before any normalisation), the three ways of knowing,
/// their blend, and per frame the similarity the peakedness is read on and the final relevance.
///
/// Tensors (float32): `times` [T]; `similarity`, `participatory`, `perspectival`,
/// `propositional`, `cells` [T, rows, cols]; `frame_similarity`, `frames` [T]. Metadata:
/// `peakedness`, `exploit`. numpy reads it with a few lines (8-byte header length, JSON header,
/// little-endian data) or with `safetensors.numpy.load_file`.
public enum ScoresFile {
    public static func write(_ scores: RelevanceScores, features: FeatureSet, to path: String) throws {
        let t = features.frameCount, h = features.rows, w = features.cols
        var file = SafetensorsWriter(metadata: [
            "schema": "arrcoc.scores/1",
            "peakedness": String(format: "%.4f", scores.peakedness),
            "exploit": String(format: "%.4f", scores.exploit),
        ])
        let map = [t, h, w]
        file.tensors = [
            "times": ([t], .float32(features.times.map(Float.init))),
            "similarity": (map, .float32(scores.similarity)),
            "participatory": (map, .float32(scores.participatory)),
            "perspectival": (map, .float32(scores.perspectival)),
            "propositional": (map, .float32(scores.propositional)),
            "cells": (map, .float32(scores.cells)),
            "frame_similarity": ([t], .float32(scores.frameSimilarity.map(Float.init))),
            "frames": ([t], .float32(scores.frames.map(Float.init))),
        ]
        try file.write(to: path)
    }
}
