#!/usr/bin/env bash
# Makes the inputs of `arrcoc-bench --suite analysis` with the ffmpeg command line, once, into
# ${ARRCOC_BENCH_DIR:-~/.cache/arrcoc/bench} (never committed). Existing files are kept.
#
#   Benchmarks/make-inputs.sh [--quick]     # --quick: no 60-minute clip
#   Benchmarks/make-inputs.sh --coarse      # only the 60-minute needle haystack (`--suite coarse`)
#
# Content: cockatoo.mp4 + bigbuckbunny.mp4 (real video, from Scripts/fetch-samples.sh) joined
# into a 19-second 1080p30 base, or lavfi testsrc2 with noise when the samples are missing.
# Each kind is encoded once for one minute from the looped base; the 10- and 60-minute clips
# repeat that minute by stream copy (concat demuxer), so they cost no encoding and decode like
# a real long file of that codec and GOP.
#
# Prints one line per clip: `kind minutes path`; with --coarse, `haystack 60 path` alone (it makes
# only the 60-minute 720p 10 fps clip the haystack is made from, and that clip's 1-minute source).
set -euo pipefail

dir=${ARRCOC_BENCH_DIR:-$HOME/.cache/arrcoc/bench}
samples=${ARRCOC_SAMPLES:-$HOME/.cache/arrcoc/samples}
quick=0
coarse=0
[[ ${1:-} == --quick ]] && quick=1
[[ ${1:-} == --coarse ]] && coarse=1
if (( coarse )) && [[ ! -f $samples/Megamind.avi ]]; then
    echo "make-inputs.sh --coarse: the needle's source $samples/Megamind.avi is missing (Scripts/fetch-samples.sh)" >&2
    exit 1
fi
mkdir -p "$dir"
ff=(ffmpeg -v error -nostdin -y)
# One maker at a time (a second waits): two encoders writing one temporary file corrupt it.
exec 9> "$dir/.make-inputs.lock"
flock 9

base=$dir/base.mkv
if [[ ! -f $base ]]; then
    if [[ -f $samples/cockatoo.mp4 && -f $samples/bigbuckbunny.mp4 ]]; then
        "${ff[@]}" -i "$samples/cockatoo.mp4" -i "$samples/bigbuckbunny.mp4" -filter_complex \
            "[0:v]fps=30,scale=1920:1080,setsar=1[a];[1:v]fps=30,scale=1920:1080,setsar=1[b];[a][b]concat=n=2:v=1:a=0" \
            -an -c:v libx264 -preset ultrafast -crf 10 -pix_fmt yuv420p "$base.tmp.mkv"
    else
        "${ff[@]}" -f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=20:allf=t" -t 20 \
            -an -c:v libx264 -preset ultrafast -crf 10 -pix_fmt yuv420p "$base.tmp.mkv"
    fi
    mv "$base.tmp.mkv" "$base"
fi

# kind: codec-size-preset-gop-fps, then the encoder arguments.
declare -A encode=(
    [h264-720p-ultrafast-g250-30fps]="-vf fps=30,scale=1280:720 -c:v libx264 -preset ultrafast -g 250 -pix_fmt yuv420p"
    [h264-720p-ultrafast-g250-10fps]="-vf fps=10,scale=1280:720 -c:v libx264 -preset ultrafast -g 250 -pix_fmt yuv420p"
    [h264-720p-medium-g30-30fps]="-vf fps=30,scale=1280:720 -c:v libx264 -preset medium -g 30 -pix_fmt yuv420p"
    [h264-1080p-medium-g250-30fps]="-vf fps=30,scale=1920:1080 -c:v libx264 -preset medium -g 250 -pix_fmt yuv420p"
    [h264-1080p-ultrafast-g30-10fps]="-vf fps=10,scale=1920:1080 -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p"
    [mpeg4-720p-g250-30fps]="-vf fps=30,scale=1280:720 -c:v mpeg4 -q:v 4 -g 250 -pix_fmt yuv420p"
    [vp9-720p-g250-30fps]="-vf fps=30,scale=1280:720 -c:v libvpx-vp9 -b:v 2M -deadline realtime -cpu-used 8 -g 250 -row-mt 1 -pix_fmt yuv420p"
)
# kind → lengths in minutes.
declare -A lengths=(
    [h264-720p-ultrafast-g250-30fps]="1 10"
    [h264-720p-ultrafast-g250-10fps]="1 10 60"
    [h264-720p-medium-g30-30fps]="1"
    [h264-1080p-medium-g250-30fps]="1"
    [h264-1080p-ultrafast-g30-10fps]="1"
    [mpeg4-720p-g250-30fps]="1"
    [vp9-720p-g250-30fps]="1"
)
extension() { [[ $1 == vp9-* ]] && echo webm || { [[ $1 == mpeg4-* ]] && echo avi || echo mp4; }; }
# The kind the coarse-to-fine haystack is made from (its 60-minute clip).
coarse_kind=h264-720p-ultrafast-g250-10fps

