"""`arrcoc.load`: an `arrcoc compress` output as the keyword arguments of
`Qwen3VLForConditionalGeneration.generate` / `forward` (transformers 5.x)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .output import (
    VIDEO_PAD,
    VIDEO_PAD_ID,
    VISION_END,
    VISION_START,
    CompressedVideo,
    OutputError,
    as_output_dir,
    read_output,
)


class ArrcocInputs(dict):
    """The model's keyword arguments (`model.generate(**inputs)`), plus what is needed to read
    the answer back and to run a forward pass by hand.

    Keys: `input_ids`, `attention_mask` (`[1, L]`), `pixel_values_videos` (`[N, 1536]`),
    `video_grid_thw` (`[blocks, 3]`), `mm_token_type_ids` (`[1, L]`: 2 at video pads, 0 elsewhere).

    Attributes:
        video: the output directory read (`manifest`, `blocks`, `timestamps`, `block_near`).
        position_ids: `[3, 1, L]` int64, `get_rope_index`'s ids for the whole sequence (arrcoc's
            ids for the video segment shifted by the text before it); `generate` computes its own.
        video_span: `(start, end)` of the video segment in `input_ids`.
    """

    video: CompressedVideo
    position_ids: Any
    video_span: tuple[int, int]

    @property
    def timestamps(self) -> list[float]:
        """Each block's time in seconds, in sequence order."""
        return self.video.timestamps

    def to(self, device: Any) -> "ArrcocInputs":
        """The same inputs with every tensor moved to `device`."""
        moved = ArrcocInputs({k: v.to(device) if hasattr(v, "to") else v for k, v in self.items()})
        moved.video, moved.video_span = self.video, self.video_span
        moved.position_ids = self.position_ids.to(device) if hasattr(self.position_ids, "to") else self.position_ids
        return moved


def chat_around_video(processor: Any, question: str, system: str | None = None) -> tuple[str, str]:
    """The processor's own chat template for one user turn holding a video then `question`,
    with the generation prompt, split around the video placeholder.

    Returns the text before and after the `<|video_pad|>` that Qwen3VLProcessor expands: with the
    Qwen3-VL template the `<|vision_start|>`/`<|vision_end|>` written around it stay, as they do
    when the processor expands a video itself.
    """
    messages: list[dict[str, Any]] = []
    if system is not None:
        messages.append({"role": "system", "content": [{"type": "text", "text": system}]})
    messages.append({"role": "user", "content": [{"type": "video"}, {"type": "text", "text": question}]})
    chat = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    token = getattr(processor, "video_token", VIDEO_PAD)
    if chat.count(token) != 1:
        raise OutputError(f"the processor's chat template wrote {chat.count(token)} {token} for one video; expected 1")
    before, after = chat.split(token)
    return before, after


def sequence_position_ids(segment: np.ndarray, before: int, after: int) -> np.ndarray:
    """`get_rope_index`'s `[3, L]` ids for `before` text tokens, a video segment whose ids
    (`[3, S]`, from 0) arrcoc wrote, then `after` text tokens."""
    start = np.arange(before, dtype=np.int64)
    nxt = before + (int(segment.max()) + 1 if segment.size else 0)
    end = np.arange(nxt, nxt + after, dtype=np.int64)
    return np.concatenate([np.tile(start, (3, 1)), segment + before, np.tile(end, (3, 1))], axis=1)


