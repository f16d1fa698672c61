#!/usr/bin/env bash
# Benchmark and look: mlanim's own formula layout (`mlanim formula`) vs
# matplotlib mathtext on the formulas of bench/formulas.txt.
#
# First draws the side-by-side sheet (bench/formula_sheet.py ->
# bench/out/formula-sheet.png: mathtext dejavusans, mathtext cm, mlanim
# display, mlanim --inline, one row per formula, baselines aligned). Then
# times, interleaved run by run so the noise of a shared machine falls on
# both alike, the whole-process wall time of
#   - mlanim formula, one process per formula (display and --inline), PNG;
#   - mlanim formula --help, one process per formula (start-up alone);
#   - matplotlib mathtext (math_to_image, PNG), all formulas in one process
#     (dejavusans and cm), and one process per formula (dejavusans);
# and the CPU time (user + system) of those processes, and reports medians,
# per-formula costs and ratios.
# Speed is checked here, never by timed unit tests.
#
# usage: bench/formulas.sh [--runs N] [--mlanim PATH] [--formulas FILE]
#                          [--size PX] [--no-sheet]
# The table (Markdown) goes to stdout, progress to stderr.
# Exit status: 0 when every tool ran, 1 if a tool failed, 2 on a usage
# error or a missing dependency.
set -euo pipefail

die() { printf 'formulas.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/formulas.sh [--runs N] [--mlanim PATH] [--formulas FILE] [--size PX] [--no-sheet]

Draws bench/out/formula-sheet.png (bench/formula_sheet.py), then times
`mlanim formula` against matplotlib mathtext on the same formulas, PNG at
the same size, interleaved, and prints a Markdown table of median wall
times, per-formula costs and ratios.

  --runs N         runs of each measurement; the median is reported (default 3)
  --mlanim PATH    the mlanim binary (default: build/mlanim in the repo root)
  --formulas FILE  one TeX formula per line, # comments (default: bench/formulas.txt)
  --size PX        pixels per em for every renderer (default 40)
  --no-sheet       skip the sheet, only time
  -h, --help       show this help

Environment: PYTHON=/path/to/python3 picks the interpreter for matplotlib
(default: the first of python3 on PATH and /usr/bin/python3 that has
matplotlib, numpy and Pillow).
EOF
}

# ---- locations -------------------------------------------------------------
ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim
FORMULAS=$ROOT/bench/formulas.txt
SIZE=40
SHEET=1

while [ $# -gt 0 ]; do
  case $1 in
    --runs)       [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --runs=*)     RUNS=${1#*=}; shift ;;
    --mlanim)     [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*)   MLANIM=${1#*=}; shift ;;
    --formulas)   [ $# -ge 2 ] || die "--formulas needs a value"; FORMULAS=$2; shift 2 ;;
    --formulas=*) FORMULAS=${1#*=}; shift ;;
    --size)       [ $# -ge 2 ] || die "--size needs a value"; SIZE=$2; shift 2 ;;
    --size=*)     SIZE=${1#*=}; shift ;;
    --no-sheet)   SHEET=0; shift ;;
    -h|--help)    usage; exit 0 ;;
    *)            usage >&2; die "unknown argument '$1'" ;;
  esac
done

bench_check_runs "$RUNS"
case $SIZE in ''|*[!0-9]*) die "--size must be a positive integer, got '$SIZE'" ;; esac
[ "$SIZE" -ge 4 ] || die "--size must be at least 4"

