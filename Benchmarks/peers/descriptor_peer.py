#!/usr/bin/env python3
"""The Python peer of `arrcoc analyze`: the same analysis, written to be fast in Python.

PyAV decodes (codec threads on) and scales each candidate frame to yuv420p at the analysis size
with one reused libswscale context (bicubic, as arrcoc), then numpy converts it to RGB with
libswscale's unscaled YUV→RGB arithmetic (`yuv_to_rgb`, as arrcoc's `YUVToRGB`: embedder
version 2, Docs/features.md); a second thread describes frames while the decoder
runs on (PyAV and numpy release the GIL); numpy computes the descriptor families of
`CellDescriptor` (opponent colour moments, 2×2×2 colour histogram, 8-bin gradient-orientation
histogram, edge energy, luminance entropy, quadrant layout) for *all cells of a frame at once*,
then the same PCA whitening (standardised, eigenvalues regularised by 5% of their mean, 24
dimensions, L2-normalised). Candidate frames are chosen by the same rule as arrcoc's sampler
(the frame nearest each k / fps, a tie to the earlier one), so the times are the same.

The output is an `arrcoc.features/1` file (Docs/features.md) that `arrcoc compress --features`
accepts: times, embeddings, the three cue maps and the embedder state.

    python descriptor_peer.py VIDEO --out FILE [--candidate-fps 2] [--max-tokens 400] [--dimension 24]

It is a benchmark reference (Benchmarks/README.md), not a replacement: its numbers agree with
arrcoc's in kind, not bit for bit (float32 sums in another order; PyAV bundles its own FFmpeg,
whose bicubic scaling may differ from the system's in the last level).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import queue
import struct
import sys
import threading
from typing import Any

import av
import numpy as np

CELL = 32
DESCRIPTOR_LENGTH = 28
EMBEDDER_NAME = "arrcoc-descriptor-peer"
EMBEDDER_VERSION = 2
# libswscale's ff_yuv2rgb_coeffs ({crv, cbu, cgu, cgv}, 16.16) by AVColorSpace; vf_scale reads
# a matrix outside 1…10 (or YCgCo, 8) as BT.601 (parse_yuv_type).
YUV2RGB_COEFFS = {
    1: (117489, 138438, 13975, 34925), 4: (104448, 132798, 24759, 53109),
    7: (117579, 136230, 16907, 35559), 9: (110013, 140363, 12277, 42626), 10: (110013, 140363, 12277, 42626),
}
BT601 = (104597, 132201, 25675, 53279)
# Convert the yuv420p planes with libswscale's unscaled converter (PyAV) instead of `yuv_to_rgb`
# (numpy, the same arithmetic written out; kept as the reference and for other platforms).
FAST_RGB = True
# tan(22.5°), tan(67.5°): orientation bins by comparison, as CellDescriptor.orientationBin.
TAN_22 = 0.41421356
TAN_67 = 2.4142136


def analysis_grid(width: int, height: int, minimum: int = 64, maximum: int = 400) -> tuple[int, int]:
    """`(rows, cols)`: the largest token grid within `maximum` that keeps the aspect ratio
    (arrcoc's `TokenGrid.levels(...).last`)."""
    aspect = width / height
    best, h = (1, 1), 1
    while True:
        w = max(1, int(math.floor(min(h * aspect, maximum + 1) + 0.5)))
        if h * w > maximum:
            return best
        if h * w >= minimum and h * w > best[0] * best[1]:
            best = (h, w)
        h += 1


def _round_to_int16(f: int) -> int:
    """libswscale's roundToInt16: f / 65536 rounded, saturated to 16 bits."""
    r = (f + (1 << 15)) >> 16
    return -0x8000 if r < -0x7FFF else 0x7FFF if r > 0x7FFF else r


def yuv_coefficients(colorspace: int, full_range: bool) -> tuple[int, int, int, int, int, int]:
    """`(y, vr, ub, ug, vg, y_offset)` in 16-bit fixed point, as libswscale's
    ff_yuv2rgb_c_init_tables derives them (brightness 0, contrast and saturation 1)."""
    crv, cbu, cgu, cgv = YUV2RGB_COEFFS.get(colorspace, BT601)
    cgu, cgv = -cgu, -cgv
    cy, oy = 1 << 16, 0
    if not full_range:
        cy, oy = (cy * 255) // 219, 16 << 16
    else:  # C division truncates toward zero
        crv, cbu = crv * 224 // 255, cbu * 224 // 255
        cgu, cgv = -((-cgu * 224) // 255), -((-cgv * 224) // 255)
    return (_round_to_int16(cy << 13), _round_to_int16(crv << 13), _round_to_int16(cbu << 13),
            _round_to_int16(cgu << 13), _round_to_int16(cgv << 13), _round_to_int16(oy << 3))


def yuv_to_rgb(planes: np.ndarray, width: int, height: int, coefficients: tuple[int, ...]) -> np.ndarray:
    """Packed yuv420p `[H·3/2, W]` → RGB `[H, W, 3]` uint8 with libswscale's unscaled x86
    arithmetic (`yuv_2_rgb.asm`): `mulhi(a, b) = (a·b) >> 16` on 8×-scaled values, chroma
    shared by each 2×2 block, clamped to 0…255."""
    yc, vr, ub, ug, vg, yo = coefficients
    flat = planes.reshape(-1)
    luma = flat[: width * height].reshape(height, width).astype(np.int32)
    chroma = width * height // 4
    u = flat[width * height: width * height + chroma].reshape(height // 2, width // 2).astype(np.int32) * 8 - 1024
    v = flat[width * height + chroma: width * height + 2 * chroma].reshape(height // 2, width // 2).astype(np.int32) * 8 - 1024
    y = ((luma * 8 - yo) * yc) >> 16
    out = np.empty((height, width, 3), dtype=np.uint8)
    for channel, term in enumerate(((v * vr) >> 16, ((u * ug) >> 16) + ((v * vg) >> 16), (u * ub) >> 16)):
        up = np.repeat(np.repeat(term, 2, axis=0), 2, axis=1)
        np.clip(y + up, 0, 255, out=up)
        out[:, :, channel] = up
    return out


def candidate_frames(path: str, fps: float, size: tuple[int, int]):
    """Yields `(time, rgb [H, W, 3] uint8)` for the frame nearest each `k / fps`."""
    container = av.open(path)
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    stream.codec_context.thread_count = 0
    base = stream.time_base
    start = stream.start_time or 0
    rate = float(stream.average_rate or stream.guessed_rate or 25)
    reformatter = av.video.reformatter.VideoReformatter()
    width, height = size

    def rgb(frame: av.VideoFrame) -> np.ndarray:
        # arrcoc's FrameConversion.viaYUV420: yuv420p at the size (yuvj420p from a yuvj
        # format: nothing re-ranged), then libswscale's unscaled arithmetic.
        jpeg_format = frame.format.name.startswith("yuvj")
        out = reformatter.reformat(frame, width=width, height=height, format="yuvj420p" if jpeg_format else "yuv420p",
                                   interpolation="BICUBIC")
        is_yuv = not frame.format.is_rgb and len(frame.format.components) >= 3
        colorspace = int(frame.colorspace) if is_yuv else 5
        full_range = is_yuv and (jpeg_format or int(frame.color_range) == 2)
        if FAST_RGB:
            # The same arithmetic, by libswscale's own unscaled SIMD converter (faster than numpy).
            rgb_frame = reformatter.reformat(out, format="rgb24", src_colorspace=colorspace if colorspace in YUV2RGB_COEFFS else 5,
                                             src_color_range=2 if full_range else 1, interpolation="BICUBIC")
            return rgb_frame.to_ndarray()
        return yuv_to_rgb(out.to_ndarray(), width, height, yuv_coefficients(colorspace, full_range))

    k, previous, previous_time, last = 0, None, None, None
    for frame in container.decode(stream):
        pts = frame.pts if frame.pts is not None else frame.dts
        t = float((pts - start) * base) if pts is not None else (previous_time or 0) + 1 / rate
        if previous_time is not None and t <= previous_time:
            t = previous_time + 1 / rate
        while k / fps <= t:
            target = k / fps
            use_previous = previous is not None and target - previous_time <= t - target
            chosen_time = previous_time if use_previous else t
            if last is None or chosen_time > last:
                last = chosen_time
                yield chosen_time, rgb(previous if use_previous else frame)
            k += 1
        previous, previous_time = frame, t
    while previous is not None and k / fps - previous_time <= 0.5 / rate + 1e-9:
        if last is None or previous_time > last:
            last = previous_time
            yield previous_time, rgb(previous)
        k += 1
    container.close()


def cell_sums(x: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Per-cell sums of a `[rows·32, cols·32]` plane: `[rows·cols]` (a view, then one reduction;
    integers summed in int32)."""
    dtype = np.int32 if np.issubdtype(x.dtype, np.integer) else None
    return x.reshape(rows, CELL, cols, CELL).sum(axis=(1, 3), dtype=dtype).reshape(-1)


_CELL_IDS: dict[tuple[int, int], np.ndarray] = {}


def cell_ids(rows: int, cols: int) -> np.ndarray:
    """The cell index of every pixel, `[rows·32, cols·32]` int32 (made once per grid)."""
    key = (rows, cols)
    if key not in _CELL_IDS:
        ids = np.arange(rows * cols, dtype=np.int32).reshape(rows, cols)
        _CELL_IDS[key] = np.repeat(np.repeat(ids, CELL, axis=0), CELL, axis=1)
    return _CELL_IDS[key]


def describe(rgb: np.ndarray, previous_luma: np.ndarray | None, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Descriptors `[cells, 28]` and cues `[cells, 3]` (information, edges, change) of one frame,
    all cells at once; also returns the frame's luminance for the next frame's change cue.

    Moments come from integer per-cell sums (L, O1 and O2 are linear in R, G, B, so their sums
    and sums of squares are sums of small integers), histograms from one `bincount` each over
    cell-offset bins, the HOG from eight masked per-cell sums."""
    n = rows * cols
    px = CELL * CELL
    r, g, b = (rgb[..., k].astype(np.int16) for k in range(3))
    total, rg, yb = r + g + b, r - g, r + g - 2 * b
    out = np.empty((n, DESCRIPTOR_LENGTH), np.float32)
    scale = np.array([1 / 765, 1 / 255 / math.sqrt(2), 1 / 255 / math.sqrt(6)])
    sums = np.stack([cell_sums(v, rows, cols) for v in (total, rg, yb)], axis=1).astype(np.float64)
    squares = np.stack([cell_sums(np.square(v, dtype=np.int32), rows, cols) for v in (total, rg, yb)], axis=1).astype(np.float64)
    mean = sums / px * scale
    out[:, 0:3] = mean
    out[:, 3:6] = np.sqrt(np.maximum(0, squares / px * scale**2 - mean**2))
    ids = cell_ids(rows, cols)
    colour = ((r >> 7) * 4 + (g >> 7) * 2 + (b >> 7)).astype(np.int32)
    out[:, 6:14] = np.bincount((ids * 8 + colour).ravel(), minlength=n * 8).reshape(n, 8) / px
    luma = total.astype(np.float32) * np.float32(1 / 765)
    # Central differences, edges clamped.
    gx = np.empty_like(luma)
    gx[:, 1:-1] = luma[:, 2:] - luma[:, :-2]
    gx[:, 0] = luma[:, 1] - luma[:, 0]
    gx[:, -1] = luma[:, -1] - luma[:, -2]
    gy = np.empty_like(luma)
    gy[1:-1] = luma[2:] - luma[:-2]
    gy[0] = luma[1] - luma[0]
    gy[-1] = luma[-1] - luma[-2]
    m = np.sqrt(gx * gx + gy * gy)
    m[m <= 1e-6] = 0
    # Folded into [0, π): y = |gy|, |x| = |gx|, x's sign flips with the fold.
    flip = (gy < 0) | ((gy == 0) & (gx < 0))
    ax, y = np.abs(gx), np.abs(gy)
    quarter = (y >= np.float32(TAN_22) * ax).astype(np.int8) + (y >= ax) + (y >= np.float32(TAN_67) * ax)
    orientation = np.where(np.where(flip, gx <= 0, gx >= 0), quarter, 7 - quarter)
    magnitude = cell_sums(m, rows, cols).astype(np.float64)
    orient = np.stack([cell_sums(np.where(orientation == k, m, 0), rows, cols) for k in range(8)], axis=1)
    safe = np.where(magnitude > 1e-6, magnitude, 1)[:, None]
    out[:, 14:22] = np.where(magnitude[:, None] > 1e-6, orient / safe, 0)
    out[:, 22] = magnitude / px
    luma_bins = np.minimum(15, total.astype(np.int32) * 16 // 765)
    p = np.bincount((ids * 16 + luma_bins).ravel(), minlength=n * 16).reshape(n, 16) / px
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log2(p), 0).sum(axis=1)
    out[:, 23] = entropy
    quads = total.reshape(rows, 2, CELL // 2, cols, 2, CELL // 2).sum(axis=(2, 5), dtype=np.int32) / (765 * px / 4)
    out[:, 24:28] = quads.transpose(0, 2, 1, 3).reshape(n, 4) - out[:, 0:1]
    if previous_luma is None:
        change = np.zeros(n, np.float32)
    else:
        change = cell_sums(np.abs(luma - previous_luma), rows, cols) / px
    cues = np.stack([entropy, magnitude / px, change], axis=1).astype(np.float32)
    return out, cues, luma


def fit_embedder(descriptors: np.ndarray, dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """`(mean [28], projection [28, D])`: standardise, PCA on the correlation matrix, whiten with
    eigenvalues regularised by 5% of their mean, sign of each axis fixed (as DescriptorEmbedder)."""
    x = descriptors.astype(np.float64)
    mean = x.mean(axis=0)
    centred = (descriptors - mean.astype(np.float32))
    covariance = (centred.T @ centred).astype(np.float64) / (len(x) - 1)
    sd = np.sqrt(np.maximum(np.diag(covariance), 1e-12))
    values, vectors = np.linalg.eigh(covariance / np.outer(sd, sd))
    regulariser = 0.05 * values.sum() / len(values)
    order = np.argsort(values)[::-1][:dimension]
    axes = vectors[:, order]
    axes *= np.sign(axes[np.argmax(np.abs(axes), axis=0), np.arange(axes.shape[1])])
    projection = axes / np.sqrt(np.maximum(values[order], 0) + regulariser) / sd[:, None]
    return mean.astype(np.float32), projection.astype(np.float32)


def write_safetensors(path: str, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    """safetensors with numpy only: 8-byte header length, JSON header, the tensors' bytes."""
    header: dict[str, Any] = {"__metadata__": metadata}
    offset, blobs = 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name])
        dtype = {"float32": "F32", "float64": "F64"}[data.dtype.name]
        header[name] = {"dtype": dtype, "shape": list(data.shape), "data_offsets": [offset, offset + data.nbytes]}
        blobs.append(data)
        offset += data.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob.tobytes())


def sha256_in_background(path: str) -> tuple[threading.Thread, dict[str, str]]:
    """Hashes the file on a thread (hashlib releases the GIL), as arrcoc hashes while it decodes."""
    result: dict[str, str] = {}

    def run() -> None:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
        result["sha256"] = digest.hexdigest()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def analyze(path: str, out: str, fps: float = 2.0, max_tokens: int = 400, dimension: int = 24) -> int:
    """Analyses `path` into the features file `out`; returns the number of candidate frames."""
    with av.open(path) as probe:
        stream = probe.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        rate = float(stream.average_rate or stream.guessed_rate or 25)
        duration = float(probe.duration / av.time_base) if probe.duration else float(stream.duration * stream.time_base)
        codec = stream.codec_context.name
    hashing, digest = sha256_in_background(path)
    rows, cols = analysis_grid(width, height, maximum=max_tokens)
    frames: queue.Queue = queue.Queue(maxsize=3)

    def decode() -> None:
        try:
            for item in candidate_frames(path, fps, (cols * CELL, rows * CELL)):
                frames.put(item)
        finally:
            frames.put(None)

    decoder = threading.Thread(target=decode, daemon=True)
    decoder.start()
    times, descriptors, cues, previous = [], [], [], None
    while (item := frames.get()) is not None:
        t, rgb = item
        d, c, previous = describe(rgb, previous, rows, cols)
        times.append(t)
        descriptors.append(d)
        cues.append(c)
    decoder.join()
    raw = np.concatenate(descriptors)
    mean, projection = fit_embedder(raw, dimension)
    embeddings = (raw - mean) @ projection
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    embeddings = np.where(norms > 0, embeddings / np.where(norms > 0, norms, 1), 0).astype(np.float32)
    cue = np.stack(cues)  # [T, cells, 3]
    t = len(times)
    hashing.join()
    meta = {
        "schema": "arrcoc.features/1",
        "source": {"path": path, "sha256": digest["sha256"], "duration_s": duration, "fps": rate,
                   "width": width, "height": height, "codec": codec},
        "analysis": {"candidate_fps": fps, "rows": rows, "cols": cols, "cell_px": CELL},
        "embedder": {"name": EMBEDDER_NAME, "version": EMBEDDER_VERSION, "dimension": projection.shape[1]},
    }
    write_safetensors(out, {
        "times_s": np.asarray(times, np.float64),
        "embeddings": embeddings.reshape(t, rows, cols, -1),
        "cue_information": cue[:, :, 0].reshape(t, rows, cols),
        "cue_edges": cue[:, :, 1].reshape(t, rows, cols),
        "cue_change": cue[:, :, 2].reshape(t, rows, cols),
        "embedder_mean": mean,
        "embedder_projection": projection,
    }, {"arrcoc": json.dumps(meta, sort_keys=True)})
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video")
    parser.add_argument("--out", required=True)
    parser.add_argument("--candidate-fps", type=float, default=2.0)
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--dimension", type=int, default=24)
    args = parser.parse_args(argv)
    count = analyze(args.video, args.out, args.candidate_fps, args.max_tokens, args.dimension)
    print(f"{count} candidate frames -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
