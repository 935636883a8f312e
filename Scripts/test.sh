#!/usr/bin/env bash
# The whole test suite: set up (samples required), build, run every test: Swift, then the
# Python side against transformers' real code (its venv is made once per machine, ~6 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --require
# The Python venv first (cached after the first run): PythonPeerTests in the Swift suite use it.
Scripts/python-setup.sh > /dev/null
swift build --build-tests
swift test --skip-build "$@"
Scripts/test-python.sh
