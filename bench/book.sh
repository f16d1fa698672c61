#!/usr/bin/env bash
# Timing of `mlanim book` on the bundled book (issue 10): a cold build (no
# outputs: every lesson rendered), a warm rebuild with nothing changed, a
# rebuild after one script changed, and one after one chapter's prose
# changed. Wall time of the whole process, medians of --runs runs (the warm
# ones), on a copy of the project so that output/ is never touched.
# Speed is checked here, never by timed unit tests.
#
# usage: bench/book.sh [--runs N] [--mlanim PATH] [-j N]
# The table (Markdown) goes to stdout, progress to stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=3
mlanim=$root/build/mlanim
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --mlanim) case $2 in /*) mlanim=$2 ;; *) mlanim=$PWD/$2 ;; esac; shift 2 ;;   # it cds
    -j) jobs=$2; shift 2 ;;
    *) echo "usage: bench/book.sh [--runs N] [--mlanim PATH] [-j N]" >&2; exit 2 ;;
  esac
done
[ -x "$mlanim" ] || { echo "book.sh: no mlanim at $mlanim (build it first)" >&2; exit 2; }
command -v bc >/dev/null || { echo "book.sh: needs bc (tools/install-deps --bench)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
cp -r "$root/book" "$root/scenes" "$root/assets" "$work"/
cd "$work"

now() { date +%s.%N; }
build() {   # build LABEL: prints seconds
  local t0 t1
  t0=$(now)
  "$mlanim" book -q -j "$jobs" -o out book/book.yaml >/dev/null 2>"$work/err" ||
    { echo "book.sh: the build failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "book.sh: cold build (every lesson) ..." >&2
cold=$(build)
warm=()
script=()
prose=()
for r in $(seq "$runs"); do
  echo "book.sh: run $r of $runs ..." >&2
  warm+=("$(build)")
  # one script changed: a comment line is enough to change its source key
  echo "# bench $r" >> scenes/kmeans-1d.yaml
  script+=("$(build)")
  echo "" >> book/part1/charts.md
  prose+=("$(build)")
done
n=$(ls out/book/lessons | wc -l)
printf '| build of the bundled book (%s lessons, -j %s) | seconds |\n|---|--:|\n' "$n" "$jobs"
printf '| cold: every lesson rendered | %.2f |\n' "$cold"
printf '| warm: nothing changed (median of %s) | %.3f |\n' "$runs" "$(printf '%s\n' "${warm[@]}" | median)"
printf '| one script changed: that lesson re-rendered (median) | %.3f |\n' "$(printf '%s\n' "${script[@]}" | median)"
printf '| one chapter'"'"'s prose changed: no lesson rendered (median) | %.3f |\n' "$(printf '%s\n' "${prose[@]}" | median)"
