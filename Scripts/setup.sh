#!/usr/bin/env bash
# Installs what arrcoc needs on Debian 12 (apt packages; Swift 6.3 must already be on PATH) and
# fetches the sample videos. Safe to run again: it only installs or downloads what is missing.
#   Scripts/setup.sh            install packages, try to fetch samples (warn if that fails)
#   Scripts/setup.sh --require  same, but fail when a sample cannot be fetched (tests need them)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

packages=(pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
          liblapack-dev libblas-dev ffmpeg python3 python3-pip python3-numpy ca-certificates)
# The tests also render SVG plots with headless Chromium (--require is the tests' setup), and
# install OpenBLAS as the system's BLAS, to check that arrcoc keeps to the reference one.
[ "${1:-}" = "--require" ] && packages+=(chromium fonts-dejavu-core libopenblas0-pthread)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing with apt-get: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "setup: swift is not on PATH; add /opt/swift/usr/bin to PATH" >&2
  else
    echo "setup: Swift 6.3 is required (swift not found)" >&2
  fi
  exit 1
fi

"$here/fetch-samples.sh" "$@"
