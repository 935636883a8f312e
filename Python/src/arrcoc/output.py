"""Reading what `arrcoc compress` writes: `manifest.json` and `tensors.safetensors` (numpy only)."""

from __future__ import annotations

import json
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
        OutputError: a file is missing, of another schema, or inconsistent with the others.
    """
    from safetensors.numpy import load_file

    path = Path(out_dir)
    manifest_path, tensors_path = path / "manifest.json", path / "tensors.safetensors"
    for p in (manifest_path, tensors_path):
        if not p.is_file():
            raise OutputError(f"{p}: not found; expected an `arrcoc compress` output directory")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("schema") != MANIFEST_SCHEMA:
        raise OutputError(f"{manifest_path}: schema {manifest.get('schema')!r}; expected {MANIFEST_SCHEMA!r}")
    if manifest.get("mode", "resize") != "resize":
        raise OutputError(
            f"{manifest_path}: mode {manifest.get('mode')!r}; the stock Qwen3-VL takes full grids only (--mode resize)"
        )
    tensors = load_file(str(tensors_path))
    blocks = tuple(
        Block(
            index=b["index"],
            time_s=float(b["time_s"]),
            timestamp=b["timestamp"],
            tokens=int(b["tokens"]),
            grid=(int(b["grid"]["h"]), int(b["grid"]["w"])),
            frame_times_s=tuple(float(t) for t in b.get("frame_times_s", [])),
            density=b.get("density", ""),
            relevance=float(b.get("relevance", 0.0)),
            region=tuple(float(v) for v in b["region"]) if b.get("region") is not None else None,
        )
        for b in manifest["blocks"]
    )
    video = CompressedVideo(
        path=path,
        manifest=manifest,
        blocks=blocks,
        input_ids=tensors["input_ids"].astype(np.int64),
        position_ids=tensors["position_ids"].astype(np.int64),
        pixel_values_videos=tensors["pixel_values_videos"].astype(np.float32, copy=False),
        video_grid_thw=tensors["video_grid_thw"].astype(np.int64),
    )
    check_consistent(video)
    return video


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
    for b, thw in zip(video.blocks, video.video_grid_thw):
        if tuple(thw) != (1, 2 * b.grid[0], 2 * b.grid[1]) or b.grid[0] * b.grid[1] != b.tokens:
            raise OutputError(f"{where}: block {b.index} grid {tuple(thw)} does not match the manifest's {b.grid}, {b.tokens} tokens")
    pads = int((video.input_ids == VIDEO_PAD_ID).sum())
    if pads != sum(b.tokens for b in video.blocks):
        raise OutputError(f"{where}: {pads} video_pad ids for {sum(b.tokens for b in video.blocks)} vision tokens")
    rows = int(video.video_grid_thw.prod(axis=1).sum())
    if video.pixel_values_videos.shape != (rows, 1536):
        raise OutputError(f"{where}: pixel_values_videos shape {video.pixel_values_videos.shape}; expected ({rows}, 1536)")


def find_seconds(answer: str) -> list[float]:
    """Times stated in a model's answer (`12.5 seconds`, `<3.0 seconds>`, `at 4s`), in order."""
    return [float(m.group(1)) for m in _SECONDS.finditer(answer)]
