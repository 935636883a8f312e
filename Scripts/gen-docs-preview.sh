#!/usr/bin/env bash
# Docs/images/preview.png: what arrcoc kept of a needle-in-a-haystack clip made from the sample
# cockatoo.mp4 (the built-in checkerboard needle from 5 to 8 s), at a 1,200-token budget, drawn by
# `compress --preview --heat`, then reduced to 128 colours with ffmpeg to stay under 200 KB.
#
#   Scripts/gen-docs-preview.sh [--binary PATH]
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
if [ "${1:-}" = "--binary" ]; then binary="${2:?--binary needs a path}"; fi
if [ -z "$binary" ]; then
    swift build --product arrcoc >&2
    binary="$(swift build --show-bin-path)/arrcoc"
fi
samples="${ARRCOC_SAMPLES:-${XDG_CACHE_HOME:-$HOME/.cache}/arrcoc/samples}"
[ -f "$samples/cockatoo.mp4" ] || { echo "gen-docs-preview.sh: no cockatoo.mp4 in $samples: run Scripts/fetch-samples.sh" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$binary" haystack "$samples/cockatoo.mp4" --needle builtin --event 5,8,0.65,0.1,0.2 --out "$work/clip.mp4" --truth "$work/clip.yaml"
"$binary" compress "$work/clip.mp4" --query-image "$work/needle-builtin-v1.png" --budget 1200 --preview --heat --out "$work/out"
mkdir -p Docs/images
ffmpeg -v error -nostdin -y -i "$work/out/preview.png" \
    -vf "split[a][b];[a]palettegen=max_colors=128:stats_mode=full[p];[b][p]paletteuse=dither=none" -pred mixed \
    Docs/images/preview.png
echo "wrote Docs/images/preview.png ($(stat -c %s Docs/images/preview.png) bytes)" >&2
