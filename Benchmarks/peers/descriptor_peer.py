#!/usr/bin/env python3
"""The Python peer of `arrcoc analyze`: the same analysis, written to be fast in Python.

PyAV decodes (codec threads on) and scales each candidate frame to yuv420p at the analysis size
with one reused libswscale context (bicubic, as arrcoc), then converts it to RGB with
libswscale's unscaled YUV→RGB converter, whose arithmetic is arrcoc's `YUVToRGB` (the pixels of
features version 2, Docs/features.md; `yuv_to_rgb` writes it out in numpy); a second thread
describes frames while the decoder runs on (PyAV and numpy release the GIL). numpy computes
`CellDescriptor`'s descriptor of features version 3 (opponent colour moments, 2×2×2 colour
histogram, 8-bin gradient-orientation histogram, edge energy, luminance entropy, quadrant
layout, all defined on the integer channel sums T = R + G + B, R − G and R + G − 2B) for *all
cells of a frame at once*, in integer arrays: exact moments from n·ΣX² − (ΣX)², gradients as
integer differences of T, orientation bins by the definition's own comparisons (one table
look-up). Then the same PCA whitening (standardised, eigenvalues regularised by 5% of their
mean, 24 dimensions, L2-normalised). Candidate frames are chosen by the same rule as arrcoc's
sampler (the frame nearest each k / fps, a tie to the earlier one), so the times are the same.

The output is an `arrcoc.features/1` file (Docs/features.md) that `arrcoc compress --features`
accepts: times, embeddings, the three cue maps and the embedder state (embedder version 3).

    python descriptor_peer.py VIDEO --out FILE [--candidate-fps 2] [--max-tokens 400] [--dimension 24]

It is a benchmark reference (Benchmarks/README.md), not a replacement: its numbers agree with
arrcoc's closely, not bit for bit. On the same pixels every integer-defined value is arrcoc's;
the orientation histogram and edge energy are a float64 sum in pixel order (not arrcoc's fixed
float32 order) and an entropy can differ in log2f's last bit, so the cues agree to a unit in the
last place, and the fit (numpy's BLAS, not the reference BLAS) moves the embeddings by about
1e-4. PyAV bundles its own FFmpeg, whose bicubic scaling may differ from the system's (PyAV
18.1's FFmpeg 8 against Debian 12's 5.1: up to 14 levels on 11% of the analysis pixels of
bigbuckbunny.mp4), and then the cues differ more (there the entropy by up to 0.03 bits).
"""

from __future__ import annotations

import argparse
import functools
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
EMBEDDER_VERSION = 3
# T = R + G + B is at most 765, so gradients of T lie in ±765.
GRADIENT_MAX = 3 * 255
# Joint histogram bins: 16 luminance bins × 8 colour bins (DescriptorWorkspace.bins).
JOINT_BINS = 128
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
# PyAV 12 and later take the source's colour range in `VideoReformatter.reformat`.
HAS_COLOR_RANGE = "src_color_range" in (av.video.reformatter.VideoReformatter.reformat.__doc__ or "")
# tan(22.5°), tan(67.5°) as Float: orientation bins by comparison, as CellDescriptor.orientationBin.
TAN_22 = np.float32(0.41421356)
TAN_67 = np.float32(2.4142136)


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
        # PyAV before 12 (the one that builds on Debian 12's FFmpeg 5.1, Benchmarks/peers/
        # setup-peer.sh) has no colour metadata on frames: unspecified matrix, limited range.
        colorspace = int(getattr(frame, "colorspace", 2)) if is_yuv else 5
        full_range = is_yuv and (jpeg_format or int(getattr(frame, "color_range", 1)) == 2)
        if FAST_RGB and (HAS_COLOR_RANGE or not full_range):
            # The same arithmetic, by libswscale's own unscaled SIMD converter (faster than numpy).
            # PyAV before 12 takes no colour range and converts limited range, the only one sent.
            ranges = {"src_color_range": 2 if full_range else 1} if HAS_COLOR_RANGE else {}
            rgb_frame = reformatter.reformat(out, format="rgb24", src_colorspace=colorspace if colorspace in YUV2RGB_COEFFS else 5,
                                             interpolation="BICUBIC", **ranges)
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


