#!/usr/bin/env bash
# End-to-end test of the book in a real browser: a small book is built with
# `mlanim book` and tests/browser/book.test.mjs opens every page of it in
# Debian's chromium (playwright-core), from file:// and over HTTP from a
# sub-path, and checks what a reader would meet: no console errors or
# failed requests, nothing fetched from outside, images and videos that
# load, captions, links, search, the variants slider, formulas' labels; it
# saves light, dark and phone-width screenshots.
#
# usage: bash tests/e2e_book_browser.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
# The book, in a scratch project (book/ and scenes/ side by side): two
# chapters in two parts, with formulas, lessons placed in the prose, links
# between the pages and a prose image; scenes/kmeans-1d.yaml and
# scenes/activations-relu.yaml copied from the repository, and a tiny
# scene written here (320x180, 7 frames) with narration, so the captions
# are tested, and variants, so the slider is.
#
# Needs chromium, node and playwright-core (tools/install-browser-deps).
# Without them the test is skipped (exit 0), but not in CI (CI=true), where
# they are installed by tools/test and their absence is a failure.
# Screenshots stay in BINARY_DIR/book-browser-screenshots/ (or in
# $MLANIM_SCREENSHOTS when set); KEEP_SCRATCH=1 keeps the scratch project
# and its built site.
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_book_browser.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
if [ ! -x "$mlanim" ]; then
    echo "e2e_book_browser: '$mlanim' is not an executable" >&2
    exit 2
fi
repo=$PWD
test_js=$repo/tests/browser/book.test.mjs

missing=()
[ -x /usr/bin/chromium ] || missing+=("chromium (/usr/bin/chromium)")
command -v node >/dev/null || missing+=("node")
[ -f "$repo/tests/browser/node_modules/playwright-core/package.json" ] ||
    missing+=("playwright-core (tests/browser/node_modules)")
command -v python3 >/dev/null || missing+=("python3")
if [ ${#missing[@]} -gt 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL setup: CI=true and the browser test's dependencies are missing: ${missing[*]}" \
             "(tools/test runs tools/install-browser-deps)"
        exit 1
    fi
    echo "e2e_book_browser: skipped: not installed: ${missing[*]}; run tools/install-browser-deps"
    exit 0
fi

export NO_COLOR=1
export LC_ALL=C

tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
tmp_parent=$(cd "$tmp_parent" && pwd) || exit 2
scratch=$(mktemp -d "$tmp_parent/e2e_book_browser.XXXXXX") || {
    echo "e2e_book_browser: cannot create a scratch folder in '$tmp_parent'" >&2
    exit 2
}
shots=${MLANIM_SCREENSHOTS:-$tmp_parent/book-browser-screenshots}
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf -- "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$scratch/book" "$scratch/scenes" || exit 2

# ---- the book ------------------------------------------------------------------
cp scenes/kmeans-1d.yaml scenes/activations-relu.yaml "$scratch/scenes/" || exit 2

# 4 steps at 1 frame each, 5 records, + 0.4 s of hold at 5 fps: 7 frames;
# its two variants are as long.
cat >"$scratch/scenes/descent-rates.yaml" <<'EOF'
id: descent-rates
title: "Three learning rates on a parabola"
caption: >-
  Gradient descent on a parabola whose minimum is at 10, started at 0.
  The slider picks the learning rate; each value is its own animation.
narration: >-
  The ball starts at zero, far from the minimum at ten, and each step moves
  it downhill by the learning rate times the slope, $x \leftarrow x - \eta f'(x)$.
canvas: {width: 320, height: 180, fps: 5}
model: {kind: parabola, x0: 0, center: 10}
trainer: {kind: gd, learning_rate: 0.1, steps: 4}
frames: {per_step: 1, hold: 0.4}
variants: {trainer.learning_rate: [0.3, 0.9]}
outputs: {formats: [gif, mp4, png]}
panels: [{kind: descent, title: "step {step}"}]
EOF

cat >"$scratch/book/book.yaml" <<'EOF'
title: A small test book
subtitle: Three lessons, two chapters
authors: [The mlanim tests]
description: >-
  Built by tests/e2e_book_browser.sh and opened in a real browser.
intro: intro.md
parts:
  - title: "Part I: groups"
    chapters:
      - id: clusters
        title: Grouping numbers
        file: clusters.md
        scenes: [kmeans-1d]
  - title: "Part II: functions and rates"
    chapters:
      - id: functions
        title: "A bend, and three learning rates"
        file: functions.md
        scenes: [activations-relu, descent-rates]
EOF

cat >"$scratch/book/intro.md" <<'EOF'
This book is small on purpose: every page of it is opened in a browser,
from disk and from a web server. Start with [grouping numbers](clusters.html).
EOF

cat >"$scratch/book/clusters.md" <<'EOF'
## Two centroids

k-means puts each number with its nearest centroid $`c_j`$, then moves each
centroid to the mean of its numbers:

```math
c_j = \frac{1}{|S_j|}\sum_{x \in S_j} x
```

{{lesson kmeans-1d}}

The inertia is the sum of the squared distances, $`\sum_i (x_i - c_{j(i)})^2`$.
Its [lesson page](lessons/kmeans-1d.html) has the numbers at the end; the
[next chapter](functions.html) bends a line.
EOF

cat >"$scratch/book/functions.md" <<'EOF'
## A bend

```math
\operatorname{ReLU}(x) = \max(0, x)
```

{{lesson activations-relu}}

| input | output |
|---|---|
| $`-2`$ | 0 |
| 3 | 3 |

## Three learning rates

The last frame of the [k-means lesson](clusters.html#lesson-kmeans-1d), as a
picture:

![the k-means lesson's last frame](media/kmeans-1d/kmeans-1d.png)

The slider below the next lesson switches between its learning rates.
EOF

# ---- build it --------------------------------------------------------------------
start=$SECONDS
if ! "$mlanim" book -q -o "$scratch/out" "$scratch/book/book.yaml" >"$scratch/build.log" 2>&1; then
    echo "FAIL build: mlanim book exited non-zero:"
    sed 's/^/    /' "$scratch/build.log" | head -n 40
    echo "0 passed, 1 failed"
    exit 1
fi
echo "ok build: mlanim book, 3 lessons in $((SECONDS - start)) s"

# ---- open it ---------------------------------------------------------------------------
rm -rf -- "$shots"
node "$test_js" "$scratch/out/book" "$shots"
