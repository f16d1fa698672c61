#!/usr/bin/env bash
# Benchmark: mlanim vs the original book's way of making the neuron animation.
#
# Issue 13 asks every lesson to be at least 20x its original book's script at
# the original's size. For neuron-celsius the original ("Machine Learning,
# Animated", chapter 3, nn.gif: 1200x600, 80 frames at 170 ms) is a notebook
# that saves one matplotlib PNG per frame and joins them with imageio;
# bench/mpl_neuron.py rebuilds that script's method and figure (see its
# header). This runs it and `mlanim render -f gif scenes/neuron-celsius.yaml`
# (the same lesson, same size, frames and timing) in the same go, interleaved
# run by run so the noise of a shared machine falls on both alike, and
# reports medians of whole-process wall time and CPU time (user + sys of the
# process and its children), output sizes, frame counts and the ratios.
# Speed targets are checked here, never by timed unit tests.
#
# usage: bench/neuron.sh [--runs N] [--mlanim PATH]
# The table (Markdown) goes to stdout, progress to stderr.
# Exit status: 0 when both tools ran (even if the target is missed),
# 1 if a tool failed, 2 on a usage error or a missing dependency.
set -euo pipefail

TARGET=20   # issue 13: every lesson at least 20x its original book's script

die() { printf 'neuron.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/neuron.sh [--runs N] [--mlanim PATH]

Times mlanim (scenes/neuron-celsius.yaml, GIF) and a reconstruction of the
original book's matplotlib + imageio script (bench/mpl_neuron.py) on the
same 1200x600, 80-frame animation, interleaved, and prints a Markdown table
of median wall and CPU times, output sizes, frame counts and speed-ups.

  --runs N        runs of each tool; the median is reported (default 3)
  --mlanim PATH   the mlanim binary (default: build/mlanim in the repo root)
  -h, --help      show this help

Environment: PYTHON=/path/to/python3 picks the interpreter for matplotlib
(default: the first of python3 on PATH and /usr/bin/python3 that has
matplotlib, numpy, Pillow and imageio).
EOF
}

# ---- locations -------------------------------------------------------------
ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim

while [ $# -gt 0 ]; do
  case $1 in
    --runs)     [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --runs=*)   RUNS=${1#*=}; shift ;;
    --mlanim)   [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*) MLANIM=${1#*=}; shift ;;
    -h|--help)  usage; exit 0 ;;
    *)          usage >&2; die "unknown argument '$1'" ;;
  esac
done

bench_check_runs "$RUNS"

# Resolve a path given relative to the caller's directory.
MLANIM=$(bench_abs_cmd "$MLANIM")

SCENE=$ROOT/scenes/neuron-celsius.yaml
MPL=$ROOT/bench/mpl_neuron.py

# ---- dependencies ----------------------------------------------------------
PKGS="python3-matplotlib python3-pil python3-numpy python3-imageio ffmpeg"
missing=()

if [ ! -x "$MLANIM" ]; then
  die "mlanim not found at $MLANIM
build it first:
  cmake -S $ROOT -B $ROOT/build -DCMAKE_BUILD_TYPE=Release && cmake --build $ROOT/build -j2
or pass --mlanim PATH"
fi
[ -f "$SCENE" ] || die "scene not found: $SCENE"
[ -f "$MPL" ] || die "peer script not found: $MPL"

# An interpreter with matplotlib, Pillow, numpy and imageio (a pyenv/venv
# python3 on PATH often lacks them while the Debian one has them). imageio
# is not pulled in by python3-matplotlib: Debian 12 has it as python3-imageio
# (2.4.1, the legacy Pillow GIF writer the original book's GIFs came from).
PY=$(bench_find_python 'import matplotlib, numpy, PIL, imageio')
[ -n "$PY" ] || missing+=("python3 with matplotlib, numpy, Pillow and imageio (tried: ${PYTHON:+$PYTHON }python3 /usr/bin/python3)")
for tool in ffprobe awk; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
bench_require_none_missing "neuron.sh" "$PKGS" ${missing[@]+"${missing[@]}"}

# ---- scratch space -----------------------------------------------------------
bench_scratch

