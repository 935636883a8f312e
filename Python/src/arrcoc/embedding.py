"""`arrcoc-embed`: a features file from a Hugging Face image-text encoder (SigLIP, SigLIP 2, CLIP)
and the query embedding in the same space, for `arrcoc compress --features … --query-embedding …`.

Patch features are brought into the space of the text embedding the way each model makes its own
image embedding, applied to one patch at a time:
- SigLIP / SigLIP 2: the attention-pooling head with its attention put wholly on that patch, that is
  `out_proj(v_proj(x))`, then the head's layer norm and MLP with their residual (what the head would
  output for an image made of that patch alone);
- CLIP: the vision tower's final layer norm and `visual_projection`, as for the class token.
Then they are resampled onto the cell grid and L2-normalised. With `frame_level=True` each frame
gets the model's own image embedding, `[T, 1, 1, D]` (robust, no localisation).
"""

from __future__ import annotations

import argparse
import json
import math
import numbers
import os
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import (
    DEFAULT_CANDIDATE_FPS,
    FEATURES_SCHEMA,
    MAX_CANDIDATE_FPS,
    cell_grid,
    l2_normalize,
    nearest_frames,
    resample_grid,
    sha256_of,
    write_features,
)

if TYPE_CHECKING:
    import torch

SUPPORTED = ("siglip", "siglip2", "clip")


class EmbedError(ValueError):
    """A model, video or query `arrcoc-embed` cannot use; the message names it."""


@dataclass(frozen=True)
class EmbedResult:
    """What `embed` wrote: the features' shape and the query's."""

    features: Path
    frames: int
    grid: tuple[int, int]
    dimension: int
    query: np.ndarray | None


def probe(video: str | Path) -> dict[str, Any]:
    """The video's `source` record (path, sha256, duration_s, fps, width, height, codec), read with PyAV."""
    import av

    with av.open(str(video)) as container:
        if not container.streams.video:
            raise EmbedError(f"{video}: no video stream")
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        else:
            duration = 0.0
        return {
            "path": str(video),
            "sha256": sha256_of(video),
            "duration_s": duration,
            "fps": fps,
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "codec": stream.codec_context.name,
        }


def decode_candidates(video: str | Path, candidate_fps: float = DEFAULT_CANDIDATE_FPS) -> Iterator[tuple[float, np.ndarray]]:
    """`(time_s, RGB uint8 [H, W, 3])` of the frames nearest each `k / candidate_fps` seconds,
    decoded sequentially with PyAV; times are seconds from the stream's start, as arrcoc's own."""
    import av

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        start = stream.start_time or 0
        fps = float(stream.average_rate or 25)

        def frames() -> Iterator[tuple[float, Any]]:
            last = -1.0
            for frame in container.decode(stream):
                pts = frame.pts if frame.pts is not None else frame.dts
                t = float((pts - start) * stream.time_base) if pts is not None else last + 1 / fps
                if t <= last:
                    t = last + 1 / fps
                last = t
                yield t, frame

        for t, frame in nearest_frames(frames(), candidate_fps, 1 / fps):
            yield t, frame.to_ndarray(format="rgb24")


def load_encoder(name_or_path: str, device: str = "cpu") -> tuple[Any, Any]:
    """`(model, processor)` of a SigLIP, SigLIP 2 or CLIP checkpoint (a Hub id or a local
    directory; `~` is the user's home folder)."""
    name_or_path = os.path.expanduser(name_or_path)
    _check_checkpoint(name_or_path)
    from transformers import AutoModel, AutoProcessor

    model = AutoModel.from_pretrained(name_or_path).to(device).eval()
    kind = model.config.model_type
    if kind not in SUPPORTED:
        raise EmbedError(f"{name_or_path}: model_type {kind!r}; expected one of {', '.join(SUPPORTED)}")
    processor = AutoProcessor.from_pretrained(name_or_path)
    return model, processor


