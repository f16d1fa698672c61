#!/usr/bin/env bash
# Benchmark: mlanim vs its peers on the gd-line lesson (bench/gd-line.yaml:
# scenes/gd-line.yaml at one frame per step, as the peer draws it).
#
# Runs our tool and the peer baselines from the shared bench folder
# (mpl_gd_line.py: matplotlib + Pillow/ffmpeg; gnuplot_gd_line.sh: gnuplot's
# GIF terminal) in the same go, interleaved run by run so the noise of a
# shared machine falls on all of them alike, and reports the median wall time
# of each, the output sizes and frame counts, and the speed-up ratios.
# Speed targets are checked here, never by timed unit tests.
#
# usage: bench/gd_line.sh [--runs N] [--mlanim PATH] [--shared DIR]
# The table (Markdown) goes to stdout, progress to stderr.
# Exit status: 0 when every tool ran (even if the target is missed),
# 1 if a tool failed, 2 on a usage error or a missing dependency.
set -euo pipefail

TARGET=20   # issue 2: GIF+MP4 at least 20x faster than matplotlib GIF+MP4

die() { printf 'gd_line.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/gd_line.sh [--runs N] [--mlanim PATH] [--shared DIR]

Times mlanim and the peer baselines (matplotlib, gnuplot) on the gd-line
lesson, interleaved, and prints a Markdown table of median wall times,
output sizes, frame counts and speed-ups.

  --runs N        runs of each measurement; the median is reported (default 3)
  --mlanim PATH   the mlanim binary (default: build/mlanim in the repo root)
  --shared DIR    folder holding bench/mpl_gd_line.py and
                  bench/gnuplot_gd_line.sh (default: ../shared from the repo root)
  -h, --help      show this help

Environment: PYTHON=/path/to/python3 picks the interpreter for matplotlib
(default: the first of python3 on PATH and /usr/bin/python3 that has it).
EOF
}

# ---- locations -------------------------------------------------------------
ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim
SHARED=$ROOT/../shared

while [ $# -gt 0 ]; do
  case $1 in
    --runs)     [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --runs=*)   RUNS=${1#*=}; shift ;;
    --mlanim)   [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*) MLANIM=${1#*=}; shift ;;
    --shared)   [ $# -ge 2 ] || die "--shared needs a value"; SHARED=$2; shift 2 ;;
    --shared=*) SHARED=${1#*=}; shift ;;
    -h|--help)  usage; exit 0 ;;
    *)          usage >&2; die "unknown argument '$1'" ;;
  esac
done

bench_check_runs "$RUNS"

