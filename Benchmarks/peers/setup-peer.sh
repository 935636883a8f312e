#!/usr/bin/env bash
# The Python peer's own venv, ${ARRCOC_PEER_VENV:-~/.cache/arrcoc/peer-venv}: numpy and PyAV 11.0.0
# built from source against the system's FFmpeg (Debian 12: libavcodec 59, FFmpeg 5.1), the
# libraries `arrcoc` and the `ffmpeg` floor use. PyAV from a PyPI wheel bundles its own, newer
# FFmpeg, whose decoders and bicubic scaler differ: its frames are not the floor's, and it decodes
# some codecs faster than the system's (VP9: ≈ 10% in this workplace), so a peer on it is not the
# same analysis on the same decoder. PyAV 11 is the last release that builds on FFmpeg 5.1.
# Made once (≈ 3 minutes: PyAV compiles); `arrcoc-bench` uses it when it exists (Docs/performance.md).
#
#   Benchmarks/peers/setup-peer.sh
set -euo pipefail
venv=${ARRCOC_PEER_VENV:-$HOME/.cache/arrcoc/peer-venv}
if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c "import av, numpy; assert av.__version__ == '11.0.0'" 2>/dev/null; then
    echo "peer venv ready: $venv"
    exit 0
fi
packages=(pkg-config python3-venv python3-dev libavformat-dev libavcodec-dev libavdevice-dev libavfilter-dev
          libavutil-dev libswscale-dev libswresample-dev)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if (( ${#missing[@]} )); then
    sudo=""; [[ $(id -u) != 0 ]] && sudo=sudo
    $sudo apt-get install -y -q "${missing[@]}"
fi
rm -rf "$venv"  # an unfinished one: made again
python3 -m venv "$venv"
"$venv/bin/pip" install -q numpy
"$venv/bin/pip" install -q --no-binary av "av==11.0.0"
"$venv/bin/python" -c "import av; assert av.library_versions['libavcodec'][0] == $(pkg-config --modversion libavcodec | cut -d. -f1), av.library_versions"
echo "peer venv ready: $venv"
