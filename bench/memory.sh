#!/usr/bin/env bash
# Benchmark: peak memory of a render against its length and its canvas
# (issue 13: "memory flat"). Renders bench/gd-line-long.yaml (gd-line, one
# frame per step) cut to 50, 2000 and 20000 frames (--set trainer.steps),
# at the scene's 800x450, at 1920x1080 (--scale 2.4) and at 3840x2160 (a
# 1600x900 canvas, --scale 2.4), with the default formats gif,mp4 and the
# product's default limits (memory-mb among them) except frames x pixels,
# and reports the peak resident set size of the process (/usr/bin/time %M,
# KiB). The target: flat in the number of frames, bounded at 4K.
#
# usage: bench/memory.sh [--mlanim PATH] [--frames LIST] [--sizes LIST]
#                        [--formats LIST] [--max-mpf N]
# The table (Markdown) on stdout, progress on stderr.
# Exit status: 0 when every render ran; 1 if one failed; 2 on a usage error.
set -euo pipefail

die() { printf 'memory.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/memory.sh [--mlanim PATH] [--frames LIST] [--sizes LIST]
                       [--formats LIST] [--max-mpf N]

Peak RSS (KiB) of `mlanim render` of bench/gd-line-long.yaml by number of
frames and canvas size.

  --mlanim PATH    the binary (default build/mlanim)
  --frames LIST    comma-separated frame counts, 2 to 20000 (default 50,2000,20000)
  --sizes LIST     among default (800x450), 1080p, 2160p (default: all three)
  --formats LIST   passed to -f (default gif,mp4)
  --max-mpf N      skip renders of more than N megapixel-frames (frame
                   pixels x frames / 1e6; default 20000, which leaves out
                   20000 frames at 1080p and 2160p: about an hour of CPU
                   each on the reference machine); 0: no limit
  -h, --help       show this help
EOF
}

ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

MLANIM=$ROOT/build/mlanim
FRAMES=50,2000,20000
SIZES=default,1080p,2160p
FORMATS=gif,mp4
MAX_MPF=20000
while [ $# -gt 0 ]; do
  case $1 in
    --mlanim)    [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*)  MLANIM=${1#*=}; shift ;;
    --frames)    [ $# -ge 2 ] || die "--frames needs a value"; FRAMES=$2; shift 2 ;;
    --frames=*)  FRAMES=${1#*=}; shift ;;
    --sizes)     [ $# -ge 2 ] || die "--sizes needs a value"; SIZES=$2; shift 2 ;;
    --sizes=*)   SIZES=${1#*=}; shift ;;
    --formats)   [ $# -ge 2 ] || die "--formats needs a value"; FORMATS=$2; shift 2 ;;
    --formats=*) FORMATS=${1#*=}; shift ;;
    --max-mpf)   [ $# -ge 2 ] || die "--max-mpf needs a value"; MAX_MPF=$2; shift 2 ;;
    --max-mpf=*) MAX_MPF=${1#*=}; shift ;;
    -h|--help)   usage; exit 0 ;;
    *)           usage >&2; die "unknown argument '$1'" ;;
  esac
done
MLANIM=$(bench_abs_cmd "$MLANIM")
[ -x "$MLANIM" ] || die "mlanim not found at $MLANIM (build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time)"
case $MAX_MPF in ''|*[!0-9]*) die "--max-mpf must be a whole number" ;; esac
IFS=, read -ra FRAME_LIST <<<"$FRAMES"
IFS=, read -ra SIZE_LIST <<<"$SIZES"
for n in "${FRAME_LIST[@]}"; do
  case $n in ''|*[!0-9]*) die "frame counts are whole numbers, not '$n'" ;; esac
  [ "$n" -ge 2 ] && [ "$n" -le 20000 ] || die "frame counts run from 2 to 20000, not $n"
done
SCENE=$ROOT/bench/gd-line-long.yaml

# size -> "WxH|arguments"
size_args() {
  case $1 in
    default) echo "800x450|" ;;
    1080p)   echo "1920x1080|--scale 2.4" ;;
    2160p)   echo "3840x2160|--set canvas.width=1600 --set canvas.height=900 --scale 2.4" ;;
    *)       die "unknown size '$1' (default, 1080p, 2160p)" ;;
  esac
}
for z in "${SIZE_LIST[@]}"; do size_args "$z" >/dev/null; done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

printf '# Peak memory of a render (%s, %s, %s cores, load %s)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -n)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '`%s`, bench/gd-line-long.yaml, `-f %s`, default -j and limits; peak RSS in KiB (CPU s user+sys / wall s).\n\n' \
  "$("$MLANIM" --version 2>/dev/null | head -1)" "$FORMATS"
header='| frames |'; rule='|---|'
for z in "${SIZE_LIST[@]}"; do
  header="$header $z ($(size_args "$z" | cut -d'|' -f1)) |"; rule="$rule---|"
done
printf '%s\n%s\n' "$header" "$rule"

fail=0
declare -A PEAK
for n in "${FRAME_LIST[@]}"; do
  row="| $n |"
  for z in "${SIZE_LIST[@]}"; do
    IFS='|' read -r dims args <<<"$(size_args "$z")"
    w=${dims%x*}; h=${dims#*x}
    mpf=$(( w * h / 1000 * n / 1000000 ))
    if [ "$MAX_MPF" -gt 0 ] && [ "$mpf" -gt "$MAX_MPF" ]; then
      row="$row skipped ($mpf MP-frames > --max-mpf) |"; continue
    fi
    say "render: $n frames at $z"
    rm -rf "$TMP/out"
    # shellcheck disable=SC2086  # args holds several words on purpose
    if /usr/bin/time -f '%M %U %S %e' -o "$TMP/time" "$MLANIM" render -q -f "$FORMATS" \
         --set trainer.steps=$((n - 1)) $args --limit megapixel-frames=1000000 \
         -o "$TMP/out" "$SCENE" >"$TMP/log" 2>&1; then
      read -r kib u s e <"$TMP/time"
      PEAK[$n,$z]=$kib
      row="$row $kib ($(printf "%.2f" "$(echo "$u + $s" | bc)") / $e) |"
    else
      say "render failed: $n frames at $z"; cat "$TMP/log" >&2; fail=1
      row="$row failed |"
    fi
  done
  printf '%s\n' "$row"
done

# Flatness: the peak at the most frames over the peak at the fewest, per size.
first=${FRAME_LIST[0]}; last=${FRAME_LIST[${#FRAME_LIST[@]}-1]}
printf '\n'
for z in "${SIZE_LIST[@]}"; do
  a=${PEAK[$first,$z]:-}; b=""
  for n in "${FRAME_LIST[@]}"; do [ -n "${PEAK[$n,$z]:-}" ] && b=${PEAK[$n,$z]} && last=$n; done
  if [ -n "$a" ] && [ -n "$b" ] && [ "$last" != "$first" ]; then
    printf -- '- %s: %s frames / %s frames = %sx\n' "$z" "$last" "$first" "$(printf "%.2f" "$(echo "scale=4; $b / $a" | bc)")"
  fi
done
exit $fail
