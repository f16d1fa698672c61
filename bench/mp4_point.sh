#!/usr/bin/env bash
# Benchmark: which MP4 settings (x264 preset, CRF, tuning) to make the
# default, by measurement (issue 13). The target: at equal or better PSNR
# than matplotlib's MP4 of the same lesson (both against their own lossless
# frames) and equal or fewer bytes, the setting that costs the least CPU.
#
# For the gd-line lesson it runs the matplotlib peer
# (../shared/bench/mpl_gd_line.py) through bench/mpl_mp4_frames.py, which
# keeps the exact frames matplotlib piped into ffmpeg, and scores
# matplotlib's MP4 against them; it also times ffmpeg encoding those frames
# the way matplotlib asks it to (libx264, crf 23, yuv420p, preset medium).
# For every scene it renders our lossless frames once (`-f frames`), then
# for each setting of the grid renders `-f mp4 --set outputs.mp4....`,
# interleaved with `-f png` renders (which draw the same frames and write
# one PNG): the MP4's CPU cost is the median user+sys of the mp4 renders
# minus the median of the png renders. Each MP4 is scored (bytes, PSNR and
# SSIM over all frames, RGB, against our frames) and, on gd-line, marked
# when it meets the target. Other scenes have no peer: their tables give
# bytes and PSNR relative to a base setting (--base), to show the choice
# holds beyond one lesson.
#
# usage: bench/mp4_point.sh [options] [SCENE.yaml...]   (default bench/gd-line.yaml)
# Tables (Markdown) go to stdout, progress to stderr. Exit status: 0 when
# every tool ran (also when no setting meets the target: read the last
# line), 1 if a tool failed, 2 on a usage error or a missing dependency.
set -euo pipefail

die() { printf 'mp4_point.sh: %s\n' "$*" >&2; exit 2; }
fail() { printf 'mp4_point.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/mp4_point.sh [options] [SCENE.yaml...]

Encodes each scene's MP4 over a grid of x264 presets x CRFs (x tunings)
through mlanim, and reports bytes, PSNR, SSIM (dB, RGB, against the lossless
frames) and the MP4's CPU cost; on gd-line, against matplotlib's MP4.

  --runs N         timed renders per setting; medians are reported (default 3)
  --presets LIST   x264 presets (default: "ultrafast superfast veryfast faster fast medium")
  --crfs LIST      CRFs (default: "20 22 23 24 25 26")
  --tunes LIST     tunings, passed as outputs.mp4.tune (default: none passed,
                   the binary's default)
  --chromas LIST   chroma subsampling, outputs.mp4.chroma: 420 444 (default:
                   none passed, the binary's default)
  --base P:C[:T[:H]]  the setting other scenes are compared with (default
                   medium:20, preset:crf:tune:chroma, empty fields = default)
  --mlanim PATH    the mlanim binary (default: build/mlanim in the repo root)
  --shared DIR     folder holding bench/mpl_gd_line.py (default: ../shared)
  --no-peer        skip matplotlib even on gd-line
  --x264-alone     also time libx264 alone at each setting (ffmpeg on our frames
                   decoded once to raw RGB, minus the same pipeline without
                   the encoder): no drawing to subtract, so less noise
  -h, --help       show this help

Environment: PYTHON=/path/to/python3 picks the interpreter for matplotlib
(default: the first of python3 on PATH and /usr/bin/python3 that has it).
EOF
}

# ---- locations and options ---------------------------------------------------
ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim
SHARED=$ROOT/../shared
PRESETS="ultrafast superfast veryfast faster fast medium"
CRFS="20 22 23 24 25 26"
TUNES=""
CHROMAS=""
BASE="medium:20"
PEER=1
ALONE=0
SCENES=()

while [ $# -gt 0 ]; do
  case $1 in
    --runs)     [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --presets)  [ $# -ge 2 ] || die "--presets needs a value"; PRESETS=$2; shift 2 ;;
    --crfs)     [ $# -ge 2 ] || die "--crfs needs a value"; CRFS=$2; shift 2 ;;
    --tunes)    [ $# -ge 2 ] || die "--tunes needs a value"; TUNES=$2; shift 2 ;;
    --chromas)  [ $# -ge 2 ] || die "--chromas needs a value"; CHROMAS=$2; shift 2 ;;
    --base)     [ $# -ge 2 ] || die "--base needs a value"; BASE=$2; shift 2 ;;
    --mlanim)   [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --shared)   [ $# -ge 2 ] || die "--shared needs a value"; SHARED=$2; shift 2 ;;
    --no-peer)  PEER=0; shift ;;
    --x264-alone) ALONE=1; shift ;;
    -h|--help)  usage; exit 0 ;;
    -*)         usage >&2; die "unknown option '$1'" ;;
    *)          SCENES+=("$1"); shift ;;
  esac