# Timer: whole-process wall time on a monotonic clock (perf_counter) and the
# CPU time (user + sys) of the child and everything it waited for; the
# timer's own interpreter start-up happens before the clock starts and is
# not in the child's CPU time.
cat > "$TMP/timeit.py" <<'PY'
import resource, subprocess, sys, time
log = open(sys.argv[1], "w")
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{dt:.4f} {ru.ru_utime + ru.ru_stime:.4f}")
sys.exit(rc)
PY

RESULTS=$TMP/results.tsv   # name <tab> run <tab> wall s <tab> cpu s
: > "$RESULTS"

# measure NAME RUN EXPECTED_FILE -- CMD...
# Runs CMD with @OUT@ replaced by a fresh output folder, checks that the
# expected file (relative to it) appeared, and records wall and CPU time.
measure() {
  local name=$1 run=$2 expect=$3; shift 3
  [ "$1" = "--" ] && shift
  local out=$TMP/out/$name
  rm -rf "$out"; mkdir -p "$out"
  local cmd=("${@//@OUT@/$out}")
  local log=$TMP/$name.$run.log t
  if ! t=$("$PY" "$TMP/timeit.py" "$log" "${cmd[@]}"); then
    say "neuron.sh: '$name' failed (run $run): ${cmd[*]}"
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  [ -s "$out/$expect" ] || { say "neuron.sh: '$name' wrote no $out/$expect"; tail -n 20 "$log" >&2 || true; exit 1; }
  local tw tc
  read -r tw tc <<< "$t"
  printf '%s\t%s\t%s\t%s\n' "$name" "$run" "$tw" "$tc" >> "$RESULTS"
  say "  run $run  $(printf '%-5s' "$name") wall $(printf '%7.3f' "$tw") s  cpu $(printf '%7.3f' "$tc") s"
}

# ---- header ----------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
mver=$("$MLANIM" --version 2>/dev/null | head -n1 || echo "?")
pyvers=$("$PY" -c 'import matplotlib, numpy, PIL, imageio; print(f"matplotlib {matplotlib.__version__}, numpy {numpy.__version__}, Pillow {PIL.__version__}, imageio {imageio.__version__}")' 2>/dev/null || echo "?")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

cat <<EOF
# neuron-celsius benchmark: mlanim vs the original book's script (matplotlib + imageio)

