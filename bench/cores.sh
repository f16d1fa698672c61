#!/usr/bin/env bash
# Benchmark: how well a single scene's render uses the cores (issue 13:
# "both cores busy"), and that the thread count never changes a byte.
# For each scene it times `mlanim render -q -f gif,mp4` at -j1 and -j2,
# interleaved run by run (j1, j2, j1, j2, ...) so that load falls on both
# alike, and reports the medians of CPU seconds (user+sys), wall seconds,
# CPU/wall (the cores kept busy on average: 2.0 is both, all the time) and
# the wall speed-up of -j2 over -j1. Then it renders at -j1, -j2 and -j4
# once more and compares the sha256 of every output file.
#
# usage: bench/cores.sh [--runs N] [--mlanim PATH] [SCENE.yaml...]
# The tables (Markdown) on stdout, progress on stderr.
# Exit status: 0 when every render ran and the bytes agree; 1 if a render
# failed or the outputs differ between thread counts; 2 on a usage error.
set -euo pipefail

die() { printf 'cores.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/cores.sh [--runs N] [--mlanim PATH] [SCENE.yaml...]

CPU seconds / wall seconds of `mlanim render -f gif,mp4` at -j1 and -j2
(medians of --runs, interleaved) and a check that the output bytes are the
same at -j1, -j2 and -j4, for bench/gd-line.yaml and
scenes/neuron-celsius.yaml (or the scene files given).

  --runs N         timed renders per thread count (default 3)
  --mlanim PATH    the binary (default build/mlanim)
  --formats LIST   passed to -f (default gif,mp4)
  -h, --help       show this help
EOF
}

ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

RUNS=3
MLANIM=$ROOT/build/mlanim
FORMATS=gif,mp4
SCENES=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs)      [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --runs=*)    RUNS=${1#*=}; shift ;;
    --mlanim)    [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*)  MLANIM=${1#*=}; shift ;;
    --formats)   [ $# -ge 2 ] || die "--formats needs a value"; FORMATS=$2; shift 2 ;;
    --formats=*) FORMATS=${1#*=}; shift ;;
    -h|--help)   usage; exit 0 ;;
    -*)          usage >&2; die "unknown option '$1'" ;;
    *)           case $1 in /*) SCENES+=("$1") ;; *) SCENES+=("$PWD/$1") ;; esac; shift ;;
  esac
done
[ ${#SCENES[@]} -gt 0 ] || SCENES=("$ROOT/bench/gd-line.yaml" "$ROOT/scenes/neuron-celsius.yaml")
bench_check_runs "$RUNS"
MLANIM=$(bench_abs_cmd "$MLANIM")
[ -x "$MLANIM" ] || die "mlanim not found at $MLANIM (build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time)"
for s in "${SCENES[@]}"; do [ -f "$s" ] || die "no scene file $s"; done
command -v sha256sum >/dev/null || die "sha256sum is missing (coreutils)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# render JOBS OUTDIR SCENE: one render, its "cpu wall" appended to TMP/t.JOBS.
render() {
  rm -rf "$2"
  if ! /usr/bin/time -f '%U %S %e' -o "$TMP/time" "$MLANIM" render -q -j "$1" -f "$FORMATS" \
       -o "$2" "$3" >"$TMP/log" 2>&1; then
    say "render failed: -j$1 $3"; cat "$TMP/log" >&2; exit 1
  fi
  read -r u s e <"$TMP/time"
  echo "$(echo "$u + $s" | bc) $e" >>"$TMP/t.$1"
}

printf '# Cores of one scene (%s, %s, %s cores, load %s)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -n)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '`%s`, `render -q -f %s`, medians of %s interleaved runs; CPU = user+sys seconds.\n\n' \
  "$("$MLANIM" --version 2>/dev/null | head -1)" "$FORMATS" "$RUNS"
printf '| scene | -j | CPU s | wall s | CPU/wall | wall -j1 / -j2 | wall of each run |\n'
printf '|---|---|---|---|---|---|---|\n'
: >"$TMP/bytes.md"
status=0
for scene in "${SCENES[@]}"; do
  name=$(basename "$scene" .yaml)
  rm -f "$TMP"/t.*
  for r in $(seq "$RUNS"); do
    for j in 1 2; do
      say "render: $name -j$j run $r/$RUNS"
      render "$j" "$TMP/out" "$scene"
    done
  done
  w1=$(cut -d' ' -f2 "$TMP/t.1" | median)
  for j in 1 2; do
    cpu=$(cut -d' ' -f1 "$TMP/t.$j" | median)
    wall=$(cut -d' ' -f2 "$TMP/t.$j" | median)
    all=$(cut -d' ' -f2 "$TMP/t.$j" | tr '\n' ' ' | sed 's/ $//')
    sp=$( [ "$j" = 2 ] && printf '%.2fx' "$(echo "scale=4; $w1 / $wall" | bc)" || echo '')
    printf '| %s | %s | %.2f | %.2f | %.2f | %s | %s |\n' "$name" "$j" "$cpu" "$wall" \
      "$(echo "scale=4; $cpu / $wall" | bc)" "$sp" "$all"
  done

  # The same bytes whatever -j: every output file (not the manifest, which
  # names the files it describes and would be compared through them).
  for j in 1 2 4; do
    say "render: $name -j$j for the bytes"
    render "$j" "$TMP/bytes$j" "$scene"
    (cd "$TMP/bytes$j" && find . -type f ! -name manifest.json ! -name '.*' -print0 | sort -z |
       xargs -0 sha256sum) >"$TMP/sum$j"
  done
  for f in $(awk '{print $2}' "$TMP/sum1"); do
    h1=$(awk -v f="$f" '$2 == f {print $1}' "$TMP/sum1")
    h2=$(awk -v f="$f" '$2 == f {print $1}' "$TMP/sum2")
    h4=$(awk -v f="$f" '$2 == f {print $1}' "$TMP/sum4")
    if [ "$h1" = "$h2" ] && [ "$h1" = "$h4" ]; then verdict=identical; else verdict=DIFFER; status=1; fi
    printf '| %s | %s | %s | %s |\n' "$name" "${f#./}" "${h1:0:16}" "$verdict" >>"$TMP/bytes.md"
  done
  if ! cmp -s <(awk '{print $2}' "$TMP/sum1") <(awk '{print $2}' "$TMP/sum4"); then
    printf '| %s | (the files made differ) | | DIFFER |\n' "$name" >>"$TMP/bytes.md"; status=1
  fi
done
printf '\nOutput bytes at -j1, -j2, -j4 (sha256, first 16 hex digits of -j1):\n\n'
printf '| scene | file | sha256 | -j1 = -j2 = -j4 |\n|---|---|---|---|\n'
cat "$TMP/bytes.md"
exit $status
