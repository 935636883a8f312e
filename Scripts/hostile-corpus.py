#!/usr/bin/env python3
"""The hostile corpus (issue 7): crafted inputs for every reader and command of arrcoc, each run
through the CLI under time and memory caps (prlimit), each required to end in a clean error
(exit 1, or 64 for a bad flag, with one `Error:` line naming the file or flag) or a correct
result (exit 0 and the expected output), with no signal, no hang, no leftover file, and no
pre-existing file touched.

Usage: Scripts/hostile-corpus.py --arrcoc .build/debug/arrcoc [--work DIR] [--jobs N] [--only SUBSTRING]

Every input is generated here (ffmpeg's lavfi sources and byte-level crafting); nothing binary is
committed. Prints one line per failing case and a summary; exits 1 if any case fails.
"""

import argparse
import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

TIME_LIMIT_S = 60          # wall clock per case (a hang)
CPU_LIMIT_S = 60
MEMORY_LIMIT = 4 << 30     # address space per process
# Under a sanitizer (Scripts/sanitizers.sh sets ARRCOC_SANITIZER) the binary reserves terabytes
# of shadow address space, so memory is capped by the sanitizer's own RSS limit instead, and the
# slower binary gets more time.
SANITIZER = os.environ.get("ARRCOC_SANITIZER", "")
if SANITIZER:
    TIME_LIMIT_S, CPU_LIMIT_S = 300, 300
BUDGET = "2000"


# ---------------------------------------------------------------- byte-level crafting

