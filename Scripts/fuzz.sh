#!/usr/bin/env bash
# Runs a libFuzzer target for SECONDS (default 60): Scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags…]
# Targets: safetensors npy features config sweep truth manifest probe (Fuzz/README.md).
# Builds with -sanitize=fuzzer,address into .build-fuzz; the growing corpus lives in
# .build-fuzz/corpus/TARGET, crashes in .build-fuzz/crashes/TARGET. Prints libFuzzer's final stats.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
export PATH="/opt/swift/usr/bin:$PATH"
export ARRCOC_FUZZ=1
swift build -c release --scratch-path .build-fuzz --product "fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address 1>&2
corpus=.build-fuzz/corpus/$target
seeds=.build-fuzz/seeds/$target
crashes=.build-fuzz/crashes/$target
mkdir -p "$corpus" "$crashes"
python3 Fuzz/make-seeds.py "$target" "$seeds" 1>&2
exec ".build-fuzz/release/fuzz-$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$@" "$corpus" "$seeds"