_GRID_INDEX: dict[tuple[int, int, int], np.ndarray] = {}


def cell_bins(rows: int, cols: int, bins: int) -> np.ndarray:
    """`cell · bins` at every pixel, `[rows·32, cols·32]` int32: the offset that makes one
    `bincount` give every cell's histogram of `bins` bins (made once per grid)."""
    key = (rows, cols, bins)
    if key not in _GRID_INDEX:
        ids = np.arange(rows * cols, dtype=np.int32).reshape(rows, cols) * bins
        _GRID_INDEX[key] = np.repeat(np.repeat(ids, CELL, axis=0), CELL, axis=1)
    return _GRID_INDEX[key]


@functools.cache
def orientation_table() -> np.ndarray:
    """`CellDescriptor.orientationBin` of every integer gradient, int8, flat: the bin of
    (gx, gy) ∈ [−765, 765]² is at `(gx + 765)·1531 + gy + 765`.

    Computed once with the definition's own float32 comparisons (fold into the upper half plane,
    count the thresholds tan 22.5°·|x|, |x|, tan 67.5°·|x| at or below y, 7 − q for x < 0), so a
    frame's bins are one table look-up: ⌊θ / 22.5°⌋ with 45° → 2, 90° → 3, 135° → 5."""
    g = np.arange(-GRADIENT_MAX, GRADIENT_MAX + 1, dtype=np.float32)
    table = np.empty((len(g), len(g)), np.int8)
    for start in range(0, len(g), 64):  # 64 values of gx at a time: little memory
        gx, gy = g[start:start + 64, None], g[None, :]
        flip = (gy < 0) | ((gy == 0) & (gx < 0))
        x, y = np.where(flip, -gx, gx), np.where(flip, -gy, gy)
        ax = np.abs(x)
        quarter = (y >= TAN_22 * ax).astype(np.int8) + (y >= ax) + (y >= TAN_67 * ax)
        table[start:start + 64] = np.where(x >= 0, quarter, 7 - quarter)
    return table.ravel()


