#!/usr/bin/env bash
# The whole test suite: set up (samples required), build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --require
swift build --build-tests
swift test --skip-build "$@"
