"""(c) The round trip with tiny random encoders built from transformers' own classes:
`arrcoc-embed` (SigLIP with a text query, CLIP with an image query and frame-level features)
→ `arrcoc compress --features --query-embedding` → `arrcoc.load` → a tiny Qwen3-VL's generate."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import arrcoc
from conftest import REPO, report, run_arrcoc

WORDS = ["<pad>", "<unk>", "</s>", "when", "does", "the", "red", "car", "appear", "a", "bird"]


def _tokenizer():
    """A word-level tokenizer (SigLIP's and CLIP's own need vocabulary files that are not here)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    t = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    t.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=t, pad_token="<pad>", unk_token="<unk>", eos_token="</s>", model_max_length=16)


@pytest.fixture(scope="module")
def tiny_encoders(tmp_path_factory) -> dict[str, Path]:
    """Tiny random SigLIP and CLIP checkpoints saved as a user's local directories would be."""
    from transformers import (CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, SiglipConfig,
                              SiglipImageProcessor, SiglipModel, SiglipProcessor)

    root = tmp_path_factory.mktemp("encoders")
    text = dict(vocab_size=len(WORDS), hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                max_position_embeddings=16)
    vision = dict(image_size=64, patch_size=16, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2)
    torch.manual_seed(0)
    SiglipModel(SiglipConfig(text_config=text, vision_config=vision)).save_pretrained(root / "siglip")
    SiglipProcessor(image_processor=SiglipImageProcessor(size={"height": 64, "width": 64}), tokenizer=_tokenizer()).save_pretrained(root / "siglip")
    clip_text = dict(text, eos_token_id=2, pad_token_id=0, bos_token_id=0)
    CLIPModel(CLIPConfig(text_config=clip_text, vision_config=vision, projection_dim=24)).save_pretrained(root / "clip")
    CLIPProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 64}, crop_size={"height": 64, "width": 64}),
                  tokenizer=_tokenizer()).save_pretrained(root / "clip")
    return {"siglip": root / "siglip", "clip": root / "clip"}


def _arrcoc_embed(*args: str | Path) -> subprocess.CompletedProcess:
    """The `arrcoc-embed` command as installed (`pip install ./Python`), else the module."""
    exe = Path(sys.executable).parent / "arrcoc-embed"
    cmd = [str(exe)] if exe.is_file() and os.environ.get("ARRCOC_EMBED_INSTALLED") else [sys.executable, "-m", "arrcoc.embedding"]
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, f"arrcoc-embed failed:\n{r.stderr}"
    return r


def test_c_siglip_text_query_round_trip(tmp_path, sample, arrcoc_bin, tiny_encoders, qwen_processor, tiny_qwen):
    video = sample("bikes.mp4")
    features, query = tmp_path / "bikes.features.safetensors", tmp_path / "q.npy"
    r = _arrcoc_embed(video, "--model", tiny_encoders["siglip"], "--out", features, "--text", "when does the red car appear",
                      "--query-out", query)
    times, emb, meta = arrcoc.read_features(features)
    assert meta["schema"] == "arrcoc.features/1" and meta["source"]["sha256"] == arrcoc.features.sha256_of(video)
    assert emb.ndim == 4 and emb.shape[0] == len(times) > 10 and np.all(np.diff(times) > 0)
    assert np.allclose(np.linalg.norm(emb, axis=-1), 1, atol=1e-4)
    assert (emb.shape[1], emb.shape[2]) == arrcoc.cell_grid(meta["source"]["width"], meta["source"]["height"], 16)
    q = np.load(query)
    assert q.shape == (emb.shape[-1],) and abs(float(np.linalg.norm(q)) - 1) < 1e-4
    assert "frames ×" in r.stdout

    out = tmp_path / "out"
    run_arrcoc(arrcoc_bin, "compress", video, "--features", features, "--query-embedding", query, "--budget", "900", "--out", out)
    inputs = arrcoc.load(out, qwen_processor, "When does the red car appear?")
    generated = tiny_qwen.generate(**inputs, max_new_tokens=3, do_sample=False)
    assert generated.shape[1] == inputs["input_ids"].shape[1] + 3
    answer = qwen_processor.decode(generated[0, inputs["input_ids"].shape[1]:])
    # Reading times back: the manifest's block times, nearest block of a stated time.
    assert inputs.timestamps == sorted(inputs.timestamps)
    block = inputs.video.block_near(inputs.timestamps[-1] + 0.01)
    assert block.index == len(inputs.video.blocks) - 1
    report("c-siglip", video="bikes.mp4", features=list(emb.shape), blocks=len(inputs.video.blocks),
           sequence=int(inputs["input_ids"].shape[1]), answer_tokens=int(generated.shape[1] - inputs["input_ids"].shape[1]),
           answer=answer)


