#!/usr/bin/env bash
# RGB to YUV in the video encoders (issue 13): swscale's path against
# src/encode/yuv.c on the same frames, then whole `-f mp4` renders of a few
# lessons with a binary from before the change and one from after, with the
# PSNR/SSIM of each MP4 against the lossless frames. See bench/README.md.
#
# usage: bench/yuv.sh [--runs N] [--mlanim PATH] [--before PATH] [--no-convert]
#                     [--no-render] [SCENE.yaml...]
#   --runs N      rounds of the conversion bench and renders per binary (default 5)
#   --mlanim P    the binary after the change (default build/mlanim)
#   --before P    the binary before it (default: no render comparison; build
#                 the parent commit elsewhere, e.g. `git worktree add /tmp/base
#                 HEAD~ && cmake -S /tmp/base -B /tmp/base/build
#                 -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/base/build`)
#   SCENE...      lessons for the renders (default bench/gd-line.yaml
#                 scenes/fit-the-line.yaml scenes/kmeans.yaml scenes/charts-bar-race.yaml)
# needs: cc, pkg-config, cairo/swscale/avutil headers (README's build
# dependencies), ffmpeg (apt-get install ffmpeg), GNU time (apt-get install time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mlanim=$root/build/mlanim
before=
runs=5
do_convert=1
do_render=1
scenes=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --mlanim) mlanim=$2; shift 2 ;;
        --before) before=$2; shift 2 ;;
        --no-convert) do_convert=0; shift ;;
        --no-render) do_render=0; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) scenes+=("$1"); shift ;;
    esac
