#!/usr/bin/env bash
# End-to-end test that the bytes mlanim writes have not drifted: renders
# tests/golden/tiny.yaml in every format and compares the SHA-256 of each
# file with tests/golden/tiny.sha256.
#
# usage: bash tests/e2e_golden.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
# The scene is rendered twice, with `-j 1` and with `-j 2`, each time with
#     mlanim render -q -j N -f gif,mp4,webm,png,frames -o SCRATCH/jN tests/golden/tiny.yaml
# and checked for:
#   - the same set of files as the golden list (OUT/tiny/tiny.gif, .mp4,
#     .webm, .png, manifest.json and one line per frames/NNNNN.png), none
#     missing and none extra;
#   - each file's SHA-256 equal to the golden one;
#   - the -j 2 files equal, byte for byte, to the -j 1 files (the thread
#     count must not change the output, whatever the goldens say).
# On a mismatch it names every file that changed, says whether the frames
# changed too (if they did not, the drawing is the same and the change is in
# an encoder), lists the libraries that differ from those the goldens were
# made with, keeps the outputs in BINARY_DIR/e2e_golden-actual/ to look at,
# and says how to regenerate the goldens when the change is intended:
# tools/update-golden (tests/golden/README.md).
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_golden.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
if [ ! -x "$mlanim" ]; then
    echo "e2e_golden: '$mlanim' is not an executable" >&2
    exit 2
fi
scene=tests/golden/tiny.yaml
golden=tests/golden/tiny.sha256
if [ ! -f "$scene" ] || [ ! -f "$golden" ]; then
    echo "e2e_golden: no $scene or $golden under '$PWD' (run from the repo root)" >&2
    exit 2
fi
if ! command -v sha256sum >/dev/null 2>&1; then
    echo "e2e_golden: sha256sum is not installed (coreutils)" >&2
    exit 2
fi

export NO_COLOR=1
export LC_ALL=C

tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
scratch=$(mktemp -d "$tmp_parent/e2e_golden.XXXXXX") || {
    echo "e2e_golden: cannot create a scratch folder in '$tmp_parent'" >&2
    exit 2
}
cleanup() { rm -rf -- "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# "HASH  PATH" for every file under $1, paths relative to it, sorted: the
# format of the golden file's data lines (and of sha256sum).
hash_tree() {
    (cd "$1" && find . -type f -printf '%P\n' | sort | while IFS= read -r f; do
        # manifest.json's source_key follows the program's own bytes (see
        # docs/book.md): left out, so the goldens name what was drawn
        if [ "$f" = manifest.json ]; then
            echo "$(grep -v '"source_key":' -- "$f" | sha256sum | cut -d' ' -f1)  $f"
        else
            sha256sum -- "$f"
        fi
    done)
}

for j in 1 2; do
    out=$scratch/j$j
    if ! "$mlanim" render -q -j "$j" -f gif,mp4,webm,png,frames -o "$out" "$scene" \
            >"$scratch/j$j.log" 2>&1; then
        fail "render -j $j exits 0"
        cat "$scratch/j$j.log"
        echo "$passed passed, $failed failed"
        exit 1
    fi
    if [ ! -d "$out/tiny" ]; then
        fail "render -j $j writes OUT/tiny/"
        echo "$passed passed, $failed failed"
        exit 1
    fi
    hash_tree "$out/tiny" >"$scratch/j$j.sha256"
done
pass "render -j 1 and -j 2 exit 0"

grep -v '^#' "$golden" | grep -v '^[[:space:]]*$' | sort -k2 >"$scratch/want.sha256"
sort -k2 "$scratch/j1.sha256" >"$scratch/got.sha256"

# One line per file that is missing, extra or different.
changed=()
frames_changed=0
while read -r status path; do
    changed+=("$status $path")
    case "$path" in frames/*) frames_changed=1 ;; esac
done < <(join -1 2 -2 2 -a 1 -a 2 -e MISSING -o 0,1.1,2.1 \
             "$scratch/want.sha256" "$scratch/got.sha256" |
         awk '$2 == "MISSING" { print "extra", $1; next }
              $3 == "MISSING" { print "missing", $1; next }
              $2 != $3        { print "changed", $1 }')

# The libraries the goldens were made with (see tools/update-golden): the
# bytes are only comparable with the same ones. A CI machine installing
# Debian 12 later may get a security update of, say, zlib that changes the
# PNG bytes; that is not a change in mlanim, so then a mismatch is reported
# and shown but does not fail (the -j check below still applies).
drift=""
if command -v dpkg-query >/dev/null 2>&1; then
    while read -r pkg ver; do
        now=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || echo "not installed")
        [ "$now" = "$ver" ] || drift="$drift $pkg $now (goldens: $ver);"
    done < <(grep '^# library: ' "$golden" | sed 's/^# library: //')
fi

if [ ${#changed[@]} -eq 0 ]; then
    pass "every output's SHA-256 matches $golden ($(wc -l <"$scratch/want.sha256") files)"
elif [ -n "$drift" ]; then
    echo "skip golden hashes: ${#changed[@]} file(s) differ, but the libraries differ from those"
    echo "    the goldens were made with:$drift"
    echo "    regenerate them on this system with tools/update-golden after looking."
    for c in "${changed[@]}"; do echo "    $c"; done
else
    fail "outputs match $golden"
    for c in "${changed[@]}"; do
        read -r status path <<<"$c"
        case "$status" in
            changed)
                echo "    changed: $path"
                echo "        golden $(awk -v p="$path" '$2 == p { print $1 }' "$scratch/want.sha256")"
                echo "        now    $(awk -v p="$path" '$2 == p { print $1 }' "$scratch/got.sha256")" ;;
            missing) echo "    missing: $path (in the goldens, not written now)" ;;
            extra)   echo "    extra:   $path (written now, not in the goldens)" ;;
        esac
    done
    if [ $frames_changed -eq 0 ]; then
        echo "    frames/ is unchanged: the pictures are drawn as before, so the change is"
        echo "    in the encoder of the files above (or in the manifest)."
    else
        echo "    frames/ changed: the pictures themselves are drawn differently."
    fi
    echo "    (the libraries are the goldens' own: this is a change in mlanim)"
    kept=""
    if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
        kept=$binary_dir/e2e_golden-actual
        rm -rf -- "$kept" && mkdir -p "$kept" && cp -a "$scratch/j1/tiny" "$kept/" \
            && echo "    this run's outputs are kept in $kept/tiny/ to look at"
    fi
    echo "    If the change is intended, look at the new outputs, then regenerate the"
    echo "    goldens with: tools/update-golden   (see tests/golden/README.md)"
fi

if cmp -s "$scratch/j1.sha256" "$scratch/j2.sha256"; then
    pass "-j 2 writes the same bytes as -j 1"
else
    fail "-j 2 writes the same bytes as -j 1"
    diff "$scratch/j1.sha256" "$scratch/j2.sha256" | sed 's/^/    /'
    echo "    The thread count changed the output: this is a bug in mlanim, not a"
    echo "    reason to update the goldens."
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
