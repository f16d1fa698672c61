#!/usr/bin/env bash
# Benchmark: where a render's CPU goes (issue 13), so that "draw the static
# layers once" is decided by measurement. For each lesson, canvas size and
# format it renders under `perf record` (CPU-clock samples, every thread)
# and sorts the samples by what ran: cairo + pixman, text (pango, HarfBuzz,
# FreeType, fontconfig, GLib), our own drawing code (src/draw.c, text.c,
# panel/, math/), the encoders (FFmpeg's libraries, x264, libvpx, zlib/png,
# src/encode/), training, libm, libc, the kernel. Our static functions are
# told apart by the object file that defines them (nm over the build's .o
# files). It also lists the heaviest drawing symbols of each render.
#
# Sizes: "default" is the scene's canvas; "1080p" and "2160p" scale it
# (--scale) to about 1920x1080 and 3840x2160 pixels in area, at most 4x
# (the CLI's limit), with the frame and memory limits raised to fit.
#
# usage: bench/draw_share.sh [--mlanim PATH] [--sizes LIST] [--formats LIST] [SCENE...]
# Tables (Markdown) on stdout, progress on stderr.
# Exit status: 0 when every render ran; 1 if one failed; 2 on a usage error
# or a missing dependency (perf, python3).
set -euo pipefail

die() { printf 'draw_share.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

usage() {
  cat <<'EOF'
usage: bench/draw_share.sh [--mlanim PATH] [--sizes LIST] [--formats LIST] [SCENE...]

Profiles renders with perf and reports the share of CPU samples spent
drawing (cairo, pixman, pango and friends, our panel code) against
encoding and the rest, per lesson, size and format.

  --mlanim PATH    the binary (default build/mlanim; its build folder must
                   hold the object files, used to name our static functions)
  --sizes LIST     comma-separated among default,1080p,2160p (default: all)
  --formats LIST   comma-separated among gif,mp4 (default: gif,mp4); each is
                   its own render
  SCENE...         names as in scenes/NAME.yaml (default: gd-loss-surface
                   fit-the-line neuron-celsius charts-bar-race kmeans)
  -h, --help       show this help
EOF
}

ROOT=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$ROOT/bench/lib.sh"

MLANIM=$ROOT/build/mlanim
SIZES=default,1080p,2160p
FORMATS=gif,mp4
SCENES=()
while [ $# -gt 0 ]; do
  case $1 in
    --mlanim)    [ $# -ge 2 ] || die "--mlanim needs a value"; MLANIM=$2; shift 2 ;;
    --mlanim=*)  MLANIM=${1#*=}; shift ;;
    --sizes)     [ $# -ge 2 ] || die "--sizes needs a value"; SIZES=$2; shift 2 ;;
    --sizes=*)   SIZES=${1#*=}; shift ;;
    --formats)   [ $# -ge 2 ] || die "--formats needs a value"; FORMATS=$2; shift 2 ;;
    --formats=*) FORMATS=${1#*=}; shift ;;
    -h|--help)   usage; exit 0 ;;
    -*)          usage >&2; die "unknown option '$1'" ;;
    *)           SCENES+=("$1"); shift ;;
  esac
done
[ ${#SCENES[@]} -gt 0 ] || SCENES=(gd-loss-surface fit-the-line neuron-celsius charts-bar-race kmeans)
MLANIM=$(bench_abs_cmd "$MLANIM")

[ -x "$MLANIM" ] || die "mlanim not found at $MLANIM (build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2)"
command -v perf >/dev/null || die "perf is missing (Debian package linux-perf)"
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3) || die "python3 is missing"
OBJDIR=$(dirname "$MLANIM")/CMakeFiles
[ -d "$OBJDIR" ] || die "no object files under $OBJDIR (needed to name static functions)"
IFS=, read -ra SIZE_LIST <<<"$SIZES"
IFS=, read -ra FMT_LIST <<<"$FORMATS"
for z in "${SIZE_LIST[@]}"; do case $z in default|1080p|2160p) ;; *) die "unknown size '$z'" ;; esac; done
for f in "${FMT_LIST[@]}"; do case $f in gif|mp4) ;; *) die "unknown format '$f'" ;; esac; done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Symbol -> source file of ours, from every object file of the build.
for o in $(find "$OBJDIR" -name '*.o' -path '*mlanim*' ! -path '*test*'); do
  rel=${o#*.dir/}; rel=${rel%.o}
  nm --defined-only "$o" 2>/dev/null | awk -v f="$rel" '$2 ~ /^[tTwW]$/ {print $3 "\t" f}'
done >"$TMP/symfiles.tsv"

# The scale that brings a canvas to about a target area, at most 4.
scale_for() {  # scene target_pixels
  "$PY" - "$ROOT/scenes/$1.yaml" "$2" <<'EOF'
import re, sys, math
text = open(sys.argv[1]).read()
m = re.search(r'canvas:\s*\{[^}]*width:\s*(\d+)[^}]*height:\s*(\d+)', text)
w, h = (int(m.group(1)), int(m.group(2))) if m else (800, 450)
print('%.3f' % min(4.0, math.sqrt(float(sys.argv[2]) / (w * h))))
EOF
}

say "mlanim: $MLANIM ($("$MLANIM" --version 2>/dev/null | head -1))"
printf '# Drawing share of render CPU (%s, %s, %s cores, load %s)\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -n)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'Shares of perf CPU-clock samples (all threads). draw = cairo+pixman + text + ours.\n\n'
printf '| scene | size | canvas | fmt | CPU s | draw | cairo+pixman | text | ours (draw) | encode | train | libm | libc | kernel | other |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
: >"$TMP/top.md"
fail=0
for scene in "${SCENES[@]}"; do
  yaml=$ROOT/scenes/$scene.yaml
  [ -f "$yaml" ] || { say "skipping $scene: no $yaml"; continue; }
  for size in "${SIZE_LIST[@]}"; do
    case $size in
      default) scale=1 ;;
      1080p)   scale=$(scale_for "$scene" $((1920 * 1080))) ;;
      2160p)   scale=$(scale_for "$scene" $((3840 * 2160))) ;;
    esac
    for fmt in "${FMT_LIST[@]}"; do
      say "perf: $scene $size (scale $scale) $fmt"
      rm -rf "$TMP/out"
      if ! /usr/bin/time -f '%U %S' -o "$TMP/time" \
           perf record -q -F 499 -o "$TMP/perf.data" -- \
           "$MLANIM" render -q -f "$fmt" --scale "$scale" --limit megapixel-frames=1000000 \
           --limit memory-mb=4096 -o "$TMP/out" "$yaml" >"$TMP/log" 2>&1; then
        say "render failed: $scene $size $fmt"; cat "$TMP/log" >&2; fail=1; continue
      fi
      px=$("$PY" -c "import json,sys;m=json.load(open(sys.argv[1]));print('%sx%s, %s frames'%(m['width'],m['height'],m['frames']))" \
             "$TMP/out/$scene/manifest.json" 2>/dev/null || echo '?')
      perf report -i "$TMP/perf.data" --stdio --no-children --sort dso,sym -F overhead,dso,sym \
        -t '|' 2>/dev/null | grep -v '^#' | grep '|' >"$TMP/report" || true
      "$PY" - "$TMP/report" "$TMP/symfiles.tsv" "$scene" "$size" "$px" "$fmt" \
        "$(cat "$TMP/time")" "$TMP/top.md" <<'EOF'
