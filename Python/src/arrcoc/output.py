"""Reading what `arrcoc compress` writes: `manifest.json` and `tensors.safetensors` (numpy only)."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

VISION_START_ID = 151652
VISION_END_ID = 151653
VIDEO_PAD_ID = 151656
VISION_START = "<|vision_start|>"
VISION_END = "<|vision_end|>"
VIDEO_PAD = "<|video_pad|>"
MANIFEST_SCHEMA = "arrcoc.manifest/1"

_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:seconds|second|secs|sec|s)\b")


class OutputError(ValueError):
    """An arrcoc output directory that cannot be used; the message names the file and the value."""


@dataclass(frozen=True)
class Block:
    """One block of the compressed sequence, as `manifest.json` describes it."""

    index: int
    time_s: float
    timestamp: str
    tokens: int
    grid: tuple[int, int]
    frame_times_s: tuple[float, ...]
    density: str
    relevance: float
    # A zoom block's region of the source frame, `(x, y, w, h)` normalised; None: the whole frame.
    region: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class CompressedVideo:
    """An `arrcoc compress` output directory in memory.

    Attributes:
        manifest: `manifest.json` as a dict (schema `arrcoc.manifest/1`).
        blocks: the manifest's blocks, in time order.
        input_ids: `[L]` int64, the video segment's token ids (timestamp text included).
        position_ids: `[3, L]` int64, `get_rope_index`'s ids for the segment, starting at 0.
        pixel_values_videos: `[N, 1536]` float32, rows in Qwen3-VL's patch order.
        video_grid_thw: `[blocks, 3]` int64, one row per block.
    """

    path: Path
    manifest: dict[str, Any]
    blocks: tuple[Block, ...]
    input_ids: np.ndarray
    position_ids: np.ndarray
    pixel_values_videos: np.ndarray
    video_grid_thw: np.ndarray

    @property
    def text(self) -> str:
        """The video segment as text that the Qwen tokenizer turns into exactly `input_ids`."""
        return "".join(b.timestamp + VISION_START + VIDEO_PAD * b.tokens + VISION_END for b in self.blocks)

    @property
    def timestamps(self) -> list[float]:
        """Each block's time in seconds (the time its timestamp text states, unrounded)."""
        return [b.time_s for b in self.blocks]

    def block_near(self, seconds: float) -> Block:
        """The block whose time is nearest to `seconds` (to read a time the model answered)."""
        return min(self.blocks, key=lambda b: abs(b.time_s - seconds))


def read_output(out_dir: str | Path) -> CompressedVideo:
    """Reads an `arrcoc compress` output directory and checks that its files agree.

    Raises:
        OutputError: a file is missing, damaged, of another schema, or inconsistent with the others;
            the message names the file and the value. Also for an empty `out_dir`.
        TypeError: `out_dir` is not a path.
    """
    path = as_output_dir(out_dir)
    manifest_path, tensors_path = path / "manifest.json", path / "tensors.safetensors"
    for p in (manifest_path, tensors_path):
        if not p.is_file():
            raise OutputError(f"{p}: not found; expected an `arrcoc compress` output directory")
    manifest = _read_manifest(manifest_path)
    if manifest.get("schema") != MANIFEST_SCHEMA:
        raise OutputError(f"{manifest_path}: schema {manifest.get('schema')!r}; expected {MANIFEST_SCHEMA!r}")
    if manifest.get("mode", "resize") != "resize":
        raise OutputError(
            f"{manifest_path}: mode {manifest.get('mode')!r}; the stock Qwen3-VL takes full grids only (--mode resize)"
        )
    raw_blocks = manifest.get("blocks")
    if not isinstance(raw_blocks, list) or not raw_blocks:
        raise OutputError(f"{manifest_path}: blocks is {_shown(raw_blocks)}; expected a non-empty list of blocks")
    blocks = tuple(_read_block(b, i, manifest_path) for i, b in enumerate(raw_blocks))
    tensors = _read_tensors(tensors_path)
    video = CompressedVideo(
        path=path,
        manifest=manifest,
        blocks=blocks,
        input_ids=tensors["input_ids"],
        position_ids=tensors["position_ids"],
        pixel_values_videos=tensors["pixel_values_videos"],
        video_grid_thw=tensors["video_grid_thw"],
    )
    check_consistent(video)
    return video