done
[ ${#scenes[@]} -gt 0 ] || scenes=("$root/bench/gd-line.yaml" "$root/scenes/fit-the-line.yaml"
                                   "$root/scenes/kmeans.yaml" "$root/scenes/charts-bar-race.yaml")
for tool in cc pkg-config ffmpeg /usr/bin/time bc; do
    command -v "$tool" >/dev/null || { echo "needs $tool (see the usage)" >&2; exit 2; }
done
[ -x "$mlanim" ] || { echo "no $mlanim: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "# RGB to YUV: swscale vs src/encode/yuv.c ($(hostname), $(nproc) CPUs," \
     "load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d'))"
echo

if [ $do_convert = 1 ]; then
    # -O2 on purpose: the converter is written for gcc's -O2 vectoriser
    # (mlanim's Release build is -O3; CFLAGS=-O3 to see that).
    cc -std=c11 -D_XOPEN_SOURCE=700 ${CFLAGS:--O2} -I"$root/src" "$root/bench/yuv_bench.c" \
        "$root/src/encode/yuv.c" -o "$work/yuv_bench" $(pkg-config --cflags --libs cairo libswscale libavutil)
    echo "## Conversion alone: CPU ms per frame (median of $runs rounds, 12 gd-line frames each)"
    echo
    echo "| size | chroma | swscale ms | yuv.c ms | speed-up | max abs(dY) | mean abs(dUV) |"
    echo "|---|---|--:|--:|--:|--:|--:|"
    # 800x450 as the lesson is; 1080p and 2160p drawn at 960x540 and scaled
    # up, so they look like the lesson at that size.
    for size in "800 450 1" "960 540 2" "960 540 4"; do
        set -- $size
        out=$work/frames-$1-$3
        "$mlanim" render -q -f frames --set trainer.steps=11 --set canvas.width=$1 \
            --set canvas.height=$2 --scale "$3" -o "$out" "$root/bench/gd-line.yaml"
        "$work/yuv_bench" "$runs" $(find "$out" -name '*.png' | sort)
        rm -rf "$out"
    done
    echo
    echo "dY, dUV: yuv.c against swscale on the last frame (4:2:0 chroma differs by design:"
    echo "both centre it, swscale with a [1 3 3 1] filter each way, yuv.c as the 2x2 average)."
    echo
fi

[ $do_render = 1 ] && [ -n "$before" ] || exit 0
[ -x "$before" ] || { echo "no $before" >&2; exit 2; }

# score FILE FRAMES FPS FILTER -> "PSNR SSIM(dB)" against the lossless frames,
# the decoded video converted to RGB by FILTER (how the player places chroma)
score() {
    local p s
    p=$(ffmpeg -hide_banner -nostats -i "$1" -framerate "$3" -start_number 0 -i "$2/%05d.png" \
        -lavfi "[0:v]$4format=gbrp[a];[1:v]format=gbrp[b];[a][b]psnr=shortest=1" -f null - 2>&1 |
        grep -o 'average:[0-9.inf]*' | cut -d: -f2)
    s=$(ffmpeg -hide_banner -nostats -i "$1" -framerate "$3" -start_number 0 -i "$2/%05d.png" \
        -lavfi "[0:v]$4format=gbrp[a];[1:v]format=gbrp[b];[a][b]ssim=shortest=1" -f null - 2>&1 |
        grep -o 'All:[0-9.]* ([0-9.inf]*)' | sed 's/.*(\(.*\))/\1/')
    echo "$p $s"
}
# FFmpeg 5.1's scaler places 4:2:0 chroma at the centre of its square unless
# told (browsers do the same, and the new files are tagged so); H.264 without
# a chroma location, as the old files were, means "left": 0 across, half a
# row (128/256) down.
left="scale=in_h_chr_pos=0:in_v_chr_pos=128,"

echo "## Whole renders: \`mlanim render -q -j 2 -f mp4\`, before ($before) and after ($mlanim)"
echo
echo "CPU = user + sys seconds, wall = elapsed, medians of $runs runs each, the two binaries"
echo "alternating. PSNR/SSIM in dB over all frames (RGB) against the lossless frames:"
echo "*centred* = chroma placed at the centre of its 2x2 square (FFmpeg 5.1's default, browsers,"
echo "the new tags), *left* = where H.264 puts it when a stream has no tag (the old files)."
echo
echo "| scene | frames | held | | CPU s | wall s | bytes | PSNR centred | SSIM centred | PSNR left | SSIM left |"
echo "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|"
for scene in "${scenes[@]}"; do
    id=$(sed -n 's/^id: *//p' "$scene")
    fps=$(sed -n 's/^canvas:.*fps: *\([0-9./]*\).*/\1/p' "$scene" | head -1)
    "$mlanim" render -q -f frames -o "$work/ref" "$scene"
    frames=$work/ref/$id/frames
    nframes=$(ls "$frames" | wc -l)
    # Held frames: a picture the same as the one before it.
    held=$(cd "$frames" && md5sum *.png | awk '$1 == prev {n++} {prev = $1} END {print n + 0}')
    : > "$work/times-before"; : > "$work/times-after"
    for r in $(seq "$runs"); do
        for which in before after; do
            bin=$before; [ $which = after ] && bin=$mlanim
            rm -rf "$work/$which"
            /usr/bin/time -f "%U %S %e" -o "$work/t" "$bin" render -q -j 2 -f mp4 -o "$work/$which" "$scene"
            awk '{print $1 + $2, $3}' "$work/t" >> "$work/times-$which"
        done
    done
    for which in before after; do
        f=$work/$which/$id/$id.mp4
        cpu=$(cut -d' ' -f1 "$work/times-$which" | median)
        wall=$(cut -d' ' -f2 "$work/times-$which" | median)
        read -r pc sc <<< "$(score "$f" "$frames" "$fps" "")"
        read -r pl sl <<< "$(score "$f" "$frames" "$fps" "$left")"
        printf '| %s | %d | %d %% | %s | %.2f | %.2f | %d | %s | %s | %s | %s |\n' "$id" "$nframes" \
            $((100 * held / nframes)) "$which" "$cpu" "$wall" "$(stat -c %s "$f")" "$pc" "$sc" "$pl" "$sl"
    done
    rm -rf "$work/ref" "$work/before" "$work/after"
done