def _image_inputs(model: Any, processor: Any, images: list[np.ndarray]) -> dict[str, Any]:
    """The image processor's tensors; CLIP's square input without its centre crop, so that the
    patch grid covers the whole frame as the cell grid does."""
    image_processor = getattr(processor, "image_processor", processor)
    kwargs: dict[str, Any] = {"return_tensors": "pt"}
    if model.config.model_type == "clip":
        side = model.config.vision_config.image_size
        kwargs.update(do_center_crop=False, size={"height": side, "width": side})
    inputs = image_processor(images=images, **kwargs)
    return {k: v.to(model.device) for k, v in inputs.items()}


def _patch_grid(model: Any, inputs: dict[str, Any], hidden: Any) -> list[Any]:
    """Per image, its patch tokens as `[h, w, hidden]` (tokens of the vision tower, last layer)."""
    kind = model.config.model_type
    if kind == "siglip2":
        shapes = inputs["spatial_shapes"].tolist()
        return [hidden[i, : h * w].reshape(h, w, -1) for i, (h, w) in enumerate(shapes)]
    tokens = hidden[:, 1:] if kind == "clip" else hidden
    side = int(round(tokens.shape[1] ** 0.5))
    if side * side != tokens.shape[1]:
        raise EmbedError(f"{tokens.shape[1]} patch tokens do not make a square grid")
    return list(tokens.reshape(tokens.shape[0], side, side, -1))


def _to_joint_space(model: Any, patches: Any) -> Any:
    """Patch tokens `[..., hidden]` → the image-text space `[..., D]` (see the module's doc)."""
    kind = model.config.model_type
    if kind == "clip":
        vision = model.vision_model
        return model.visual_projection(vision.post_layernorm(patches))
    import torch.nn.functional as F

    head = model.vision_model.head
    e = head.attention.embed_dim
    v = F.linear(patches, head.attention.in_proj_weight[2 * e :], head.attention.in_proj_bias[2 * e :])
    x = head.attention.out_proj(v)
    return x + head.mlp(head.layernorm(x))


def embed_images(model: Any, processor: Any, images: list[np.ndarray], grid: tuple[int, int] | None) -> tuple[np.ndarray, np.ndarray]:
    """`(cells [B, rows, cols, D], images [B, D])` for a batch of RGB frames, both L2-normalised.
    `grid=None` skips the cells (frame-level only)."""
    import torch

    inputs = _image_inputs(model, processor, images)
    with torch.inference_mode():
        out = model.get_image_features(**inputs)
        pooled = l2_normalize(out.pooler_output.float().cpu().numpy())
        if grid is None:
            return np.zeros((len(images), 0, 0, pooled.shape[-1]), np.float32), pooled
        patches = [_to_joint_space(model, p).float().cpu().numpy() for p in _patch_grid(model, inputs, out.last_hidden_state)]
    cells = np.stack([resample_grid(p, *grid) for p in patches])
    return l2_normalize(cells).astype(np.float32), pooled.astype(np.float32)


def embed_text(model: Any, processor: Any, texts: list[str]) -> np.ndarray:
    """`[Q, D]` L2-normalised text embeddings (SigLIP's tokenizer padded to `max_length`, as trained)."""
    import torch

    tokenizer = getattr(processor, "tokenizer", processor)
    siglip = model.config.model_type in ("siglip", "siglip2")
    kwargs: dict[str, Any] = {"truncation": True, "return_tensors": "pt", "padding": True}
    if siglip:  # trained padded to the text tower's length, without an attention mask
        kwargs.update(padding="max_length", max_length=model.config.text_config.max_position_embeddings)
    inputs = tokenizer(texts, **kwargs)
    keep = ("input_ids",) if siglip else ("input_ids", "attention_mask")
    inputs = {k: v.to(model.device) for k, v in inputs.items() if k in keep}
    with torch.inference_mode():
        out = model.get_text_features(**inputs)
    return l2_normalize(out.pooler_output.float().cpu().numpy()).astype(np.float32)


def embed_query(model: Any, processor: Any, text: str | None = None, image: str | Path | None = None) -> np.ndarray:
    """The query embedding `[D]` from a text or an image file, in the features' space.

    Raises:
        EmbedError: not exactly one query, empty text, or an image path that names no file.
        TypeError: `text` that is not a str.
    """
    if (text is None) == (image is None):
        raise EmbedError("give exactly one of text and image")
    _check_query(text, image)
    if text is not None:
        return embed_text(model, processor, [text])[0]
    from PIL import Image

    with Image.open(image) as im:
        rgb = np.asarray(im.convert("RGB"))
    return embed_images(model, processor, [rgb], None)[1][0]


