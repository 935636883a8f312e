"""arrcoc features files (`arrcoc.features/1`, Docs/features.md) and the numpy parts of making
one: the cell grid, candidate-frame choice, and resampling a patch grid onto cells."""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

FEATURES_SCHEMA = "arrcoc.features/1"
CELL_PX = 32
DEFAULT_CANDIDATE_FPS = 2.0
SOURCE_KEYS = ("path", "sha256", "duration_s", "fps", "width", "height", "codec")
MAX_EMBEDDING_DIM = 16_384  # what `arrcoc compress --features` reads (ARRCOC_MAX_EMBEDDING_DIM's default)
MAX_CANDIDATE_FPS = 1000.0  # as `arrcoc analyze` (and ARRCOC_MAX_SOURCE_FPS's default, which `compress --features` reads)
_SHA256 = re.compile(r"[0-9a-f]{64}")

T = TypeVar("T")


def sha256_of(path: str | Path, chunk: int = 1 << 20) -> str:
    """The file's SHA-256 (hex), as `arrcoc compress --features` checks it."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def cell_grid(width: int, height: int, target: int) -> tuple[int, int]:
    """`(rows, cols)` of about `target` cells keeping the frame's aspect ratio, never more than
    `target` (arrcoc's `TokenGrid.grid`)."""
    if width <= 0 or height <= 0 or target <= 0:
        raise ValueError(f"cell_grid({width}, {height}, {target}): expected positive sizes and target")
    aspect = width / height
    h = max(1, round(math.sqrt(target / aspect)))
    w = max(1, round(h * aspect))
    while h * w > target:
        if w >= h and w > 1:
            w -= 1
        elif h > 1:
            h -= 1
        else:
            break
    return h, w


def nearest_frames(frames: Iterable[tuple[float, T]], fps: float, frame_duration: float) -> Iterator[tuple[float, T]]:
    """The frames nearest each `k / fps` seconds, from `(time, frame)` pairs in presentation order,
    as arrcoc's sampler picks them (a tie goes to the earlier frame; a target more than half a
    frame past the last frame gets none). A frame serving several targets is yielded once.
    Only the previous frame is held."""
    if fps <= 0:
        raise ValueError(f"candidate fps {fps}: expected a positive number")
    k = 0
    previous: tuple[float, T] | None = None
    last_yielded: float | None = None
    for time, frame in frames:
        while k / fps <= time:
            target = k / fps
            pick = previous if previous is not None and target - previous[0] <= time - target else (time, frame)
            if last_yielded is None or pick[0] > last_yielded:
                last_yielded = pick[0]
                yield pick
            k += 1
        previous = (time, frame)
    while previous is not None and k / fps - previous[0] <= frame_duration / 2 + 1e-9:
        if last_yielded is None or previous[0] > last_yielded:
            last_yielded = previous[0]
            yield previous
        k += 1


def resample_grid(patches: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Bilinear resampling of `[..., h, w, D]` patch features onto a `rows × cols` cell grid
    (pixel centres aligned, as `torch.nn.functional.interpolate(align_corners=False)`).

    A square encoder input squeezes the frame, so its patch grid covers the frame like the cell
    grid does: resampling maps each cell to the patches over the same part of the frame.
    """
    h, w = patches.shape[-3], patches.shape[-2]

    def axis(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        x = np.clip(x, 0, n_in - 1)
        lo = np.floor(x).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, (x - lo).astype(np.float32)

    y0, y1, fy = axis(h, rows)
    x0, x1, fx = axis(w, cols)
    top = patches[..., y0, :, :] * (1 - fy)[:, None, None] + patches[..., y1, :, :] * fy[:, None, None]
    return top[..., x0, :] * (1 - fx)[:, None] + top[..., x1, :] * fx[:, None]


def l2_normalize(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """`x / ‖x‖` along `axis` (zero vectors stay zero)."""
    norm = np.linalg.norm(x, axis=axis, keepdims=True)
    return x / np.where(norm > 0, norm, 1)


def _source_record(source: Any) -> dict[str, Any]:
    """The `source` record of a features file, checked as `arrcoc compress --features` checks it
    and made fit for JSON: `path` a str (or os.PathLike), `sha256` the video's digest as 64
    lowercase hex digits (`sha256_of`, which arrcoc compares with the video's), `duration_s` and
    `fps` positive finite numbers, `width` and `height` positive integers, `codec` a str. numpy
    scalars become Python numbers; keys other than `SOURCE_KEYS` are left out.

    Raises:
        TypeError: `source` not a dict, or a value of another type; named with its key.
        ValueError: a key missing, or a value out of range; named with its key.
    """
    if not isinstance(source, Mapping):
        raise TypeError(f"source is {type(source).__name__}; expected a dict with {', '.join(SOURCE_KEYS)}")
    missing = [k for k in SOURCE_KEYS if k not in source]
    if missing:
        raise ValueError(f"source: missing {missing}")
    path, digest, codec = source["path"], source["sha256"], source["codec"]
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(_wrong_type("source['path']", source["path"], "the video's path (a str)"))
    if not isinstance(digest, str):
        raise TypeError(_wrong_type("source['sha256']", digest, "the video's SHA-256 as 64 lowercase hex digits (sha256_of)"))
    if not _SHA256.fullmatch(digest):
        raise ValueError(f"source['sha256'] {digest!r}: expected the video's SHA-256 as 64 lowercase hex digits (sha256_of)")
    if not isinstance(codec, str):
        raise TypeError(_wrong_type("source['codec']", codec, "the codec's name (a str)"))
    return {
        "path": path,
        "sha256": digest,
        "duration_s": _positive_number(source["duration_s"], "source['duration_s']", "a positive number of seconds"),
        "fps": _positive_number(source["fps"], "source['fps']", "a positive number of frames per second"),
        "width": _positive_integer(source["width"], "source['width']", "a positive whole number of pixels"),
        "height": _positive_integer(source["height"], "source['height']", "a positive whole number of pixels"),
        "codec": codec,
    }


def _wrong_type(name: str, value: Any, expected: str) -> str:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return f"{name} is {shown} ({type(value).__name__}); expected {expected}"


def _positive_number(value: Any, name: str, expected: str, maximum: float = math.inf) -> float:
    """`value` (a Python or numpy real number, not a bool) as a float in (0, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(_wrong_type(name, value, expected))
    number = float(value)
    if not (math.isfinite(number) and 0 < number <= maximum):
        shown = int(value) if isinstance(value, numbers.Integral) else number
        raise ValueError(f"{name} {shown!r}: expected {expected}")
    return number


def _positive_integer(value: Any, name: str, expected: str) -> int:
    """`value` (a Python or numpy integer, not a bool) as a positive int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(_wrong_type(name, value, expected))
    if int(value) <= 0:
        raise ValueError(f"{name} {int(value)!r}: expected {expected}")
    return int(value)


def write_features(
    path: str | Path,
    times_s: np.ndarray,
    embeddings: np.ndarray,
    source: dict[str, Any],
    embedder: str,
    version: int = 1,
    candidate_fps: float = DEFAULT_CANDIDATE_FPS,
) -> None:
    """Writes an `arrcoc.features/1` file that `arrcoc compress --features` reads.

    Args:
        times_s: `[T]` candidate frame times, seconds from the stream's start, strictly increasing.
        embeddings: `[T, rows, cols, D]`, one vector per cell (`[T, 1, 1, D]` for frame-level).
        source: the video: path (a str), sha256 (`sha256_of`), duration_s and fps (positive
            numbers), width and height (positive integers), codec (a str); other keys are left out.
        embedder: the model's name (e.g. its Hugging Face id); written with `version` and the
            embeddings' dimension `D` as the metadata's `embedder` record.
        version: the embedder's version, a positive integer.
        candidate_fps: the candidate frames per second the times were chosen at, in (0, 1000].

    Numbers may be numpy scalars: they are written as plain JSON numbers.

    Raises:
        ValueError: an empty path or embedder name, a version under 1, embeddings of another shape
            or of a dimension arrcoc does not read (0, or over 16,384), times not increasing, a
            source record missing a key or holding a value out of range, a candidate_fps out of
            range; nothing is written. The message names the value.
        TypeError: an embedder name that is not a str, a version that is not an integer, a source
            that is not a dict or holds a value of another type, a candidate_fps that is not a number.
    """
    from safetensors.numpy import save_file

    if os.fspath(path) == "":
        raise ValueError("path is empty; expected the features file to write")
    times = np.asarray(times_s, dtype=np.float64)
    emb = np.asarray(embeddings, dtype=np.float32)
    if emb.ndim != 4 or emb.shape[0] != times.shape[0]:
        raise ValueError(f"embeddings shape {emb.shape}: expected [T, rows, cols, D] with T = {times.shape[0]}")
    if times.size and not np.all(np.diff(times) > 0):
        raise ValueError("times_s: expected strictly increasing times")
    record = _source_record(source)
    fps = _positive_number(candidate_fps, "candidate_fps", f"a number of frames per second in (0, {MAX_CANDIDATE_FPS:g}]",
                           MAX_CANDIDATE_FPS)
    _, rows, cols, d = emb.shape
    if not 1 <= d <= MAX_EMBEDDING_DIM:
        limit = "expected at least 1" if d < 1 else f"arrcoc reads at most {MAX_EMBEDDING_DIM}"
        raise ValueError(f"embeddings shape {emb.shape}: dimension {d}; {limit}")
    if not isinstance(embedder, str):
        raise TypeError(f"embedder is {type(embedder).__name__}; expected the embedder's name (str), e.g. its Hugging Face id "
                        "(its version goes in `version`, its dimension is the embeddings' last axis)")
    if not embedder.strip():
        raise ValueError(f"embedder is empty ({embedder!r}); expected the embedder's name, e.g. its Hugging Face id")
    if isinstance(version, bool) or not isinstance(version, numbers.Integral):
        raise TypeError(f"version is {type(version).__name__}; expected a positive integer (the embedder's version)")
    if version < 1:
        raise ValueError(f"version {version}: expected a positive integer (the embedder's version)")
    meta = {
        "schema": FEATURES_SCHEMA,
        "source": record,
        "analysis": {"candidate_fps": fps, "rows": rows, "cols": cols, "cell_px": CELL_PX},
        "embedder": {"name": embedder, "version": int(version), "dimension": d},
    }
    save_file(
        {"times_s": np.ascontiguousarray(times), "embeddings": np.ascontiguousarray(emb)},
        str(path),
        metadata={"arrcoc": json.dumps(meta)},
    )


def read_features(path: str | Path) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """`(times_s, embeddings, metadata)` of a features file."""
    from safetensors import safe_open

    if os.fspath(path) == "":
        raise ValueError("path is empty; expected a features file")
    with safe_open(str(path), framework="np") as f:
        meta = json.loads((f.metadata() or {}).get("arrcoc", "{}"))
        return f.get_tensor("times_s"), f.get_tensor("embeddings"), meta
