#!/usr/bin/env bash
# End-to-end test of how mlanim rejects invalid scene scripts.
#
# usage: bash tests/e2e_invalid.sh PATH_TO_MLANIM BINARY_DIR   (cwd = repo root)
#
# Every tests/invalid/NAME.yaml is a scene script with one or more mistakes;
# tests/invalid/NAME.expect holds exactly the lines `mlanim check` must print
# to stderr for it, in order, without the final summary line. For each case:
#   - `mlanim check tests/invalid/NAME.yaml` exits 2, prints nothing on
#     stdout, prints the expected lines on stderr followed by the summary
#     "mlanim: N error(s)" (N = the "error:" lines expected), creates no file;
#   - `mlanim render -o OUT tests/invalid/NAME.yaml` exits 2, prints nothing
#     on stdout, prints the same lines followed by
#     "mlanim: N error(s); nothing rendered", and leaves OUT empty and every
#     other folder untouched.
# The runs happen in a scratch copy of tests/invalid (same relative paths, so
# the messages read "tests/invalid/NAME.yaml:L:C: ...") so that any file the
# tool creates, wherever relative to its cwd, is noticed.
#
# To regenerate every .expect from what the tool prints now (after changing a
# message on purpose), run from the repo root:
#     bash tests/e2e_invalid.sh --update build/mlanim
# then read `git diff tests/invalid` line by line before committing: each
# expectation is a claim that the message is right.
set -u

if [ "${1:-}" = "--update" ]; then
    shift
    [ $# -ge 1 ] || { echo "usage: bash tests/e2e_invalid.sh --update PATH_TO_MLANIM" >&2; exit 2; }
    for f in tests/invalid/*.yaml; do
        NO_COLOR=1 LC_ALL=C "$1" check "$f" 2>&1 >/dev/null | sed '$d' > "${f%.yaml}.expect"
    done
    echo "updated $(ls tests/invalid/*.yaml | wc -l) expectations; review: git diff tests/invalid"
    exit 0
fi

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_invalid.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
if [ ! -x "$mlanim" ]; then
    echo "e2e_invalid: '$mlanim' is not an executable" >&2
    exit 2
fi
src_dir="$PWD/tests/invalid"
if [ ! -d "$src_dir" ]; then
    echo "e2e_invalid: no tests/invalid under '$PWD' (run from the repo root)" >&2
    exit 2
fi

export NO_COLOR=1
export LC_ALL=C

# Scratch space: in the build tree when we have one, else the system's.
tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
tmp_parent=$(cd "$tmp_parent" && pwd) || exit 2      # absolute: runs cd elsewhere
scratch=$(mktemp -d "$tmp_parent/e2e_invalid.XXXXXX") || {
    echo "e2e_invalid: cannot create a scratch folder in '$tmp_parent'" >&2
    exit 2
}
cleanup() { rm -rf -- "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tree="$scratch/tree"            # cwd of every run
res="$scratch/res"              # captured output, outside the watched tree
mkdir -p "$tree/tests" "$tree/assets" "$res" || exit 2   # assets/: the scratch tree is a project (asset.h)
cp -R -- "$src_dir" "$tree/tests/invalid" || exit 2

# Bound each run, in case a bad script makes the tool hang.
runner=()
if command -v timeout >/dev/null 2>&1; then
    runner=(timeout 120)
fi

snapshot() {   # every path under the tree, with size and mtime, sorted
    (cd "$tree" && find . -printf '%p %s %T@\n' | LC_ALL=C sort)
}

passed=0
failed=0
ncases=0
shopt -s nullglob
for yaml in "$src_dir"/*.yaml; do
    name=$(basename "$yaml" .yaml)
    rel="tests/invalid/$name.yaml"
    expect="$src_dir/$name.expect"
    ncases=$((ncases + 1))
    problems=()

    if [ ! -f "$expect" ]; then
        echo "FAIL $name"
        echo "    missing $expect"
        failed=$((failed + 1))
        continue
    fi
    nerr=$(grep -c ': error: ' "$expect")
    if [ "$nerr" -eq 1 ]; then word=error; else word=errors; fi

    # ---- check -----------------------------------------------------------
    before=$(snapshot)
    (cd "$tree" && ${runner[@]+"${runner[@]}"} "$mlanim" check "$rel") \
        >"$res/check.out" 2>"$res/check.err"
    rc=$?
    after=$(snapshot)
    if [ "$rc" -ne 2 ]; then
        problems+=("check: exit status $rc, expected 2")
    fi
    if [ -s "$res/check.out" ]; then
        problems+=("check: wrote to stdout: $(head -c 300 "$res/check.out")")
    fi
    if [ "$before" != "$after" ]; then
        problems+=("check: created or changed files: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -5 | tr '\n' ' ')")
    fi
    sed '$d' "$res/check.err" >"$res/check.body"
    last=$(tail -n 1 "$res/check.err")
    if ! diff -u --label "$name.expect" --label "check stderr" \
            "$expect" "$res/check.body" >"$res/check.diff"; then
        problems+=("check: stderr differs from $name.expect:")
        while IFS= read -r line; do problems+=("  $line"); done <"$res/check.diff"
    fi
    if [ "$last" != "mlanim: $nerr $word" ]; then
        problems+=("check: last line of stderr is '$last', expected 'mlanim: $nerr $word'")
    fi

    # ---- render ----------------------------------------------------------
    out="$tree/out"
    mkdir -p "$out"
    before=$(snapshot)
    (cd "$tree" && ${runner[@]+"${runner[@]}"} "$mlanim" render -o "$out" "$rel") \
        >"$res/render.out" 2>"$res/render.err"
    rc=$?
    after=$(snapshot)
    if [ "$rc" -ne 2 ]; then
        problems+=("render: exit status $rc, expected 2")
    fi
    if [ -s "$res/render.out" ]; then
        problems+=("render: wrote to stdout: $(head -c 300 "$res/render.out")")
    fi
    if [ -n "$(ls -A "$out")" ]; then
        problems+=("render: the output folder is not empty: $(ls -A "$out" | head -5 | tr '\n' ' ')")
    fi
    if [ "$before" != "$after" ]; then
        problems+=("render: created or changed files: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -5 | tr '\n' ' ')")
    fi
    sed '$d' "$res/render.err" >"$res/render.body"
    last=$(tail -n 1 "$res/render.err")
    if ! diff -u --label "$name.expect" --label "render stderr" \
            "$expect" "$res/render.body" >"$res/render.diff"; then
        problems+=("render: stderr differs from $name.expect:")
        while IFS= read -r line; do problems+=("  $line"); done <"$res/render.diff"
    fi
    if [ "$last" != "mlanim: $nerr $word; nothing rendered" ]; then
        problems+=("render: last line of stderr is '$last', expected 'mlanim: $nerr $word; nothing rendered'")
    fi
    rm -rf -- "$out"

    if [ ${#problems[@]} -eq 0 ]; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        for p in "${problems[@]}"; do
            echo "    $p"
        done
        failed=$((failed + 1))
    fi
done

if [ "$ncases" -eq 0 ]; then
    echo "e2e_invalid: no cases in $src_dir" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
