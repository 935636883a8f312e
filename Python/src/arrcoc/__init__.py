"""arrcoc's Python side.

- `arrcoc.load(out_dir, processor, question)`: an `arrcoc compress` output as the keyword arguments
  of `Qwen3VLForConditionalGeneration.generate` / `forward` (transformers 5.x).
- `arrcoc.embed(video, model, out, text=…)` and the `arrcoc-embed` command: a features file and a
  query embedding from SigLIP, SigLIP 2 or CLIP.
- `arrcoc.read_output`, `arrcoc.write_features`, `arrcoc.find_seconds`: the files, numpy only.

Importing `arrcoc` needs numpy and safetensors only; torch, transformers and PyAV are imported by
the functions that run a model or decode a video.
"""

from .embedding import EmbedError, EmbedResult, embed, embed_query
from .features import cell_grid, read_features, write_features
from .loader import ArrcocInputs, load
from .output import Block, CompressedVideo, OutputError, find_seconds, read_output

__version__ = "0.1.0"

__all__ = [
    "ArrcocInputs",
    "Block",
    "CompressedVideo",
    "EmbedError",
    "EmbedResult",
    "OutputError",
    "cell_grid",
    "embed",
    "embed_query",
    "find_seconds",
    "load",
    "read_features",
    "read_output",
    "write_features",
]