def test_c_clip_image_query_frame_level_round_trip(tmp_path, sample, arrcoc_bin, tiny_encoders, qwen_processor, tiny_qwen):
    from PIL import Image

    video = sample("cockatoo.mp4")
    image = tmp_path / "query.png"
    Image.fromarray(np.tile(np.array([200, 30, 30], np.uint8), (48, 80, 1))).save(image)
    features, query = tmp_path / "f.safetensors", tmp_path / "q.npy"
    _arrcoc_embed(video, "--model", tiny_encoders["clip"], "--out", features, "--image", image, "--query-out", query,
                  "--frame-level", "--batch-size", "5", "--quiet")
    times, emb, _ = arrcoc.read_features(features)
    assert emb.shape[1:3] == (1, 1) and emb.shape[-1] == 24
    out = tmp_path / "out"
    run_arrcoc(arrcoc_bin, "compress", video, "--features", features, "--query-embedding", query, "--budget", "1500", "--out", out)
    manifest = json.loads((out / "manifest.json").read_text())
    tokens = [b["tokens"] for b in manifest["blocks"]]
    # Frame-level features do not limit the emitted grids (resize mode decodes each block anew).
    assert max(tokens) >= 64, tokens
    inputs = arrcoc.load(out, qwen_processor, "Where is the bird?")
    with torch.inference_mode():
        logits = tiny_qwen(**inputs).logits
    assert torch.isfinite(logits).all()
    report("c-clip-frame-level", video="cockatoo.mp4", features=list(emb.shape), block_tokens=tokens)


def test_embed_refuses_bad_queries_before_decoding(tmp_path, sample, tiny_encoders):
    video = sample("cockatoo.mp4")
    bad = tmp_path / "not-an-image.png"
    bad.write_text("no")
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(video), "--model", str(tiny_encoders["clip"]),
                        "--out", str(tmp_path / "f.safetensors"), "--image", str(bad), "--query-out", str(tmp_path / "q.npy")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "not-an-image.png" in r.stderr
    assert not (tmp_path / "f.safetensors").exists()
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(video), "--model", str(tiny_encoders["clip"]),
                        "--out", str(tmp_path / "f.safetensors"), "--text", "a bird"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--query-out" in r.stderr


def test_c_siglip2_naflex_patch_grid_from_spatial_shapes(tmp_path, sample):
    """SigLIP 2 NaFlex keeps the frame's aspect ratio: its patch grid comes from `spatial_shapes`."""
    from transformers import Siglip2Config, Siglip2ImageProcessor, Siglip2Model, Siglip2Processor

    text = dict(vocab_size=len(WORDS), hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                max_position_embeddings=16)
    vision = dict(num_patches=16, patch_size=16, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2)
    torch.manual_seed(0)
    model = Siglip2Model(Siglip2Config(text_config=text, vision_config=vision)).eval()
    processor = Siglip2Processor(image_processor=Siglip2ImageProcessor(max_num_patches=16, patch_size=16), tokenizer=_tokenizer())
    video = sample("cockatoo.mp4")
    result = arrcoc.embed(video, (model, processor), tmp_path / "f.safetensors", text="a red car",
                          query_out=tmp_path / "q.npy", batch_size=7, progress=False)
    times, emb, _ = arrcoc.read_features(tmp_path / "f.safetensors")
    assert result.grid == arrcoc.cell_grid(1280, 720, 16) == emb.shape[1:3]
    assert emb.shape == (len(times), *result.grid, 32) and np.load(tmp_path / "q.npy").shape == (32,)


