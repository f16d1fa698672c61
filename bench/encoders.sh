#!/usr/bin/env bash
# Benchmark: mlanim's GIF against the best ffmpeg/gifsicle pipeline, on the
# very frames the GIF encoder receives (issue 3).
#
# For each lesson (gd-line, gd-loss-surface, kmeans; a scene file that does
# not exist yet is skipped with a note) it renders the frames as PNG plus the
# GIF (and MP4, and WebM when that format exists) in one run, times a
# GIF-only render separately (median of --runs; drawing included), runs the
# shared peer script gif_peers.sh on the PNG frames (ffmpeg palettegen/
# paletteuse variants, then gifsicle -O3 on ffmpeg's best) and prints one
# Markdown table per scene and a summary against the targets:
#   bytes <= 0.95 x "ffmpeg full/none+gifsicle -O3",
#   PSNR  >= that + 1 dB,
#   time  <  ffmpeg's two-pass "full/none" time on the same frames.
#
# usage: bench/encoders.sh [--runs N] [--mlanim PATH] [--shared DIR] [SCENE...]
# The tables (Markdown) go to stdout, progress to stderr.
# Exit status: 0 when every tool ran (even if a target is missed), 1 if a
# tool failed, 2 on a usage error or a missing dependency.
set -euo pipefail

die() { printf 'encoders.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/encoders.sh [--runs N] [--mlanim PATH] [--shared DIR] [SCENE...]

Compares mlanim's GIF with ffmpeg (two-pass palettegen/paletteuse) and
gifsicle -O3 on the same PNG frames, by bytes, PSNR, SSIM and time, for the
lessons gd-line, gd-loss-surface and kmeans (or the SCENE names given, as
in scenes/NAME.yaml), and checks the issue-3 targets.

  --runs N        timed GIF-only renders per scene; the median counts (default 3)
  --mlanim PATH   the mlanim binary (default: build/mlanim in the repo root)
  --shared DIR    folder holding bench/gif_peers.sh (default: ../shared from
                  the repo root)
  -h, --help      show this help
EOF
}

# ---- locations -------------------------------------------------------------
ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim
SHARED=$ROOT/../shared
SCENES=()

while [ $# -gt 0 ]; do
  case $1 in
    --runs)     [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --runs=*)   RUNS=${1#*=}; shift ;;
    --mlanim)   [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*) MLANIM=${1#*=}; shift ;;
    --shared)   [ $# -ge 2 ] || die "--shared needs a value"; SHARED=$2; shift 2 ;;
    --shared=*) SHARED=${1#*=}; shift ;;
    -h|--help)  usage; exit 0 ;;
    -*)         usage >&2; die "unknown option '$1'" ;;
    *)          SCENES+=("$1"); shift ;;
  esac