- date: $(date '+%Y-%m-%d %H:%M:%S %z')
- machine: $(uname -n), $(nproc) CPUs, $cpu, load average at start $load
- mlanim: $mver ($MLANIM, commit $commit): \`mlanim render -q -f gif -o TMP scenes/neuron-celsius.yaml\`
- original's way: \`$PY bench/mpl_neuron.py TMP\`: $pyvers
- runs: $RUNS, interleaved (the order alternates run by run); times are whole-process wall time (monotonic clock) and CPU time (user + sys, children included), median of the runs

EOF

say "neuron.sh: $RUNS run(s) of 2 measurements each, interleaved"

# ---- runs --------------------------------------------------------------------
# The pair runs back to back so both see the same load; the order alternates
# so neither always follows the other (caches, a neighbour's burst).
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) -eq 1 ]; then order="ours mpl"; else order="mpl ours"; fi
  for who in $order; do
    case $who in
      ours) measure ours "$run" neuron-celsius/neuron-celsius.gif -- \
              "$MLANIM" render -q -f gif -o @OUT@ "$SCENE" ;;
      mpl)  measure mpl "$run" nn.gif -- "$PY" "$MPL" @OUT@ ;;
    esac
  done
done

# ---- sizes, frame counts and timing (from the last run's outputs) ----------
probe() {   # FILE -> width <tab> height <tab> frames <tab> duration s
  local s d
  s=$(ffprobe -v error -count_frames -select_streams v:0 \
        -show_entries stream=width,height,nb_read_frames -of csv=p=0:s=, "$1" 2>/dev/null | head -n1 || true)
  d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" 2>/dev/null | head -n1 || true)
  printf '%s\t%s\n' "$(printf '%s' "$s" | tr , '\t')" "$d"
}
O=$TMP/out
INFO=$TMP/info.tsv   # key <tab> bytes <tab> width <tab> height <tab> frames <tab> duration
: > "$INFO"
for pair in ours:ours/neuron-celsius/neuron-celsius.gif mpl:mpl/nn.gif; do
  key=${pair%%:*}; f=$O/${pair#*:}
  printf '%s\t%s\t%s\n' "$key" "$(stat -c %s "$f")" "$(probe "$f")" >> "$INFO"
done

# The peer's own account of its CPU time by phase ("phase NAME S" lines).
PHASES=$TMP/phases.tsv   # run <tab> phase <tab> cpu s
: > "$PHASES"
for run in $(seq 1 "$RUNS"); do
  awk -v r="$run" '$1 == "phase" { printf "%s\t%s\t%s\n", r, $2, $3 }' "$TMP/mpl.$run.log" >> "$PHASES"
done

# ---- table -------------------------------------------------------------------
"$PY" - "$RESULTS" "$INFO" "$TARGET" "$PHASES" <<'PY'
import statistics, sys
res, info, target, phases = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
wall, cpu = {}, {}
for line in open(res):
    name, run, w, c = line.rstrip("\n").split("\t")
    wall.setdefault(name, []).append(float(w))
    cpu.setdefault(name, []).append(float(c))
meta = {}
for line in open(info):
    f = line.rstrip("\n").split("\t") + [""] * 6
    meta[f[0]] = f[1:6]
mw = {k: statistics.median(v) for k, v in wall.items()}
mc = {k: statistics.median(v) for k, v in cpu.items()}

def delay(m):   # mean frame delay in ms from the container's duration
    try:
        return f"{1000 * float(m[4]) / int(m[3]):.0f}"
    except (ValueError, ZeroDivisionError):
        return "?"

rows = [("mlanim", "ours"), ("original's way (matplotlib + imageio)", "mpl")]
print("| tool | median wall s | runs wall s | median CPU s | runs CPU s | bytes | px | frames | ms/frame |")
print("|---|--:|---|--:|---|--:|--:|--:|--:|")
for tool, k in rows:
    m = meta[k]
    print(f"| {tool} | {mw[k]:.3f} | {', '.join(f'{t:.2f}' for t in wall[k])} "
          f"| {mc[k]:.3f} | {', '.join(f'{t:.2f}' for t in cpu[k])} "
          f"| {int(m[0]):,} | {m[1] or '?'}x{m[2] or '?'} | {m[3] or '?'} | {delay(m)} |")
print()
rw = mw["mpl"] / mw["ours"]
rc = mc["mpl"] / mc["ours"]
# Per-run ratios (each run's pair ran back to back): their spread shows how
# much the load moved the result.
def per_run(d):
    return ", ".join(f"{p / o:.1f}" for p, o in zip(d["mpl"], d["ours"]))
print("| ratio (original's median / mlanim median) | value | per run |")
print("|---|--:|---|")
print(f"| speed-up, wall time | {rw:.1f}x | {per_run(wall)} |")
print(f"| speed-up, CPU time | {rc:.1f}x | {per_run(cpu)} |")
print(f"| size, mlanim bytes / original's bytes | {int(meta['ours'][0]) / int(meta['mpl'][0]):.2f} | |")
print()

# The original's CPU time by phase, median over the runs; "start-up" is the
# rest of the process's CPU time (interpreter, imports: matplotlib, numpy,
# PIL, imageio).
ph = {}
for line in open(phases):
    run, name, t = line.rstrip("\n").split("\t")
    ph.setdefault(name, {})[int(run)] = float(t)
labels = {"train": "gradient descent (numpy, 8000 iterations)",
          "figures": "80 figures: build, draw, plt.savefig PNG",
          "read": "PIL.Image.open + np.asarray",
          "gif": "imageio.mimsave (median cut per frame, LZW)"}
if ph:
    rest = []
    for i, c in enumerate(cpu["mpl"], 1):
        rest.append(c - sum(v.get(i, 0.0) for v in ph.values()))
    print("| original's way, phase | median CPU s | share |")
    print("|---|--:|--:|")
    for name in ("train", "figures", "read", "gif"):
        if name in ph:
            m = statistics.median(ph[name].values())
            print(f"| {labels[name]} | {m:.3f} | {100 * m / mc['mpl']:.0f} % |")
    m = statistics.median(rest)
    print(f"| start-up and the rest (interpreter, imports) | {m:.3f} | {100 * m / mc['mpl']:.0f} % |")
    print()
print(f"target {target:g}x vs the original's script: {'met' if rw >= target else 'MISSED'} "
      f"({rw:.1f}x wall, {rc:.1f}x CPU)")
PY