def test_embed_never_replaces_an_input_or_a_file_it_did_not_write(tmp_path, sample, tiny_encoders):
    video = tmp_path / "v.mp4"
    shutil.copy(sample("cockatoo.mp4"), video)
    original = video.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))

    def embed(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(video), "--model", str(tiny_encoders["clip"]), "--quiet", *args],
                              capture_output=True, text=True, env=env)

    r = embed("--out", str(video))
    assert r.returncode == 1 and f"--out {video}: the same file as the video, an input; choose another path for --out" in r.stderr, r.stderr
    assert video.read_bytes() == original
    mine = tmp_path / "mine.safetensors"
    mine.write_text("notes")
    for args in (["--out", str(mine)], ["--out", str(mine), "--force"]):
        r = embed(*args)
        assert r.returncode == 1 and "not a file arrcoc wrote" in r.stderr, r.stderr
    assert mine.read_text() == "notes"
    out, query = tmp_path / "f.safetensors", tmp_path / "q"
    r = embed("--out", str(out), "--text", "a bird", "--query-out", str(query), "--frame-level")
    assert r.returncode == 0, r.stderr
    assert query.is_file() and not (tmp_path / "q.npy").exists()  # the very path given
    assert np.load(query).ndim == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # not safetensors' own 0600
    r = embed("--out", str(out), "--frame-level")
    assert r.returncode == 1 and "pass --force" in r.stderr
    assert embed("--out", str(out), "--frame-level", "--force").returncode == 0
    r = embed("--out", str(tmp_path / "g.safetensors"), "--grid", "200x400")
    assert r.returncode == 2 and "80000 cells" in r.stderr, r.stderr
    for fps in ("nan", "inf", "1e9"):
        r = embed("--out", str(tmp_path / "x.safetensors"), "--candidate-fps", fps)
        assert r.returncode == 2 and "--candidate-fps" in r.stderr, r.stderr
    not_video = tmp_path / "notes.txt"
    not_video.write_text("not a video")
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(not_video), "--model", str(tiny_encoders["clip"]), "--quiet",
                        "--out", str(tmp_path / "y.safetensors")], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "notes.txt: not a video FFmpeg can read (Invalid data" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(video), "--model", str(tmp_path / "no-model"), "--quiet",
                        "--out", str(tmp_path / "z.safetensors")], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "no such directory" in r.stderr, r.stderr


def test_embed_expands_a_model_path_starting_with_a_tilde(tmp_path, sample, tiny_encoders, monkeypatch):
    """`~/clip` is the user's folder's `clip`, from Python and from `--model=~/clip` (which no shell
    expands); it was looked for as a folder named `~`."""
    video, home = sample("cockatoo.mp4"), tmp_path / "home"
    (home / "bert").mkdir(parents=True)
    (home / "bert/config.json").write_text('{"model_type": "bert"}')
    (home / "clip").symlink_to(tiny_encoders["clip"])
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(arrcoc.EmbedError, match=f"{home}/bert: model_type 'bert'; expected one of"):
        arrcoc.embed(video, "~/bert", tmp_path / "f.safetensors", progress=False)
    with pytest.raises(arrcoc.EmbedError, match=f"{home}/bert: model_type 'bert'; expected one of"):
        arrcoc.embedding.load_encoder("~/bert")
    result = arrcoc.embed(video, "~/clip", tmp_path / "f.safetensors", frame_level=True, progress=False)
    assert arrcoc.read_features(result.features)[2]["embedder"]["name"] == str(home / "clip")
    r = _arrcoc_embed(video, "--model=~/clip", "--out", tmp_path / "g.safetensors", "--frame-level", "--quiet")
    assert r.returncode == 0 and arrcoc.read_features(tmp_path / "g.safetensors")[2]["embedder"]["name"] == str(home / "clip")