def as_output_dir(out_dir: Any) -> Path:
    """`out_dir` as a Path; an empty one (which `Path` reads as the current folder) raises OutputError,
    anything but a str or os.PathLike TypeError."""
    expected = "an `arrcoc compress` output directory"
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir is {type(out_dir).__name__}; expected {expected} (a str or os.PathLike path)")
    if os.fspath(out_dir) == "":
        raise OutputError(f"out_dir is empty; expected {expected}")
    return Path(out_dir)


# Each tensor's dtype and shape as arrcoc writes them (Docs/output.md); names are sizes that vary.
_TENSORS: dict[str, tuple[str, tuple[int | str, ...]]] = {
    "input_ids": ("int64", ("L",)),
    "position_ids": ("int64", (3, "L")),
    "pixel_values_videos": ("float32", ("N", 1536)),
    "video_grid_thw": ("int64", ("blocks", 3)),
}


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise OutputError(f"{path}: byte {e.start} is not UTF-8; expected the JSON manifest arrcoc writes") from None
    except json.JSONDecodeError as e:
        raise OutputError(f"{path}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    if not isinstance(manifest, dict):
        raise OutputError(f"{path}: the top level is {type(manifest).__name__}; expected a JSON object")
    return manifest


def _number(value: Any, where: str, *, integer: bool = False, positive: bool = False) -> float:
    """`value` as a finite number (bool, text and NaN refused), else an OutputError naming `where`."""
    kind = int if integer else (int, float)
    finite = not isinstance(value, float) or math.isfinite(value)  # a JSON integer is exact, whatever its size
    if isinstance(value, bool) or not isinstance(value, kind) or not finite or (positive and value <= 0):
        expected = ("a positive " if positive else "a finite ") + ("integer" if integer else "number")
        raise OutputError(f"{where} is {_shown(value)}; expected {expected}")
    return value


def _read_block(raw: Any, i: int, path: Path) -> Block:
    where = f"{path}: blocks[{i}]"
    if not isinstance(raw, dict):
        raise OutputError(f"{where} is {_shown(raw)}; expected an object")
    for key in ("index", "time_s", "timestamp", "tokens", "grid"):
        if key not in raw:
            raise OutputError(f"{where}: no {key!r}; expected a block as arrcoc writes it")
    grid, timestamp, region = raw["grid"], raw["timestamp"], raw.get("region")
    if not isinstance(grid, dict):
        raise OutputError(f"{where}.grid is {_shown(grid)}; expected an object with h and w")
    if not isinstance(timestamp, str):
        raise OutputError(f"{where}.timestamp is {_shown(timestamp)}; expected text")
    density = raw.get("density", "")
    if not isinstance(density, str):
        raise OutputError(f"{where}.density is {_shown(density)}; expected text (dense or sparse)")
    frame_times = raw.get("frame_times_s", [])
    if not isinstance(frame_times, list):
        raise OutputError(f"{where}.frame_times_s is {_shown(frame_times)}; expected a list of seconds")
    if region is not None:
        if not isinstance(region, list) or len(region) != 4:
            raise OutputError(f"{where}.region is {_shown(region)}; expected [x, y, w, h]")
        x, y, w, h = (_number(v, f"{where}.region[{k}]") for k, v in enumerate(region))
        if not (0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= 1 + 1e-9 and y + h <= 1 + 1e-9):
            raise OutputError(f"{where}.region is {region}; expected a part of the frame, normalised to 0…1")
        region = (x, y, w, h)
    index = _number(raw["index"], f"{where}.index", integer=True)
    if index != i:
        raise OutputError(f"{where}.index is {_shown(index)}; expected {i} (blocks in order)")
    return Block(
        index=index,
        time_s=float(_number(raw["time_s"], f"{where}.time_s")),
        timestamp=timestamp,
        tokens=int(_number(raw["tokens"], f"{where}.tokens", integer=True, positive=True)),
        grid=(
            int(_number(grid.get("h"), f"{where}.grid.h", integer=True, positive=True)),
            int(_number(grid.get("w"), f"{where}.grid.w", integer=True, positive=True)),
        ),
        frame_times_s=tuple(float(_number(t, f"{where}.frame_times_s[{k}]")) for k, t in enumerate(frame_times)),
        density=density,
        relevance=float(_number(raw.get("relevance", 0.0), f"{where}.relevance")),
        region=region,
    )


def _read_tensors(path: Path) -> dict[str, np.ndarray]:
    """The four tensors, each checked to have the dtype and rank arrcoc writes (`_TENSORS`), so that
    a damaged file is named here rather than failing in `check_consistent` or in the model."""
    from safetensors.numpy import load_file

    try:
        tensors = load_file(str(path))
    except Exception as e:  # safetensors raises its own SafetensorError, and OSError for I/O
        raise OutputError(f"{path}: not a readable safetensors file ({e})") from None
    for name, (dtype, shape) in _TENSORS.items():
        if name not in tensors:
            raise OutputError(f"{path}: no {name!r} tensor; expected {', '.join(_TENSORS)}")
        array = tensors[name]
        fixed = all(isinstance(n, str) or n == m for n, m in zip(shape, array.shape))
        if array.dtype != np.dtype(dtype) or array.ndim != len(shape) or not fixed:
            found, expected = (", ".join(map(str, dims)) for dims in (array.shape, shape))
            raise OutputError(f"{path}: {name} is {array.dtype} [{found}]; expected {dtype} [{expected}]")
    return tensors


def check_consistent(video: CompressedVideo) -> None:
    """Checks the tensors against the manifest: lengths, grids, pads and pixel rows.

    Raises:
        OutputError: naming the first disagreement.
    """
    where = video.path / "tensors.safetensors"
    n = len(video.input_ids)
    if video.position_ids.shape != (3, n):
        raise OutputError(f"{where}: position_ids shape {video.position_ids.shape}; expected (3, {n})")
    if len(video.video_grid_thw) != len(video.blocks):
        raise OutputError(f"{where}: video_grid_thw has {len(video.video_grid_thw)} rows for {len(video.blocks)} blocks")
    for b, row in zip(video.blocks, video.video_grid_thw):
        thw = tuple(row.tolist())  # plain ints, so that the message reads (1, 16, 28), not np.int64(1)
        if thw != (1, 2 * b.grid[0], 2 * b.grid[1]) or b.grid[0] * b.grid[1] != b.tokens:
            raise OutputError(f"{where}: block {b.index} grid {thw} does not match the manifest's {b.grid}, {b.tokens} tokens")
    pads = int((video.input_ids == VIDEO_PAD_ID).sum())
    if pads != sum(b.tokens for b in video.blocks):
        raise OutputError(f"{where}: {pads} video_pad ids for {sum(b.tokens for b in video.blocks)} vision tokens")
    rows = int(video.video_grid_thw.prod(axis=1).sum())
    if video.pixel_values_videos.shape != (rows, 1536):
        raise OutputError(f"{where}: pixel_values_videos shape {video.pixel_values_videos.shape}; expected ({rows}, 1536)")


def find_seconds(answer: str) -> list[float]:
    """Times stated in a model's answer (`12.5 seconds`, `<3.0 seconds>`, `at 4s`), in order."""
    return [float(m.group(1)) for m in _SECONDS.finditer(answer)]
