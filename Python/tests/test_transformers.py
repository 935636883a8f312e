"""arrcoc's output against transformers' own Qwen3-VL code, on real sample videos:
(a) `arrcoc.load` → a tiny random Qwen3VLForConditionalGeneration's forward and generate, and its
    `get_rope_index` against arrcoc's `position_ids`;
(b) Qwen3VLProcessor given the same two frames per block (one 2-frame video per block, frames
    pre-resized, no resizing or sampling in the processor) against arrcoc's ids, timestamp text
    and pixel rows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import arrcoc
from arrcoc.loader import chat_around_video
from conftest import report

# H.264 1280×720 at 20 fps, 640×272 and 1280×720 at 25 fps. Others (e.g. vtest.avi,
# 80 s, slow to analyse in a debug build) with ARRCOC_PARITY_VIDEOS=a.mp4,b.avi.
VIDEOS = os.environ.get("ARRCOC_PARITY_VIDEOS", "cockatoo.mp4,bikes.mp4,bigbuckbunny.mp4").split(",")
QUESTION = "When does the bird open its wings?"
SYSTEM = "You are a helpful assistant."
# Mean |difference| of pixel rows allowed between arrcoc (libswscale bicubic from the source) and
# the processor fed with torchvision's bicubic + antialias resize, in normalised units (range 2).
PIXEL_TOLERANCE = 0.02
STAMP = re.compile(r"<\d+\.\d seconds>")


@pytest.fixture(scope="module", params=VIDEOS)
def output(request, sample, compress) -> Path:
    """An arrcoc compress output of a real sample at 1,500 tokens (blocks of several grids)."""
    return compress(sample(request.param), "--budget", "1500")


def test_a_load_runs_forward_and_generate_and_positions_match_get_rope_index(output, qwen_processor, tiny_qwen):
    inputs = arrcoc.load(output, qwen_processor, QUESTION, system=SYSTEM)
    assert set(inputs) == {"input_ids", "attention_mask", "pixel_values_videos", "video_grid_thw", "mm_token_type_ids"}
    start, end = inputs.video_span
    video = inputs.video
    assert torch.equal(inputs["input_ids"][0, start:end], torch.from_numpy(video.input_ids))
    assert start > 0 and end < inputs["input_ids"].shape[1]  # chat text on both sides

    rope, _ = tiny_qwen.model.get_rope_index(
        inputs["input_ids"], inputs["mm_token_type_ids"], video_grid_thw=inputs["video_grid_thw"],
        attention_mask=inputs["attention_mask"],
    )
    mismatches = int((rope != inputs.position_ids).sum())
    segment_mismatches = int((rope[:, 0, start:end] - start != torch.from_numpy(video.position_ids)).sum())
    report("a", video=video.manifest["source"]["path"].split("/")[-1], blocks=len(video.blocks),
           sequence=int(inputs["input_ids"].shape[1]), position_mismatches=mismatches,
           segment_position_mismatches=segment_mismatches)
    assert mismatches == 0 and segment_mismatches == 0

    with torch.inference_mode():
        logits = tiny_qwen(**inputs).logits
        by_hand = tiny_qwen(**inputs, position_ids=inputs.position_ids).logits
    assert logits.shape == (1, inputs["input_ids"].shape[1], 151936)
    assert torch.isfinite(logits).all()
    assert torch.allclose(logits, by_hand, atol=1e-5)
    generated = tiny_qwen.generate(**inputs, max_new_tokens=4, do_sample=False)
    assert generated.shape == (1, inputs["input_ids"].shape[1] + 4)
    assert torch.equal(generated[0, : inputs["input_ids"].shape[1]], inputs["input_ids"][0])

    # What arrcoc adds is needed: transformers 5.x refuses video without mm_token_type_ids.
    without = {k: v for k, v in inputs.items() if k != "mm_token_type_ids"}
    with pytest.raises(ValueError), torch.inference_mode():
        tiny_qwen(**without)


def _source_frames(path: str, times: set[float]) -> tuple[dict[float, tuple[int, np.ndarray]], float, int]:
    """PyAV decode: for each wanted time (seconds from the stream's start), the frame at it, with
    its index in decode order (as transformers' `read_video_pyav` numbers frames); and the stream's
    average rate, the fps the processor is told."""
    import av

    found: dict[float, tuple[int, np.ndarray]] = {}
    with av.open(path) as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        fps = float(stream.average_rate)
        index = -1
        for index, frame in enumerate(container.decode(stream)):
            t = float((frame.pts - start) * stream.time_base)
            for want in times:
                if abs(t - want) < 1e-6:
                    found[want] = (index, frame.to_ndarray(format="rgb24"))
    missing = times - set(found)
    assert not missing, f"{path}: no frame at {sorted(missing)}"
    return found, fps, index + 1


def _crop(frame: np.ndarray, region: tuple[float, float, float, float] | None) -> np.ndarray:
    """A zoom block's region of a full-resolution frame (arrcoc's `Region.pixels` rounding: corners
    to the nearest pixel, at least 1×1), cut before the block's resize; the frame itself otherwise."""
    if region is None:
        return frame
    height, width = frame.shape[:2]
    x, y, w, h = region
    near = lambda v: int(np.floor(v + 0.5))  # half away from zero, as Swift's rounded(), for v ≥ 0
    x0 = min(width - 1, max(0, near(x * width)))
    y0 = min(height - 1, max(0, near(y * height)))
    x1 = min(width, max(x0 + 1, near((x + w) * width)))
    y1 = min(height, max(y0 + 1, near((y + h) * height)))
    return np.ascontiguousarray(frame[y0:y1, x0:x1])


def _raster_order(rows: np.ndarray, grid_thw: np.ndarray) -> np.ndarray:
    """A deliberately wrong layout: each block's patch rows in plain raster order over the 16-px
    grid instead of Qwen3-VL's 2×2 merge groups."""
    out, at = [], 0
    for _, gh, gw in grid_thw:
        n = gh * gw
        block = rows[at : at + n].reshape(gh // 2, gw // 2, 2, 2, -1).transpose(0, 2, 1, 3, 4)
        out.append(block.reshape(n, -1))
        at += n
    return np.concatenate(out)


def test_b_transformers_processor_makes_the_same_ids_timestamps_and_pixels(output, qwen_processor, tiny_qwen):
    from torchvision.transforms.v2 import functional as TF
    from transformers.video_utils import VideoMetadata

    inputs = arrcoc.load(output, qwen_processor, QUESTION, system=SYSTEM)
    video = inputs.video
    path = video.manifest["source"]["path"]
    frames, fps, total = _source_frames(path, {t for b in video.blocks for t in b.frame_times_s})
    clips, metadata = [], []
    for b in video.blocks:
        h, w = b.grid[0] * 32, b.grid[1] * 32
        pair = torch.from_numpy(np.stack([_crop(frames[t][1], b.region) for t in b.frame_times_s])).permute(0, 3, 1, 2)
        resized = TF.resize(pair, [h, w], interpolation=TF.InterpolationMode.BICUBIC, antialias=True)
        clips.append(resized.permute(0, 2, 3, 1).numpy())
        metadata.append(VideoMetadata(total_num_frames=total, fps=fps, frames_indices=[frames[t][0] for t in b.frame_times_s],
                                      height=h, width=w))
    before, after = chat_around_video(qwen_processor, QUESTION, SYSTEM)
    text = before + qwen_processor.video_token * len(clips) + after
    ref = qwen_processor(text=[text], videos=clips, video_metadata=metadata, do_resize=False, do_sample_frames=False,
                         return_tensors="pt")

    ids_equal = ref["input_ids"].shape == inputs["input_ids"].shape
    id_mismatches = int((ref["input_ids"] != inputs["input_ids"]).sum()) if ids_equal else -1
    theirs = STAMP.findall(qwen_processor.tokenizer.decode(ref["input_ids"][0]))
    ours = [b.timestamp for b in video.blocks]
    stamp_differences = sum(a != b for a, b in zip(theirs, ours)) + abs(len(theirs) - len(ours))
    grid_equal = torch.equal(ref["video_grid_thw"], inputs["video_grid_thw"])
    pixels = inputs["pixel_values_videos"].numpy()
    theirs_px = ref["pixel_values_videos"].float().numpy()
    difference = float(np.abs(pixels - theirs_px).mean())
    wrong = float(np.abs(_raster_order(pixels, video.video_grid_thw) - theirs_px).mean())
    rope, _ = tiny_qwen.model.get_rope_index(ref["input_ids"], ref["mm_token_type_ids"], video_grid_thw=ref["video_grid_thw"],
                                             attention_mask=ref["attention_mask"])
    position_mismatches = int((rope != inputs.position_ids).sum())
    report("b", video=Path(path).name, blocks=len(video.blocks), id_mismatches=id_mismatches,
           timestamp_text_differences=stamp_differences, position_mismatches=position_mismatches,
           pixel_mean_abs_difference=round(difference, 5), pixel_max_abs_difference=round(float(np.abs(pixels - theirs_px).max()), 4),
           wrong_layout_mean_abs_difference=round(wrong, 4), tolerance=PIXEL_TOLERANCE)
    assert ids_equal and id_mismatches == 0
    assert stamp_differences == 0, f"processor {theirs} vs arrcoc {ours}"
    assert grid_equal
    assert position_mismatches == 0
    assert difference < PIXEL_TOLERANCE
    assert wrong > 5 * PIXEL_TOLERANCE, "a wrong patch order must be told apart"
    assert torch.equal(ref["mm_token_type_ids"], inputs["mm_token_type_ids"])


@pytest.mark.parametrize("question, error", [(None, TypeError), (42, TypeError), ("what is <|video_pad|> here?", ValueError)])
def test_load_refuses_a_question_that_is_not_plain_text(output, qwen_processor, question, error):
    with pytest.raises(error, match="question"):
        arrcoc.load(output, qwen_processor, question)


@pytest.mark.parametrize("given", ["tokenizer", "model id"])
def test_load_refuses_what_is_not_a_processor(output, qwen_processor, given):
    # The processor's bare tokenizer (a chat template for text only), or the name of the checkpoint.
    processor = qwen_processor.tokenizer if given == "tokenizer" else "Qwen/Qwen3-VL-2B-Instruct"
    with pytest.raises(TypeError, match=rf"processor is {type(processor).__name__}; expected a Qwen3-VL processor .*AutoProcessor"):
        arrcoc.load(output, processor, QUESTION)


@pytest.mark.parametrize(
    "given, error, message",
    [
        (dict(return_tensors="tf"), ValueError, "return_tensors='tf'; expected 'pt' or 'np'"),
        (dict(system=42), TypeError, r"system is int; expected text \(str\) or None"),
        (dict(out_dir=""), arrcoc.OutputError, "out_dir is empty; expected an `arrcoc compress` output directory"),
    ],
)
def test_load_checks_its_arguments_before_reading_the_output(tmp_path, qwen_processor, monkeypatch, given, error, message):
    """A bad argument is refused before the output (its pixels can be large) is read and tokenised."""

    def no_work(*args, **kwargs):
        raise AssertionError("the output was read before the arguments were checked")

    monkeypatch.setattr(arrcoc.loader, "read_output", no_work)
    with pytest.raises(error, match=message):
        arrcoc.load(**{"out_dir": tmp_path, "processor": qwen_processor, "question": QUESTION, **given})