@pytest.mark.parametrize("text", ["", "  \t"])
def test_embed_refuses_an_empty_query_text(tmp_path, sample, tiny_encoders, text):
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    out, query = tmp_path / "f.safetensors", tmp_path / "q.npy"
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(sample("cockatoo.mp4")), "--model", str(tiny_encoders["siglip"]),
                        "--out", str(out), "--text", text, "--query-out", str(query), "--quiet"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--text is empty" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not out.exists() and not query.exists()
    with pytest.raises(arrcoc.EmbedError, match="text is empty"):
        arrcoc.embed_query(None, None, text=text)  # refused before the model is used


def test_embed_refuses_a_query_file_without_a_query(tmp_path, sample, tiny_encoders):
    """`--query-out` with neither `--text` nor `--image` was accepted and silently not written."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    out, query = tmp_path / "f.safetensors", tmp_path / "q.npy"
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(sample("cockatoo.mp4")), "--model", str(tiny_encoders["siglip"]),
                        "--out", str(out), "--query-out", str(query), "--quiet"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--query-out needs a query to write: --text or --image" in r.stderr, r.stderr
    assert not out.exists() and not query.exists()


@pytest.mark.parametrize("flag", ["video", "--model", "--out", "--image", "--query-out", "--device"])
def test_embed_refuses_an_empty_path_or_device(tmp_path, sample, tiny_encoders, flag):
    from PIL import Image

    image = tmp_path / "query.png"
    Image.fromarray(np.zeros((48, 80, 3), np.uint8)).save(image)
    args = {"video": str(sample("cockatoo.mp4")), "--model": str(tiny_encoders["clip"]), "--out": str(tmp_path / "f.safetensors"),
            "--image": str(image), "--query-out": str(tmp_path / "q.npy"), "--device": "cpu"}
    args[flag] = ""
    video = args.pop("video")
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", video, *(x for kv in args.items() for x in kv), "--quiet"],
                       capture_output=True, text=True, env=env)
    expected = {"video": "the video path is empty; expected a video file"}
    assert r.returncode == 2 and expected.get(flag, f"{flag} is empty; expected") in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "f.safetensors").exists()


@pytest.mark.parametrize(
    "argument, value, error, message",
    [
        ("video", "", arrcoc.EmbedError, "video is empty; expected a video file"),
        ("model", "", arrcoc.EmbedError, "model is empty; expected a Hub id"),
        ("model", ("a model without its processor",), TypeError, r"model is tuple; expected .* \(model, processor\) pair"),
        ("out", "", arrcoc.EmbedError, "out is empty; expected the features file to write"),
        ("out", None, TypeError, "out is NoneType; expected the features file to write"),
        ("out", "{tmp}/no-folder/f.safetensors", arrcoc.EmbedError, "no-folder/f.safetensors: its folder .*no-folder does not exist"),
        ("query_out", "", arrcoc.EmbedError, "query_out is empty; expected the .npy file"),
        ("query_out", "{tmp}/no-folder/q.npy", arrcoc.EmbedError, "no-folder/q.npy: its folder .*no-folder does not exist"),
        ("text", 42, TypeError, r"text is int; expected the query in words \(str\)"),
        ("image", "", arrcoc.EmbedError, "image is empty; expected an image file"),
        ("image", "{tmp}/missing.png", arrcoc.EmbedError, "missing.png: no such file, or not a regular file; expected an image file"),
        ("candidate_fps", "2", TypeError, "candidate_fps is str; expected a number"),
        ("batch_size", 0, arrcoc.EmbedError, "batch_size 0: expected a positive number of frames"),
        ("batch_size", 2.5, TypeError, "batch_size is float; expected a positive integer"),
        ("grid", (0, 4), arrcoc.EmbedError, r"grid \(0, 4\): expected \(rows, cols\), two positive integers"),
        ("grid", (200, 400), arrcoc.EmbedError, r"grid \(200, 400\): 80000 cells; arrcoc reads at most 16384 a frame"),
        ("grid", "9x16", TypeError, r"grid is str; expected \(rows, cols\)"),
        # A query file asked for with no query was silently not written.
        ("text", None, arrcoc.EmbedError, "query_out is given but no query to write to it; expected text or image with it"),
    ],
)
def test_embed_checks_its_arguments_before_any_work(tmp_path, sample, monkeypatch, argument, value, error, message):
    """`arrcoc.embed` called from Python: a bad argument is refused before a model is loaded or a
    frame decoded, with the module's error naming it, not found out when the results are written."""

    def no_work(*args, **kwargs):
        raise AssertionError("the model was loaded or the video probed before the arguments were checked")

    monkeypatch.setattr(arrcoc.embedding, "load_encoder", no_work)
    monkeypatch.setattr(arrcoc.embedding, "probe", no_work)
    args = dict(video=sample("cockatoo.mp4"), model="google/siglip2-base-patch16-224", out=tmp_path / "f.safetensors",
                text="a bird", query_out=tmp_path / "q.npy", progress=False)
    if argument == "image":
        args["text"] = None
    args[argument] = value.format(tmp=tmp_path) if isinstance(value, str) else value
    with pytest.raises(error, match=message):
        arrcoc.embed(**args)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "query, error, message",
    [
        (dict(text=42), TypeError, r"text is int; expected the query in words \(str\)"),
        (dict(image=""), arrcoc.EmbedError, "image is empty; expected an image file"),
        (dict(image="/no/such/image.png"), arrcoc.EmbedError, "/no/such/image.png: no such file"),
    ],
)
def test_embed_query_checks_its_query_before_the_model(query, error, message):
    with pytest.raises(error, match=message):
        arrcoc.embed_query(None, None, **query)  # refused before the model is used