import sys, collections
report, symfiles, scene, size, px, fmt, times, topfile = sys.argv[1:9]
owner = collections.defaultdict(set)
for line in open(symfiles):
    s, f = line.rstrip('\n').split('\t')
    owner[s].add(f)
def ours(sym):
    files = owner.get(sym, set())
    cats = set()
    for f in files:
        if f.startswith(('src/panel/', 'src/math/')) or f in ('src/draw.c', 'src/text.c', 'src/utf8.c'):
            cats.add('ours')
        elif f.startswith('src/encode/') or f in ('src/commit.c', 'src/frame.c'):
            cats.add('encode')
        elif f.startswith(('src/trainer/', 'src/model/', 'src/data/', 'src/env/')) or \
                f in ('src/regress.c', 'src/trace.c', 'src/rng.c'):
            cats.add('train')
        else:
            cats.add('other')
    return cats.pop() if len(cats) == 1 else 'other'
TEXT = ('libpango', 'libharfbuzz', 'libfreetype', 'libfontconfig', 'libglib', 'libgobject',
        'libfribidi', 'libthai', 'libdatrie', 'libgraphite', 'libexpat')
ENC = ('libx264', 'libx265', 'libav', 'libsw', 'libvpx', 'libdav1d', 'libz.', 'libpng',
       'libaom', 'libopus')
share = collections.Counter()
top = collections.Counter()
for line in open(report):
    parts = line.rstrip('\n').split('|')
    if len(parts) < 3:
        continue
    pct = float(parts[0].strip().rstrip('%') or 0)
    dso, sym = parts[1].strip(), parts[2].strip()
    name = sym[4:] if sym[:1] == '[' else sym
    if 'kernel' in dso:
        c = 'kernel'
    elif dso.startswith(('libcairo', 'libpixman')):
        c = 'cairo+pixman'
    elif dso.startswith(TEXT):
        c = 'text'
    elif dso.startswith(ENC):
        c = 'encode'
    elif dso.startswith('libm.') or dso.startswith('libm-'):
        c = 'libm'
    elif dso.startswith('libc.') or dso.startswith('libc-') or dso.startswith('ld-linux'):
        c = 'libc'
    elif dso == 'mlanim':
        c = ours(name)
    else:
        c = 'other'
    share[c] += pct
    if c in ('cairo+pixman', 'text', 'ours', 'libm'):
        # stripped libraries show addresses: count those by library
        top[(dso, dso if name.startswith('0x') else name)] += pct
u, s = times.split()
draw = share['cairo+pixman'] + share['text'] + share['ours']
cols = ['cairo+pixman', 'text', 'ours', 'encode', 'train', 'libm', 'libc', 'kernel', 'other']
print('| %s | %s | %s | %s | %.1f | **%.1f %%** | %s |' % (
    scene, size, px, fmt, float(u) + float(s), draw,
    ' | '.join('%.1f' % share[k] for k in cols)))
with open(topfile, 'a') as f:
    f.write('- %s %s %s: %s\n' % (scene, size, fmt, ', '.join(
        '%s %.1f' % (n, p) for (d, n), p in top.most_common(8))))
EOF
    done
  done
done
printf '\nHeaviest drawing symbols (and libm) per render, %% of samples:\n\n'
cat "$TMP/top.md"
exit $fail
