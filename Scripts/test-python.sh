#!/usr/bin/env bash
# The Python side's tests (Python/tests) with transformers' real Qwen3-VL code: the venv from
# Scripts/python-setup.sh (made once per machine), this checkout's package installed into it,
# and the arrcoc binary of this checkout (`swift build` first; or set ARRCOC_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(Scripts/python-setup.sh)"
# Installed as a user would (`pip install ./Python`), so that the `arrcoc-embed` command is tested.
"$python" -m pip install --quiet --no-deps --no-build-isolation --force-reinstall ./Python
rm -rf Python/build
export ARRCOC_BIN="${ARRCOC_BIN:-$PWD/.build/debug/arrcoc}" ARRCOC_EMBED_INSTALLED=1
exec "$python" -m pytest -p no:cacheprovider Python/tests "$@"
