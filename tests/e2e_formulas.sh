#!/usr/bin/env bash
# End-to-end test of formulas through the CLI: `mlanim formula` and the
# seed-002 formula scene.
#
# usage: bash tests/e2e_formulas.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
#   - `formula TEX -o F.svg` writes well-formed SVG (parsed as XML) with the
#     TeX as its aria-label and <title>, glyph outlines as one path, the
#     same bytes on every run; `-o F.png` a PNG whose size follows --size;
#     display style is taller than --inline for a \sum with limits;
#   - a formula error exits 2 with "1:COL: error:" and a caret under the
#     column, and leaves an existing output file untouched; bad options
#     exit 2;
#   - tests/scenes/formulas.yaml (every formula of seed 002, one per beat)
#     renders to a GIF ffmpeg decodes without a warning, with 10 distinct
#     pictures, each with ink in its formula row;
#   - a value template inside a formula ({w:.2f} in $...$) renders.
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_formulas.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
[ -x "$mlanim" ] || { echo "e2e_formulas: '$mlanim' is not an executable" >&2; exit 2; }
command -v python3 >/dev/null || { echo "FAIL setup: python3 is needed"; exit 1; }
command -v ffmpeg >/dev/null || { echo "FAIL setup: ffmpeg is needed"; exit 1; }
repo=$PWD

export NO_COLOR=1
export LC_ALL=C

tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
tmp_parent=$(cd "$tmp_parent" && pwd) || exit 2
scratch=$(mktemp -d "$tmp_parent/e2e_formulas.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$scratch" || exit 2

passed=0
failed=0
problems=()
check() {   # check WHAT COMMAND...: records a problem unless the command succeeds
    local what=$1
    shift
    if ! "$@"; then problems+=("$what"); fi
}
finish() {
    if [ ${#problems[@]} -eq 0 ]; then
        echo "ok $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        for p in "${problems[@]}"; do echo "    $p"; done
        failed=$((failed + 1))
    fi
    problems=()
}
py() { python3 -c "$@" 2>&1; }

# ---- formula -> SVG ----
tex='L = \frac{1}{n}\sum_{i=1}^{n}\bigl(\hat y_i - y_i\bigr)^2 < 1 \& "2"'
"$mlanim" formula "$tex" -o a.svg; rc=$?
check "formula -o a.svg exits 0 (got $rc)" test $rc -eq 0
"$mlanim" formula "$tex" -o b.svg
check "the same formula gives the same SVG bytes" cmp -s a.svg b.svg
out=$(py 'import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert t.tag == ns + "svg", t.tag
assert t.get("role") == "img"
print(t.get("aria-label"))
print(t.find(ns + "title").text)
paths = t.findall(ns + "path")
assert len(paths) == 1 and len(paths[0].get("d")) > 1000, "no outlines"
print("ok")' a.svg)
check "SVG is XML with the TeX as label and title: $out" \
    test "$out" = "$tex"$'\n'"$tex"$'\n'"ok"
"$mlanim" formula 'x' --color currentColor -o c.svg
check "--color currentColor fills with currentColor" grep -q 'fill="currentColor"' c.svg
finish "formula writes SVG"

# ---- formula -> PNG, display vs inline ----
"$mlanim" formula '\sum_{i=1}^{n} x_i' --size 40 -o d.png
"$mlanim" formula '\sum_{i=1}^{n} x_i' --size 40 --inline -o i.png
"$mlanim" formula '\sum_{i=1}^{n} x_i' --size 80 -o d2.png
size() { ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$1"; }
ds=$(size d.png); is=$(size i.png); d2=$(size d2.png)
check "PNGs decode ($ds, $is, $d2)" test -n "$ds" -a -n "$is" -a -n "$d2"
dh=${ds#*,}; ih=${is#*,}; dw=${ds%,*}; d2w=${d2%,*}
check "display ($ds) is taller than inline ($is): limits above and below" test "$dh" -gt $((ih + 10))
check "--size 80 doubles the width ($dw -> $d2w)" test $((d2w - 2 * dw)) -le 2 -a $((2 * dw - d2w)) -le 2
finish "formula writes PNG"

# ---- errors ----
echo keep > keep.svg
err=$("$mlanim" formula '\alpha + \mathscr{L}' -o keep.svg 2>&1); rc=$?
check "an unknown command exits 2 (got $rc)" test $rc -eq 2
check "the error names the column and the command: $err" \
    grep -q "^mlanim formula: 1:10: error: unknown command '\\\\mathscr' in formula" <<<"$err"
check "a caret sits under the column" grep -qx '           ^' <<<"$err"
check "the existing output is untouched" test "$(cat keep.svg)" = keep
"$mlanim" formula 'x' -o out.txt 2>/dev/null; rc=$?
check "-o out.txt exits 2 (got $rc)" test $rc -eq 2
"$mlanim" formula 2>/dev/null; rc=$?
check "no formula exits 2 (got $rc)" test $rc -eq 2
"$mlanim" formula 'x' --size 0 2>/dev/null; rc=$?
check "--size 0 exits 2 (got $rc)" test $rc -eq 2
check "no stray files" test "$(ls -A | sort | tr '\n' ' ')" = "a.svg b.svg c.svg d.png d2.png i.png keep.svg "
finish "formula errors"

# ---- the seed-002 scene ----
"$mlanim" render -q -f gif,png -o out "$repo/tests/scenes/formulas.yaml"; rc=$?
check "render formulas.yaml exits 0 (got $rc)" test $rc -eq 0
gif=out/formulas/formulas.gif
warn=$(ffmpeg -v warning -i "$gif" -f null - 2>&1)
check "ffmpeg decodes the GIF without a word: $warn" test -z "$warn"
# 10 beats of one still picture each: 10 distinct frames, each with ink in
# the middle (display formula) row of the 1280x720 canvas.
ffmpeg -v error -i "$gif" -vf "scale=320:180:flags=area,format=gray" -f rawvideo frames.raw
out=$(py 'import sys
raw = open(sys.argv[1], "rb").read()
w, h = 320, 180
frames = [raw[i:i + w * h] for i in range(0, len(raw), w * h)]
distinct = []
for f in frames:
    if f not in distinct:
        distinct.append(f)
inked = 0
for f in distinct:
    row = f[w * 60:w * 120]          # the middle third: the display formula
    if sum(1 for p in row if p < 200) > 60:
        inked += 1
print(len(distinct), inked)' frames.raw)
check "10 distinct pictures, all with a formula in the middle row (got: $out)" test "$out" = "10 10"
finish "the seed-002 formula scene renders"

# ---- a value template inside a formula ----
cat > tf.yaml <<'EOF'
id: tf
canvas: {width: 320, height: 180, fps: 10}
data: {kind: line, n: 10}
model: {kind: linear}
trainer: {kind: gd, learning_rate: 0.01, steps: 3}
frames: {per_step: 1}
panels:
  - kind: data-fit
    title: 'step {step}: $\hat y = {w:.2f}x + \frac{ {b:.1f} }{1}$'
EOF
"$mlanim" check tf.yaml >/dev/null; rc=$?
check "a template with fields inside a formula checks (got $rc)" test $rc -eq 0
"$mlanim" render -q -f png -o out tf.yaml; rc=$?
check "and renders (got $rc)" test $rc -eq 0 -a -s out/tf/tf.png
sed -i 's/{w:.2f}x/{v:.2f}x/' tf.yaml
err=$("$mlanim" check tf.yaml 2>&1)
check "an unknown value inside a formula is reported: $err" grep -q "unknown value 'v'" <<<"$err"
finish "value templates inside formulas"

echo "e2e_formulas: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
