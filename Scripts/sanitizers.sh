#!/usr/bin/env bash
# Runs the test suite under a sanitizer: Scripts/sanitizers.sh [address|thread|all] [swift test flags…]
# Each sanitizer builds into its own scratch path (.build-asan, .build-tsan; git-ignored), so the
# normal .build is untouched. Not part of the default CI run (slow); run before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
which=${1:-all}
shift || true
Scripts/setup.sh --require
run() {
    local sanitizer=$1 scratch=$2
    shift 2
    echo "== $sanitizer sanitizer ($scratch)" >&2
    swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
    # The CLI tests run the sanitized `arrcoc` too; stop at the first report.
    ARRCOC_SANITIZER=$sanitizer ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:exitcode=86} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=66} \
        swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
}
case $which in
    address) run address .build-asan "$@" ;;
    thread) run thread .build-tsan "$@" ;;
    all) run address .build-asan "$@"; run thread .build-tsan "$@" ;;
    *) echo "usage: Scripts/sanitizers.sh [address|thread|all] [swift test flags…]" >&2; exit 64 ;;
esac