@pytest.mark.parametrize(
    "device, message",
    [
        ("foo", "device foo: not a device torch knows; expected cpu, cuda, cuda:1, mps, …"),
        ("cuda:x", "device cuda:x: not a device torch knows"),
        ("cuda:99", r"device cuda:99: not available here \(.+\); expected a device this machine has"),
        # torch's placeholder device: accepted by torch, so the model was loaded and nothing computed.
        ("meta", r"device meta: torch's placeholder device, which holds no data; expected a device that computes: cpu, cuda, cuda:1, mps, …"),
        # A device type whose torch module is missing: a ModuleNotFoundError escaped.
        ("hpu", r"device hpu: not available here \(.+\); expected a device this machine has"),
    ],
)
def test_embed_refuses_a_device_it_cannot_use(tmp_path, sample, tiny_encoders, monkeypatch, device, message):
    """A device torch does not know, or that this machine does not have, is refused up front
    (exit 2 from the command), not met as a torch traceback when the model is moved."""
    out = tmp_path / "f.safetensors"
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(sample("cockatoo.mp4")), "--model", str(tiny_encoders["clip"]),
                        "--out", str(out), "--device", device, "--quiet"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and re.search("--" + message, r.stderr) and "Traceback" not in r.stderr, r.stderr
    assert not out.exists()

    def no_work(*args, **kwargs):
        raise AssertionError("the model was loaded before the device was checked")

    monkeypatch.setattr(arrcoc.embedding, "load_encoder", no_work)
    with pytest.raises(arrcoc.EmbedError, match=message):
        arrcoc.embed(sample("cockatoo.mp4"), str(tiny_encoders["clip"]), out, device=device, progress=False)
    with pytest.raises(TypeError, match="device is int; expected a torch device"):
        arrcoc.embed(sample("cockatoo.mp4"), str(tiny_encoders["clip"]), out, device=0, progress=False)
    assert not out.exists()


