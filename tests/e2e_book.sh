#!/usr/bin/env bash
# End-to-end test of `mlanim book` on a small scratch book: incremental,
# content-addressed renders, the site swapped in whole, safe pages.
#
# usage: bash tests/e2e_book.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
#   - a first build renders both lessons and writes the site; a second one
#     renders nothing and leaves the site byte for byte as it was;
#   - changing a chapter's prose renders nothing and changes that page;
#     changing one script renders that lesson only; --force renders all;
#   - the site is the same bytes with -j 1 and -j 2;
#   - a title "<script>alert(1)</script>" shows as text; no page holds the
#     build folder's absolute path; every link is relative;
#   - a lesson taken out of book.yaml leaves the site with it;
#   - an interrupted build (SIGINT) exits 130 and leaves the previous site;
#   - a mistake in book.yaml exits 2 at its line and column and builds
#     nothing.
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_book.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
[ -x "$mlanim" ] || { echo "e2e_book: '$mlanim' is not an executable" >&2; exit 2; }

export NO_COLOR=1
export LC_ALL=C

tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
tmp_parent=$(cd "$tmp_parent" && pwd) || exit 2
scratch=$(mktemp -d "$tmp_parent/e2e_book.XXXXXX") || exit 2
trap 'rm -rf -- "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$scratch" || exit 2

