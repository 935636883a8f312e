#!/usr/bin/env python3
"""Write an arrcoc features file with numpy only (no safetensors package needed).

Stand-in embeddings here are random; in practice put your SigLIP/CLIP patch features pooled to
32-px cells in `embeddings` ([T, rows, cols, D], any D), and embed your text or image query with
the same model into a .npy of shape [D] or [Q, D] for `arrcoc compress --query-embedding`.

    python3 write_features.py VIDEO OUT.safetensors QUERY.npy
"""
import hashlib
import json
import struct
import sys

import numpy as np


def write_features(path, times_s, embeddings, source, candidate_fps=2.0, embedder="my-model", version=1):
    t, rows, cols, d = embeddings.shape
    meta = {
        "schema": "arrcoc.features/1",
        "source": source,  # path, sha256, duration_s, fps, width, height, codec
        "analysis": {"candidate_fps": candidate_fps, "rows": rows, "cols": cols, "cell_px": 32},
        "embedder": {"name": embedder, "version": version, "dimension": d},
    }
    tensors = {"times_s": np.asarray(times_s, np.float64), "embeddings": np.asarray(embeddings, np.float32)}
    header = {"__metadata__": {"arrcoc": json.dumps(meta)}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name]).astype("<" + tensors[name].dtype.str[1:]).tobytes()
        dtype = {"float32": "F32", "float64": "F64"}[tensors[name].dtype.name]
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


if __name__ == "__main__":
    video, out, query = sys.argv[1], sys.argv[2], sys.argv[3]
    sha = hashlib.sha256(open(video, "rb").read()).hexdigest()
    # Describe the video as `arrcoc probe VIDEO --json` does (duration_s, fps, width, height, codec).
    source = {"path": video, "sha256": sha, "duration_s": 10.0, "fps": 25.0, "width": 640, "height": 272, "codec": "h264"}
    rng = np.random.default_rng(0)
    times = np.arange(20) / 2.0                       # 2 candidate frames per second
    emb = rng.normal(size=(20, 9, 20, 32)).astype(np.float32)
    target = rng.normal(size=32).astype(np.float32)   # the "object": present in frames 8..11, cells (4..5, 10..12)
    emb[8:12, 4:6, 10:13, :] = target + 0.05 * rng.normal(size=(4, 2, 3, 32))
    write_features(out, times, emb, source)
    np.save(query, target)