done
bench_check_runs "$RUNS"
case $BASE in *:*) ;; *) die "--base must be PRESET:CRF[:TUNE[:CHROMA]], got '$BASE'" ;; esac
# Settings are "preset:crf:tune:chroma", an empty field meaning the binary's default.
full() { local p c t h; IFS=: read -r p c t h <<<"$1"; echo "$p:$c:$t:$h"; }
BASE=$(full "$BASE")
[ ${#SCENES[@]} -gt 0 ] || SCENES=("$ROOT/bench/gd-line.yaml")
MLANIM=$(bench_abs_cmd "$MLANIM")
case $SHARED in /*) ;; *) SHARED=$PWD/$SHARED ;; esac
for i in "${!SCENES[@]}"; do
  case ${SCENES[$i]} in /*) ;; *) SCENES[$i]=$PWD/${SCENES[$i]} ;; esac
  [ -f "${SCENES[$i]}" ] || die "no scene ${SCENES[$i]}"
done

# ---- dependencies --------------------------------------------------------------
[ -x "$MLANIM" ] || die "mlanim not found at $MLANIM
build it first:
  cmake -S $ROOT -B $ROOT/build -DCMAKE_BUILD_TYPE=Release && cmake --build $ROOT/build -j2
or pass --mlanim PATH"
for tool in ffmpeg ffprobe awk sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool: sudo apt-get install -y ffmpeg gawk coreutils"
done
[ -x /usr/bin/time ] || die "needs /usr/bin/time (user+sys CPU of each render): sudo apt-get install -y time"
MPL=$SHARED/bench/mpl_gd_line.py
PY=
if [ "$PEER" = 1 ]; then
  [ -f "$MPL" ] || die "peer script not found: $MPL (pass --shared DIR, or --no-peer)"
  PY=$(bench_find_python 'import matplotlib, numpy')
  [ -n "$PY" ] || die "needs python3 with matplotlib and numpy: sudo apt-get install -y python3-matplotlib python3-numpy"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mlanim-mp4point.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu LOG CMD...: runs CMD, prints its user+sys seconds (children included,
# as /usr/bin/time reports them); a failing CMD stops the script with its log.
cpu() {
  local log=$1; shift
  if ! /usr/bin/time -f '%U %S' -o "$log.time" "$@" >"$log" 2>&1; then
    say "mp4_point.sh: failed: $*"; tail -n 20 "$log" >&2; exit 1
  fi
  awk '{ printf "%.3f\n", $1 + $2 }' "$log.time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
  else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# score VIDEO REFERENCE-INPUT-ARGS...: "PSNR SSIM" in dB over all frames, RGB
# (both sides converted to planar RGB by ffmpeg, the video by its own colour
# tags), shortest of the two streams.
score() {
  local video=$1; shift
  local out
  out=$(ffmpeg -hide_banner -nostats -i "$video" "$@" -lavfi \
    "[0:v]format=gbrp,split[a1][a2];[1:v]format=gbrp,split[b1][b2];[a1][b1]psnr=shortest=1;[a2][b2]ssim=shortest=1" \
    -f null - 2>&1) || { say "mp4_point.sh: ffmpeg could not score $video"; say "$out"; exit 1; }
  local p s
  p=$(grep -o 'PSNR.*average:[0-9.inf]*' <<<"$out" | sed 's/.*average://')
  s=$(grep -o 'SSIM.*All:[0-9.]* ([0-9.inf]*)' <<<"$out" | sed 's/.*(\(.*\))/\1/')
  echo "$p $s"
}

# ---- header ------------------------------------------------------------------------
cpuname=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || uname -m)
x264ver=$(dpkg-query -W -f '${Version}' libx264-164 2>/dev/null || echo "?")
cat <<EOF
# MP4 settings by measurement

- date: $(date '+%Y-%m-%d %H:%M:%S %z')
- machine: $(uname -n), $(nproc) CPUs, $cpuname, load average at start $(cut -d' ' -f1-3 /proc/loadavg)
- mlanim: $("$MLANIM" --version | head -n1) ($MLANIM, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)$( [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] && echo ", modified")), libx264 $x264ver, ffmpeg $(ffmpeg -version | awk 'NR==1{print $3}')
- runs: $RUNS per setting, interleaved; CPU is user+sys of whole renders (drawing threads: mlanim's default), median of the runs; "MP4 CPU" is that minus the median of \`-f png\` renders of the same scene (they draw every frame and write one PNG)
- PSNR, SSIM: dB over every frame, RGB, against the encoder's own lossless input

EOF

# ---- the grid ------------------------------------------------------------------------
SETTINGS=()
for h in ${CHROMAS:-""}; do
  for p in $PRESETS; do
    for c in $CRFS; do
      for t in ${TUNES:-""}; do SETTINGS+=("$p:$c:$t:$h"); done
    done
  done
done
base_in_grid=0
for s in "${SETTINGS[@]}"; do [ "$s" = "$BASE" ] && base_in_grid=1; done
[ $base_in_grid = 1 ] || SETTINGS+=("$BASE")

# set_args SETTING: the --set arguments for "preset:crf:tune:chroma".
set_args() {
  local p c t h
  IFS=: read -r p c t h <<<"$1"
  [ -z "$p" ] || printf '%s\n' --set "outputs.mp4.preset=$p"
  [ -z "$c" ] || printf '%s\n' --set "outputs.mp4.crf=$c"
  [ -z "$t" ] || printf '%s\n' --set "outputs.mp4.tune=$t"
  [ -z "$h" ] || printf '%s\n' --set "outputs.mp4.chroma=$h"
}
label() { local p c t h; IFS=: read -r p c t h <<<"$1"; echo "$p crf $c, tune ${t:-default}, chroma ${h:-default}"; }

# ---- matplotlib's MP4 (gd-line only) ---------------------------------------------------
# The 4:2:0 ceiling: the PSNR of a lossless (crf 0) encode of the same frames
# through the same RGB -> YUV conversion. Below it, what a setting loses is
# the encoder's doing; the ceiling itself is the conversion's and the
# content's (thin saturated lines lose most in 4:2:0), and differs between
# matplotlib's frames and ours, hence the "loss" columns.
mpl_bytes= mpl_psnr= mpl_ssim= mpl_ceil=
peer_for() { [ "$PEER" = 1 ] && [ "$(sed -n 's/^id: *//p' "$1")" = gd-line ]; }
for scene in "${SCENES[@]}"; do peer_for "$scene" && need_peer=1; done
if [ "${need_peer:-0}" = 1 ]; then
  say "mp4_point.sh: matplotlib's MP4 and its frames ($MPL)"
  mkdir -p "$TMP/mpl" "$TMP/mpl_plain"
  "$PY" "$ROOT/bench/mpl_mp4_frames.py" "$MPL" "$TMP/mpl" >"$TMP/mpl.log" 2>&1 \
    || { tail -n 20 "$TMP/mpl.log" >&2; fail "matplotlib peer failed"; }
  read -r mw mh mfps mframes <"$TMP/mpl/mpl.rgba.txt"
  mpl_mp4=$TMP/mpl/gd_line.mp4
  [ -s "$mpl_mp4" ] || fail "matplotlib wrote no MP4"
  # The plain peer's MP4 must be the same file, or the wrapper changed it.
  "$PY" "$MPL" "$TMP/mpl_plain" mp4 >"$TMP/mpl_plain.log" 2>&1 \
    || { tail -n 20 "$TMP/mpl_plain.log" >&2; fail "matplotlib peer failed"; }
  if cmp -s "$mpl_mp4" "$TMP/mpl_plain/gd_line.mp4"; then same=identical; else same=DIFFERENT; fi
  mpl_bytes=$(stat -c %s "$mpl_mp4")
  RAW=(-f rawvideo -pix_fmt rgba -s "${mw}x${mh}" -framerate "$mfps" -i "$TMP/mpl/mpl.rgba")
  read -r mpl_psnr mpl_ssim <<<"$(score "$mpl_mp4" "${RAW[@]}")"
  ffmpeg -y -loglevel error "${RAW[@]}" -vcodec libx264 -pix_fmt yuv420p -crf 0 "$TMP/mpl0.mp4" \
    || fail "ffmpeg could not encode matplotlib's frames losslessly"
  read -r mpl_ceil _ <<<"$(score "$TMP/mpl0.mp4" "${RAW[@]}")"
  mpl_loss=$(awk -v a="$mpl_ceil" -v b="$mpl_psnr" 'BEGIN { printf "%.2f", a - b }')
  mplver=$("$PY" -c 'import matplotlib; print(matplotlib.__version__)')
fi

# ---- per scene ------------------------------------------------------------------------------
for scene in "${SCENES[@]}"; do
  id=$(sed -n 's/^id: *//p' "$scene")
  fps=$(sed -n 's/.*fps: *\([0-9./]*\).*/\1/p' "$scene" | head -1)
  say "mp4_point.sh: $id: lossless frames and 4:2:0 / 4:4:4 ceilings"
  "$MLANIM" render -q -f frames -o "$TMP/ref" "$scene" || fail "mlanim could not render $scene"
  nframes=$(ls "$TMP/ref/$id/frames" | wc -l)
  REF=(-framerate "$fps" -start_number 0 -i "$TMP/ref/$id/frames/%05d.png")
  declare -A ceil=()
  for h in 420 444; do
    rm -rf "$TMP/ceil"
    "$MLANIM" render -q -f mp4 --set outputs.mp4.crf=0 --set outputs.mp4.preset=ultrafast \
      --set outputs.mp4.chroma=$h -o "$TMP/ceil" "$scene" || fail "lossless MP4 of $scene failed"
    read -r ceil[$h] _ <<<"$(score "$(find "$TMP/ceil" -name '*.mp4' | head -1)" "${REF[@]}")"
  done
  if [ $ALONE = 1 ]; then
    IFS=, read -r fw fh < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height \
      -of csv=p=0 "$TMP/ref/$id/frames/00000.png")
    ffmpeg -y -loglevel error "${REF[@]}" -f rawvideo -pix_fmt bgra "$TMP/raw" \
      || fail "could not decode the frames of $id"
    RAWUS=(-f rawvideo -pix_fmt bgra -s "${fw}x${fh}" -framerate "$fps" -i "$TMP/raw")
  fi
  defchroma=$("$MLANIM" list format | awk '/^format mp4/ { m = 1 } m && $1 == "chroma" { print $NF; exit }')
  res=$TMP/$id.tsv; : >"$res"     # kind <tab> setting <tab> cpu
  with_peer=0; peer_for "$scene" && with_peer=1

  for run in $(seq 1 "$RUNS"); do
    say "mp4_point.sh: $id: run $run of $RUNS (${#SETTINGS[@]} settings)"
    prev=
    for s in "${SETTINGS[@]}"; do
      p=${s%%:*}
      # A png render before each preset's group, so the baseline sees the
      # same load as the renders it is subtracted from.
      if [ "$p" != "$prev" ]; then
        t=$(cpu "$TMP/log" "$MLANIM" render -q -f png -o "$TMP/png" "$scene")
        printf 'png\t-\t%s\n' "$t" >>"$res"
        if [ $with_peer = 1 ]; then
          t=$(cpu "$TMP/log" ffmpeg -y -loglevel error "${RAW[@]}" -vcodec libx264 \
                -pix_fmt yuv420p -crf 23 "$TMP/ffmpeg.mp4")
          printf 'ffmpeg\t-\t%s\n' "$t" >>"$res"
        fi
        prev=$p
      fi
      key=$(tr ':' '_' <<<"$s")
      if [ $ALONE = 1 ]; then
        # x264 as mlanim drives it: 2 frame threads, BT.709 limited range,
        # the same swscale flags; "none" tune means no -tune.
        IFS=: read -r ap ac at ah <<<"$s"
        ah=${ah:-$defchroma}; at=${at:-animation}
        conv=(-vf "scale=flags=bilinear+full_chroma_inp+accurate_rnd+bitexact:out_color_matrix=bt709:out_range=tv,format=yuv${ah}p")
        tune=(); [ "$at" = none ] || tune=(-tune "$at")
        t=$(cpu "$TMP/log" ffmpeg -y -loglevel error "${RAWUS[@]}" "${conv[@]}" -f null -)
        printf 'raw\t%s\t%s\n' "$s" "$t" >>"$res"
        t=$(cpu "$TMP/log" ffmpeg -y -loglevel error "${RAWUS[@]}" "${conv[@]}" -c:v libx264 \
              -preset "$ap" "${tune[@]}" -crf "$ac" -threads 2 "$TMP/alone.mp4")
        printf 'x264\t%s\t%s\n' "$s" "$t" >>"$res"
      fi
      mapfile -t sets < <(set_args "$s")
      rm -rf "$TMP/out/$key"
      t=$(cpu "$TMP/log" "$MLANIM" render -q -f mp4 "${sets[@]}" -o "$TMP/out/$key" "$scene")
      printf 'mp4\t%s\t%s\n' "$s" "$t" >>"$res"
      f=$(find "$TMP/out/$key" -name '*.mp4' | head -1)
      [ -s "$f" ] || fail "no MP4 from setting $s"
      hsh=$(sha256sum "$f" | cut -d' ' -f1)
      if [ "$run" = 1 ]; then
        echo "$hsh" >"$TMP/out/$key.sha"; cp "$f" "$TMP/out/$key.mp4"
      elif [ "$hsh" != "$(cat "$TMP/out/$key.sha")" ]; then
        fail "setting $s gave different bytes in run $run: not reproducible"
      fi
    done
  done

  png_cpu=$(awk -F'\t' '$1 == "png" { print $3 }' "$res" | median)
  say "mp4_point.sh: $id: scoring ${#SETTINGS[@]} MP4s"
  rows=$TMP/$id.rows; : >"$rows"  # setting bytes psnr ssim mp4cpu rendercpu loss
  for s in "${SETTINGS[@]}"; do
    key=$(tr ':' '_' <<<"$s")
    r=$(awk -F'\t' -v s="$s" '$1 == "mp4" && $2 == s { print $3 }' "$res" | median)
    read -r ps ss <<<"$(score "$TMP/out/$key.mp4" "${REF[@]}")"
    h=$(IFS=:; set -- $s; echo "${4:-$defchroma}")
    x=-
    if [ $ALONE = 1 ]; then
      x=$(awk -F'\t' -v s="$s" '$1 == "x264" && $2 == s { print $3 }' "$res" | median)
      y=$(awk -F'\t' -v s="$s" '$1 == "raw" && $2 == s { print $3 }' "$res" | median)
      x=$(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.3f", a - b }')
    fi
    printf '%s %s %s %s %s %s %s %s\n' "$s" "$(stat -c %s "$TMP/out/$key.mp4")" "$ps" "$ss" \
      "$(awk -v a="$r" -v b="$png_cpu" 'BEGIN { printf "%.3f", a - b }')" "$r" \
      "$(awk -v a="${ceil[$h]}" -v b="$ps" 'BEGIN { printf "%.2f", a - b }')" "$x" >>"$rows"
  done

  echo "## $id ($nframes frames, $(sed -n 's/^canvas: *{width: *\([0-9]*\), *height: *\([0-9]*\).*/\1x\2/p' "$scene"))"
  echo
  echo "- \`-f png\` render (the drawing, subtracted): $png_cpu CPU-s, median of $(grep -c '^png' "$res")."
  echo "- ceilings (lossless crf 0 through mlanim's RGB -> YUV conversion): 4:2:0 ${ceil[420]} dB, 4:4:4 ${ceil[444]} dB; \"loss\" = ceiling of the setting's chroma - PSNR."
  if [ $with_peer = 1 ]; then
    ff_cpu=$(awk -F'\t' '$1 == "ffmpeg" { print $3 }' "$res" | median)
    echo "- matplotlib $mplver: MP4 $mpl_bytes bytes, PSNR $mpl_psnr dB, SSIM $mpl_ssim dB over its $mframes frames (${mw}x${mh}); its 4:2:0 ceiling (ffmpeg's default conversion, crf 0) $mpl_ceil dB, so its loss is $mpl_loss dB. The wrapped peer's MP4 is $same to the plain peer's."
    echo "- ffmpeg encoding matplotlib's frames as it asks (libx264 medium, crf 23, yuv420p, threads auto): $ff_cpu CPU-s, median of $(grep -c '^ffmpeg' "$res")."
    echo "- meets: PSNR >= matplotlib's and bytes <= matplotlib's; meets (loss): loss <= matplotlib's and bytes <= matplotlib's."
    echo
    echo "| preset | crf | tune | chroma | bytes | x mpl | PSNR dB | vs mpl | loss dB | SSIM dB | MP4 CPU-s | render CPU-s | x264 alone CPU-s | meets | meets (loss) |"
    echo "|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|:-:|"
    awk -v mb="$mpl_bytes" -v mp="$mpl_psnr" -v ml="$mpl_loss" -v dh="$defchroma" '{
      split($1, k, ":"); t = k[3] == "" ? "default" : k[3]; h = k[4] == "" ? dh : k[4]
      ok = ($2 <= mb && $3 >= mp) ? "yes" : ""; okl = ($2 <= mb && $7 <= ml) ? "yes" : ""
      printf "| %s | %s | %s | %s | %d | %.3f | %.2f | %+.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |\n",
        k[1], k[2], t, h, $2, $2 / mb, $3, $3 - mp, $7, $4, $5, $6, $8, ok, okl }' "$rows"
    echo
    fastest() {   # AWK-CONDITION TITLE: the two cheapest rows meeting it
      local best s b ps ss c r l x
      local k=5; [ $ALONE = 0 ] || k=8     # the cheaper measure when there is one
      best=$(awk -v mb="$mpl_bytes" -v mp="$mpl_psnr" -v ml="$mpl_loss" "$1" "$rows" | sort -k$k,${k}g | head -2)
      if [ -z "$best" ]; then echo "- $2: **none**"; return; fi
      read -r s b ps ss c r l x <<<"$(head -1 <<<"$best")"
      echo "- $2: **$(label "$s")**, $b bytes, PSNR $ps dB (loss $l), MP4 $c CPU-s ($(awk -v a="$c" -v b="$ff_cpu" 'BEGIN { printf "%.2f", b / a }')x less than ffmpeg's on matplotlib's frames), x264 alone $x CPU-s"
      if [ "$(wc -l <<<"$best")" -gt 1 ]; then
        read -r s b ps ss c r l x <<<"$(tail -1 <<<"$best")"
        echo "  runner-up: $(label "$s"), $b bytes, PSNR $ps dB, MP4 $c CPU-s"
      fi
    }
    echo "Fastest settings meeting the target:"
    echo
    fastest '$2 <= mb && $3 >= mp' "PSNR >= $mpl_psnr dB, bytes <= $mpl_bytes"
    fastest '$2 <= mb && $7 <= ml' "loss <= $mpl_loss dB, bytes <= $mpl_bytes"
  else
    read -r _ bb bp _ bc _ _ _ < <(awk -v s="$BASE" '$1 == s' "$rows")
    echo "- compared with $(label "$BASE"): $bb bytes, PSNR $bp dB, MP4 $bc CPU-s."
    echo
    echo "| preset | crf | tune | chroma | bytes | x base | PSNR dB | vs base | loss dB | SSIM dB | MP4 CPU-s | x base | render CPU-s | x264 alone CPU-s |"
    echo "|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    awk -v bb="$bb" -v bp="$bp" -v bc="$bc" -v dh="$defchroma" '{
      split($1, k, ":"); t = k[3] == "" ? "default" : k[3]; h = k[4] == "" ? dh : k[4]
      printf "| %s | %s | %s | %s | %d | %.3f | %.2f | %+.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |\n",
        k[1], k[2], t, h, $2, $2 / bb, $3, $3 - bp, $7, $4, $5, (bc > 0 ? $5 / bc : 0), $6, $8 }' "$rows"
  fi
  echo
  unset ceil
done