class Progress:
    """A progress line on stderr: rewritten in place on a terminal, every 10% otherwise."""

    def __init__(self, label: str, total: int | None, enabled: bool = True) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.done, self.start, self.shown = 0, time.monotonic(), -1
        self.tty = sys.stderr.isatty()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        share = int(10 * self.done / self.total) if self.total else self.done // 50
        if self.tty or share != self.shown:
            self.shown = share
            of = f"/{self.total}" if self.total else ""
            end = "\r" if self.tty else "\n"
            print(f"{self.label}: {self.done}{of} frames, {time.monotonic() - self.start:.1f} s", end=end, file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)


def embed(
    video: str | Path,
    model: str | tuple[Any, Any],
    out: str | Path,
    text: str | None = None,
    image: str | Path | None = None,
    query_out: str | Path | None = None,
    candidate_fps: float = DEFAULT_CANDIDATE_FPS,
    grid: tuple[int, int] | None = None,
    frame_level: bool = False,
    batch_size: int = 16,
    device: str | torch.device | None = None,
    progress: bool = True,
    force: bool = False,
) -> EmbedResult:
    """Writes a features file for `video` from an image-text encoder, and the query embedding.

    Args:
        video: the video file (anything PyAV decodes).
        model: a Hub id or local directory of a SigLIP, SigLIP 2 or CLIP checkpoint (`~` is
            the user's home folder), or a `(model, processor)` pair already loaded.
        out: the features file to write (safetensors, `arrcoc.features/1`).
        text, image: the query, as words or an image file (at most one); written to `query_out`.
        candidate_fps: candidate frames per second (arrcoc's default 2).
        grid: `(rows, cols)` of cells; default about as many cells as the encoder has patches,
            keeping the video's aspect ratio.
        frame_level: one embedding per frame (`[T, 1, 1, D]`), the model's own image embedding.
        batch_size: frames per forward pass.
        device: where the encoder runs (`"cpu"`, `"cuda"`, a `torch.device`); one torch does not
            know, `"meta"` (which holds no data) or one this machine does not have is refused up
            front. A model loaded here goes there (default `"cpu"`). A `(model, processor)` pair
            runs where the model is: `device` may be left out, or name that device; any other is
            refused (`embed` does not move a model it is given: `model.to(device)` first).
        progress: show progress on stderr.
        force: replace `out` and `query_out` if they exist and arrcoc wrote them (a features
            file, a `.npy` array); an input, or a file of another kind, is never replaced.

    Raises:
        EmbedError: an argument arrcoc cannot use (an empty or missing path, an output whose folder
            does not exist, a grid or batch size out of range, a device torch cannot use or that
            is not where the given model is), found before the model is loaded; or a model, video or query that turns out unusable. The
            message names it.
        TypeError: an argument of the wrong type (e.g. `out=None`, `text=42`), named.
    """
    # Everything that can be checked is checked before the model is loaded and the video decoded.
    _check_path("video", video, "a video file")
    if isinstance(model, (str, os.PathLike)):
        _check_path("model", model, "a Hub id or a checkpoint directory")
        model = os.path.expanduser(os.fspath(model))
    elif not (isinstance(model, (tuple, list)) and len(model) == 2):
        raise TypeError(f"model is {type(model).__name__}; expected a Hub id, a checkpoint directory or a (model, processor) pair")
    _check_path("out", out, "the features file to write")
    if query_out is not None:
        _check_path("query_out", query_out, "the .npy file to write the query embedding to")
    if text is not None and image is not None:
        raise EmbedError("text and image are both given; expected at most one query")
    if (text is not None or image is not None) and query_out is None:
        given = "text" if text is not None else "image"
        raise EmbedError(f"{given} is given but query_out is None; expected query_out, the .npy file to write the query embedding to")
    if query_out is not None and text is None and image is None:
        raise EmbedError("query_out is given but no query to write to it; expected text or image with it")
    _check_query(text, image)
    if isinstance(candidate_fps, bool) or not isinstance(candidate_fps, numbers.Real):
        raise TypeError(f"candidate_fps is {type(candidate_fps).__name__}; expected a number of frames per second")
    if not (math.isfinite(candidate_fps) and 0 < candidate_fps <= MAX_CANDIDATE_FPS):
        raise EmbedError(f"candidate_fps {candidate_fps}: expected a number in (0, {MAX_CANDIDATE_FPS:g}]")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size is {type(batch_size).__name__}; expected a positive integer")
    if batch_size <= 0:
        raise EmbedError(f"batch_size {batch_size}: expected a positive number of frames")
    if grid is not None:
        _check_grid(grid)
    _check_files(video, model, image, out, query_out, force)
    # Last: the device check imports torch (about a second).
    loaded = isinstance(model, (tuple, list))
    if loaded:
        encoder, processor = model
        _check_model_device(encoder, device)
    else:
        device = "cpu" if device is None else device
        _check_device(device)
        encoder, processor = load_encoder(model, device)
    name = (getattr(encoder.config, "_name_or_path", "") or encoder.config.model_type) if loaded else str(model)
    # The query first: a bad image fails before the video is decoded.
    query = embed_query(encoder, processor, text=text, image=image) if text is not None or image is not None else None
    source = probe(video)
    if grid is None and not frame_level:
        vision = encoder.config.vision_config
        patches = (vision.image_size // vision.patch_size) ** 2 if hasattr(vision, "image_size") else getattr(vision, "num_patches", 256)
        grid = cell_grid(source["width"], source["height"], patches)
    cells_grid = None if frame_level else grid
    expected = int(source["duration_s"] * candidate_fps) + 1 if source["duration_s"] else None
    bar = Progress(f"embedding {Path(video).name} with {name}", expected, progress)
    times: list[float] = []
    chunks: list[np.ndarray] = []
    batch: list[np.ndarray] = []

    def flush() -> None:
        cells, pooled = embed_images(encoder, processor, batch, cells_grid)
        chunks.append(pooled[:, None, None, :] if frame_level else cells)
        bar.advance(len(batch))
        batch.clear()

    for t, rgb in decode_candidates(video, candidate_fps):
        times.append(t)
        batch.append(rgb)
        if len(batch) == batch_size:
            flush()
    if batch:
        flush()
    bar.finish()
    if not times:
        raise EmbedError(f"{video}: no frame could be decoded")
    embeddings = np.concatenate(chunks)
    with _atomic(out) as temporary:
        write_features(temporary, np.asarray(times), embeddings, source, embedder=name, candidate_fps=candidate_fps)
    if query is not None and query_out is not None:
        with _atomic(query_out) as temporary, open(temporary, "wb") as f:
            np.save(f, query.astype(np.float32))  # to the very path given (np.save on a name adds ".npy")
    return EmbedResult(Path(out), len(times), tuple(embeddings.shape[1:3]), embeddings.shape[-1], query)


MAX_CELLS_PER_FRAME = 16_384  # what `arrcoc compress --features` reads (ARRCOC_MAX_CELLS_PER_FRAME's default)


def _check_device(device: Any, name: str = "device") -> Any:
    """The `torch.device` that `device` resolves to (`cuda` → `cuda:0`). Refuses a device torch
    does not know (`foo`), that holds no data (`meta`) or that this machine does not have (`cuda`
    without a GPU), before a model is loaded: torch would fail only when the model is moved there,
    or, for `meta`, when the first result is read."""
    import torch

    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"{name} is {type(device).__name__}; expected a torch device (cpu, cuda, cuda:1, mps, …)")
    if isinstance(device, str) and not device:
        raise EmbedError(f"{name} is empty; expected cpu, cuda, …")
    try:
        parsed = torch.device(device)
    except RuntimeError:
        raise EmbedError(f"{name} {device}: not a device torch knows; expected cpu, cuda, cuda:1, mps, …") from None
    if parsed.type == "meta":
        raise EmbedError(f"{name} {device}: torch's placeholder device, which holds no data; "
                         "expected a device that computes: cpu, cuda, cuda:1, mps, …")
    try:
        return torch.empty(0, device=parsed).device
    except (RuntimeError, AssertionError, ImportError) as e:  # no driver, no such index, a torch built without it
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise EmbedError(f"{name} {device}: not available here ({reason}); expected a device this machine has, e.g. cpu") from None


