#!/usr/bin/env bash
# End-to-end test that every output mlanim writes decodes cleanly with the
# reference tools, i.e. that players will accept it.
#
# usage: bash tests/e2e_ffprobe.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
# Every scenes/*.yaml is rendered on its own with
#     mlanim render -q --scale 0.5 -f gif,mp4,webm,png -o SCRATCH
# which must exit 0 and write exactly one file of each kind for the scene
# and one for each of its variants (as many as its manifest.json lists).
# Then, for each of those files:
#   - `ffmpeg -v warning -nostdin -i FILE -f null -` decodes all of it and
#     must exit 0 with nothing on stderr: not an error, not even a warning
#     (a broken index, a wrong timestamp, a bad colour tag all show up here);
#   - `ffprobe` must report the expected codec for the first video stream:
#     gif, h264, vp9 and png.
# Half scale keeps the run short; the odd sizes it can give are a case worth
# decoding too. One line per output (ok/FAIL) and a final "N passed, M failed";
# the exit status is non-zero if anything failed. Without ffmpeg installed
# (tools/install-deps installs it) the test says so and passes.
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_ffprobe.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
if [ ! -x "$mlanim" ]; then
    echo "e2e_ffprobe: '$mlanim' is not an executable" >&2
    exit 2
fi
if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
    echo "skipped: ffmpeg is not installed (apt-get install ffmpeg)"
    exit 0
fi
if [ ! -d scenes ]; then
    echo "e2e_ffprobe: no scenes/ under '$PWD' (run from the repo root)" >&2
    exit 2
fi

export NO_COLOR=1
export LC_ALL=C

# Scratch space: in the build tree when we have one, else the system's.
tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
scratch=$(mktemp -d "$tmp_parent/e2e_ffprobe.XXXXXX") || {
    echo "e2e_ffprobe: cannot create a scratch folder in '$tmp_parent'" >&2
    exit 2
}
cleanup() { rm -rf -- "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Bound each run, in case something hangs.
runner=()
if command -v timeout >/dev/null 2>&1; then
    runner=(timeout 300)
fi

# The formats rendered, and the codec ffprobe must name for each.
formats=(gif mp4 webm png)
declare -A codec=([gif]=gif [mp4]=h264 [webm]=vp9 [png]=png)

passed=0
failed=0
report() {   # NAME PROBLEM...: one ok/FAIL line, problems indented below
    local name=$1
    shift
    if [ $# -eq 0 ]; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        local p
        for p in "$@"; do
            echo "    $p"
        done
        failed=$((failed + 1))
    fi
}

shopt -s nullglob
scenes=(scenes/*.yaml)
if [ ${#scenes[@]} -eq 0 ]; then
    echo "e2e_ffprobe: no scenes/*.yaml" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

for yaml in "${scenes[@]}"; do
    name=$(basename "$yaml" .yaml)
    out="$scratch/$name"
    log="$scratch/$name.log"
    mkdir -p "$out" || exit 2

    ${runner[@]+"${runner[@]}"} "$mlanim" render -q --scale 0.5 -f gif,mp4,webm,png \
        -o "$out" "$yaml" >"$log" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ]; then
        report "$name (render)" "mlanim render exited $rc:" \
            "$(head -c 2000 "$log")"
        continue
    fi

    # The scene's own animation and one per variant.
    want=$(/usr/bin/python3 -c 'import json, sys
print(1 + len(json.load(open(sys.argv[1])).get("variants", [])))' "$out"/*/manifest.json 2>/dev/null)
    [ -n "$want" ] || want=1
    for fmt in "${formats[@]}"; do
        files=("$out"/*/*."$fmt")
        if [ ${#files[@]} -ne "$want" ] || [ ! -e "${files[0]}" ]; then
            report "$name.$fmt" "expected $want .$fmt file(s) under the output folder, found ${#files[@]}"
            continue
        fi
        for file in "${files[@]}"; do
            problems=()

            ${runner[@]+"${runner[@]}"} ffmpeg -v warning -nostdin -i "$file" -f null - \
                >/dev/null 2>"$scratch/decode.err"
            rc=$?
            if [ "$rc" -ne 0 ]; then
                problems+=("ffmpeg could not decode it (exit status $rc)")
            fi
            if [ -s "$scratch/decode.err" ]; then
                problems+=("ffmpeg -v warning printed:")
                while IFS= read -r line; do
                    problems+=("  $line")
                done < <(head -n 20 "$scratch/decode.err")
            fi

            got=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name \
                      -of default=noprint_wrappers=1:nokey=1 "$file" 2>"$scratch/probe.err")
            if [ "$got" != "${codec[$fmt]}" ]; then
                problems+=("ffprobe says codec '$got', expected '${codec[$fmt]}'" \
                           "$(head -c 500 "$scratch/probe.err")")
            fi
            label="$name.$fmt"
            [ ${#files[@]} -eq 1 ] || label=$(basename "$file")
            report "$label" ${problems[@]+"${problems[@]}"}
        done
    done
    rm -rf -- "$out"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
