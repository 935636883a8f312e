"""(d) The numpy-only parts: grids, candidate frames, resampling, the files, position ids."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import arrcoc
from arrcoc.features import l2_normalize, nearest_frames, resample_grid
from arrcoc.loader import sequence_position_ids
from arrcoc.output import OutputError


def test_import_needs_only_numpy_and_safetensors():
    code = "import sys, arrcoc; print(sorted(m for m in ('torch', 'transformers', 'av', 'PIL') if m in sys.modules))"
    src = str(Path(arrcoc.__file__).parents[1])
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": src})
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize(("size", "target", "grid"), [
    ((1280, 720), 400, (15, 26)),  # TokenGrid.grid: 15 × 27 = 405 is over, so 15 × 26
    ((640, 640), 400, (20, 20)),
    ((768, 576), 196, (12, 16)),
    ((1280, 720), 1, (1, 1)),
    ((100, 10000), 16, (16, 1)),
])
def test_cell_grid_keeps_aspect_within_target(size, target, grid):
    assert arrcoc.cell_grid(*size, target) == grid
    rows, cols = grid
    assert rows * cols <= target


def test_cell_grid_refuses_bad_sizes():
    with pytest.raises(ValueError, match="0, 10, 4"):
        arrcoc.cell_grid(0, 10, 4)


def test_nearest_frames_picks_as_arrcoc_samples():
    # 25 fps frames, 2 fps targets: 0, 0.5, 1.0 … ; ties (0.5 between 0.48 and 0.52) go earlier.
    frames = [(i / 25, i) for i in range(60)]
    picked = [f for _, f in nearest_frames(frames, 2.0, 1 / 25)]
    assert picked == [0, 12, 25, 37, 50]
    # Past the last frame (2.16 s): 2.5 s is more than half a frame away, so nothing.
    assert [f for _, f in nearest_frames(frames[:55], 2.0, 1 / 25)][-1] == 50
    # Frames rarer than targets are yielded once each.
    sparse = [(float(i), i) for i in range(3)]
    assert [f for _, f in nearest_frames(sparse, 4.0, 1.0)] == [0, 1, 2]
    with pytest.raises(ValueError, match="-1"):
        list(nearest_frames(frames, -1, 0.04))


def test_resample_grid_identity_and_interpolation():
    x = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2)
    assert np.allclose(resample_grid(x, 3, 4), x)
    up = resample_grid(np.array([[[0.0], [2.0]]]), 1, 4)  # [1, 2, 1] → [1, 4, 1]
    assert np.allclose(up[0, :, 0], [0.0, 0.5, 1.5, 2.0])
    down = resample_grid(x, 1, 1)
    assert down.shape == (2, 1, 1, 2)
    assert np.allclose(l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]])), [[0.6, 0.8], [0.0, 0.0]])


SOURCE = {"path": "v.mp4", "sha256": "ab" * 32, "duration_s": 2.0, "fps": 25.0, "width": 64, "height": 32, "codec": "h264"}


def test_features_file_round_trip_and_checks(tmp_path):
    path = tmp_path / "f.safetensors"
    emb = np.random.default_rng(0).normal(size=(3, 1, 2, 5)).astype(np.float32)
    arrcoc.write_features(path, [0.0, 0.5, 1.0], emb, SOURCE, embedder="m")
    times, back, meta = arrcoc.read_features(path)
    assert times.dtype == np.float64 and np.array_equal(back, emb)
    assert meta["analysis"] == {"candidate_fps": 2.0, "rows": 1, "cols": 2, "cell_px": 32}
    assert meta["embedder"] == {"name": "m", "version": 1, "dimension": 5}
    with pytest.raises(ValueError, match="strictly increasing"):
        arrcoc.write_features(path, [0.0, 0.0, 1.0], emb, SOURCE, embedder="m")
    with pytest.raises(ValueError, match=r"\(3, 2, 5\)"):
        arrcoc.write_features(path, [0.0, 0.5, 1.0], emb[:, 0], SOURCE, embedder="m")
    with pytest.raises(ValueError, match="codec"):
        arrcoc.write_features(path, [0.0, 0.5, 1.0], emb, {k: v for k, v in SOURCE.items() if k != "codec"}, embedder="m")


def _assert_write_refused(tmp_path: Path, change: dict, error: type[Exception], message: str) -> None:
    """`write_features` with valid arguments but for `change` raises `error` matching `message`
    and writes nothing."""
    args = dict(path=tmp_path / "f.safetensors", times_s=[0.0, 0.5, 1.0], embeddings=np.ones((3, 1, 2, 5), np.float32),
                source=SOURCE, embedder="m")
    args.update(change)
    with pytest.raises(error, match=message):
        arrcoc.write_features(**args)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(embedder=None), TypeError, r"embedder is NoneType; expected the embedder's name \(str\)"),
        # The metadata record as read_features returns it: its parts are separate arguments.
        (dict(embedder={"name": "m", "version": 1, "dimension": 5}), TypeError, "embedder is dict; expected the embedder's name"),
        (dict(embedder=""), ValueError, r"embedder is empty \(''\); expected the embedder's name"),
        (dict(embedder=" "), ValueError, r"embedder is empty \(' '\); expected the embedder's name"),
        (dict(version=0), ValueError, "version 0: expected a positive integer"),
        (dict(version=-2), ValueError, "version -2: expected a positive integer"),
        (dict(version="1"), TypeError, "version is str; expected a positive integer"),
        (dict(version=1.5), TypeError, "version is float; expected a positive integer"),
        (dict(version=True), TypeError, "version is bool; expected a positive integer"),
        (dict(embeddings=np.zeros((3, 1, 2, 0), np.float32)), ValueError, r"embeddings shape \(3, 1, 2, 0\): dimension 0; expected at least 1"),
        (dict(embeddings=np.zeros((3, 1, 1, 16_385), np.float32)), ValueError,
         r"embeddings shape \(3, 1, 1, 16385\): dimension 16385; arrcoc reads at most 16384"),
    ],
)
def test_write_features_checks_the_embedder_before_writing(tmp_path, change, error, message):
    """The embedder's name, version and dimension go into the metadata `arrcoc compress` reads:
    a name that is not one, a version that is not a positive integer, or a dimension of the
    embeddings arrcoc cannot read is refused, and nothing is written."""
    _assert_write_refused(tmp_path, change, error, message)


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(source=[("path", "v.mp4")]), TypeError, r"source is list; expected a dict with path, sha256, duration_s, fps, width, height, codec"),
        (dict(source=dict(SOURCE, path=3)), TypeError, r"source\['path'\] is 3 \(int\); expected the video's path \(a str\)"),
        (dict(source=dict(SOURCE, sha256=None)), TypeError, r"source\['sha256'\] is None \(NoneType\); expected the video's SHA-256"),
        (dict(source=dict(SOURCE, sha256="AB" * 32)), ValueError, r"source\['sha256'\] 'ABAB.*': expected the video's SHA-256 as 64 lowercase hex digits"),
        (dict(source=dict(SOURCE, sha256="ab")), ValueError, r"source\['sha256'\] 'ab': expected the video's SHA-256 as 64 lowercase"),
        (dict(source=dict(SOURCE, duration_s="2")), TypeError, r"source\['duration_s'\] is '2' \(str\); expected a positive number of seconds"),
        (dict(source=dict(SOURCE, duration_s=0.0)), ValueError, r"source\['duration_s'\] 0.0: expected a positive number of seconds"),
        (dict(source=dict(SOURCE, fps=float("nan"))), ValueError, r"source\['fps'\] nan: expected a positive number of frames per second"),
        (dict(source=dict(SOURCE, fps=True)), TypeError, r"source\['fps'\] is True \(bool\); expected a positive number of frames"),
        (dict(source=dict(SOURCE, width=64.0)), TypeError, r"source\['width'\] is 64.0 \(float\); expected a positive whole number of pixels"),
        (dict(source=dict(SOURCE, height=np.int64(-2))), ValueError, r"source\['height'\] -2: expected a positive whole number of pixels"),
        (dict(source=dict(SOURCE, codec=b"h264")), TypeError, r"source\['codec'\] is b'h264' \(bytes\); expected the codec's name \(a str\)"),
        (dict(candidate_fps=0), ValueError, r"candidate_fps 0: expected a number of frames per second in \(0, 1000\]"),
        (dict(candidate_fps=np.float32("inf")), ValueError, r"candidate_fps inf: expected a number of frames per second in \(0, 1000\]"),
        (dict(candidate_fps="2"), TypeError, r"candidate_fps is '2' \(str\); expected a number of frames per second"),
        (dict(candidate_fps=None), TypeError, r"candidate_fps is None \(NoneType\); expected a number of frames per second"),
    ],
)
def test_write_features_checks_the_source_and_candidate_fps_before_writing(tmp_path, change, error, message):
    """The source record and the candidate rate go into the metadata as JSON: a value of another
    type (which the JSON writer could not write, or would write as something arrcoc cannot read)
    or out of range is refused, naming the key and the value, and nothing is written."""
    _assert_write_refused(tmp_path, change, error, message)


def test_write_features_writes_numpy_numbers_as_json_numbers(tmp_path):
    """numpy scalars (what a probe computed with numpy gives) are written as plain numbers."""
    path = tmp_path / "f.safetensors"
    source = dict(SOURCE, path=Path("v.mp4"), duration_s=np.float32(2.5), fps=np.float64(25.0), width=np.int64(64), height=np.uint16(32))
    arrcoc.write_features(path, [0.0], np.ones((1, 1, 1, 3)), source, embedder="m", candidate_fps=np.int32(3))
    meta = arrcoc.read_features(path)[2]
    assert meta["source"] == dict(SOURCE, duration_s=2.5, fps=25.0, width=64, height=32)
    assert [type(meta["source"][k]) for k in ("duration_s", "fps", "width", "height")] == [float, float, int, int]
    assert meta["analysis"]["candidate_fps"] == 3.0 and type(meta["analysis"]["candidate_fps"]) is float


def test_write_features_writes_a_numpy_integer_version_as_a_number(tmp_path):
    path = tmp_path / "f.safetensors"
    arrcoc.write_features(path, [0.0], np.ones((1, 1, 1, 3)), SOURCE, embedder="m", version=np.int64(2))
    assert arrcoc.read_features(path)[2]["embedder"] == {"name": "m", "version": 2, "dimension": 3}


def test_sequence_position_ids_shift_the_segment_and_continue_after():
    segment = np.array([[0, 1, 1, 1, 3], [0, 1, 1, 2, 3], [0, 1, 2, 1, 3]])
    p = sequence_position_ids(segment, before=2, after=2)
    assert p.tolist() == [[0, 1, 2, 3, 3, 3, 5, 6, 7], [0, 1, 2, 3, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 3, 5, 6, 7]]


def test_find_seconds_reads_times_from_answers():
    assert arrcoc.find_seconds("It appears at <12.5 seconds> and again at 30 seconds, gone by 41.0s.") == [12.5, 30.0, 41.0]
    assert arrcoc.find_seconds("no time here") == []


def test_read_output_checks_files_agree(tmp_path, sample, compress):
    out = compress(sample("cockatoo.mp4"), "--budget", "1500")
    video = arrcoc.read_output(out)
    assert video.timestamps == [b.time_s for b in video.blocks]
    assert len(video.input_ids) == video.manifest["totals"]["sequence_length"]
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["blocks"][0]["tokens"] += 1
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(OutputError, match="block 0"):
        arrcoc.read_output(broken)
    with pytest.raises(OutputError, match="manifest.json: not found"):
        arrcoc.read_output(tmp_path)


def test_read_output_and_features_refuse_an_empty_path(tmp_path, sample, compress, monkeypatch):
    """An empty path is refused, naming the argument, not read as the current folder."""
    monkeypatch.chdir(compress(sample("cockatoo.mp4"), "--budget", "1500"))  # an output is right here
    with pytest.raises(OutputError, match="out_dir is empty; expected an `arrcoc compress` output directory"):
        arrcoc.read_output("")
    with pytest.raises(TypeError, match="out_dir is NoneType; expected an `arrcoc compress` output directory"):
        arrcoc.read_output(None)
    source = dict(path="v.mp4", sha256="0" * 64, duration_s=1.0, fps=2.0, width=64, height=64, codec="h264")
    with pytest.raises(ValueError, match="path is empty; expected the features file to write"):
        arrcoc.write_features("", np.arange(2.0), np.zeros((2, 1, 1, 4)), source, embedder="e")
    with pytest.raises(ValueError, match="path is empty; expected a features file"):
        arrcoc.read_features("")


def _damage_manifest(edit):
    def apply(directory):
        path = directory / "manifest.json"
        manifest = json.loads(path.read_text())
        result = edit(manifest)
        path.write_bytes(result if isinstance(result, bytes) else json.dumps(manifest if result is None else result).encode())

    return apply


def _damage_tensors(data: bytes):
    def apply(directory):
        (directory / "tensors.safetensors").write_bytes(data)

    return apply


def _replace_tensor(name: str, change):
    """Rewrites `tensors.safetensors` with `change(array)` in place of the tensor `name` (metadata kept)."""

    def apply(directory):
        from safetensors import safe_open
        from safetensors.numpy import save_file

        path = directory / "tensors.safetensors"
        with safe_open(str(path), framework="np") as f:
            tensors, metadata = {k: f.get_tensor(k) for k in f.keys()}, f.metadata()
        tensors[name] = np.ascontiguousarray(change(tensors[name]))
        save_file(tensors, str(path), metadata=metadata)

    return apply


@pytest.mark.parametrize(
    "damage, message",
    [
        (_damage_manifest(lambda m: b'{"schema":'), r"manifest.json: not valid JSON \(Expecting value at line 1"),
        (_damage_manifest(lambda m: []), "the top level is list; expected a JSON object"),
        (_damage_manifest(lambda m: b'{"schema": "\xff"}'), "byte 12 is not UTF-8"),
        (_damage_manifest(lambda m: m.update(blocks=None)), r"blocks is None; expected a non-empty list"),
        (_damage_manifest(lambda m: m["blocks"][1].pop("grid") and None), r"blocks\[1\]: no 'grid'"),
        (_damage_manifest(lambda m: m["blocks"][0].update(region=5)), r"blocks\[0\]\.region is 5; expected \[x, y, w, h\]"),
        (_damage_manifest(lambda m: m["blocks"][0].update(region=["a", 0, 1, 1])), r"blocks\[0\]\.region\[0\] is 'a'"),
        (_damage_manifest(lambda m: m["blocks"][0].update(region=[0.5, 0, 0.6, 1])), r"expected a part of the frame"),
        (_damage_manifest(lambda m: m["blocks"][0].update(time_s="nan")), r"blocks\[0\]\.time_s is 'nan'; expected a finite number"),
        (_damage_manifest(lambda m: m["blocks"][0].update(time_s=float("nan"))), r"blocks\[0\]\.time_s is nan"),
        (_damage_manifest(lambda m: m["blocks"][0].update(tokens=True)), r"blocks\[0\]\.tokens is True; expected a positive integer"),
        (_damage_manifest(lambda m: m["blocks"][0].update(index=10**400)), r"blocks\[0\]\.index is 1000.*; expected 0"),
        (_damage_manifest(lambda m: m["blocks"][0].update(density=None)), r"blocks\[0\]\.density is None; expected text"),
        (_damage_manifest(lambda m: m["blocks"][0].update(tokens=m["blocks"][0]["tokens"] + 1)),
         r"block 0 grid \(1, \d+, \d+\) does not match the manifest's \(\d+, \d+\), \d+ tokens"),
        (_damage_tensors(b""), r"tensors.safetensors: not a readable safetensors file"),
        (_damage_tensors(b"\x00" * 7 + b"\x40" + b"{}"), r"tensors.safetensors: not a readable safetensors file"),
        (_damage_tensors((2).to_bytes(8, "little") + b"{}"), r"no 'input_ids' tensor"),
        # A tensor of another rank or dtype than arrcoc writes, named with what was found.
        (_replace_tensor("video_grid_thw", lambda a: a[:, 1]), r"tensors.safetensors: video_grid_thw is int64 \[\d+\]; expected int64 \[blocks, 3\]"),
        (_replace_tensor("video_grid_thw", lambda a: a[None]), r"video_grid_thw is int64 \[1, \d+, 3\]; expected int64 \[blocks, 3\]"),
        (_replace_tensor("video_grid_thw", lambda a: a[:, 1:]), r"video_grid_thw is int64 \[\d+, 2\]; expected int64 \[blocks, 3\]"),
        (_replace_tensor("video_grid_thw", lambda a: a.astype(np.float32)), r"video_grid_thw is float32 \[\d+, 3\]; expected int64"),
        (_replace_tensor("input_ids", lambda a: a[None]), r"input_ids is int64 \[1, \d+\]; expected int64 \[L\]"),
        (_replace_tensor("input_ids", lambda a: a.astype(np.int32)), r"input_ids is int32 \[\d+\]; expected int64 \[L\]"),
        (_replace_tensor("position_ids", lambda a: a[0]), r"position_ids is int64 \[\d+\]; expected int64 \[3, L\]"),
        (_replace_tensor("position_ids", lambda a: a.T), r"position_ids is int64 \[\d+, 3\]; expected int64 \[3, L\]"),
        (_replace_tensor("pixel_values_videos", lambda a: a.reshape(-1)), r"pixel_values_videos is float32 \[\d+\]; expected float32 \[N, 1536\]"),
        (_replace_tensor("pixel_values_videos", lambda a: a.astype(np.float64)), r"pixel_values_videos is float64 \[\d+, 1536\]; expected float32"),
        (_replace_tensor("pixel_values_videos", lambda a: a.reshape(-1, 768)), r"pixel_values_videos is float32 \[\d+, 768\]; expected float32 \[N, 1536\]"),
    ],
)
def test_read_output_names_what_is_damaged(tmp_path, sample, compress, damage, message):
    out = compress(sample("cockatoo.mp4"), "--budget", "1500")
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    damage(broken)
    with pytest.raises(OutputError, match=message) as error:
        arrcoc.read_output(broken)
    assert "np." not in str(error.value), "numbers read as plain numbers, not numpy reprs"