def _check_model_device(model: Any, device: Any) -> None:
    """Refuses a `device` other than the one a given model is on, and a model on `meta`.

    `embed` runs a model it is given where it is: moving it would move the caller's model in
    place (`Module.to`), and a device named but not used would be a silent mistake."""
    import torch

    where = getattr(model, "device", None)
    if not isinstance(where, torch.device):
        raise TypeError(f"model[0] is {type(model).__name__}; expected a SigLIP, SigLIP 2 or CLIP model (transformers) with its processor")
    if device is not None and _check_device(device) != where:
        raise EmbedError(f"device {device}: the model given is on {where}; expected its own device ({where}) or device=None "
                         "(embed does not move a model it is given: move it first with model.to(...))")
    if where.type == "meta":
        raise EmbedError("model is on torch's meta device, which holds no data; expected a model with its weights loaded, "
                         "on cpu, cuda, cuda:1, mps, …")


@dataclass(frozen=True)
class _Names:
    """How the caller spells what `_check_files` names in its messages: `embed`'s Python
    arguments, or the `arrcoc-embed` command's flags."""

    video: str
    image: str
    out: str
    query_out: str
    force: str


_ARGUMENTS = _Names(video="video", image="image", out="out", query_out="query_out", force="force=True")
_FLAGS = _Names(video="the video", image="--image", out="--out", query_out="--query-out", force="--force")