passed=0
failed=0
problems=()
check() {
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
# hash_tree DIR: one "hash path" line per file, sorted
hash_tree() { (cd "$1" && find . -type f -printf '%P\n' | sort | xargs -d '\n' sha256sum); }

mkdir -p book scenes
scene() {   # scene ID TITLE STEPS
    cat > "scenes/$1.yaml" <<EOF
id: $1
title: '$2'
caption: 'A line fitted to $1''s points, $\hat y = wx + b$.'
narration: ['The line starts flat.', 'It turns towards the points.']
canvas: {width: 160, height: 90, fps: 10}
data: {kind: line, n: 20}
model: {kind: linear}
trainer: {kind: gd, learning_rate: 0.02, steps: $3}
frames: {per_step: 1}
outputs: {formats: [gif, mp4, png]}
panels:
  - kind: data-fit
    title: 'step {step}'
EOF
}
scene alpha 'Alpha <script>alert(1)</script>' 10
scene beta 'Beta' 10
printf '## Fitting\n\nThe loss $`L = \\frac{1}{n}\\sum_i e_i^2`$ falls.\n\n{{lesson alpha}}\n\nMore.\n' > book/one.md
printf '## Two\n\nPlain prose.\n' > book/two.md
write_book() {   # the table of contents, with or without beta
    {
        echo "title: Test book"
        echo "parts:"
        echo "  - title: Part one"
        echo "    chapters:"
        echo "      - {id: one, title: One, file: one.md, scenes: [alpha]}"
        if [ "$1" = with-beta ]; then
            echo "      - {id: two, title: Two, file: two.md, scenes: [beta]}"
        else
            echo "      - {id: two, title: Two, file: two.md, scenes: [alpha2]}"
        fi
    } > book/book.yaml
}
write_book with-beta

# ---- first and second build ----
"$mlanim" book -o out book/book.yaml 2> log1; rc=$?
check "first build exits 0 (got $rc): $(tail -3 log1)" test $rc -eq 0
check "first build renders both lessons" grep -q "2 lessons, 2 rendered, 0 up to date" log1
for f in index.html one.html two.html lessons/alpha.html lessons/beta.html assets/book.css \
         assets/book.js assets/search-index.js media/alpha/alpha.mp4 media/alpha/alpha.gif \
         media/alpha/alpha.png media/alpha/alpha.trace.json media/alpha/alpha.vtt; do
    check "the site has $f" test -s "out/book/$f"
done
hash_tree out/book > site1
"$mlanim" book -o out book/book.yaml 2> log2; rc=$?
check "second build exits 0 (got $rc)" test $rc -eq 0
check "second build renders nothing: $(tail -1 log2)" grep -q "2 lessons, 0 rendered, 2 up to date" log2
hash_tree out/book > site2
check "and the site is the same bytes" cmp -s site1 site2
finish "a second build with nothing changed renders nothing"

# ---- what changes what ----
printf '## Two\n\nOther prose.\n' > book/two.md
"$mlanim" book -o out book/book.yaml 2> log3
check "changed prose renders no lesson: $(tail -1 log3)" grep -q "0 rendered, 2 up to date" log3
check "and the chapter says the new prose" grep -q "Other prose" out/book/two.html
sed -i 's/steps: 10/steps: 12/' scenes/beta.yaml
"$mlanim" book -o out book/book.yaml 2> log4
check "a changed script renders that lesson only: $(tail -1 log4)" grep -q "1 rendered, 1 up to date" log4
check "the one rendered is beta" grep -q "rendered beta" log4
"$mlanim" book --force -o out book/book.yaml 2> log5
check "--force renders all: $(tail -1 log5)" grep -q "2 rendered, 0 up to date" log5
finish "prose, a script and --force each re-render what they should"

# ---- -j does not change the bytes ----
"$mlanim" book -j 1 -o j1 book/book.yaml 2>/dev/null
"$mlanim" book -j 2 -o j2 book/book.yaml 2>/dev/null
hash_tree j1/book > hj1
hash_tree j2/book > hj2
check "the site with -j 1 and -j 2 is the same bytes" cmp -s hj1 hj2
finish "the site does not depend on -j"

# ---- safe pages ----
check "the title's <script> never reaches a page as markup" \
    bash -c '! grep -rq "<script>alert" out/book'
check "it shows as text" grep -q "Alpha &lt;script&gt;alert(1)&lt;/script&gt;" out/book/lessons/alpha.html
check "no page holds the build folder's path" bash -c "! grep -rqF '$scratch' out/book"
check "no absolute or outside link" \
    bash -c "! grep -rhoE '(href|src)=\"(/|[a-z]+:)[^\"]*' out/book --include=*.html | grep -vE '(src|href)=\"data:'"
check "the formula is inline SVG with its TeX as label" \
    grep -qF 'aria-label="L = \frac{1}{n}\sum_i e_i^2"' out/book/one.html
check "the lesson is placed where the prose says" \
    bash -c "grep -n 'lesson-alpha\|More\.' out/book/one.html | head -1 | grep -q lesson-alpha"
check "captions are a data: URL track" grep -q 'track kind="captions".*src="data:text/vtt;base64,' out/book/one.html
check "the .vtt is strict WebVTT" bash -c "head -1 out/book/media/alpha/alpha.vtt | grep -qx WEBVTT && grep -qE '^00:00:00\.000 --> 00:00:[0-9]{2}\.[0-9]{3}$' out/book/media/alpha/alpha.vtt"
finish "pages are escaped, relative and self-contained"

# ---- a lesson taken out ----
cp scenes/beta.yaml scenes/alpha2.yaml
sed -i 's/^id: beta/id: alpha2/' scenes/alpha2.yaml
write_book without-beta
"$mlanim" book -o out book/book.yaml 2> log6; rc=$?
check "the build without beta exits 0 (got $rc): $(tail -2 log6)" test $rc -eq 0
check "beta's page is gone" test ! -e out/book/lessons/beta.html
check "beta's media are gone" test ! -e out/book/media/beta
check "alpha2's page is there" test -s out/book/lessons/alpha2.html
check "no link to beta is left" bash -c '! grep -rqE "beta\.html|media/beta/" out/book'
finish "a lesson taken out of book.yaml leaves the site"

# ---- interrupted ----
hash_tree out/book > before
# Long enough to be still rendering when the signal comes (a tiny canvas of
# pictures that settle would be done in time: held pictures cost little).
sed -i 's/steps: 12/steps: 3000/; s/width: 160, height: 90/width: 1280, height: 720/' scenes/alpha2.yaml
"$mlanim" book -q -o out book/book.yaml 2> log7 &
pid=$!
sleep 1.5
kill -INT $pid
t0=$(date +%s)
wait $pid; rc=$?
waited=$(( $(date +%s) - t0 ))
check "an interrupted build exits 130 (got $rc)" test $rc -eq 130
# A kill reaches only the book, not its renders: it must tell them, not wait
# for them to finish (this one would take half a minute).
check "and stops its renders at once (took ${waited} s)" test $waited -le 5
check "and leaves no render running" \
    bash -c "! pgrep -f -- '[r]ender .*alpha2[.]yaml' > /dev/null"
hash_tree out/book > after
check "and leaves the previous site as it was" cmp -s before after
check "and no staging folder behind" bash -c '! ls -a out | grep -q "^\.mlanim-stage"'
finish "an interrupted build leaves the previous site"

# ---- a mistake in book.yaml ----
sed -i 's/scenes: \[alpha\]/scenes: [alpah]/' book/book.yaml
"$mlanim" book -o out book/book.yaml 2> log8; rc=$?
check "a bad book exits 2 (got $rc)" test $rc -eq 2
check "at its line and column, with a suggestion: $(head -1 log8)" \
    grep -q "book/book.yaml:5:54: error: unknown scene 'alpah': .* (did you mean 'alpha'?)" log8
check "and says nothing was built" grep -q "nothing built" log8
hash_tree out/book > after2
check "the site is untouched" cmp -s before after2
finish "book.yaml errors are located and build nothing"

echo "e2e_book: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
