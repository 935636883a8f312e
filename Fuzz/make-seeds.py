#!/usr/bin/env python3
"""Seed inputs for a fuzz target (Scripts/fuzz.sh): a few small valid files of the format the
target reads, generated here (nothing binary is committed). Usage: make-seeds.py TARGET DIR"""

import json
import os
import struct
import subprocess
import sys


def safetensors(tensors, metadata):
    header, body = {}, b""
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(data)]}
        body += data
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + body


def features(t=3, rows=2, cols=3, d=4, embedder=True):
    info = {"schema": "arrcoc.features/1",
            "source": {"path": "v.mp4", "sha256": "0" * 64, "duration_s": t / 2, "fps": 25, "width": cols * 32, "height": rows * 32, "codec": "h264"},
            "analysis": {"candidate_fps": 2, "rows": rows, "cols": cols, "cell_px": 32},
            "embedder": {"name": "arrcoc-descriptor", "version": 2, "dimension": d}}
    f = lambda xs: struct.pack("<%df" % len(xs), *xs)
    n = t * rows * cols
    tensors = {"times_s": ("F64", [t], struct.pack("<%dd" % t, *[i / 2 for i in range(t)])),
               "embeddings": ("F32", [t, rows, cols, d], f([((i * 37) % 11) / 5 - 1 for i in range(n * d)])),
               "cue_information": ("F32", [t, rows, cols], f([(i % 7) / 7 for i in range(n)])),
               "cue_edges": ("F32", [t, rows, cols], f([(i % 5) / 5 for i in range(n)])),
               "cue_change": ("F32", [t, rows, cols], f([(i % 3) / 3 for i in range(n)]))}
    if embedder:
        tensors["embedder_mean"] = ("F32", [28], f([0.5] * 28))
        tensors["embedder_projection"] = ("F32", [28, d], f([((i * 13) % 7) / 7 for i in range(28 * d)]))
    return safetensors(tensors, {"arrcoc": json.dumps(info)})


def npy(descr="<f4", shape=(4,), version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, ", ".join(map(str, shape)) + ("," if len(shape) == 1 else ""))
    pre = 10 if version == 1 else 12
    header += " " * ((64 - (pre + len(header) + 1) % 64) % 64) + "\n"
    count = 1
    for s in shape:
        count *= s
    width = 8 if descr.endswith("8") else 4
    data = struct.pack("<%d%s" % (count, "d" if width == 8 else "f"), *[(i % 5) - 2.0 for i in range(count)])
    lead = b"\x93NUMPY" + bytes([version, 0]) + (struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header)))
    return lead + header.encode() + data


MANIFEST = {
    "schema": "arrcoc.manifest/1",
    "source": {"path": "v.mp4", "sha256": "0", "duration_s": 10, "fps": 25, "width": 64, "height": 64, "codec": "h264"},
    "query": {"kind": "image", "path": "q.png", "vectors": 1}, "format": "qwen3vl", "mode": "select",
    "strategy": {"name": "arrcoc", "parameters": {}}, "budget": {"tokens": 100, "used": 14},
    "blocks": [{"index": 0, "time_s": 1.0, "timestamp": "<1.0 seconds>", "timestamp_tokens": 6, "tokens": 3,
                "grid": {"t": 1, "h": 2, "w": 3}, "relevance": 1, "density": "dense", "frame_times_s": [0.5, 1.5], "kept_cells": [0, 2, 5]},
               {"index": 1, "time_s": 2.5, "timestamp": "<2.5 seconds>", "timestamp_tokens": 6, "tokens": 6,
                "grid": {"t": 1, "h": 2, "w": 3}, "relevance": 0.5, "density": "sparse", "frame_times_s": [2.5, 2.5]}],
    "totals": {"blocks": 2, "vision_tokens": 9, "text_tokens": 16, "sequence_length": 25, "qwen3vl_default_tokens": 24,
               "qwen3vl_default": {"frames": 4, "height": 64, "width": 64, "blocks": 2, "vision_tokens": 8, "overhead_tokens": 16},
               "compression_ratio": 0.96},
    "timestamp_placeholder_id": 151643,
}

SEEDS = {
    "safetensors": lambda: {"features": features(), "plain": safetensors({"x": ("F32", [2, 2], b"\0" * 16), "n": ("I64", [1], b"\1" + b"\0" * 7)}, {"k": "v"}),
                            "empty": safetensors({}, {})},
    "features": lambda: {"features": features(), "external": features(embedder=False), "one-frame": features(t=1, rows=1, cols=1, d=2)},
    "npy": lambda: {"v1": npy(), "q2": npy(shape=(2, 4)), "f8": npy(descr="<f8"), "v2": npy(version=2)},
    "config": lambda: {"default": open(os.path.join(os.path.dirname(__file__), "..", "Configs", "default.yaml"), "rb").read(),
                       "anchors": b"allocation: &a {min_tokens: 64, max_tokens: 400}\nstrategy: random\nstrategy_params: {seed: 3}\n",
                       "flow": b"{budget: 4000, emission: {format: seed, mode: select}, scoring: {sharpen: 2}}\n"},
    "sweep": lambda: {"quick": open(os.path.join(os.path.dirname(__file__), "..", "Configs", "quick.yaml"), "rb").read(),
                      "small": b"name: s\nseed: 3\ndataset: {videos: [{video: v.mp4, truth: t.yaml}], haystacks: [{background: b.mp4, clips: 2, events: 3, scale: [0.1, 0.2]}]}\n"
                               b"budgets: {from: 500, to: 4000, steps: 4}\nstrategies: [arrcoc, {name: aks, params: {depth: [2, 4], threshold: 0.2}}]\n"
                               b"formats: [qwen3vl, seed]\nmodes: [resize, select]\ndeltas: [0.5, 1]\nmin_box_tokens: 8\n"},
    "truth": lambda: {"truth": b"video: clip.mp4\nquery: needle.png\nevents:\n  - {start_s: 1.0, end_s: 2.5, box: [0.1, 0.1, 0.3, 0.3]}\n  - {start_s: 4, end_s: 9}\n",
                      "empty": b"video: v\nquery: q\nevents: []\n"},
    "manifest": lambda: {"manifest": json.dumps(MANIFEST).encode()},
}


def probe_seeds(directory):
    src = ["-f", "lavfi", "-i", "testsrc2=size=32x32:rate=5", "-t", "0.6"]
    for name, args in {"h264.mp4": ["-c:v", "libx264", "-pix_fmt", "yuv420p"], "vp8.webm": ["-c:v", "libvpx"],
                       "mpeg4.avi": ["-c:v", "mpeg4"], "mjpeg.mkv": ["-c:v", "mjpeg"], "h264.ts": ["-c:v", "libx264"],
                       "anim.gif": [], "raw.h264": ["-c:v", "libx264", "-f", "h264"], "m1v.mpg": ["-c:v", "mpeg1video", "-f", "mpeg1video"]}.items():
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            subprocess.run(["ffmpeg", "-v", "error", "-y", *src, *args, path], check=False)
    png = os.path.join(directory, "still.png")
    if not os.path.exists(png):
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=16x16", "-frames:v", "1", png], check=False)


def main():
    target, directory = sys.argv[1], sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    if target == "probe":
        probe_seeds(directory)
        return
    for name, data in SEEDS[target]().items():
        open(os.path.join(directory, name), "wb").write(data)


if __name__ == "__main__":
    main()
