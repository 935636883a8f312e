#!/usr/bin/env bash
# The analysis benchmark in one command (Docs/performance.md): builds the release binaries,
# makes the inputs once (Benchmarks/make-inputs.sh, cached in ~/.cache/arrcoc/bench), then runs
# `arrcoc analyze` against the ffmpeg decode floor and the Python peer in paired rounds and writes
# Docs/performance/analysis-table.md and Docs/performance/analysis-scaling.svg.
#
#   Scripts/bench.sh [--quick] [--runs N] [--only KIND] [--long-runs N]
#
#   Scripts/bench.sh --memory [--baseline OLD_ARRCOC] [--lengths 1,10,60,600]
#
# --memory runs the memory suite instead: peak RSS of analyze and compress against the features
# file's size on the 1-, 10- and 60-minute 720p clips (Docs/performance/memory-table.md), with an
# older binary as the reference when --baseline is given.
# --quick skips the 60-minute clip. Run it on a quiet machine (`uptime`): the figures are ratios
# within a round, but two busy cores still bend them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product arrcoc
swift build -c release --product arrcoc-bench
if [[ ${1:-} == --memory ]]; then
    shift
    exec .build/release/arrcoc-bench --suite memory --report Docs/performance "$@"
fi
# The peer decodes with the system's FFmpeg, as the floor and arrcoc do (made once, ≈ 3 minutes).
Benchmarks/peers/setup-peer.sh
exec .build/release/arrcoc-bench --suite analysis --report Docs/performance "$@"