def _check_files(
    video: str | Path, model: Any, image: str | Path | None, out: str | Path, query_out: str | Path | None,
    force: bool, names: _Names = _ARGUMENTS,
) -> None:
    """Refuses, without importing torch: a video that is no regular file, a model path that is no
    checkpoint arrcoc-embed reads, and outputs `_check_outputs` refuses."""
    if not _is_regular_file(video):
        raise EmbedError(f"{video}: no such file, or not a regular file (a folder, device or FIFO); expected a video file")
    if isinstance(model, (str, os.PathLike)):
        _check_checkpoint(model)
    inputs = {names.video: video} | ({names.image: image} if image is not None else {})
    outputs = {names.out: out} | ({names.query_out: query_out} if query_out is not None else {})
    _check_outputs(inputs, outputs, force, names.force)


def _check_checkpoint(name_or_path: str | os.PathLike) -> None:
    """Refuses a local path that is no checkpoint directory, or whose config.json names a
    `model_type` arrcoc-embed does not read, before the weights are loaded. A Hub id is checked
    once downloaded."""
    name_or_path = os.path.expanduser(name_or_path)
    path = Path(name_or_path)
    if not (path.is_absolute() or os.fspath(name_or_path).startswith((".", "~")) or path.exists()):
        return
    # A local checkpoint: say what is missing, not that it is no Hub id.
    if not path.is_dir():
        raise EmbedError(f"{name_or_path}: no such directory; expected a Hub id or a checkpoint directory")
    config = path / "config.json"
    if not config.is_file():
        raise EmbedError(f"{name_or_path}: no config.json in it; expected a SigLIP, SigLIP 2 or CLIP checkpoint directory")
    try:
        kind = json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        return  # transformers names what is wrong with it
    if kind not in SUPPORTED:
        raise EmbedError(f"{name_or_path}: model_type {kind!r}; expected one of {', '.join(SUPPORTED)}")