for kind in $(printf '%s\n' "${!encode[@]}" | sort); do
    (( coarse )) && [[ $kind != "$coarse_kind" ]] && continue
    ext=$(extension "$kind")
    one=$dir/$kind-1m.$ext
    if [[ ! -f $one ]]; then
        # shellcheck disable=SC2086
        "${ff[@]}" -stream_loop -1 -i "$base" -t 60 -an ${encode[$kind]} "$one.tmp.$ext"
        mv "$one.tmp.$ext" "$one"
    fi
    for minutes in ${lengths[$kind]}; do
        (( quick && minutes >= 60 )) && continue
        (( coarse && minutes < 60 )) && continue
        out=$dir/$kind-${minutes}m.$ext
        if [[ ! -f $out ]]; then
            list=$dir/$kind-${minutes}m.txt
            for ((i = 0; i < minutes; i++)); do echo "file '$one'"; done > "$list"
            "${ff[@]}" -f concat -safe 0 -i "$list" -c copy "$out.tmp.$ext"
            mv "$out.tmp.$ext" "$out"
            rm -f "$list"
        fi
        (( coarse )) || echo "$kind $minutes $out"
    done
done

# The coarse-to-fine input (`arrcoc-bench --suite coarse`, Docs/coarse-to-fine.md): the 60-minute
# 720p 10 fps clip re-encoded with a keyframe every 5 s (GOP 50; ultrafast has no scene-cut
# keyframes, so exactly every 5 s), as real hour-long videos have one every 2–10 s, with a real
# needle (a 160×160 crop of Megamind.avi, never in the background) pasted still during four
# events of 6–12 s at different places and scales. Writes the clip, its truth file and the query.
if (( coarse )); then
    src=$dir/$coarse_kind-60m.mp4
    hay=$dir/haystack-h264-720p-ultrafast-g50-10fps-60m
    query=$dir/needle-megamind.png
    [[ -f $query ]] || "${ff[@]}" -ss 5.0 -i "$samples/Megamind.avi" -frames:v 1 -vf "crop=160:160:280:180" "$query"
    # start end x y side (pixels of the 1280×720 frame)
    events=("655 661 880 120 160" "1530 1538 200 420 128" "2405 2415 540 260 192" "3140 3152 1000 480 144")
    if [[ ! -f $hay.mp4 || ! -f $hay.yaml ]]; then
        graph="[1:v]split=${#events[@]}"
        for ((i = 0; i < ${#events[@]}; i++)); do graph+="[s$i]"; done
        last="0:v"
        truth="video: \"$hay.mp4\"\nquery: \"$query\"\nevents:\n"
        for ((i = 0; i < ${#events[@]}; i++)); do
            read -r a b x y side <<< "${events[$i]}"
            graph+=";[s$i]scale=$side:$side[n$i];[$last][n$i]overlay=$x:$y:enable='between(t,$a,$b)'[v$i]"
            last="v$i"
            truth+=$(printf '  - {start_s: %s, end_s: %s, box: [%.4f, %.4f, %.4f, %.4f]}' "$a" "$b" \
                "$(bc -l <<< "$x/1280")" "$(bc -l <<< "$y/720")" "$(bc -l <<< "$side/1280")" "$(bc -l <<< "$side/720")")"\n"
        done
        "${ff[@]}" -i "$src" -i "$query" -filter_complex "$graph" -map "[$last]" -an \
            -c:v libx264 -preset ultrafast -g 50 -pix_fmt yuv420p "$hay.tmp.mp4"
        mv "$hay.tmp.mp4" "$hay.mp4"
        printf "$truth" > "$hay.yaml"
    fi
    echo "haystack 60 $hay.mp4"
fi