done
[ ${#SCENES[@]} -gt 0 ] || SCENES=(gd-line gd-loss-surface kmeans)

bench_check_runs "$RUNS"

# Paths given relative to the caller's directory.
MLANIM=$(bench_abs_cmd "$MLANIM")
case $SHARED in /*) ;; *) SHARED=$PWD/$SHARED ;; esac
PEERS=$SHARED/bench/gif_peers.sh

# ---- dependencies ----------------------------------------------------------
[ -x "$MLANIM" ] || die "mlanim not found at $MLANIM
build it first:
  cmake -S $ROOT -B $ROOT/build -DCMAKE_BUILD_TYPE=Release && cmake --build $ROOT/build -j2
or pass --mlanim PATH"
[ -f "$PEERS" ] || die "peer script not found: $PEERS (pass --shared DIR, the folder holding bench/)"
missing=()
for tool in ffmpeg gifsicle bc awk; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "encoders.sh: missing: ${missing[*]}"
  say "install them with:  sudo apt-get install -y ffmpeg gifsicle bc gawk"
  exit 2
fi

# ---- scratch space -----------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mlanim-encoders.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END{if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# The formats this binary knows: WebM is rendered too when it is there.
EXTRA=mp4
if "$MLANIM" list format 2>/dev/null | grep -q '^format webm'; then EXTRA=mp4,webm; fi

cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
cat <<EOF
# GIF encoders on the same frames: mlanim vs ffmpeg (+ gifsicle)

- date: $(date '+%Y-%m-%d %H:%M:%S %z')
- machine: $(uname -n), $(nproc) CPUs, $cpu, load average at start $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
- mlanim: $("$MLANIM" --version 2>/dev/null | head -n1 || echo "?") ($MLANIM, commit $commit)
- peers: ffmpeg $(ffmpeg -version 2>/dev/null | awk 'NR==1{print $3}'), $(gifsicle --version 2>/dev/null | head -n1)
- our time: \`mlanim render -q -f gif\` wall time, drawing included, median of $RUNS; theirs: gif_peers.sh (encoding from PNG frames)
- targets: bytes <= 0.95 x ffmpeg full/none+gifsicle -O3, PSNR >= it + 1 dB, time < ffmpeg full/none

EOF

SUMMARY=$TMP/summary.md
: > "$SUMMARY"
ran=0

for scene in "${SCENES[@]}"; do
  file=$ROOT/scenes/$scene.yaml
  if [ ! -f "$file" ]; then
    say "encoders.sh: skipping $scene: scenes/$scene.yaml does not exist (yet)"
    printf '| %s | skipped: scenes/%s.yaml missing | | | |\n' "$scene" "$scene" >> "$SUMMARY"
    continue
  fi
  # The canvas frame rate (the rate gif_peers.sh must read the frames at).
  fps=$(awk '/^canvas:/ { if (match($0, /fps: *[0-9.]+/)) { s = substr($0, RSTART, RLENGTH); sub(/fps: */, "", s); print s; exit } }' "$file")
  [ -n "$fps" ] || fps=$(awk '/^canvas:/{c=1; next} c && /^[^ ]/{exit} c && /fps:/{sub(/.*fps: */, ""); print $1; exit}' "$file")
  [ -n "$fps" ] || { say "encoders.sh: no canvas fps in $file"; exit 1; }

  say "encoders.sh: $scene: rendering frames,gif,$EXTRA"
  out=$TMP/$scene
  if ! "$MLANIM" render -q -f "frames,gif,$EXTRA" -o "$out" "$file" > "$TMP/$scene.log" 2>&1; then
    say "encoders.sh: mlanim failed on $scene:"; tail -n 20 "$TMP/$scene.log" >&2; exit 1
  fi
  gif=$out/$scene/$scene.gif
  [ -s "$gif" ] && [ -s "$out/$scene/frames/00000.png" ] || { say "encoders.sh: $scene: no GIF or frames written"; exit 1; }

  say "encoders.sh: $scene: timing $RUNS GIF-only render(s)"
  : > "$TMP/times"
  for run in $(seq 1 "$RUNS"); do
    rm -rf "$TMP/gifonly"
    t0=$(now)
    "$MLANIM" render -q -f gif -o "$TMP/gifonly" "$file" > "$TMP/$scene.gif.log" 2>&1 \
      || { say "encoders.sh: GIF-only render of $scene failed"; tail -n 20 "$TMP/$scene.gif.log" >&2; exit 1; }
    t1=$(now)
    echo "$t1 - $t0" | bc >> "$TMP/times"
  done
  ours_t=$(median < "$TMP/times")
  cmp -s "$gif" "$TMP/gifonly/$scene/$scene.gif" \
    || say "encoders.sh: warning: $scene: the GIF-only render differs from the frames run"

  say "encoders.sh: $scene: running gif_peers.sh (ffmpeg two-pass variants, gifsicle -O3)"
  if ! bash "$PEERS" "$out/$scene/frames/%05d.png" "$fps" "$gif" > "$TMP/$scene.peers" 2> "$TMP/$scene.peers.err"; then
    say "encoders.sh: gif_peers.sh failed on $scene:"; tail -n 20 "$TMP/$scene.peers.err" >&2; exit 1
  fi
  # Rows: NAME... BYTES bytes PSNR P dB SSIM S dB T s
  parse() {  # file name-prefix -> "bytes psnr ssim seconds"
    awk -v want="$2" '{
      n = 0; for (i = 1; i <= NF; i++) if ($i == "bytes") { n = i; break }
      name = $1; for (i = 2; i < n - 1; i++) name = name " " $i
      if (name == want) { print $(n-1), $(n+2), $(n+5), $(n+7); exit }
    }' "$1"
  }
  read -r ff_b ff_p ff_s ff_t <<< "$(parse "$TMP/$scene.peers" "ffmpeg full/none")"
  read -r gs_b gs_p gs_s gs_t <<< "$(parse "$TMP/$scene.peers" "ffmpeg full/none+gifsicle -O3")"
  read -r us_b us_p us_s _ <<< "$(parse "$TMP/$scene.peers" "$scene.gif")"
  [ -n "${gs_b:-}" ] && [ -n "${us_b:-}" ] && [ -n "${ff_t:-}" ] \
    || { say "encoders.sh: could not read gif_peers.sh output for $scene:"; cat "$TMP/$scene.peers" >&2; exit 1; }

  frames=$(ls "$out/$scene/frames" | grep -c '\.png$')
  extra_sizes=""
  for ext in mp4 webm; do
    [ -f "$out/$scene/$scene.$ext" ] && extra_sizes="$extra_sizes, $ext $(stat -c %s "$out/$scene/$scene.$ext") bytes"
  done

  echo "## $scene ($frames frames at $fps fps${extra_sizes})"
  echo
  echo "| encoder | bytes | PSNR (dB) | SSIM (dB) | seconds |"
  echo "|---|---:|---:|---:|---:|"
  awk -v scene="$scene" -v ours="$ours_t" '{
      n = 0; for (i = 1; i <= NF; i++) if ($i == "bytes") { n = i; break }
      name = $1; for (i = 2; i < n - 1; i++) name = name " " $i
      t = $(n+7)
      if (name == scene ".gif") { name = "**mlanim** (render -f gif, drawing included)"; t = sprintf("%.2f", ours) }
      printf "| %s | %d | %s | %s | %s |\n", name, $(n-1), $(n+2), $(n+5), t
    }' "$TMP/$scene.peers"
  echo

  ratio=$(echo "scale=4; $us_b / $gs_b" | bc)
  dpsnr=$(echo "scale=3; $us_p - $gs_p" | bc)
  dssim=$(echo "scale=3; $us_s - $gs_s" | bc)
  tratio=$(echo "scale=3; $ours_t / $ff_t" | bc)
  pb=$(echo "$ratio <= 0.95" | bc); pp=$(echo "$dpsnr >= 1" | bc); pt=$(echo "$ours_t < $ff_t" | bc)
  verdict() { [ "$1" = 1 ] && echo PASS || echo FAIL; }
  printf '| %s | %.3f (%s) | %+.2f (%s) | %+.2f | %.2f s / %.2f s = %.2f (%s) |\n' \
    "$scene" "$ratio" "$(verdict "$pb")" "$dpsnr" "$(verdict "$pp")" "$dssim" \
    "$ours_t" "$ff_t" "$tratio" "$(verdict "$pt")" >> "$SUMMARY"
  ran=$((ran + 1))
done

echo "## Summary (mlanim vs ffmpeg full/none + gifsicle -O3)"
echo
echo "| scene | bytes ratio (<= 0.95) | PSNR diff dB (>= +1) | SSIM diff dB | time ours / ffmpeg two-pass (< 1) |"
echo "|---|---:|---:|---:|---:|"
cat "$SUMMARY"
[ "$ran" -gt 0 ] || say "encoders.sh: no scene ran"
