#!/usr/bin/env bash
# The analysis benchmark in one command (Docs/performance.md): builds the release binaries,
# makes the inputs once (Benchmarks/make-inputs.sh, cached in ~/.cache/arrcoc/bench), then runs
# `arrcoc analyze` against the ffmpeg decode floor and the Python peer in paired rounds and writes
# Docs/performance/analysis-table.md and Docs/performance/analysis-scaling.svg.
#
#   Scripts/bench.sh [--quick] [--runs N] [--only KIND] [--long-runs N]
#
# --quick skips the 60-minute clip. Run it on a quiet machine (`uptime`): the figures are ratios
# within a round, but two busy cores still bend them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product arrcoc
swift build -c release --product arrcoc-bench
exec .build/release/arrcoc-bench --suite analysis --report Docs/performance "$@"
