#!/usr/bin/env bash
# The whole test suite: set up (samples required), build, run every test: Swift, then the
# Python side against transformers' real code (its venv is made once per machine, ~6 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --require
swift build --build-tests
swift test --skip-build "$@"
Scripts/test-python.sh
