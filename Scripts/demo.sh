#!/usr/bin/env bash
# The main job on its built-in default: set up, build (release), run `arrcoc demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product arrcoc
.build/release/arrcoc demo "$@"