# Resolve paths given relative to the caller's directory.
MLANIM=$(bench_abs_cmd "$MLANIM")
case $SHARED in /*) ;; *) SHARED=$PWD/$SHARED ;; esac
# (the default SHARED is already absolute)

SCENE=$ROOT/bench/gd-line.yaml
MPL=$SHARED/bench/mpl_gd_line.py
GNUPLOT_SH=$SHARED/bench/gnuplot_gd_line.sh

# ---- dependencies ----------------------------------------------------------
PKGS="python3-matplotlib python3-pil python3-numpy gnuplot-nox ffmpeg"
missing=()

if [ ! -x "$MLANIM" ]; then
  die "mlanim not found at $MLANIM
build it first:
  cmake -S $ROOT -B $ROOT/build -DCMAKE_BUILD_TYPE=Release && cmake --build $ROOT/build -j2
or pass --mlanim PATH"
fi
[ -f "$SCENE" ] || die "scene not found: $SCENE"
[ -f "$MPL" ] || die "peer script not found: $MPL (pass --shared DIR, the folder holding bench/)"
[ -f "$GNUPLOT_SH" ] || die "peer script not found: $GNUPLOT_SH (pass --shared DIR, the folder holding bench/)"

# An interpreter with matplotlib, Pillow and numpy (a pyenv/venv python3 on
# PATH often lacks them while the Debian one has them).
PY=$(bench_find_python 'import matplotlib, numpy, PIL')
[ -n "$PY" ] || missing+=("python3 with matplotlib, numpy and Pillow (tried: ${PYTHON:+$PYTHON }python3 /usr/bin/python3)")
# gnuplot_gd_line.sh calls /usr/bin/python3 with numpy explicitly.
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 \
  || missing+=("/usr/bin/python3 with numpy (used by gnuplot_gd_line.sh)")
for tool in gnuplot ffmpeg ffprobe awk; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
bench_require_none_missing "gd_line.sh" "$PKGS" ${missing[@]+"${missing[@]}"}

# ---- scratch space -----------------------------------------------------------
bench_scratch

# Timer: whole-process wall time on a monotonic clock (perf_counter); the
# interpreter's own start-up happens before the clock starts.
cat > "$TMP/timeit.py" <<'PY'
import subprocess, sys, time
log = open(sys.argv[1], "w")
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
dt = time.perf_counter() - t
print(f"{dt:.4f}")
sys.exit(rc)
PY

RESULTS=$TMP/results.tsv   # name <tab> run <tab> seconds
: > "$RESULTS"

# measure NAME RUN EXPECTED_FILE... -- CMD...
# Runs CMD with @OUT@ replaced by a fresh output folder, checks that the
# expected files (relative to it) appeared, and records the wall time.
measure() {
  local name=$1 run=$2; shift 2
  local out=$TMP/out/$name
  local expect=()
  while [ "$1" != "--" ]; do expect+=("$1"); shift; done
  shift
  rm -rf "$out"; mkdir -p "$out"
  local cmd=("${@//@OUT@/$out}")
  local log=$TMP/$name.$run.log t
  if ! t=$("$PY" "$TMP/timeit.py" "$log" "${cmd[@]}"); then
    say "gd_line.sh: '$name' failed (run $run): ${cmd[*]}"
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  local f
  for f in "${expect[@]}"; do
    [ -s "$out/$f" ] || { say "gd_line.sh: '$name' wrote no $out/$f"; tail -n 20 "$log" >&2 || true; exit 1; }
  done
  printf '%s\t%s\t%s\n' "$name" "$run" "$t" >> "$RESULTS"
  say "  run $run  $(printf '%-15s' "$name") $(printf '%8.3f' "$t") s"
}

# ---- header ----------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
mver=$("$MLANIM" --version 2>/dev/null | head -n1 || echo "?")
mplver=$("$PY" -c 'import matplotlib; print(matplotlib.__version__)' 2>/dev/null || echo "?")
gpver=$(gnuplot --version 2>/dev/null | head -n1 || echo "?")
ffver=$(ffmpeg -version 2>/dev/null | awk 'NR==1{print $3}' || echo "?")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

cat <<EOF
# gd-line benchmark: mlanim vs matplotlib vs gnuplot

- date: $(date '+%Y-%m-%d %H:%M:%S %z')
- machine: $(uname -n), $(nproc) CPUs, $cpu, load average at start $load
- mlanim: $mver ($MLANIM, commit $commit)
- peers: matplotlib $mplver ($PY), $gpver, ffmpeg $ffver
- runs: $RUNS, interleaved; times are whole-process wall time (monotonic clock), median of the runs

EOF

say "gd_line.sh: $RUNS run(s) of 7 measurements each, interleaved"

# ---- runs --------------------------------------------------------------------
# Each comparison pair runs back to back, so both see the same load.
for run in $(seq 1 "$RUNS"); do
  measure ours_both   "$run" gd-line/gd-line.gif gd-line/gd-line.mp4 -- \
    "$MLANIM" render -q -f gif,mp4 -o @OUT@ "$SCENE"
  measure mpl_both    "$run" gd_line.gif gd_line.mp4 -- "$PY" "$MPL" @OUT@ both
  measure ours_gif    "$run" gd-line/gd-line.gif -- \
    "$MLANIM" render -q -f gif -o @OUT@ "$SCENE"
  measure mpl_gif     "$run" gd_line.gif -- "$PY" "$MPL" @OUT@ gif
  measure gnuplot_gif "$run" gd_line_gnuplot.gif -- sh "$GNUPLOT_SH" @OUT@
  measure ours_mp4    "$run" gd-line/gd-line.mp4 -- \
    "$MLANIM" render -q -f mp4 -o @OUT@ "$SCENE"
  measure mpl_mp4     "$run" gd_line.mp4 -- "$PY" "$MPL" @OUT@ mp4
done

# ---- sizes and frame counts (from the last run's outputs) -------------------
frames() {
  ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=nb_read_frames -of csv=p=0 "$1" 2>/dev/null | head -n1 || true
}
O=$TMP/out
INFO=$TMP/info.tsv   # key <tab> bytes <tab> frames
: > "$INFO"
for pair in \
  ours_gif:ours_both/gd-line/gd-line.gif ours_mp4:ours_both/gd-line/gd-line.mp4 \
  mpl_gif:mpl_both/gd_line.gif mpl_mp4:mpl_both/gd_line.mp4 \
  gnuplot_gif:gnuplot_gif/gd_line_gnuplot.gif; do
  key=${pair%%:*}; f=$O/${pair#*:}
  printf '%s\t%s\t%s\n' "$key" "$(stat -c %s "$f")" "$(frames "$f")" >> "$INFO"
done

# ---- table -------------------------------------------------------------------
"$PY" - "$RESULTS" "$INFO" "$TARGET" <<'PY'
import statistics, sys
res, info, target = sys.argv[1], sys.argv[2], float(sys.argv[3])
times = {}
for line in open(res):
    name, run, t = line.rstrip("\n").split("\t")
    times.setdefault(name, []).append(float(t))
meta = {}
for line in open(info):
    k, b, f = line.rstrip("\n").split("\t")
    meta[k] = (int(b), f or "?")
med = {k: statistics.median(v) for k, v in times.items()}

def size(*keys):
    return " + ".join(f"{meta[k][0]:,}" for k in keys)
def nframes(*keys):
    return " / ".join(meta[k][1] for k in keys)

rows = [  # label, tool, result key, output keys
    ("GIF+MP4", "mlanim", "ours_both", ("ours_gif", "ours_mp4")),
    ("GIF+MP4", "matplotlib", "mpl_both", ("mpl_gif", "mpl_mp4")),
    ("GIF", "mlanim", "ours_gif", ("ours_gif",)),
    ("GIF", "matplotlib", "mpl_gif", ("mpl_gif",)),
    ("GIF", "gnuplot", "gnuplot_gif", ("gnuplot_gif",)),
    ("MP4", "mlanim", "ours_mp4", ("ours_mp4",)),
    ("MP4", "matplotlib", "mpl_mp4", ("mpl_mp4",)),
]
print("| output | tool | median s | runs s | bytes (GIF + MP4) | frames |")
print("|---|---|--:|---|--:|--:|")
for label, tool, key, outs in rows:
    runs = ", ".join(f"{t:.2f}" for t in times[key])
    print(f"| {label} | {tool} | {med[key]:.3f} | {runs} | {size(*outs)} | {nframes(*outs)} |")
print()

ratios = [
    ("speed-up vs matplotlib (GIF+MP4)", "mpl_both", "ours_both"),
    ("speed-up vs matplotlib GIF", "mpl_gif", "ours_gif"),
    ("speed-up vs matplotlib MP4", "mpl_mp4", "ours_mp4"),
    ("speed-up vs gnuplot GIF", "gnuplot_gif", "ours_gif"),
]
print("| ratio (peer median / mlanim median) | value |")
print("|---|--:|")
for label, peer, ours in ratios:
    print(f"| {label} | {med[peer] / med[ours]:.1f}x |")
print()
r = med["mpl_both"] / med["ours_both"]
print(f"target {target:g}x vs matplotlib GIF+MP4: {'met' if r >= target else 'MISSED'} ({r:.1f}x)")
PY