def safetensors(header, body=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + body


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def npy(descr="<f4", shape=(24,), data=None, fortran="False", raw_header=None, version=1):
    header = raw_header if raw_header is not None else \
        "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
            descr, fortran, ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    pre = 10 if version == 1 else 12
    header += " " * ((64 - (pre + len(header) + 1) % 64) % 64) + "\n"
    hb = header.encode("latin1")
    if data is None:
        count = 1
        for s in shape:
            count *= s
        data = struct.pack("<%df" % count, *[((i * 7919) % 101) / 50.0 - 1 for i in range(count)])
    lead = b"\x93NUMPY" + bytes([version, 0])
    lead += struct.pack("<H", len(hb)) if version == 1 else struct.pack("<I", len(hb))
    return lead + hb + data


def alias_bomb(levels=9, width=9):
    text = "a: &a [" + ", ".join(["lol"] * width) + "]\n"
    prev = "a"
    for i in range(levels - 1):
        name = "n%d" % i
        text += "%s: &%s [%s]\n" % (name, name, ", ".join(["*" + prev] * width))
        prev = name
    return text


def png_header_only(width, height):
    """A PNG whose IHDR claims width × height, with a tiny (wrong) image data chunk."""
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- fixtures

class Fixtures:
    """Valid inputs every case starts from, made once: a clip, a needle, features, a query,
    a truth file and a manifest."""

    def __init__(self, arrcoc, root):
        self.arrcoc = arrcoc
        self.dir = os.path.join(root, "fixtures")
        os.makedirs(self.dir, exist_ok=True)

        def ff(name, *args):
            path = os.path.join(self.dir, name)
            if not os.path.exists(path):
                subprocess.run(["ffmpeg", "-v", "error", "-y", *args, path], check=True)
            return path
        src = ["-f", "lavfi", "-i"]
        self.clip = ff("clip.mp4", *src, "testsrc2=size=192x128:rate=10", "-t", "6", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10")
        self.black = ff("black.mp4", *src, "color=black:size=128x96:rate=10", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p")
        self.needle = ff("needle.png", *src, "testsrc2=size=64x64", "-frames:v", "1")
        self.tall = ff("tall.mp4", *src, "testsrc2=size=32x1024:rate=5", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p")
        self.tiny = ff("tiny.mp4", *src, "testsrc2=size=16x16:rate=5", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p")
        self.one_frame = ff("one-frame.mp4", *src, "testsrc2=size=128x96:rate=10", "-frames:v", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p")
        self.audio = ff("audio.m4a", *src, "sine=frequency=440:duration=1", "-c:a", "aac")
        self.gif = ff("anim.gif", *src, "testsrc2=size=64x48:rate=5", "-t", "1")
        # Long enough (90 s of 640x360) that a signal sent after a second lands mid-run.
        self.long = ff("long.mp4", *src, "testsrc2=size=640x360:rate=25", "-t", "90", "-c:v", "libx264", "-preset", "ultrafast",
                       "-pix_fmt", "yuv420p")
        self.features = os.path.join(self.dir, "clip.features.safetensors")
        if not os.path.exists(self.features):
            subprocess.run([arrcoc, "analyze", self.clip, "--out", self.features], check=True, capture_output=True)
        self.header, self.body = read_safetensors(self.features)
        self.meta = json.loads(self.header["__metadata__"]["arrcoc"])
        self.dim = self.meta["embedder"]["dimension"]
        self.query = os.path.join(self.dir, "q.npy")
        open(self.query, "wb").write(npy(shape=(self.dim,)))
        self.truth = os.path.join(self.dir, "truth.yaml")
        open(self.truth, "w").write("video: " + self.clip + "\nquery: " + self.needle + "\nevents:\n  - {start_s: 1.0, end_s: 2.5, box: [0.1, 0.1, 0.3, 0.3]}\n")
        out = os.path.join(self.dir, "compressed")
        if not os.path.exists(out):
            subprocess.run([arrcoc, "compress", self.clip, "--query-embedding", self.query, "--budget", BUDGET,
                            "--features", self.features, "--out", out], check=True, capture_output=True)
        self.manifest_path = os.path.join(out, "manifest.json")
        self.manifest = json.load(open(self.manifest_path))

    def features_with(self, meta=None, tensors=None, header=None):
        """The fixture features with metadata keys replaced (`meta`: dotted key → value),
        tensors replaced (`tensors`: name → (dtype, shape, bytes)), or header entries replaced."""
        m = json.loads(json.dumps(self.meta))
        for key, value in (meta or {}).items():
            node = m
            parts = key.split(".")
            for p in parts[:-1]:
                node = node[p]
            node[parts[-1]] = value
        entries = {k: v for k, v in self.header.items() if k != "__metadata__"}
        blobs = {k: self.body[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in entries.items()}
        dtypes = {k: (v["dtype"], v["shape"]) for k, v in entries.items()}
        for name, value in (tensors or {}).items():
            if value is None:
                blobs.pop(name, None)
                dtypes.pop(name, None)
            else:
                dtypes[name] = (value[0], value[1])
                blobs[name] = value[2]
        h, body, offset = {}, b"", 0
        for name in sorted(blobs):
            h[name] = {"dtype": dtypes[name][0], "shape": dtypes[name][1], "data_offsets": [offset, offset + len(blobs[name])]}
            body += blobs[name]
            offset += len(blobs[name])
        h["__metadata__"] = {"arrcoc": json.dumps(m)}
        h.update(header or {})
        return safetensors(h, body)

    def tensor(self, name):
        e = self.header[name]
        return e["dtype"], e["shape"], self.body[e["data_offsets"][0]:e["data_offsets"][1]]

    def manifest_with(self, change):
        m = json.loads(json.dumps(self.manifest))
        change(m)
        return json.dumps(m).encode()


# ---------------------------------------------------------------- cases

class Case:
    """`files`: name → bytes, or "fifo", "dir", "loop", ("symlink", target) or ("copy", path of
    a file or folder to copy); `argv` relative to the case folder; `expect`: "error", "ok" or
    "either"; `names`: what the error line must mention; `outputs`: paths a success may create;
    `replaces`: existing paths a success may replace (arrcoc's own outputs under `--force`);
    `signal`: (signal number, seconds) sent to the running command — it must then end with
    status 128 + signal (or have finished first) and leave nothing behind but `outputs`."""

    def __init__(self, name, argv, files=None, expect="error", names=None, outputs=("out",), env=None, replaces=(), signal=None):
        self.name, self.argv, self.files, self.expect = name, argv, files or {}, expect
        self.names = names
        self.outputs = outputs
        self.env = env or {}
        self.replaces = replaces
        self.signal = signal


def cases(fx):
    C = []
    clip, feats, query = fx.clip, fx.features, fx.query

    def compress_with_features(name, data, expect="error", names="f.safetensors"):
        C.append(Case("features/" + name, ["compress", clip, "--query-embedding", query, "--budget", BUDGET,
                                            "--features", "f.safetensors", "--out", "out"],
                      {"f.safetensors": data}, expect, names))

    # --- safetensors structure (the features reader) ---
    big = 1 << 32
    structural = {
        "empty": b"", "seven-bytes": b"\x01" * 7,
        "header-longer-than-file": struct.pack("<Q", 1000) + b"{}",
        "header-length-2^63": struct.pack("<Q", 1 << 63) + b"{}" + b" " * 6,
        "header-length-max": b"\xff" * 8 + b"{}",
        "header-not-json": safetensors(None, raw_header=b"not json at all"),
        "header-json-array": safetensors([1, 2, 3]),
        "header-json-string": safetensors("x"),
        "header-invalid-utf8": safetensors(None, raw_header=b'{"\xff\xfe":1}'),
        "header-nul-bytes": safetensors(None, raw_header=b'{"a\x00b":{}}'),
        "header-deep-array": safetensors(None, raw_header=b"[" * 100000 + b"]" * 100000),
        "header-deep-object": safetensors(None, raw_header=b'{"a":' * 50000 + b"1" + b"}" * 50000),
        "dtype-unknown": safetensors({"x": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4),
        "dtype-missing": safetensors({"x": {"shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8),
        "dtype-number": safetensors({"x": {"dtype": 7, "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8),
        "shape-not-list": safetensors({"x": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}}, b"\0" * 8),
        "shape-negative": safetensors({"x": {"dtype": "F32", "shape": [-2, -1], "data_offsets": [0, 8]}}, b"\0" * 8),
        "shape-floats": safetensors({"x": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}, b"\0" * 8),
        "shape-product-overflow": safetensors({"x": {"dtype": "F32", "shape": [big, big], "data_offsets": [0, 16]}}, b"\0" * 16),
        "shape-2^62": safetensors({"x": {"dtype": "F64", "shape": [1 << 62], "data_offsets": [0, 16]}}, b"\0" * 16),
        "shape-1e30": safetensors(None, raw_header=b'{"x":{"dtype":"F32","shape":[1e30],"data_offsets":[0,8]}}'),
        "shape-huge-int": safetensors(None, raw_header=b'{"x":{"dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,8]}}'),
        "shape-zero-times-huge": safetensors({"x": {"dtype": "F32", "shape": [0, big, big, big], "data_offsets": [0, 0]}}),
        "offsets-reversed": safetensors({"x": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}, b"\0" * 8),
        "offsets-beyond": safetensors({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 800]}}, b"\0" * 8),
        "offsets-negative": safetensors({"x": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}}, b"\0" * 8),
        "offsets-huge": safetensors({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 1 << 63]}}, b"\0" * 8),
        "offsets-three": safetensors({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}}, b"\0" * 8),
        "offsets-size-mismatch": safetensors({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8),
        "metadata-not-object": safetensors({"__metadata__": [1]}),
        "metadata-number-value": safetensors({"__metadata__": {"arrcoc": 5}}),
        "metadata-missing-arrcoc": safetensors({"__metadata__": {"x": "y"}}),
        "metadata-arrcoc-not-json": safetensors({"__metadata__": {"arrcoc": "{{{"}}),
        "metadata-arrcoc-empty-object": safetensors({"__metadata__": {"arrcoc": "{}"}}),
        "many-tensors": safetensors({"t%d" % i: {"dtype": "U8", "shape": [0], "data_offsets": [0, 0]} for i in range(20000)}),
        "random-bytes": bytes((i * 131 + 7) % 256 for i in range(4096)),
    }
    for name, data in structural.items():
        compress_with_features(name, data)

    # --- features metadata and tensors ---
    sha = hashlib.sha256(open(clip, "rb").read()).hexdigest()
    meta_cases = {
        "width-0": {"source.width": 0}, "width-negative": {"source.width": -64}, "width-2^62": {"source.width": 1 << 62},
        "width-float": {"source.width": 1e30}, "height-0": {"source.height": 0}, "height-huge": {"source.height": 1 << 40},
        "fps-0": {"source.fps": 0}, "fps-negative": {"source.fps": -25}, "fps-1e308": {"source.fps": 1e308},
        "duration-0": {"source.duration_s": 0}, "duration-negative": {"source.duration_s": -3}, "duration-1e308": {"source.duration_s": 1e308},
        "duration-1e300": {"source.duration_s": 1e300}, "candidate-fps-0": {"analysis.candidate_fps": 0},
        "candidate-fps-1e300": {"analysis.candidate_fps": 1e300}, "rows-0": {"analysis.rows": 0}, "cols-negative": {"analysis.cols": -4},
        "grid-overflow": {"analysis.rows": 1 << 31, "analysis.cols": 1 << 31}, "dimension-0": {"embedder.dimension": 0},
        "dimension-huge": {"embedder.dimension": 1 << 40}, "cell-px-0": {"analysis.cell_px": 0},
        "schema-wrong": {"schema": "arrcoc.features/9"}, "width-string": {"source.width": "wide"},
    }
    for name, change in meta_cases.items():
        compress_with_features("meta-" + name, fx.features_with(meta=dict(change, **{"source.sha256": sha})))
    t_dtype, t_shape, t_bytes = fx.tensor("times_s")
    T = t_shape[0]
    floats = lambda xs: struct.pack("<%df" % len(xs), *xs)
    doubles = lambda xs: struct.pack("<%dd" % len(xs), *xs)
    times = list(struct.unpack("<%d%s" % (T, "d" if t_dtype == "F64" else "f"), t_bytes))
    tensor_cases = {
        "times-decreasing": {"times_s": ("F64", [T], doubles(list(reversed(times))))},
        "times-nan": {"times_s": ("F64", [T], doubles([float("nan")] + times[1:]))},
        "times-inf": {"times_s": ("F64", [T], doubles(times[:-1] + [float("inf")]))},
        "times-1e300": {"times_s": ("F64", [T], doubles(times[:-1] + [1e300]))},
        "times-beyond-duration": {"times_s": ("F64", [T], doubles(times[:-1] + [1e6]))},
        "times-empty": {"times_s": ("F64", [0], b"")},
        "times-int64": {"times_s": ("I64", [T], struct.pack("<%dq" % T, *range(T)))},
        "times-2d": {"times_s": ("F64", [T, 1], doubles(times))},
        "times-missing": {"times_s": None},
        "embeddings-missing": {"embeddings": None},
        "embeddings-wrong-shape": {"embeddings": ("F32", [1, 1, 1, 4], floats([1, 0, 0, 0]))},
        "cue-wrong-shape": {"cue_edges": ("F32", [1], floats([0.5]))},
        "embedder-projection-nan": {"embedder_projection": ("F32", fx.tensor("embedder_projection")[1],
                                                            floats([float("nan")] * (len(fx.tensor("embedder_projection")[2]) // 4)))},
        "embedder-mean-wrong-length": {"embedder_mean": ("F32", [3], floats([0, 0, 0]))},
    }
    for name, change in tensor_cases.items():
        compress_with_features("tensor-" + name, fx.features_with(meta={"source.sha256": sha}, tensors=change))
    e_dtype, e_shape, e_bytes = fx.tensor("embeddings")
    n = len(e_bytes) // 4
    compress_with_features("embeddings-nan", fx.features_with(meta={"source.sha256": sha}, tensors={
        "embeddings": ("F32", e_shape, floats([float("nan")] + [0.5] * (n - 1)))}))
    compress_with_features("embeddings-3e38-ok", fx.features_with(meta={"source.sha256": sha}, tensors={
        "embeddings": ("F32", e_shape, floats([3e38 if i % 3 else -3e38 for i in range(n)]))}), expect="ok")
    compress_with_features("embeddings-zero", fx.features_with(meta={"source.sha256": sha}, tensors={
        "embeddings": ("F32", e_shape, floats([0.0] * n))}), expect="either")
    compress_with_features("times-slightly-past-duration-ok", fx.features_with(meta={"source.sha256": sha}, tensors={
        "times_s": ("F64", [T], doubles(times[:-1] + [fx.meta["source"]["duration_s"] + 0.5]))}), expect="ok")
    compress_with_features("sha-mismatch", fx.features_with(meta={"source.sha256": "0" * 64}), names="f.safetensors")
    compress_with_features("valid-ok", open(feats, "rb").read(), expect="ok")

    # --- npy query ---
    def compress_with_query(name, data, expect="error", names="q.npy"):
        C.append(Case("npy/" + name, ["compress", clip, "--query-embedding", "q.npy", "--budget", BUDGET,
                                       "--features", feats, "--out", "out"], {"q.npy": data}, expect, names))
    d = fx.dim
    npy_cases = {
        "empty": b"", "magic-only": b"\x93NUMPY", "bad-magic": b"\x93NUMPX\x01\x00" + b"\0" * 60,
        "version-9": npy(version=1)[:6] + b"\x09" + npy()[7:], "header-beyond": b"\x93NUMPY\x01\x00\xff\xff{}",
        "int32": npy(descr="<i4", data=b"\0" * 4 * d), "big-endian": npy(descr=">f4"), "complex": npy(descr="<c8", data=b"\0" * 8 * d),
        "fortran": npy(fortran="True"), "shape-overflow": npy(shape=(1 << 32, 1 << 32), data=b"\0" * 16),
        "shape-negative": npy(raw_header="{'descr': '<f4', 'fortran_order': False, 'shape': (-1, -24), }", data=b"\0" * 96),
        "shape-garbage": npy(raw_header="{'descr': '<f4', 'fortran_order': False, 'shape': (abc, 2**64), }", data=b"\0" * 8),
        "shape-missing": npy(raw_header="{'descr': '<f4', 'fortran_order': False, }", data=b"\0" * 8),
        "shape-unclosed": npy(raw_header="{'descr': '<f4', 'fortran_order': False, 'shape': (24, ", data=b"\0" * 96),
        "shape-scalar": npy(shape=(), data=b"\0" * 4), "shape-zero": npy(shape=(0,), data=b""),
        "shape-3d": npy(shape=(2, 3, d)), "truncated-data": npy(shape=(d,))[:-5], "extra-data": npy(shape=(d,)) + b"\0" * 8,
        "nan": npy(shape=(d,), data=floats([float("nan")] * d)), "inf": npy(shape=(d,), data=floats([float("inf")] + [0] * (d - 1))),
        "all-zero": npy(shape=(d,), data=floats([0.0] * d)), "dimension-mismatch": npy(shape=(d - 1,)),
        "many-vectors-beyond-limit": npy(shape=(70000, d), data=b"\0" * 4 * 70000 * d),
        "text": b"1 2 3 4\n",
    }
    for name, data in npy_cases.items():
        compress_with_query(name, data)
    for name, data in {"huge-values-ok": npy(shape=(d,), data=floats([3e38 * (1 if i % 2 else -1) for i in range(d)])),
                       "tiny-values-ok": npy(shape=(d,), data=floats([1e-38 * (i + 1) for i in range(d)])),
                       "subnormal-ok": npy(shape=(d,), data=floats([1e-44] * d)),
                       "float64-ok": npy(descr="<f8", shape=(d,), data=doubles([0.1 * i for i in range(d)])),
                       "two-vectors-ok": npy(shape=(2, d)), "version-2-ok": npy(version=2), "valid-ok": npy(shape=(d,))}.items():
        compress_with_query(name, data, expect="ok")

    # --- compression config YAML ---
    def compress_with_config(name, text, expect="error", names="c.yaml"):
        data = text if isinstance(text, bytes) else text.encode()
        C.append(Case("config/" + name, ["compress", clip, "--query-embedding", query, "--budget", BUDGET,
                                          "--features", feats, "--config", "c.yaml", "--out", "out"], {"c.yaml": data}, expect, names))
    config_cases = {
        "alias-bomb": alias_bomb(), "alias-bomb-wide": alias_bomb(levels=6, width=40), "undefined-alias": "budget: *nothing\n",
        "key-is-a-list": "{[1]: 2}\n", "key-is-a-mapping": "allocation: {? {k: v} : 1}\n",
        "deep-flow": "a: " + "[" * 20000 + "]" * 20000 + "\n", "deep-block": "".join(" " * i + "k%d:\n" % i for i in range(3000)),
        "too-big": "# " + "x" * (5 << 20) + "\n", "not-utf8": b"budget: \xff\xfe\n", "binary": bytes(range(256)) * 4,
        "tabs": "allocation:\n\tmin_tokens: 64\n", "top-level-list": "- 1\n- 2\n", "top-level-scalar": "42\n",
        "unknown-key": "bogus: 1\n", "budget-negative": "budget: -1\n", "budget-1e30": "budget: 1e30\n", "budget-nan": "budget: .nan\n",
        "budget-string": "budget: lots\n", "budget-huge-int": "budget: 99999999999999999999999\n",
        "candidate-fps-inf": "analysis: {candidate_fps: .inf}\n", "candidate-fps-0": "analysis: {candidate_fps: 0}\n",
        "embedding-dim-huge": "analysis: {embedding_dim: 1000000000}\n", "image-cells-0": "query: {image_cells: 0}\n",
        "strategy-unknown": "strategy: psychic\n", "strategy-params-seed-negative": "strategy: random\nstrategy_params: {seed: -1}\n",
        "strategy-params-nan": "strategy: bolt\nstrategy_params: {alpha: .nan}\n", "strategy-params-1e300": "strategy: aks\nstrategy_params: {depth: 1e300}\n",
        "strategy-params-unknown": "strategy: topk\nstrategy_params: {k: 3}\n", "min-tokens-0": "allocation: {min_tokens: 0}\n",
        "max-tokens-huge": "allocation: {max_tokens: 1000000000}\n", "sparse-interval-nan": "allocation: {sparse_interval_s: .nan}\n",
        "sparse-interval-tiny": "allocation: {sparse_interval_s: 1e-300}\n", "dense-window-inf": "allocation: {dense_window_s: .inf}\n",
        "frame-top-fraction-inf": "scoring: {frame_top_fraction: .inf}\n", "format-bogus": "emission: {format: mp3}\n",
        "section-scalar": "allocation: 5\n", "merge-key-bomb": "a: &a {min_tokens: 64}\nallocation:\n  <<: *a\n  <<: *a\n",
        "python-tag": "budget: !!python/object:os.system [ls]\n", "binary-tag": "budget: !!binary AAAA\n",
        "duplicate-keys": "budget: 100\nbudget: 200\n", "long-string": "strategy: " + "x" * 100000 + "\n",
    }
    for name, text in config_cases.items():
        compress_with_config(name, text)
    for name, text in {"empty-ok": "", "comment-only-ok": "# nothing\n", "valid-ok": "strategy: uniform\nallocation: {min_tokens: 64}\n",
                       "anchor-ok": "allocation: &a {min_tokens: 64}\n"}.items():
        compress_with_config(name, text, expect="ok")

    # --- sweep YAML ---
    def sweep(name, text, expect="error", names="s.yaml", files=None):
        f = {"s.yaml": text.encode() if isinstance(text, str) else text}
        f.update(files or {})
        C.append(Case("sweep/" + name, ["sweep", "s.yaml", "--out", "out", "--jobs", "1"], f, expect, names))
    base = {"dataset": "{videos: [{video: %s, truth: %s}]}" % (clip, fx.truth), "budgets": "[1000]", "strategies": "[uniform]"}

    def sweep_text(**changes):
        fields = dict(base, **changes)
        return "".join("%s: %s\n" % (k, v) for k, v in fields.items() if v is not None)
    sweep_cases = {
        "seed-negative": sweep_text(seed="-1"), "seed-1e30": sweep_text(seed="1e30"), "seed-nan": sweep_text(seed=".nan"),
        "seed-string": sweep_text(seed="abc"), "budgets-inf": sweep_text(budgets="[.inf]"), "budgets-nan": sweep_text(budgets="[.nan]"),
        "budgets-1e30": sweep_text(budgets="[1e30]"), "budgets-negative": sweep_text(budgets="[-5]"), "budgets-empty": sweep_text(budgets="[]"),
        "budgets-from-0": sweep_text(budgets="{from: 0, to: 100}"), "budgets-to-inf": sweep_text(budgets="{from: 1, to: .inf}"),
        "budgets-steps-1e30": sweep_text(budgets="{from: 100, to: 200, steps: 1e30}"), "budgets-steps-0": sweep_text(budgets="{from: 100, to: 200, steps: 0}"),
        "budgets-beyond-limit": sweep_text(budgets="[100000000]"),
        "clips-1e30": sweep_text(dataset="{haystacks: [{background: %s, clips: 1e30}]}" % clip),
        "clips-negative": sweep_text(dataset="{haystacks: [{background: %s, clips: -1}]}" % clip),
        "events-nan": sweep_text(dataset="{haystacks: [{background: %s, events: .nan}]}" % clip),
        "events-million": sweep_text(dataset="{haystacks: [{background: %s, events: 1000000}]}" % clip),
        "event-duration-inf": sweep_text(dataset="{haystacks: [{background: %s, event_duration_s: [1, .inf]}]}" % clip),
        "scale-too-big": sweep_text(dataset="{haystacks: [{background: %s, scale: [0.1, 5]}]}" % clip),
        "scale-nan": sweep_text(dataset="{haystacks: [{background: %s, scale: [.nan, 0.2]}]}" % clip),
        "background-missing": sweep_text(dataset="{haystacks: [{background: nowhere.mp4}]}"),
        "strategies-empty": sweep_text(strategies="[]"), "strategy-unknown": sweep_text(strategies="[psychic]"),
        "params-grid-explosion": sweep_text(strategies="[{name: aks, params: {depth: [%s], threshold: [%s], tokens_per_frame: [%s]}}]" % (
            ",".join(str(i % 16) for i in range(40)), ",".join(str(i / 100) for i in range(40)), ",".join(str(100 + i) for i in range(40)))),
        "params-nan": sweep_text(strategies="[{name: bolt, params: {alpha: [.nan]}}]"),
        "formats-bogus": sweep_text(formats="[mp3]"), "modes-bogus": sweep_text(modes="[squash]"), "deltas-negative": sweep_text(deltas="[-1]"),
        "deltas-inf": sweep_text(deltas="[.inf]"), "min-box-inf": sweep_text(min_box_tokens=".inf"), "dataset-missing": sweep_text(dataset=None),
        "dataset-empty": sweep_text(dataset="{}"), "video-missing": sweep_text(dataset="{videos: [{video: nowhere.mp4, truth: %s}]}" % fx.truth),
        "truth-missing": sweep_text(dataset="{videos: [{video: %s, truth: nowhere.yaml}]}" % clip),
        "compression-bad": sweep_text(compression="{budget: .nan}"), "compression-scalar": sweep_text(compression="7"),
        "alias-bomb": alias_bomb(), "deep-flow": "a: " + "[" * 20000 + "]" * 20000 + "\n", "top-level-list": "- a\n",
        "not-utf8": b"name: \xff\n", "too-big": "# " + "x" * (5 << 20) + "\n", "unknown-key": sweep_text(colour="blue"),
        "key-is-a-list": "{[1]: 2}\n", "key-is-a-mapping": sweep_text(seed="{? {k: v} : 1}"), "complex-key": "? [a, b]\n: c\n",
    }
    for name, text in sweep_cases.items():
        sweep(name, text, names="nowhere" if name in ("background-missing", "video-missing", "truth-missing") else "s.yaml")
    sweep("truth-bad", sweep_text(dataset="{videos: [{video: %s, truth: t.yaml}]}" % clip), names="t.yaml",
          files={"t.yaml": b"video: v\nquery: q\nevents: [{start_s: 0, end_s: 1e15}]\n"})
    sweep("valid-ok", sweep_text(budgets="[600]", strategies="[uniform, topk]", deltas="[1]"), expect="ok")

    # --- truth YAML (eval) ---
    def eval_truth(name, text, expect="error", names="t.yaml"):
        C.append(Case("truth/" + name, ["eval", "--truth", "t.yaml", "--manifest", fx.manifest_path],
                      {"t.yaml": text.encode() if isinstance(text, str) else text}, expect, names, outputs=()))
    head = "video: clip.mp4\nquery: needle.png\n"
    truth_cases = {
        "end-1e15": head + "events: [{start_s: 0, end_s: 1e15}]\n", "start-after-end": head + "events: [{start_s: 5, end_s: 1}]\n",
        "negative": head + "events: [{start_s: -5, end_s: 1}]\n", "nan": head + "events: [{start_s: .nan, end_s: 1}]\n",
        "inf": head + "events: [{start_s: 0, end_s: .inf}]\n", "beyond-video": head + "events: [{start_s: 100, end_s: 200}]\n",
        "too-many-events": head + "events:\n" + "".join("  - {start_s: 1, end_s: 2}\n" for _ in range(10001)),
        "total-length": head + "events:\n" + "".join("  - {start_s: 0, end_s: 600000}\n" for _ in range(3)),
        "box-outside": head + "events: [{start_s: 1, end_s: 2, box: [0.5, 0.5, 0.9, 0.9]}]\n",
        "box-nan": head + "events: [{start_s: 1, end_s: 2, box: [.nan, 0, 0.1, 0.1]}]\n",
        "box-three": head + "events: [{start_s: 1, end_s: 2, box: [0, 0, 0.1]}]\n", "events-scalar": head + "events: 5\n",
        "events-missing": head, "video-missing": "query: q.png\nevents: []\n", "alias-bomb": alias_bomb(),
        "deep-flow": "a: " + "[" * 20000 + "]" * 20000 + "\n", "not-utf8": b"video: \xff\n", "empty": "",
        "too-big": "# " + "x" * (5 << 20) + "\n", "start-string": head + "events: [{start_s: soon, end_s: 2}]\n",
        "key-is-a-list": head + "events: [{[1]: 2}]\n", "complex-key": "? [a, b]\n: c\n",
    }
    for name, text in truth_cases.items():
        eval_truth(name, text)
    eval_truth("no-events-ok", head + "events: []\n", expect="ok")
    eval_truth("valid-ok", open(fx.truth).read(), expect="ok")

    # --- manifests (eval) ---
    def eval_manifest(name, data, expect="error", names="m.json"):
        C.append(Case("manifest/" + name, ["eval", "--truth", fx.truth, "--manifest", "m.json"], {"m.json": data}, expect, names, outputs=()))

    def block_set(key, value):
        def change(m):
            m["blocks"][0][key] = value
        return change

    def at(path, value):
        def change(m):
            node = m
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = value
        return change
    manifest_cases = {
        "grid-w-0": block_set("grid", {"t": 1, "h": 4, "w": 0}), "grid-h-negative": block_set("grid", {"t": 1, "h": -4, "w": 4}),
        "grid-t-0": block_set("grid", {"t": 0, "h": 4, "w": 4}), "grid-overflow": block_set("grid", {"t": 1, "h": 1 << 32, "w": 1 << 32}),
        "tokens-near-max": block_set("tokens", (1 << 63) - 10), "tokens-negative": block_set("tokens", -100),
        "time-negative": block_set("time_s", -5.0), "time-1e300": block_set("time_s", 1e300),
        "kept-cells-outside": block_set("kept_cells", [0, 1 << 40]), "kept-cells-negative": block_set("kept_cells", [-1]),
        "frame-times-many": block_set("frame_times_s", [0.0] * 10), "budget-negative": at(["budget", "tokens"], -1),
        "budget-huge": at(["budget", "tokens"], 1 << 62), "sequence-length-negative": at(["totals", "sequence_length"], -50),
        "default-tokens-huge": at(["totals", "qwen3vl_default_tokens"], (1 << 63) - 1), "ratio-negative": at(["totals", "compression_ratio"], -2.0),
        "schema-wrong": at(["schema"], "arrcoc.manifest/9"), "duration-1e300": at(["source", "duration_s"], 1e300),
        "blocks-out-of-order": lambda m: m["blocks"].reverse() if len(m["blocks"]) > 1 else block_set("time_s", -1.0)(m),
        "blocks-not-list": at(["blocks"], 5), "totals-missing": lambda m: m.pop("totals"),
    }
    for name, change in manifest_cases.items():
        eval_manifest(name, fx.manifest_with(change))
    for name, data in {"not-json": b"{{{", "empty": b"", "deep-array": b"[" * 100000 + b"]" * 100000,
                       "deep-object": b'{"a":' * 50000 + b"1" + b"}" * 50000, "null": b"null", "number-1e400": b"1e400",
                       "truncated": json.dumps(fx.manifest).encode()[:200]}.items():
        eval_manifest(name, data)
    C.append(Case("manifest/too-many-blocks", ["eval", "--truth", fx.truth, "--manifest", "m.json"],
                  {"m.json": fx.manifest_with(lambda m: m.__setitem__("blocks", [m["blocks"][0]] * 1001))}, "error",
                  "ARRCOC_MAX_BLOCKS", outputs=(), env={"ARRCOC_MAX_BLOCKS": "1000"}))
    eval_manifest("valid-ok", open(fx.manifest_path, "rb").read(), expect="ok")
    eval_manifest("many-blocks-ok", fx.manifest_with(lambda m: m.__setitem__("blocks", [m["blocks"][0]] * 20_000)), expect="ok")

    # --- preview of an output directory (manifest + tensors) ---
    tensors = open(os.path.join(os.path.dirname(fx.manifest_path), "tensors.safetensors"), "rb").read()

    def preview(name, manifest, tensor_bytes=tensors, expect="error", names="d/"):
        files = {"d": "dir", "d/manifest.json": manifest}
        if tensor_bytes is not None:
            files["d/tensors.safetensors"] = tensor_bytes
        C.append(Case("preview/" + name, ["preview", "d"], files, expect, names, outputs=("d/preview.png", "d/timeline.svg")))
    valid = open(fx.manifest_path, "rb").read()
    preview("valid-ok", valid, expect="ok", names=None)
    preview("grid-w-0", fx.manifest_with(block_set("grid", {"t": 1, "h": 4, "w": 0})), names="manifest.json")
    preview("grid-larger-than-pixels", fx.manifest_with(block_set("grid", {"t": 1, "h": 100, "w": 100})), expect="either")
    preview("more-blocks-than-pixels", fx.manifest_with(lambda m: m.__setitem__("blocks", m["blocks"] * 3)), expect="either")
    preview("no-blocks", fx.manifest_with(lambda m: m.__setitem__("blocks", [])), expect="either")
    preview("kept-cells", fx.manifest_with(block_set("kept_cells", [0, 1, 2])), expect="either")
    preview("tensors-missing", valid, tensor_bytes=None, names="tensors.safetensors")
    preview("tensors-garbage", valid, tensor_bytes=b"garbage" * 10, names="tensors.safetensors")
    preview("pixels-wrong-shape", valid, tensor_bytes=safetensors({"pixel_values_videos": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}},
                                                                  b"\0" * 12), expect="either")
    preview("pixels-nan", valid, tensor_bytes=safetensors({"pixel_values_videos": {"dtype": "F32", "shape": [2, 1536],
                                                                                   "data_offsets": [0, 2 * 1536 * 4]}},
                                                          struct.pack("<f", float("nan")) * (2 * 1536)), expect="either")
    preview("manifest-not-json", b"{{{", names="manifest.json")
    preview("manifest-fifo", "fifo", names="manifest.json")

    # --- flags ---
    def flag(name, argv, names, expect="error", outputs=("out",)):
        C.append(Case("flags/" + name, argv, {}, expect, names, outputs))
    cq = ["compress", clip, "--query-embedding", query, "--features", feats, "--out", "out"]
    flag("budget-0", cq + ["--budget", "0"], "--budget")
    flag("budget-negative", cq + ["--budget", "-5"], "budget")
    flag("budget-float", cq + ["--budget", "1e30"], "budget")
    flag("budget-beyond-limit", cq + ["--budget", "99999999999"], "--budget")
    flag("budget-missing", cq, "budget")
    flag("format-bogus", cq + ["--budget", BUDGET, "--format", "mp3"], "--format")
    flag("mode-bogus", cq + ["--budget", BUDGET, "--mode", "squash"], "--mode")
    flag("strategy-bogus", cq + ["--budget", BUDGET, "--strategy", "psychic"], "--strategy")
    flag("two-queries", cq + ["--budget", BUDGET, "--query-image", fx.needle], "query")
    flag("budget-too-small", cq + ["--budget", "5"], "budget")
    hs = ["haystack", clip, "--out", "hay.mp4", "--truth", "hay.yaml"]
    flag("haystack-events-million", hs + ["--events", "1000000"], "--events", outputs=())
    flag("haystack-events-0", hs + ["--events", "0"], "--events", outputs=())
    flag("haystack-events-negative", hs + ["--events=-1"], "--events", outputs=())
    flag("haystack-scale-inf", hs + ["--scale", "inf,0.2"], "--scale", outputs=())
    flag("haystack-scale-nan", hs + ["--scale", "nan,0.2"], "--scale", outputs=())
    flag("haystack-scale-reversed", hs + ["--scale", "0.5,0.1"], "--scale", outputs=())
    flag("haystack-scale-too-big", hs + ["--scale", "0.5,3"], "--scale", outputs=())
    flag("haystack-duration-inf", hs + ["--event-duration", "1,inf"], "--event-duration", outputs=())
    flag("haystack-event-inf", hs + ["--event", "0,inf,0,0,0.1"], "--event", outputs=())
    flag("haystack-event-nan", hs + ["--event", "nan,1,0,0,0.1"], "--event", outputs=())
    flag("haystack-event-box-outside", hs + ["--event", "0,1,0.9,0,0.5"], "--event", outputs=())
    flag("haystack-event-short", hs + ["--event", "0,1"], "--event", outputs=())
    ev = ["eval", "--truth", fx.truth, "--manifest", fx.manifest_path]
    flag("eval-delta-nan", ev + ["--delta", "nan"], "--delta", outputs=())
    flag("eval-delta-inf", ev + ["--delta", "inf"], "--delta", outputs=())
    flag("eval-delta-negative", ev + ["--delta=-1"], "--delta", outputs=())
    flag("eval-min-box-inf", ev + ["--min-box-tokens", "inf"], "--min-box-tokens", outputs=())
    fr = ["frames", clip, "--out", "out"]
    flag("frames-fps-0", fr + ["--fps", "0"], "--fps")
    flag("frames-fps-huge", fr + ["--fps", "1e9"], "--fps")
    flag("frames-fps-nan", fr + ["--fps", "nan"], "--fps")
    flag("frames-size-0", fr + ["--size", "0x0"], "--size")
    flag("frames-size-huge", fr + ["--size", "99999x99999"], "--size")
    flag("frames-size-garbage", fr + ["--size", "axb"], "--size")
    sw = ["sweep", fx.truth, "--out", "out"]
    flag("sweep-jobs-0", sw + ["--jobs", "0"], "--jobs")
    flag("sweep-jobs-huge", sw + ["--jobs", "100000000"], "--jobs")
    flag("sweep-shard-reversed", sw + ["--shard", "5/2"], "--shard")
    flag("sweep-shard-garbage", sw + ["--shard", "x/y"], "--shard")
    an = ["analyze", clip, "--out", "f.safetensors"]
    flag("analyze-fps-0", an + ["--candidate-fps", "0"], "--candidate-fps", outputs=())
    flag("analyze-fps-inf", an + ["--candidate-fps", "inf"], "--candidate-fps", outputs=())
    flag("analyze-fps-huge", an + ["--candidate-fps", "1e9"], "--candidate-fps", outputs=())
    flag("demo-fraction-2", ["demo", "--budget-fraction", "2", "--out", "out"], "--budget-fraction")
    flag("demo-fraction-nan", ["demo", "--budget-fraction", "nan", "--out", "out"], "--budget-fraction")
    flag("unknown-subcommand", ["explode"], "explode", outputs=())
    flag("unknown-flag", ["probe", clip, "--colour", "blue"], "--colour", outputs=())

    # --- videos and images ---
    def video_cases(name, files, path, names, expect="error"):
        C.append(Case("video/%s/probe" % name, ["probe", path], files, expect, names, outputs=()))
        C.append(Case("video/%s/frames" % name, ["frames", path, "--out", "out", "--fps", "1"], files, expect, names))
        C.append(Case("video/%s/analyze" % name, ["analyze", path, "--out", "f.safetensors"], files, expect, names, outputs=("f.safetensors",)))
    raw = open(clip, "rb").read()
    flipped = bytearray(raw)
    for i in range(len(flipped) // 3, len(flipped), 97):
        flipped[i] ^= 0x5A
    video_files = {
        "empty": b"", "one-byte": b"\0", "random-1k": bytes((i * 131 + 7) % 256 for i in range(1024)),
        "random-1m": bytes((i * 2654435761 >> 13) % 256 for i in range(1 << 20)), "text": b"this is not a video\n" * 100,
        "truncated-10pct": raw[: len(raw) // 10], "truncated-header": raw[:64],
        "png-huge-ihdr": png_header_only(60000, 60000), "png-large-ihdr": png_header_only(16000, 16000),
        "png-zero-ihdr": png_header_only(0, 0), "ftyp-only": b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2",
        "mkv-magic": b"\x1a\x45\xdf\xa3" + b"\x00" * 200, "avi-magic": b"RIFF\xff\xff\xff\x7fAVI LIST" + b"\0" * 300,
    }
    for name, data in video_files.items():
        video_cases(name, {"v.mp4": data}, "v.mp4", "v.mp4")
    video_cases("png-within-pixel-limit", {"v.mp4": png_header_only(9000, 9000)}, "v.mp4", "v.mp4", expect="either")
    video_cases("corrupted-middle", {"v.mp4": bytes(flipped)}, "v.mp4", "v.mp4", expect="either")
    video_cases("truncated-half", {"v.mp4": raw[: len(raw) // 2]}, "v.mp4", "v.mp4", expect="either")
    video_cases("directory", {"v.mp4": "dir"}, "v.mp4", "v.mp4")
    video_cases("fifo", {"v.mp4": "fifo"}, "v.mp4", "v.mp4")
    video_cases("dev-zero", {}, "/dev/zero", "/dev/zero")
    video_cases("missing", {}, "nowhere.mp4", "nowhere.mp4")
    video_cases("symlink-loop", {"v.mp4": "loop"}, "v.mp4", "v.mp4")
    video_cases("audio-only", {}, fx.audio, "audio.m4a")
    video_cases("blank", {}, fx.black, "black.mp4", expect="either")
    video_cases("tiny-16px", {}, fx.tiny, "tiny.mp4", expect="either")
    video_cases("tall-32x1024", {}, fx.tall, "tall.mp4", expect="either")
    video_cases("one-frame", {}, fx.one_frame, "one-frame.mp4", expect="either")
    video_cases("gif", {}, fx.gif, "anim.gif", expect="either")
    samples = os.path.expanduser("~/.cache/arrcoc/samples")
    for sample in ["Megamind_bugy.avi"]:
        path = os.path.join(samples, sample)
        if os.path.exists(path):
            C.append(Case("video/%s/probe" % sample, ["probe", path], {}, "either", sample, outputs=()))
    C.append(Case("video/blank/compress", ["compress", fx.black, "--query-embedding", query, "--budget", BUDGET, "--out", "out"],
                  {}, "error", "black.mp4"))

    # --- side files that are not files, and mismatched pairs ---
    cfe = ["compress", clip, "--query-embedding", query, "--budget", BUDGET, "--out", "out"]
    C.append(Case("special/compress-dev-zero-with-features", ["compress", "/dev/zero", "--query-embedding", query, "--budget", BUDGET,
                                                               "--features", feats, "--out", "out"], {}, "error", "/dev/zero"))
    C.append(Case("special/compress-fifo-with-features", ["compress", "v.mp4", "--query-embedding", query, "--budget", BUDGET,
                                                           "--features", feats, "--out", "out"], {"v.mp4": "fifo"}, "error", "v.mp4"))
    for what, flagname in [("features", "--features"), ("config", "--config")]:
        C.append(Case("special/%s-dev-zero" % what, cfe + [flagname, "/dev/zero"], {}, "error", "/dev/zero"))
        C.append(Case("special/%s-fifo" % what, cfe + [flagname, "x"], {"x": "fifo"}, "error", "x"))
        C.append(Case("special/%s-directory" % what, cfe + [flagname, "x"], {"x": "dir"}, "error", "x"))
    C.append(Case("special/query-embedding-dev-zero", ["compress", clip, "--query-embedding", "/dev/zero", "--budget", BUDGET,
                                                       "--features", feats, "--out", "out"], {}, "error", "/dev/zero"))
    C.append(Case("special/query-embedding-fifo", ["compress", clip, "--query-embedding", "x", "--budget", BUDGET,
                                                   "--features", feats, "--out", "out"], {"x": "fifo"}, "error", "x"))
    qi = ["compress", clip, "--budget", BUDGET, "--features", feats, "--out", "out", "--query-image"]
    C.append(Case("special/query-image-dev-zero", qi + ["/dev/zero"], {}, "error", "/dev/zero"))
    C.append(Case("special/query-image-garbage", qi + ["q.png"], {"q.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 50}, "error", "q.png"))
    C.append(Case("special/query-image-huge-ihdr", qi + ["q.png"], {"q.png": png_header_only(60000, 60000)}, "error", "q.png"))
    C.append(Case("special/query-image-ok", qi + [fx.needle], {}, "ok", None))
    C.append(Case("special/eval-truth-dev-zero", ["eval", "--truth", "/dev/zero", "--manifest", fx.manifest_path], {}, "error", "/dev/zero", outputs=()))
    C.append(Case("special/eval-manifest-fifo", ["eval", "--truth", fx.truth, "--manifest", "x"], {"x": "fifo"}, "error", "x", outputs=()))
    C.append(Case("special/sweep-dev-zero", ["sweep", "/dev/zero", "--out", "out"], {}, "error", "/dev/zero"))
    C.append(Case("special/sweep-fifo", ["sweep", "x", "--out", "out"], {"x": "fifo"}, "error", "x"))
    C.append(Case("special/haystack-ok", ["haystack", clip, "--out", "hay.mp4", "--truth", "hay.yaml", "--events", "2", "--seed", "3"],
                  {}, "ok", None, outputs=("hay.mp4", "hay.yaml", "needle-builtin-v1.png")))
    C.append(Case("special/haystack-background-dev-zero", ["haystack", "/dev/zero", "--out", "hay.mp4", "--truth", "hay.yaml"],
                  {}, "error", "/dev/zero", outputs=()))
    C.append(Case("special/haystack-needle-garbage", ["haystack", clip, "--needle", "n.png", "--out", "hay.mp4", "--truth", "hay.yaml"],
                  {"n.png": b"garbage"}, "error", "n.png", outputs=()))

    # --- output paths: an output is never an input; --force replaces only arrcoc's own outputs ---
    def output(name, argv, files, names, expect="error", outputs=("out",), replaces=()):
        C.append(Case("output/" + name, argv, files, expect, names, outputs, replaces=replaces))
    mine = {"in.mp4": ("copy", clip)}
    user_dir = {"userdir/notes.txt": b"my notes\n", "userdir/photo.jpg": b"\xff\xd8 not really"}
    cmp_ = lambda out, *more: ["compress", "in.mp4", "--query-embedding", query, "--budget", BUDGET, "--features", feats,
                               "--out", out, *more]
    # compress --features checks the video's digest, so a copy of the clip keeps the fixture features valid.
    output("compress-out-is-input", cmp_("in.mp4"), mine, "in.mp4")
    output("compress-out-is-input-force", cmp_("in.mp4", "--force"), mine, "in.mp4")
    output("compress-out-is-input-via-symlink", cmp_("link", "--force"), dict(mine, link=("symlink", "in.mp4")), "link")
    output("compress-out-dot-force", cmp_(".", "--force"), mine, ".")
    output("compress-out-parent-of-input-force", ["compress", "sub/in.mp4", "--query-embedding", query, "--budget", BUDGET,
                                                  "--features", feats, "--out", "sub", "--force"], {"sub/in.mp4": ("copy", clip)}, "sub")
    output("compress-out-is-features-force", ["compress", "in.mp4", "--query-embedding", query, "--budget", BUDGET, "--features",
                                              "f.safetensors", "--out", "f.safetensors", "--force"],
           dict(mine, **{"f.safetensors": ("copy", feats)}), "f.safetensors")
    output("compress-out-is-query-force", ["compress", "in.mp4", "--query-embedding", "q.npy", "--budget", BUDGET, "--features", feats,
                                           "--out", "q.npy", "--force"], dict(mine, **{"q.npy": ("copy", query)}), "q.npy")
    output("compress-out-user-dir", cmp_("userdir"), dict(mine, **user_dir), "userdir")
    output("compress-out-user-dir-force", cmp_("userdir", "--force"), dict(mine, **user_dir), "userdir")
    output("compress-out-user-file-force", cmp_("notes.txt", "--force"), dict(mine, **{"notes.txt": b"keep me\n"}), "notes.txt")
    output("compress-out-empty-dir-force", cmp_("empty", "--force"), dict(mine, empty="dir"), "empty")
    output("compress-over-own-output-force", cmp_("out", "--force"), dict(mine, out=("copy", os.path.join(fx.dir, "compressed"))),
           None, expect="ok", replaces=("out",))
    output("compress-over-own-output-no-force", cmp_("out"), dict(mine, out=("copy", os.path.join(fx.dir, "compressed"))), "out")
    output("compress-failure-leaves-no-parents", cmp_("a/b/c/out")[:-2] + ["--budget", "5", "--out", "a/b/c/out"], mine, "budget")
    output("compress-out-under-a-file", cmp_("notes.txt/out"), dict(mine, **{"notes.txt": b"keep me\n"}), "notes.txt")
    an = lambda out, *more: ["analyze", "in.mp4", "--out", out, *more]
    output("analyze-out-is-input", an("in.mp4"), mine, "in.mp4", outputs=())
    output("analyze-out-is-input-force", an("in.mp4", "--force"), mine, "in.mp4", outputs=())
    output("analyze-out-user-file-force", an("notes.safetensors", "--force"), dict(mine, **{"notes.safetensors": b"not features"}),
           "notes.safetensors", outputs=())
    output("analyze-out-user-dir-force", an("userdir", "--force"), dict(mine, **user_dir), "userdir", outputs=())
    output("analyze-over-own-features-force", an("f.safetensors", "--force"), dict(mine, **{"f.safetensors": ("copy", feats)}),
           None, expect="ok", outputs=(), replaces=("f.safetensors",))
    hs = lambda out, truth, *more: ["haystack", "in.mp4", "--out", out, "--truth", truth, "--events", "1", "--seed", "1", *more]
    output("haystack-out-is-background", hs("in.mp4", "t.yaml", "--force"), mine, "in.mp4", outputs=())
    output("haystack-truth-is-background", hs("h.mp4", "in.mp4", "--force"), mine, "in.mp4", outputs=())
    output("haystack-truth-is-clip", hs("h.mp4", "h.mp4"), mine, "h.mp4", outputs=())
    output("haystack-needle-is-out", hs("n.png", "t.yaml", "--needle", "n.png", "--force"),
           dict(mine, **{"n.png": ("copy", fx.needle)}), "n.png", outputs=())
    output("haystack-over-user-video-force", hs("user.mp4", "t.yaml", "--force"), dict(mine, **{"user.mp4": ("copy", clip)}),
           "user.mp4", outputs=())
    output("haystack-over-user-yaml-force", hs("h.mp4", "user.yaml", "--force"), dict(mine, **{"user.yaml": b"name: mine\n"}),
           "user.yaml", outputs=())
    output("frames-out-user-dir-force", ["frames", "in.mp4", "--fps", "1", "--out", "userdir", "--force"], dict(mine, **user_dir), "userdir")
    output("frames-out-is-input", ["frames", "in.mp4", "--fps", "1", "--out", "in.mp4", "--force"], mine, "in.mp4")
    output("sweep-out-user-dir", ["sweep", "s.yaml", "--out", "userdir"],
           dict(user_dir, **{"s.yaml": sweep_text().encode()}), "userdir")
    output("sweep-merge-into-user-dir", ["sweep", "merge", "part", "--out", "userdir"],
           dict(user_dir, **{"part/sweep.yaml": sweep_text().encode()}), "userdir")
    output("sweep-merge-into-its-shard", ["sweep", "merge", "part", "--out", "part"], {"part/sweep.yaml": sweep_text().encode()}, "part")
    output("demo-out-user-dir", ["demo", "--out", "userdir"], user_dir, "userdir")
    output("preview-user-dir", ["preview", "userdir"], user_dir, "userdir", outputs=())

    # --- signals: SIGINT / SIGTERM mid-run leave nothing behind (a sweep or batch keeps its journal) ---
    def interrupted(name, argv, files=None, outputs=("out",), after=1.0):
        for signum, label in ((2, "sigint"), (15, "sigterm")):
            C.append(Case("signal/%s-%s" % (name, label), argv, files or {}, "either", None, outputs, signal=(signum, after)))
    interrupted("compress", ["compress", fx.long, "--query-embedding", query, "--budget", BUDGET, "--out", "out"])
    interrupted("compress-force-over-own-output", ["compress", fx.long, "--query-embedding", query, "--budget", BUDGET, "--out", "out",
                                                   "--force"], {"out": ("copy", os.path.join(fx.dir, "compressed"))})
    interrupted("analyze", ["analyze", fx.long, "--out", "f.safetensors"], outputs=("f.safetensors",))
    interrupted("frames", ["frames", fx.long, "--fps", "5", "--out", "out"])
    interrupted("haystack", ["haystack", fx.long, "--out", "h.mp4", "--truth", "h.yaml", "--events", "2"], outputs=("h.mp4", "h.yaml",
                "needle-builtin-v1.png"))
    # Early: the signal lands while outputs are being staged (a race the thread sanitizer's
    # slowness once exposed: staging created after the cleanup looked).
    interrupted("compress-early", ["compress", fx.long, "--query-embedding", query, "--budget", BUDGET, "--out", "out"], after=0.15)
    interrupted("haystack-early", ["haystack", fx.long, "--out", "h.mp4", "--truth", "h.yaml", "--events", "2"],
                outputs=("h.mp4", "h.yaml", "needle-builtin-v1.png"), after=0.25)
    interrupted("compress-missing-parents", ["compress", fx.long, "--query-embedding", query, "--budget", BUDGET, "--out", "a/b/out"],
                outputs=("a",))
    return C


# ---------------------------------------------------------------- running

def snapshot(root):
    """path → (kind, size, mtime_ns, sha256) of everything under root."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            digest = ""
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(open(p, "rb").read()).hexdigest()
            state[os.path.relpath(p, root)] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, digest)
    return state


def run_case(arrcoc, work, index, case, fixtures_before):
    folder = os.path.join(work, "cases", "%03d" % index)
    os.makedirs(folder)
    for name, data in case.files.items():
        p = os.path.join(folder, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if data == "fifo":
            os.mkfifo(p)
        elif data == "dir":
            os.mkdir(p)
        elif data == "loop":
            os.symlink(name, p)
        elif isinstance(data, tuple) and data[0] == "symlink":
            os.symlink(data[1], p)
        elif isinstance(data, tuple) and data[0] == "copy":
            (shutil.copytree if os.path.isdir(data[1]) else shutil.copy2)(data[1], p)
        else:
            open(p, "wb").write(data)
    os.makedirs(os.path.join(folder, "tmp"))
    before = snapshot(folder)
    env = dict(os.environ, TMPDIR=os.path.join(folder, "tmp"), **case.env)
    memory = [] if SANITIZER else ["--as=%d" % MEMORY_LIMIT]
    if SANITIZER:
        for name in ("ASAN_OPTIONS", "TSAN_OPTIONS"):
            env[name] = ":".join(filter(None, [env.get(name, ""), "hard_rss_limit_mb=%d" % (MEMORY_LIMIT >> 20)]))
    cmd = ["prlimit", *memory, "--cpu=%d" % CPU_LIMIT_S, "--core=0", arrcoc] + case.argv
    started = time.monotonic()
    problems = []
    try:
        if case.signal:
            # prlimit execs arrcoc in place, so the signal reaches arrcoc itself.
            proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            try:
                proc.wait(timeout=case.signal[1])
            except subprocess.TimeoutExpired:
                proc.send_signal(case.signal[0])
            out, err = proc.communicate(timeout=TIME_LIMIT_S)
            status, stderr = proc.returncode, err.decode("utf8", "replace")
        else:
            p = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, timeout=TIME_LIMIT_S, stdin=subprocess.DEVNULL)
            status, stderr = p.returncode, p.stderr.decode("utf8", "replace")
    except subprocess.TimeoutExpired as e:
        if case.signal:
            proc.kill()
            proc.communicate()
        status, stderr = None, (getattr(e, "stderr", None) or b"").decode("utf8", "replace")
        problems.append("hang")
    elapsed = time.monotonic() - started
    result = "hang"
    if status is not None:
        if case.signal and status in (128 + case.signal[0], -case.signal[0]):
            # 128 + signal: arrcoc's handler cleaned up; killed by the signal itself: it came
            # before the handler was installed (nothing staged yet — the leftover check holds).
            result = "interrupted"
        elif status < 0 or status >= 128:
            problems.append("crash (signal %d)" % (-status if status < 0 else status - 128))
            result = "crash"
        elif status == 0:
            result = "ok"
            if case.expect == "error":
                problems.append("succeeded, expected an error")
        elif status in (1, 64):
            result = "error"
            lines = [l for l in stderr.splitlines() if l.startswith("Error:")]
            if case.expect == "ok":
                problems.append("failed, expected success")
            if len(lines) != 1:
                problems.append("%d Error: lines" % len(lines))
            elif case.names and case.names not in lines[0]:
                problems.append("error does not name %r" % case.names)
            if any(w in stderr for w in ("Fatal error", "Stack dump", "Assertion", "precondition")):
                problems.append("trap text in stderr")
        else:
            problems.append("exit %d" % status)
            result = "crash"
    after = snapshot(folder)
    replaced = set(case.replaces) if result == "ok" else set()
    for path, state in before.items():
        if path.split(os.sep)[0] in replaced:
            continue
        if path not in after:
            problems.append("removed " + path)
        elif after[path] != state and not (state[0] == stat.S_IFDIR):
            problems.append("touched " + path)
    allowed = set(case.outputs) if result == "ok" or (result == "interrupted" and case.argv[0] in ("sweep", "batch")) else set()
    allowed |= replaced
    leftovers = [p for p in after if p not in before and p not in allowed and p.split(os.sep)[0] not in allowed]
    if leftovers:
        problems.append("leftover " + ", ".join(sorted(leftovers)[:3]))
    if result == "ok" and case.outputs and case.argv[0] in ("compress", "frames", "analyze", "sweep", "haystack", "preview"):
        if not any(o in after for o in case.outputs):
            problems.append("no output written")
    line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return dict(name=case.name, result=result, problems=problems, seconds=round(elapsed, 2), message=line[:200])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arrcoc", required=True)
    parser.add_argument("--work", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default=None)
    parser.add_argument("--report", default=None, help="write every case's result as JSON here")
    args = parser.parse_args()
    arrcoc = os.path.abspath(args.arrcoc)
    work = args.work or tempfile.mkdtemp(prefix="arrcoc-hostile-")
    shutil.rmtree(os.path.join(work, "cases"), ignore_errors=True)
    fx = Fixtures(arrcoc, work)
    fixtures_before = snapshot(fx.dir)
    all_cases = [c for c in cases(fx) if not args.only or args.only in c.name]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda ic: run_case(arrcoc, work, ic[0], ic[1], fixtures_before), enumerate(all_cases)))
    if snapshot(fx.dir) != fixtures_before:
        results.append(dict(name="fixtures", result="touched", problems=["a fixture file was changed"], seconds=0, message=""))
    failed = [r for r in results if r["problems"]]
    for r in failed:
        print("FAIL %-50s %-6s %s | %s" % (r["name"], r["result"], "; ".join(r["problems"]), r["message"]))
    count = lambda k: sum(1 for r in results if r["result"] == k)
    touched = sum(1 for r in results if any(p.startswith(("touched", "removed")) for p in r["problems"]))
    leftover = sum(1 for r in results if any(p.startswith("leftover") for p in r["problems"]))
    print("hostile corpus: %d cases: %d correct results, %d clean errors, %d clean interruptions; %d crashes, %d hangs, %d leftovers, %d touched; %d failing"
          % (len(all_cases), count("ok"), count("error"), count("interrupted"), count("crash"), count("hang"), leftover, touched, len(failed)))
    slow = sorted(results, key=lambda r: -r["seconds"])[:3]
    print("slowest: " + ", ".join("%s %.1fs" % (r["name"], r["seconds"]) for r in slow))
    if args.report:
        json.dump(results, open(args.report, "w"), indent=1)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