@pytest.mark.parametrize(
    "call, message",
    [
        ("arrcoc.embed('{tmp}/missing.mp4', 'google/siglip2-base-patch16-224', '{tmp}/f.safetensors')", "missing.mp4: no such file"),
        ("arrcoc.embed('{video}', '{tmp}/no-model', '{tmp}/f.safetensors')", "no-model: no such directory"),
        ("arrcoc.embed('{video}', 'google/siglip2-base-patch16-224', '{tmp}/no-folder/f.safetensors')", "its folder .*no-folder does not exist"),
        ("main(['{video}', '--model', 'm', '--out', '{tmp}/f.safetensors', '--batch-size', '0'])", "--batch-size 0: expected a positive number"),
        ("main(['{video}', '--model', 'm', '--out', '{tmp}/f.safetensors', '--candidate-fps', '0'])", "--candidate-fps 0.0: expected"),
        ("main(['{video}', '--model', 'm', '--out', '{tmp}/f.safetensors', '--text', ' '])", "--text is empty"),
        ("main(['{video}', '--model', '{tmp}/no-model', '--out', '{tmp}/f.safetensors'])", "no-model: no such directory"),
        # A local checkpoint of another kind: its config.json says so before the weights are loaded.
        ("arrcoc.embed('{video}', '{tmp}/bert', '{tmp}/f.safetensors')", "bert: model_type 'bert'; expected one of siglip, siglip2, clip"),
        ("main(['{video}', '--model', '{tmp}/bert', '--out', '{tmp}/f.safetensors'])", "bert: model_type 'bert'; expected one of"),
    ],
)
def test_embed_reports_a_plain_argument_error_without_importing_torch(tmp_path, sample, call, message):
    """Importing torch takes about a second: a mistake found without it is reported without it."""
    if "bert" in call:
        (tmp_path / "bert").mkdir()
        (tmp_path / "bert/config.json").write_text('{"model_type": "bert"}')
    code = "\n".join([
        "import sys, arrcoc",
        "from arrcoc.embedding import main",
        "try:",
        f"    {call.format(tmp=tmp_path, video=sample('cockatoo.mp4'))}",
        "except (arrcoc.EmbedError, SystemExit) as error:",
        "    print('refused:', error, file=sys.stderr)",
        "print(sorted(m for m in ('torch', 'transformers', 'av') if m in sys.modules))",
    ])
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and re.search(message, r.stderr), r.stderr
    assert r.stdout.strip() == "[]", f"imported {r.stdout.strip()} before refusing: {r.stderr}"
    assert not (tmp_path / "f.safetensors").exists()