def _check_path(name: str, value: Any, expected: str) -> None:
    """Refuses a path argument that is not a path (TypeError) or is empty (read as the current folder)."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} is {type(value).__name__}; expected {expected} (a str or os.PathLike path)")
    if os.fspath(value) == "":
        raise EmbedError(f"{name} is empty; expected {expected}")


def _check_query(text: Any, image: Any) -> None:
    """Refuses a query that could only fail once the model is loaded: text that is not words, an
    image path that is empty or names no file."""
    if text is not None:
        if not isinstance(text, str):
            raise TypeError(f"text is {type(text).__name__}; expected the query in words (str)")
        if not text.strip():
            raise EmbedError(f"text is empty ({text!r}); expected the query in words")
    if image is not None:
        _check_path("image", image, "an image file")
        if not _is_regular_file(image):
            raise EmbedError(f"{image}: no such file, or not a regular file; expected an image file")


def _check_grid(grid: Any) -> None:
    """Refuses a cell grid that is not `(rows, cols)` of positive integers, or more cells than arrcoc reads."""
    if not (isinstance(grid, (tuple, list)) and len(grid) == 2):
        raise TypeError(f"grid is {type(grid).__name__}; expected (rows, cols)")
    rows, cols = grid
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n > 0 for n in (rows, cols)):
        raise EmbedError(f"grid ({rows}, {cols}): expected (rows, cols), two positive integers")
    if rows * cols > MAX_CELLS_PER_FRAME:
        raise EmbedError(f"grid ({rows}, {cols}): {rows * cols} cells; arrcoc reads at most {MAX_CELLS_PER_FRAME} a frame")


def _is_regular_file(path: str | Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _is_arrcoc_output(path: Path) -> bool:
    """Whether `path` holds what arrcoc-embed writes: an `arrcoc.features/1` file or a `.npy` array."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
        if head[:6] == b"\x93NUMPY":
            return True
        from safetensors import safe_open

        with safe_open(str(path), framework="np") as f:
            return FEATURES_SCHEMA in (f.metadata() or {}).get("arrcoc", "")
    except Exception:
        return False


def _check_outputs(
    inputs: dict[str, str | Path], outputs: dict[str, str | Path], force: bool, force_name: str = "force=True",
) -> None:
    """Refuses an output that is an input or another output, or that exists and is not arrcoc's
    own (or is, without `force`): arrcoc never replaces what it did not write. `inputs` and
    `outputs` map how the caller names each path (`video`, `out`; on the command line `the video`,
    `--out`) to the path, and `force_name` is how it spells `force` (`--force`)."""
    resolved_inputs = {os.path.realpath(p): name for name, p in inputs.items()}
    seen: dict[str, str] = {}
    for name, out in outputs.items():
        real = os.path.realpath(out)
        if real in resolved_inputs:
            raise EmbedError(f"{name} {out}: the same file as {resolved_inputs[real]}, an input; choose another path for {name}")
        if real in seen:
            raise EmbedError(f"{name} {out}: the same file as {seen[real]}; choose two paths")
        seen[real] = name
        folder = os.path.dirname(os.fspath(out)) or "."
        if not os.path.isdir(folder):
            raise EmbedError(f"{name} {out}: its folder {folder} does not exist; create it or choose another path for {name}")
        if os.path.lexists(out):
            if not _is_regular_file(out) or not _is_arrcoc_output(Path(out)):
                raise EmbedError(f"{name} {out}: exists and is not a file arrcoc wrote; arrcoc never replaces it: "
                                 f"choose another path for {name}")
            if not force:
                raise EmbedError(f"{name} {out}: already exists; pass {force_name} to replace it (only files arrcoc wrote are replaced)")


class _atomic:
    """`with _atomic(path) as temporary:` write `temporary`; it is renamed to `path` on success
    and removed on failure, so that `path` never holds a half-written file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")

    def __enter__(self) -> Path:
        return self.temporary

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            # safetensors creates its file 0600; give it the mode any new file gets (0666 less the
            # umask), as the Swift commands' outputs have, so that a group can share it.
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.temporary, 0o666 & ~mask)
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)


def _grid(value: str) -> tuple[int, int]:
    try:
        rows, cols = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--grid {value}: expected ROWSxCOLS, e.g. 9x16") from None
    if rows <= 0 or cols <= 0:
        raise argparse.ArgumentTypeError(f"--grid {value}: expected positive rows and columns")
    if rows * cols > MAX_CELLS_PER_FRAME:
        raise argparse.ArgumentTypeError(f"--grid {value}: {rows * cols} cells; arrcoc reads at most {MAX_CELLS_PER_FRAME} a frame")
    return rows, cols


def _decode_error() -> type[Exception]:
    """PyAV's error for a file it cannot demux or decode (not an OSError in every version)."""
    try:
        import av

        return av.error.FFmpegError
    except (ImportError, AttributeError):
        return _NeverRaised


