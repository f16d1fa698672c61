#!/usr/bin/env bash
# MP4 settings by measurement: encodes a lesson with several CRF / preset /
# chroma settings and scores each against the lossless frames (the exact
# pictures the encoder received): bytes, PSNR and SSIM over all frames
# (RGB, as people see them), and wall time.
# usage: bench/mp4_settings.sh [--mlanim PATH] [SCENE.yaml]   (default bench/gd-line.yaml)
# needs: ffmpeg (apt-get install ffmpeg)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mlanim=$root/build/mlanim
scene=$root/bench/gd-line.yaml
while [ $# -gt 0 ]; do
    case $1 in
        --mlanim) mlanim=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) scene=$1; shift ;;
    esac
done
command -v ffmpeg >/dev/null || { echo "needs ffmpeg: apt-get install ffmpeg" >&2; exit 2; }
[ -x "$mlanim" ] || { echo "no $mlanim: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
id=$(sed -n 's/^id: *//p' "$scene")
fps=$(sed -n 's/.*fps: *\([0-9./]*\).*/\1/p' "$scene" | head -1)
"$mlanim" render -q -f frames -o "$work/ref" "$scene"
frames="$work/ref/$id/frames/%05d.png"

score() {   # file -> "PSNR SSIM(dB)"
    local p s
    p=$(ffmpeg -hide_banner -nostats -i "$1" -framerate "$fps" -start_number 0 -i "$frames" \
        -lavfi "[0:v]format=gbrp[a];[1:v]format=gbrp[b];[a][b]psnr=shortest=1" -f null - 2>&1 |
        grep -o 'average:[0-9.inf]*' | cut -d: -f2)
    s=$(ffmpeg -hide_banner -nostats -i "$1" -framerate "$fps" -start_number 0 -i "$frames" \
        -lavfi "[0:v]format=gbrp[a];[1:v]format=gbrp[b];[a][b]ssim=shortest=1" -f null - 2>&1 |
        grep -o 'All:[0-9.]* ([0-9.inf]*)' | sed 's/.*(\(.*\))/\1/')
    echo "$p $s"
}

echo "# MP4 settings on $id ($(nproc) CPUs, $(date -u '+%Y-%m-%d'))"
echo
echo "| crf | preset | chroma | bytes | PSNR dB | SSIM dB | seconds |"
echo "|--:|---|---|--:|--:|--:|--:|"
for setting in "18 veryfast 420" "20 veryfast 420" "23 veryfast 420" "16 veryfast 420" \
               "18 medium 420" "20 medium 420" "18 slow 420" "18 veryfast 444" "20 veryfast 444"; do
    set -- $setting
    sed "s/^id: .*/id: $id/; /^outputs:/,\$d" "$scene" > "$work/s.yaml"
    printf 'outputs:\n  formats: [mp4]\n  mp4: {crf: %s, preset: %s, chroma: "%s"}\n' "$1" "$2" "$3" >> "$work/s.yaml"
    t0=$(date +%s.%N)
    "$mlanim" render -q -o "$work/out" "$work/s.yaml"
    t1=$(date +%s.%N)
    f="$work/out/$id/$id.mp4"
    read -r p s <<< "$(score "$f")"
    printf '| %s | %s | %s | %d | %s | %s | %.2f |\n' "$1" "$2" "$3" "$(stat -c %s "$f")" "$p" "$s" \
        "$(echo "$t1 - $t0" | bc)"
done
