#!/usr/bin/env bash
# Benchmark: one mlanim binary against another on the same scenes, for a
# change meant to save work without changing output (issue 13's static
# layers). Renders each scene with A and B interleaved (A, B, A, B, ...),
# reports the median CPU seconds (user+sys) of each and B/A, and compares
# the output files of the last runs byte for byte (sha256).
#
# usage: bench/ab.sh --a PATH --b PATH [--runs N] [--formats LIST]
#                    [--scale F] [SCENE.yaml...]
# The table (Markdown) on stdout, progress on stderr.
# Exit status: 0 when every render ran and the outputs agree; 1 if a render
# failed or the outputs differ; 2 on a usage error.
set -euo pipefail

die() { printf 'ab.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/ab.sh --a PATH --b PATH [--runs N] [--formats LIST] [--scale F] [SCENE.yaml...]

Median CPU seconds of `mlanim render -q -f LIST --scale F` with binary A
and binary B, interleaved, and whether their outputs are the same bytes.
Default scenes: scenes/gd-loss-surface.yaml scenes/fit-the-line.yaml.

  --a PATH, --b PATH   the two binaries (Release builds)
  --runs N             renders per binary and scene (default 3)
  --formats LIST       passed to -f (default gif,mp4,png)
  --scale F            passed to --scale (default 1)
  -h, --help           show this help
EOF
}

ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

A=; B=; RUNS=3; FORMATS=gif,mp4,png; SCALE=1; SCENES=()
while [ $# -gt 0 ]; do
  case $1 in
    --a)         [ $# -ge 2 ] || die "--a needs a value"; A=$2; shift 2 ;;
    --b)         [ $# -ge 2 ] || die "--b needs a value"; B=$2; shift 2 ;;
    --runs)      [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift 2 ;;
    --formats)   [ $# -ge 2 ] || die "--formats needs a value"; FORMATS=$2; shift 2 ;;
    --scale)     [ $# -ge 2 ] || die "--scale needs a value"; SCALE=$2; shift 2 ;;
    -h|--help)   usage; exit 0 ;;
    -*)          usage >&2; die "unknown option '$1'" ;;
    *)           case $1 in /*) SCENES+=("$1") ;; *) SCENES+=("$PWD/$1") ;; esac; shift ;;
  esac
done
[ -n "$A" ] && [ -n "$B" ] || { usage >&2; die "--a and --b are required"; }
[ ${#SCENES[@]} -gt 0 ] || SCENES=("$ROOT/scenes/gd-loss-surface.yaml" "$ROOT/scenes/fit-the-line.yaml")
bench_check_runs "$RUNS"
for bin in "$A" "$B"; do [ -x "$bin" ] || die "no binary at $bin"; done
A=$(cd "$(dirname "$A")" && pwd)/$(basename "$A"); B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '# A/B render CPU (%s, %s, %s cores, load %s)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -n)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'A `%s`, B `%s`; `render -q -f %s --scale %s`; median CPU s (user+sys) of %s interleaved runs.\n\n' \
  "$A" "$B" "$FORMATS" "$SCALE" "$RUNS"
printf '| scene | A CPU s | B CPU s | B / A | A runs | B runs | outputs |\n|---|---|---|---|---|---|---|\n'
status=0
for scene in "${SCENES[@]}"; do
  name=$(basename "$scene" .yaml)
  : >"$TMP/a"; : >"$TMP/b"
  for r in $(seq "$RUNS"); do
    for side in a b; do
      bin=$A; [ $side = b ] && bin=$B
      say "render: $name $side run $r/$RUNS"
      rm -rf "$TMP/out$side"
      if ! /usr/bin/time -f '%U %S' -o "$TMP/time" "$bin" render -q -f "$FORMATS" --scale "$SCALE" \
           --limit megapixel-frames=1000000 -o "$TMP/out$side" "$scene" >"$TMP/log" 2>&1; then
        say "render failed: $side $scene"; cat "$TMP/log" >&2; exit 1
      fi
      read -r u s <"$TMP/time"
      echo "$u + $s" | bc >>"$TMP/$side"
    done
  done
  ma=$(median <"$TMP/a"); mb=$(median <"$TMP/b")
  sums() { (cd "$1" && find . -type f ! -name manifest.json ! -name '.*' -print0 | sort -z | xargs -0 sha256sum); }
  if cmp -s <(sums "$TMP/outa") <(sums "$TMP/outb"); then same="same bytes ($(sums "$TMP/outa" | wc -l) files)"
  else same=DIFFER; status=1; fi
  printf '| %s | %.2f | %.2f | %.3f | %s | %s | %s |\n' "$name" "$ma" "$mb" \
    "$(echo "scale=4; $mb / $ma" | bc)" "$(tr '\n' ' ' <"$TMP/a" | sed 's/ $//')" \
    "$(tr '\n' ' ' <"$TMP/b" | sed 's/ $//')" "$same"
done
exit $status