class _NeverRaised(Exception):
    """Stands in for PyAV's error where PyAV is missing (nothing raises it)."""


def main(argv: list[str] | None = None) -> int:
    """The `arrcoc-embed` command."""
    parser = argparse.ArgumentParser(
        prog="arrcoc-embed",
        description="Write an arrcoc features file from a SigLIP / SigLIP 2 / CLIP encoder, and the query embedding.",
        epilog="Then: arrcoc compress VIDEO --features FEATURES --query-embedding Q.npy --budget N --out DIR",
    )
    parser.add_argument("video", help="the video file")
    parser.add_argument("--model", required=True, help="Hub id or local directory (e.g. google/siglip2-base-patch16-224)")
    parser.add_argument("--out", required=True, help="the features file to write (.safetensors)")
    query = parser.add_mutually_exclusive_group()
    query.add_argument("--text", help="the query in words")
    query.add_argument("--image", help="the query as an image file")
    parser.add_argument("--query-out", help="where to write the query embedding (.npy, [D])")
    parser.add_argument("--candidate-fps", type=float, default=DEFAULT_CANDIDATE_FPS, help="candidate frames per second (default 2)")
    parser.add_argument("--grid", type=_grid, help="cells ROWSxCOLS (default: about the encoder's patch count, aspect kept)")
    parser.add_argument("--frame-level", action="store_true", help="one embedding per frame, [T, 1, 1, D]")
    parser.add_argument("--batch-size", type=int, default=16, help="frames per forward pass (default 16)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, … (default cpu)")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    parser.add_argument("--force", action="store_true", help="replace --out and --query-out if they exist and arrcoc wrote them")
    args = parser.parse_args(argv)
    # An empty path would be read as the current folder (or fail in the middle); an empty device in torch.
    for name, value, expected in (
        ("the video path", args.video, "a video file"),
        ("--model", args.model, "a Hub id or a checkpoint directory"),
        ("--out", args.out, "the features file to write"),
        ("--image", args.image, "an image file"),
        ("--query-out", args.query_out, "the .npy file to write the query embedding to"),
        ("--device", args.device, "cpu, cuda, …"),
    ):
        if value == "":
            parser.error(f"{name} is empty; expected {expected}")
    if not (math.isfinite(args.candidate_fps) and 0 < args.candidate_fps <= MAX_CANDIDATE_FPS):
        parser.error(f"--candidate-fps {args.candidate_fps}: expected a number in (0, {MAX_CANDIDATE_FPS:g}]")
    if args.batch_size <= 0:
        parser.error(f"--batch-size {args.batch_size}: expected a positive number")
    if args.text is not None and not args.text.strip():
        parser.error(f"--text is empty ({args.text!r}); expected the query in words")
    if (args.text is not None or args.image is not None) and not args.query_out:
        parser.error("--text/--image need --query-out Q.npy")
    if args.query_out and args.text is None and args.image is None:
        parser.error("--query-out needs a query to write: --text or --image")
    # The files next (exit 1, as when `embed` finds them), then the device, which imports torch.
    try:
        _check_files(args.video, args.model, args.image, args.out, args.query_out, args.force, _FLAGS)
    except EmbedError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    try:
        _check_device(args.device, "--device")
    except EmbedError as error:
        parser.error(str(error))
    try:
        result = embed(
            args.video, args.model, args.out, text=args.text, image=args.image, query_out=args.query_out,
            candidate_fps=args.candidate_fps, grid=args.grid, frame_level=args.frame_level,
            batch_size=args.batch_size, device=args.device, progress=not args.quiet, force=args.force,
        )
    except EmbedError as error:  # before PyAV's error is looked up, which imports PyAV
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except _decode_error() as error:
        print(f"Error: {args.video}: not a video FFmpeg can read ({getattr(error, 'strerror', None) or error})", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    rows, cols = result.grid
    print(f"{result.features}: {result.frames} frames × {rows}×{cols} cells × {result.dimension} dims"
          + (f"; query → {args.query_out}" if result.query is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