def block_sums(x: np.ndarray, side: int) -> np.ndarray:
    """Exact sums of `x` (`[..., H, W]`, integers) over blocks of `side` pixels a side:
    `[..., H/side, W/side]` int64. Down the rows first, whole rows added at once in int32 (a
    column of a cell sums to at most 32 · 765² here), then across."""
    *lead, h, w = x.shape
    down = x.reshape(*lead, h // side, side, w).sum(axis=-2, dtype=np.int32)
    return down.reshape(*lead, h // side, w // side, side).sum(axis=-1, dtype=np.int64)


def describe(rgb: np.ndarray, previous_totals: np.ndarray | None, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Descriptors `[cells, 28]` and cues `[cells, 3]` (information, edges, change) of one frame,
    all cells at once, by `CellDescriptor`'s definition (features version 3); also returns the
    frame's T = R + G + B (`[H, W]` int16) for the next frame's change cue.

    Everything is integer arithmetic on T, R − G and R + G − 2B (int16 planes): moments from exact
    per-cell sums (n·ΣX² − (ΣX)² in int64), the colour and luminance histograms from one
    `bincount` of the joint bin, gradients as integer differences of T whose orientation bin is
    a table look-up. The one floating-point sum, the orientation histogram, is a weighted
    `bincount` (float64 in pixel order, not arrcoc's fixed float32 order: it agrees to about
    1e-7 relative, not bit for bit)."""
    n, px = rows * cols, CELL * CELL
    planes = rgb.transpose(2, 0, 1).astype(np.int16, order="C")  # R, G, B as [3, H, W]
    r, g, b = planes
    channels = np.empty_like(planes)  # T, R − G, R + G − 2B
    total, red_green, yellow_blue = channels
    np.add(r, g, out=total)
    total += b
    np.subtract(r, g, out=red_green)
    np.subtract(total, 3 * b, out=yellow_blue)
    out = np.empty((n, DESCRIPTOR_LENGTH), np.float32)
    # Moments: exact integer sums of X and X², the spread n·ΣX² − (ΣX)² never negative.
    quadrants = block_sums(channels, CELL // 2).reshape(3, rows, 2, cols, 2)
    sums = quadrants.sum(axis=(2, 4)).reshape(3, n).T
    squares = block_sums(np.square(channels, dtype=np.int32), CELL).reshape(3, n).T
    units = np.array([765, 255 * math.sqrt(2), 255 * math.sqrt(6)]) * px
    out[:, 0:3] = sums / units
    out[:, 3:6] = np.sqrt((px * squares - sums * sums).astype(np.float64)) / units
    # Joint bin: luminance bin min(15, 16·T / 765) · 8 + colour bin (R ≥ 128)·4 + (G ≥ 128)·2 + (B ≥ 128).
    joint = total * np.int16(16)
    joint //= 765
    np.minimum(joint, 15, out=joint)
    joint <<= 3
    joint += (r >> 7) << 2
    joint += (g >> 7) << 1
    joint += b >> 7
    counts = np.bincount((cell_bins(rows, cols, JOINT_BINS) + joint).ravel(), minlength=n * JOINT_BINS).reshape(n, 16, 8)
    out[:, 6:14] = counts.sum(axis=1).astype(np.float32) / np.float32(px)
    p = counts.sum(axis=2).astype(np.float32) / np.float32(px)
    # log2 in float64, rounded to float32: the C library's log2f but for a rare last bit (numpy's
    # float32 log2 differs more often: of bigbuckbunny.mp4's entropies, made lossless at the analysis
    # size, 96.2% were arrcoc's to the bit, now 99.8%).
    terms = p * np.log2(np.where(p > 0, p, 1), dtype=np.float64).astype(np.float32)
    entropy = np.zeros(n, np.float32)
    for k in range(16):  # in bin order, as arrcoc adds them
        entropy -= terms[:, k]
    # Central differences of T (one-sided at the frame's edges): integers in ±765.
    gx = np.empty_like(total)
    np.subtract(total[:, 2:], total[:, :-2], out=gx[:, 1:-1])
    gx[:, 0] = total[:, 1] - total[:, 0]
    gx[:, -1] = total[:, -1] - total[:, -2]
    gy = np.empty_like(total)
    np.subtract(total[2:], total[:-2], out=gy[1:-1])
    gy[0] = total[1] - total[0]
    gy[-1] = total[-1] - total[-2]
    square = np.square(gx, dtype=np.int32)
    square += np.square(gy, dtype=np.int32)
    magnitude = np.sqrt(square, dtype=np.float32)  # exact input (< 2²⁴), rounded once, as Float
    index = gx.astype(np.int32)
    index *= 2 * GRADIENT_MAX + 1
    index += gy
    index += GRADIENT_MAX * (2 * GRADIENT_MAX + 2)
    orientation = cell_bins(rows, cols, 8) + orientation_table().take(index)
    bins = np.bincount(orientation.ravel(), weights=magnitude.ravel(), minlength=n * 8).reshape(n, 8).astype(np.float32)
    magnitude_sum = bins[:, 0].copy()
    for k in range(1, 8):  # in bin order, in float32, as arrcoc adds them
        magnitude_sum += bins[:, k]
    out[:, 14:22] = 0  # a cell without gradient
    np.divide(bins, magnitude_sum[:, None], out=out[:, 14:22], where=magnitude_sum[:, None] > 0)
    edges = magnitude_sum / np.float32(765 * px)
    out[:, 22] = edges
    out[:, 23] = entropy
    mean = sums[:, 0] / (765 * px)
    layout = quadrants[0].transpose(0, 2, 1, 3).reshape(n, 4) / (765 * (px // 4))
    out[:, 24:28] = layout - mean[:, None]
    if previous_totals is None:
        change = np.zeros(n, np.float32)
    else:
        difference = np.subtract(total, previous_totals)
        np.abs(difference, out=difference)
        change = (block_sums(difference, CELL).reshape(-1) / (765 * px)).astype(np.float32)
    cues = np.stack([entropy, edges, change], axis=1)
    return out, cues, total


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

    failure: list[BaseException] = []

    def decode() -> None:
        try:
            for item in candidate_frames(path, fps, (cols * CELL, rows * CELL)):
                frames.put(item)
        except BaseException as error:  # handed to the main thread, which raises it
            failure.append(error)
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
    if failure:
        raise failure[0]
    if not descriptors:
        raise SystemExit(f"{path}: no frame decoded")
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