def test_embed_runs_a_loaded_model_where_it_is(tmp_path, sample, monkeypatch):
    """A `(model, processor)` pair runs on the model's own device: a `device` that disagrees is
    refused, not ignored (it was checked, then unused) and not acted on (moving the caller's
    model is theirs to do); a model on `meta` holds no weights and is refused."""
    from transformers import SiglipConfig, SiglipModel

    class Started(Exception):
        pass

    def started(*args, **kwargs):
        raise Started

    monkeypatch.setattr(arrcoc.embedding, "probe", started)
    config = SiglipConfig(text_config=dict(vocab_size=len(WORDS), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                           num_attention_heads=2, max_position_embeddings=16),
                          vision_config=dict(image_size=64, patch_size=16, hidden_size=32, intermediate_size=64,
                                             num_hidden_layers=1, num_attention_heads=2))
    video, out = sample("cockatoo.mp4"), tmp_path / "f.safetensors"
    on_cpu = SiglipModel(config).eval()
    for device in (None, "cpu", torch.device("cpu")):
        with pytest.raises(Started):  # the checks passed, the work began
            arrcoc.embed(video, (on_cpu, None), out, device=device, progress=False)
    with torch.device("meta"):
        on_meta = SiglipModel(config).eval()
    with pytest.raises(arrcoc.EmbedError, match=r"device cpu: the model given is on meta; expected its own device \(meta\) or device=None"):
        arrcoc.embed(video, (on_meta, None), out, device="cpu", progress=False)
    with pytest.raises(arrcoc.EmbedError, match="model is on torch's meta device, which holds no data; expected a model with its weights"):
        arrcoc.embed(video, (on_meta, None), out, progress=False)
    assert on_meta.device.type == "meta" and on_cpu.device.type == "cpu"  # never moved
    with pytest.raises(TypeError, match=r"model\[0\] is str; expected a SigLIP, SigLIP 2 or CLIP model"):
        arrcoc.embed(video, ("google/siglip-base-patch16-224", None), out, progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(image="{video}"), "text and image are both given; expected at most one query"),
        (dict(query_out=None), "text is given but query_out is None; expected query_out, the .npy file to write the query embedding to"),
        (dict(text=None, image="{video}", query_out=None), "image is given but query_out is None; expected query_out"),
        (dict(candidate_fps=0), r"candidate_fps 0: expected a number in \(0, 1000\]"),
        (dict(model="{tmp}/no-model"), "no-model: no such directory; expected a Hub id or a checkpoint directory"),
        (dict(out="{tmp}/mine.safetensors"), "mine.safetensors: already exists; pass force=True to replace it"),
        # An output that is an input: named by the arguments, not as "an input of this command".
        (dict(out="{video}"), r"out .*cockatoo\.mp4: the same file as video, an input; choose another path for out"),
        (dict(text=None, image="{tmp}/mine.safetensors", query_out="{tmp}/mine.safetensors"),
         r"query_out .*mine\.safetensors: the same file as image, an input; choose another path for query_out"),
        (dict(query_out="{tmp}/f.safetensors"), r"query_out .*f\.safetensors: the same file as out; choose two paths"),
    ],
)
def test_embed_errors_name_python_arguments_not_command_flags(tmp_path, sample, monkeypatch, change, message):
    """`arrcoc.embed`'s messages speak Python (`query_out`, `force=True`); `arrcoc-embed`'s, flags."""
    monkeypatch.setattr(arrcoc.embedding, "load_encoder", None)  # never reached
    mine = tmp_path / "mine.safetensors"
    source = dict(path="v.mp4", sha256="0" * 64, duration_s=1.0, fps=25.0, width=64, height=64, codec="h264")
    arrcoc.write_features(mine, [0.0], np.ones((1, 1, 1, 3)), source, embedder="m")
    args = dict(video=sample("cockatoo.mp4"), model="google/siglip2-base-patch16-224", out=tmp_path / "f.safetensors",
                text="a bird", query_out=tmp_path / "q.npy", progress=False)
    args.update({k: v.format(tmp=tmp_path, video=sample("cockatoo.mp4")) if isinstance(v, str) else v for k, v in change.items()})
    with pytest.raises(arrcoc.EmbedError, match=message) as refused:
        arrcoc.embed(**args)
    assert not re.search(r"(^|[\s(])--[a-z]", str(refused.value)), str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.safetensors"]


def test_embed_command_errors_name_flags(tmp_path, sample):
    """An empty `--query-out` reached `embed`, whose message named `query_out` (exit 1)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "Python/src"))
    r = subprocess.run([sys.executable, "-m", "arrcoc.embedding", str(sample("cockatoo.mp4")), "--model", "m",
                        "--out", str(tmp_path / "f.safetensors"), "--query-out", "", "--quiet"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--query-out is empty; expected the .npy file to write the query embedding to" in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []
