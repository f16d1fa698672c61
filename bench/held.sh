#!/usr/bin/env bash
# Benchmark: the video encoders on lessons with pauses (issue 11/13). A
# picture equal to the one before is not encoded again (the one before
# lasts longer); this compares an MP4 of binary A with one of binary B on
# the same scenes: CPU seconds of the MP4 render (median of --runs), bytes,
# pictures stored, PSNR against the lossless frames taken on the scene's
# clock (every frame of the scene, whatever picture a player shows at that
# time, so a pause counts for its length), the frame count FFmpeg's command
# line decodes at the stream's frame rate, and the frame rate it guesses.
#
# usage: bench/held.sh --a PATH --b PATH [--runs N] [--format mp4|webm] [SCENE.yaml...]
# The table (Markdown) on stdout, progress on stderr.
# Exit status: 0 when everything ran, 1 if a tool failed, 2 on usage errors.
set -euo pipefail

die() { printf 'held.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/held.sh --a PATH --b PATH [--runs N] [--format mp4|webm] [SCENE.yaml...]

Per scene: CPU seconds (median of N renders -f FORMAT), bytes, pictures,
PSNR on the scene's clock against the lossless frames, frames FFmpeg
decodes, and the frame rate it guesses, for binary A and binary B.
Default scenes: which-learning build-the-dataset softmax fit-the-line
kmeans gd-loss-surface neuron-celsius.

  --a PATH, --b PATH   the two binaries (Release builds)
  --runs N             renders per binary and scene (default 3)
  --format F           mp4 (default) or webm
  -h, --help           show this help
EOF
}

ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

a='' b='' runs=3 format=mp4 scenes=()
while [ $# -gt 0 ]; do
  case $1 in
    --a) a=$(bench_abs_cmd "${2:?}"); shift 2 ;;
    --b) b=$(bench_abs_cmd "${2:?}"); shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --format) format=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) scenes+=("$(bench_abs_cmd "$1")"); shift ;;
  esac
done
[ -n "$a" ] && [ -n "$b" ] || { usage >&2; exit 2; }
bench_check_runs "$runs"
case $format in mp4|webm) ;; *) die "--format is mp4 or webm, got '$format'" ;; esac
for t in ffmpeg ffprobe /usr/bin/time; do
  command -v "$t" >/dev/null || die "needs $t (tools/install-deps --bench)"
done
[ -x "$a" ] && [ -x "$b" ] || die "no binary at $a or $b"
if [ ${#scenes[@]} -eq 0 ]; then
  for s in which-learning build-the-dataset softmax fit-the-line kmeans gd-loss-surface neuron-celsius; do
    scenes+=("$ROOT/scenes/$s.yaml")
  done
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
cd "$ROOT"

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
cpu() {   # cpu BIN OUT SCENE: user+sys seconds of one render
  { /usr/bin/time -f '%U %S' "$1" render -q -f "$format" -o "$2" "$3" 2>&1 >/dev/null || echo FAIL; } |
    awk '/FAIL/ {print "FAIL"; exit} {s = $1 + $2} END {if (s != "") print s}'
}

echo "| scene | binary | CPU s | bytes | pictures / frames | PSNR dB (scene clock) | FFmpeg decodes | FFmpeg's fps |"
echo "|---|---|--:|--:|--:|--:|--:|--:|"
for scene in "${scenes[@]}"; do
  id=$(basename "$scene" .yaml)
  say "held.sh: $id"
  "$b" render -q -f frames -o "$work/frames" "$scene" || exit 1
  fps=$(sed -n 's/^  "fps": \([0-9.]*\),$/\1/p' "$work/frames/$id/manifest.json" | head -1)
  nframes=$(ls "$work/frames/$id/frames" | wc -l)
  for which in a b; do
    bin=$a; [ $which = b ] && bin=$b
    : > "$work/t"
    for ((r = 0; r < runs; r++)); do
      t=$(cpu "$bin" "$work/$which" "$scene")
      [ "$t" != FAIL ] || { say "held.sh: $bin failed on $id"; exit 1; }
      echo "$t" >> "$work/t"
    done
    f=$work/$which/$id/$id.$format
    pics=$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$f")
    psnr=$(ffmpeg -nostdin -v info -framerate "$fps" -i "$work/frames/$id/frames/%05d.png" -i "$f" \
             -lavfi "[1]fps=$fps[v];[0]format=yuv420p[r];[v][r]psnr" -f null - 2>&1 |
           sed -n 's/.*PSNR.* average:\([0-9.]*\).*/\1/p' | head -1)
    decoded=$(ffmpeg -nostdin -v info -i "$f" -vsync cfr -f null - 2>&1 | tr '\r' '\n' |
              sed -n 's/^frame= *\([0-9]*\).*/\1/p' | tail -1)
    guess=$(ffprobe -v error -show_entries stream=r_frame_rate -of csv=p=0 "$f")
    echo "| $id | $which | $(median < "$work/t") | $(stat -c %s "$f") | $pics / $nframes | $psnr | $decoded | $guess |"
  done
done