# Resolve paths given relative to the caller's directory.
MLANIM=$(bench_abs_cmd "$MLANIM")
case $FORMULAS in /*) ;; *) FORMULAS=$PWD/$FORMULAS ;; esac

SHEET_PY=$ROOT/bench/formula_sheet.py
SHEET_OUT=$ROOT/bench/out/formula-sheet.png

# ---- dependencies ----------------------------------------------------------
PKGS="python3-matplotlib python3-pil python3-numpy"
missing=()

if [ ! -x "$MLANIM" ]; then
  die "mlanim not found at $MLANIM
build it first:
  cmake -S $ROOT -B $ROOT/build -DCMAKE_BUILD_TYPE=Release && cmake --build $ROOT/build -j2
or pass --mlanim PATH"
fi
[ -f "$FORMULAS" ] || die "formula list not found: $FORMULAS"
[ -f "$SHEET_PY" ] || die "sheet script not found: $SHEET_PY"

PY=$(bench_find_python 'import matplotlib, numpy, PIL')
[ -n "$PY" ] || missing+=("python3 with matplotlib, numpy and Pillow (tried: ${PYTHON:+$PYTHON }python3 /usr/bin/python3)")
command -v awk >/dev/null 2>&1 || missing+=("awk")
bench_require_none_missing "formulas.sh" "$PKGS" ${missing[@]+"${missing[@]}"}

# ---- scratch space -----------------------------------------------------------
bench_scratch

# ---- the sheet -----------------------------------------------------------------
if [ "$SHEET" = 1 ]; then
  say "formulas.sh: drawing the sheet"
  if ! "$PY" "$SHEET_PY" --mlanim "$MLANIM" --formulas "$FORMULAS" --size "$SIZE" \
       -o "$SHEET_OUT" 2> "$TMP/sheet.log"; then
    say "formulas.sh: the sheet failed:"; tail -n 20 "$TMP/sheet.log" >&2 || true; exit 1
  fi
  grep -v '^  line ' "$TMP/sheet.log" >&2 || true
fi

# ---- the timed set ------------------------------------------------------------
# The formulas mathtext can render in some spelling (formula_sheet.py's
# mapping); both tools are timed on exactly these.
SET=$TMP/set.tsv   # line <tab> TeX <tab> mathtext spelling
if ! "$PY" "$SHEET_PY" --list-timing --formulas "$FORMULAS" --size "$SIZE" > "$SET" 2> "$TMP/set.log"; then
  say "formulas.sh: listing the formulas failed:"; tail -n 20 "$TMP/set.log" >&2 || true; exit 1
fi
NALL=$(grep -cv '^[[:space:]]*\(#\|$\)' "$FORMULAS" || true)
K=$(wc -l < "$SET" | tr -d ' ')
[ "$K" -ge 1 ] || die "no formula of $FORMULAS renders with mathtext"
spelled=$(awk -F'\t' '$2 != $3' "$SET" | wc -l | tr -d ' ')

# Timers: whole-process wall time on a monotonic clock (perf_counter), and
# the CPU time (user + system) of the child processes, which a busy machine
# disturbs less; the timer's own start-up happens before the clock starts.
# Each prints "WALL<TAB>CPU".
#   timeit.py LOG CMD...                one process
#   timeloop.py LOG SET CMD...          one process per formula of SET, CMD
#                                       with @N@ (line) and @TEX@ replaced
cat > "$TMP/timeit.py" <<'PY'
import resource, subprocess, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
log = open(sys.argv[1], "w")
c, t = cpu(), time.perf_counter()
rc = subprocess.call(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
dt = time.perf_counter() - t
print(f"{dt:.4f}\t{cpu() - c:.4f}")
sys.exit(rc)
PY
cat > "$TMP/timeloop.py" <<'PY'
import resource, subprocess, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
log = open(sys.argv[1], "w")
todo = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
tmpl = sys.argv[3:]
def arg(tex):  # mlanim takes no "--": a leading "-" would read as an option
    return " " + tex if tex.startswith("-") else tex
cmds = [[a.replace("@N@", n).replace("@TEX@", arg(tex)) for a in tmpl] for n, tex, _ in todo]
c0, t = cpu(), time.perf_counter()
for c in cmds:
    rc = subprocess.call(c, stdout=log, stderr=subprocess.STDOUT)
    if rc != 0:
        log.write(f"failed ({rc}): {c}\n")
        sys.exit(rc)
print(f"{time.perf_counter() - t:.4f}\t{cpu() - c0:.4f}")
PY

RESULTS=$TMP/results.tsv   # name <tab> run <tab> wall seconds <tab> CPU seconds
: > "$RESULTS"

# measure NAME RUN PNGS TIMER ARGS... : runs the timer with @OUT@ replaced by
# a fresh output folder, checks that PNGS non-empty PNGs appeared there
# (0: none expected), records the wall time and keeps the log.
measure() {
  local name=$1 run=$2 pngs=$3 timer=$4; shift 4
  local out=$TMP/out/$name
  rm -rf "$out"; mkdir -p "$out"
  local cmd=("${@//@OUT@/$out}")
  local log=$TMP/$name.$run.log t
  if ! t=$("$PY" "$TMP/$timer" "$log" "${cmd[@]}"); then
    say "formulas.sh: '$name' failed (run $run): ${cmd[*]}"
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  if [ "$pngs" -gt 0 ]; then
    local got
    got=$(find "$out" -name '*.png' -size +0 | wc -l | tr -d ' ')
    if [ "$got" -ne "$pngs" ]; then
      say "formulas.sh: '$name' wrote $got of $pngs PNGs in $out"; tail -n 20 "$log" >&2 || true; exit 1
    fi
  fi
  printf '%s\t%s\t%s\n' "$name" "$run" "$t" >> "$RESULTS"
  local tab=$'\t'
  say "  run $run  $(printf '%-16s' "$name") $(printf '%8.3f' "${t%%"$tab"*}") s wall $(printf '%8.3f' "${t#*"$tab"}") s CPU"
}

# ---- header ----------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[ -n "$cpu" ] || cpu=$(uname -m)
# The commit, read from .git without running git.
commit="no commit"
if [ -f "$ROOT/.git/HEAD" ]; then
  head=$(cat "$ROOT/.git/HEAD")
  case $head in
    ref:\ *)
      ref=${head#ref: }
      if [ -f "$ROOT/.git/$ref" ]; then commit=$(cut -c1-7 "$ROOT/.git/$ref")
      elif [ -f "$ROOT/.git/packed-refs" ]; then
        commit=$(awk -v r="$ref" '$2 == r {print substr($1, 1, 7); exit}' "$ROOT/.git/packed-refs")
      fi ;;
    *) commit=${head:0:7} ;;
  esac
  [ -n "$commit" ] || commit="?"
fi
mver=$("$MLANIM" --version 2>/dev/null | head -n1 || echo "?")
mplver=$("$PY" -c 'import matplotlib; print(matplotlib.__version__)' 2>/dev/null || echo "?")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

cat <<EOF
# formula benchmark: mlanim formula vs matplotlib mathtext

- date: $(date '+%Y-%m-%d %H:%M:%S %z')
- machine: $(uname -n), $(nproc) CPUs, $cpu, load average at start $load
- mlanim: $mver ($MLANIM, commit $commit)
- peer: matplotlib $mplver mathtext, \`math_to_image\` to PNG ($PY)
- formulas: $K of the $NALL in ${FORMULAS#$ROOT/} (the ones mathtext can render; $spelled of them in a mathtext spelling), PNG at $SIZE px per em
- runs: $RUNS, interleaved; times are whole-process wall time (monotonic clock), median of the runs
EOF
[ "$SHEET" = 1 ] && printf -- '- sheet: %s\n' "${SHEET_OUT#$ROOT/}"
echo

say "formulas.sh: $RUNS run(s) of 6 measurements each over $K formulas, interleaved"

# ---- runs --------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
  measure ours_display "$run" "$K" timeloop.py "$SET" \
    "$MLANIM" formula --size "$SIZE" -o @OUT@/@N@.png @TEX@
  measure mpl_one      "$run" "$K" timeit.py \
    "$PY" "$SHEET_PY" --mathtext-png @OUT@ --spellings "$SET" --size "$SIZE" --fontset dejavusans
  measure ours_inline  "$run" "$K" timeloop.py "$SET" \
    "$MLANIM" formula --inline --size "$SIZE" -o @OUT@/@N@.png @TEX@
  measure mpl_one_cm   "$run" "$K" timeit.py \
    "$PY" "$SHEET_PY" --mathtext-png @OUT@ --spellings "$SET" --size "$SIZE" --fontset cm
  measure ours_help    "$run" 0 timeloop.py "$SET" \
    "$MLANIM" formula --help
  measure mpl_each     "$run" "$K" timeloop.py "$SET" \
    "$PY" "$SHEET_PY" --mathtext-png @OUT@ --spellings "$SET" --size "$SIZE" --fontset dejavusans --only @N@
done

# ---- sizes (from the last run's outputs) and mathtext's in-process times ----
INFO=$TMP/info.tsv   # name <tab> bytes
: > "$INFO"
for name in ours_display ours_inline mpl_one mpl_one_cm; do
  printf '%s\t%s\n' "$name" "$(find "$TMP/out/$name" -name '*.png' -printf '%s\n' | awk '{s+=$1} END {print s+0}')" >> "$INFO"
done
INPROC=$TMP/inproc.tsv   # name <tab> run <tab> summed in-process wall <tab> CPU seconds
: > "$INPROC"
for name in mpl_one mpl_one_cm; do
  for run in $(seq 1 "$RUNS"); do
    awk -F'\t' -v n="$name" -v r="$run" 'NF == 3 && $2 ~ /^[0-9.]+$/ && $3 ~ /^[0-9.]+$/ {w += $2; c += $3}
      END {printf "%s\t%s\t%.6f\t%.6f\n", n, r, w, c}' \
      "$TMP/$name.$run.log" >> "$INPROC"
  done
done

# ---- table -------------------------------------------------------------------
"$PY" - "$RESULTS" "$INFO" "$INPROC" "$K" <<'PY'
import statistics, sys
res, info, inproc, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
wall, cpu, iwall, icpu, size = {}, {}, {}, {}, {}
for line in open(res):
    name, run, w, c = line.rstrip("\n").split("\t")
    wall.setdefault(name, []).append(float(w))
    cpu.setdefault(name, []).append(float(c))
for line in open(inproc):
    name, run, w, c = line.rstrip("\n").split("\t")
    iwall.setdefault(name, []).append(float(w))
    icpu.setdefault(name, []).append(float(c))
for line in open(info):
    name, b = line.rstrip("\n").split("\t")
    size[name] = int(b)
med = lambda d: {n: statistics.median(v) for n, v in d.items()}
mw, mc, miw, mic = med(wall), med(cpu), med(iwall), med(icpu)

rows = [  # label, key
    ("mlanim formula (display), a process per formula", "ours_display"),
    ("mlanim formula --inline, a process per formula", "ours_inline"),
    ("mlanim formula --help, a process per formula (start-up only)", "ours_help"),
    ("matplotlib mathtext dejavusans, one process for all", "mpl_one"),
    ("matplotlib mathtext cm, one process for all", "mpl_one_cm"),
    ("matplotlib mathtext dejavusans, a process per formula", "mpl_each"),
]
print(f"| measurement ({k} formulas, PNG) | median wall s | runs wall s | wall ms / formula | median CPU s | CPU ms / formula | PNG bytes |")
print("|---|--:|---|--:|--:|--:|--:|")
for label, key in rows:
    runs = ", ".join(f"{t:.2f}" for t in wall[key])
    b = f"{size[key]:,}" if key in size else "-"
    print(f"| {label} | {mw[key]:.3f} | {runs} | {1000 * mw[key] / k:.1f} | {mc[key]:.3f} | "
          f"{1000 * mc[key] / k:.1f} | {b} |")
for label, key in [("mathtext dejavusans, in-process only (imports excluded)", "mpl_one"),
                   ("mathtext cm, in-process only (imports excluded)", "mpl_one_cm")]:
    runs = ", ".join(f"{t:.2f}" for t in iwall[key])
    print(f"| {label} | {miw[key]:.3f} | {runs} | {1000 * miw[key] / k:.1f} | {mic[key]:.3f} | "
          f"{1000 * mic[key] / k:.1f} | - |")
print()

def ratio(a, b):
    return f"{a / b:.1f}x" if b > 0 else "n/a"
ours_w, ours_c = mw["ours_display"], mc["ours_display"]
# What a formula costs beyond a bare start-up: the difference is small
# next to the noise of a busy machine, so it is taken between the fastest
# runs (the least disturbed), not the medians.
beyond_w = min(wall["ours_display"]) - min(wall["ours_help"])
beyond_c = min(cpu["ours_display"]) - min(cpu["ours_help"])
print("| ratio (peer / mlanim; above 1: mlanim faster) | wall | CPU |")
print("|---|--:|--:|")
print(f"| matplotlib one process for all / mlanim display (whole list) | "
      f"{ratio(mw['mpl_one'], ours_w)} | {ratio(mc['mpl_one'], ours_c)} |")
print(f"| matplotlib a process per formula / mlanim display | "
      f"{ratio(mw['mpl_each'], ours_w)} | {ratio(mc['mpl_each'], ours_c)} |")
print(f"| mathtext in-process only / mlanim whole process | "
      f"{ratio(miw['mpl_one'], ours_w)} | {ratio(mic['mpl_one'], ours_c)} |")
print(f"| mathtext in-process only / mlanim beyond start-up (display - --help, fastest runs) | "
      f"{ratio(miw['mpl_one'], beyond_w)} | {ratio(mic['mpl_one'], beyond_c)} |")
print()
def ms(x):
    return f"{1000 * x / k:.1f} ms" if x > 0 else "within noise"
print(f"per formula: mlanim {1000 * ours_w / k:.1f} ms wall / {1000 * ours_c / k:.1f} ms CPU "
      f"(whole process, display), of which beyond a bare start-up (fonts, layout, PNG; "
      f"fastest runs) "
      f"{ms(beyond_w)} wall / {ms(beyond_c)} CPU; matplotlib mathtext "
      f"{1000 * miw['mpl_one'] / k:.1f} ms wall / {1000 * mic['mpl_one'] / k:.1f} ms CPU in-process, "
      f"plus {mw['mpl_one'] - miw['mpl_one']:.2f} s start-up per process")
PY