def load(
    out_dir: str | Path,
    processor: Any,
    question: str,
    system: str | None = None,
    return_tensors: str = "pt",
) -> ArrcocInputs:
    """Reads an `arrcoc compress` output and builds the inputs of a Qwen3-VL model.

    The chat comes from `processor.apply_chat_template` (the model's own template): one user turn
    with the video, then `question`; the video placeholder is replaced by arrcoc's timestamped
    blocks, as Qwen3VLProcessor replaces it for a video it sampled itself. The whole text is then
    tokenised with the processor's tokenizer and the video segment is checked against arrcoc's
    `input_ids`, id by id.

    Args:
        out_dir: the directory `arrcoc compress` wrote (`--mode resize`).
        processor: a `Qwen3VLProcessor` (e.g. `AutoProcessor.from_pretrained("Qwen/Qwen3-VL-2B-Instruct")`).
        question: the user's question, written after the video.
        system: an optional system message.
        return_tensors: `"pt"` (torch tensors) or `"np"`.

    Returns:
        `ArrcocInputs`: `model.generate(**inputs)` runs as is; `inputs.timestamps` and
        `inputs.video.block_near(t)` map times in the answer back to blocks.

    Raises:
        OutputError: the directory is not a usable output (or `out_dir` is empty), or the tokenizer
            disagrees with it.
        TypeError: `processor` is not a processor (e.g. its tokenizer alone), or `question` or
            `system` is not text.
        ValueError: `question` or `system` holds the video's own tokens, or `return_tensors` is
            neither `"pt"` nor `"np"`.
    """
    # Arguments first: reading the output (its pixels can be large) and tokenising come after.
    out_dir = as_output_dir(out_dir)
    if not (hasattr(processor, "tokenizer") and hasattr(processor, "apply_chat_template")):
        # A tokenizer has a chat template too, but for text: it would fail deep in Jinja on the video.
        raise TypeError(
            f"processor is {type(processor).__name__}; expected a Qwen3-VL processor "
            '(e.g. AutoProcessor.from_pretrained("Qwen/Qwen3-VL-2B-Instruct")), which holds the tokenizer'
        )
    if not isinstance(question, str):
        raise TypeError(f"question is {type(question).__name__}; expected text (str)")
    if system is not None and not isinstance(system, str):
        raise TypeError(f"system is {type(system).__name__}; expected text (str) or None")
    if return_tensors not in ("pt", "np"):
        raise ValueError(f"return_tensors={return_tensors!r}; expected 'pt' or 'np'")
    for name, text in (("question", question), ("system", system)):
        markers = [m for m in (VIDEO_PAD, VISION_START, VISION_END) if text is not None and m in text]
        if markers:
            raise ValueError(f"{name} contains {', '.join(markers)}: the video's own tokens may not appear in text")
    video = read_output(out_dir)
    tokenizer = processor.tokenizer
    before, after = chat_around_video(processor, question, system)
    ids = np.asarray(tokenizer(before + video.text + after, add_special_tokens=False)["input_ids"], dtype=np.int64)
    n_before = len(tokenizer(before, add_special_tokens=False)["input_ids"])
    span = (n_before, n_before + len(video.input_ids))
    segment = ids[span[0] : span[1]]
    check_segment(segment, video)
    if hasattr(processor, "create_mm_token_type_ids"):
        mm = np.asarray(processor.create_mm_token_type_ids([ids.tolist()])[0], dtype=np.int64)
    else:
        mm = np.where(ids == VIDEO_PAD_ID, 2, 0).astype(np.int64)
    positions = sequence_position_ids(video.position_ids, span[0], len(ids) - span[1])
    arrays: dict[str, np.ndarray] = {
        "input_ids": ids[None, :],
        "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
        "pixel_values_videos": video.pixel_values_videos,
        "video_grid_thw": video.video_grid_thw,
        "mm_token_type_ids": mm[None, :],
    }
    inputs = ArrcocInputs(_as_tensors(arrays, return_tensors))
    inputs.video = video
    inputs.video_span = span
    inputs.position_ids = _as_tensors({"p": positions[:, None, :]}, return_tensors)["p"]
    return inputs


def check_segment(segment: np.ndarray, video: CompressedVideo) -> None:
    """Raises `OutputError` at the first id where the tokenised video segment differs from
    arrcoc's `input_ids` (ids of -1 come from arrcoc versions before real timestamp ids)."""
    expected = video.input_ids
    if len(segment) != len(expected):
        raise OutputError(f"{video.path}: the tokenizer gives {len(segment)} tokens for the video segment, arrcoc wrote {len(expected)}")
    bad = np.flatnonzero((segment != expected) & (expected != -1))
    if bad.size:
        i = int(bad[0])
        raise OutputError(f"{video.path}: token {i} of the video segment is {int(segment[i])} in the tokenizer, {int(expected[i])} in input_ids")


def _as_tensors(arrays: dict[str, np.ndarray], return_tensors: str) -> dict[str, Any]:
    if return_tensors == "np":
        return dict(arrays)
    import torch  # "pt", as `load` checked

    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}
