#!/usr/bin/env bash
# End-to-end test of scene time v2 through the CLI: what `check` and
# `render` make of --set, variants, several runs, beats and sweeps.
#
# usage: bash tests/e2e_time.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
# Small scenes (160x90, GIF only) are written to a scratch project and:
#   - `check --set trainer.steps=2` prints "ok ('vr@trainer.steps=2' and 2 variants)";
#   - `check --set` of an unknown key exits 2 with an error located at
#     "command line: error:" that names the key and suggests the right one;
#   - `render` writes OUT/vr/vr.gif and one vr@learning_rate=V.gif per
#     variant, all listed in OUT/vr/manifest.json ("variants": path, value,
#     name, outputs), with the frame count worked out by hand;
#   - `render --set` writes OUT/vr@trainer.steps=2/ (its variants named
#     vr@trainer.steps=2,learning_rate=V) and leaves OUT/vr/ untouched;
#   - a vary scene whose runs stop at different steps has as many frames as
#     its longest run needs; a beats scene and a sweep have the frames their
#     seconds make.
# Frame counts are the manifest's "frames" (the GIF's), each computed here
# from the scene's numbers (round of the cumulative seconds times fps).
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_time.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
binary_dir=${2:-}
case "$mlanim" in
    /*) ;;
    *) mlanim="$PWD/$mlanim" ;;
esac
if [ ! -x "$mlanim" ]; then
    echo "e2e_time: '$mlanim' is not an executable" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "FAIL setup: python3 is needed to read manifests"; exit 1; }

export NO_COLOR=1
export LC_ALL=C

tmp_parent=${TMPDIR:-/tmp}
if [ -n "$binary_dir" ] && [ -d "$binary_dir" ] && [ -w "$binary_dir" ]; then
    tmp_parent=$binary_dir
fi
tmp_parent=$(cd "$tmp_parent" && pwd) || exit 2
scratch=$(mktemp -d "$tmp_parent/e2e_time.XXXXXX") || {
    echo "e2e_time: cannot create a scratch folder in '$tmp_parent'" >&2
    exit 2
}
trap 'rm -rf -- "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$scratch/assets" "$scratch/out" || exit 2
cd "$scratch" || exit 2

passed=0
failed=0
problems=()
check() {   # check NAME CONDITION-WORDS...: records a problem unless "$@" succeeds
    local what=$1
    shift
    if ! "$@"; then problems+=("$what"); fi
}
finish() {  # finish NAME: prints the case's result
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
# json FILE EXPR: prints a Python expression over the manifest m.
json() {
    python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}

# 4 records (steps 0..3) x 2 frames + 0.4 s hold at 5 fps = 10 frames.
cat >vr.yaml <<'EOF'
id: vr
canvas: {width: 160, height: 90, fps: 5}
model: {kind: parabola, x0: 0, center: 10}
trainer: {kind: gd, learning_rate: 0.1, steps: 3}
frames: {per_step: 2, hold: 0.4}
variants: {trainer.learning_rate: [0.01, 0.5]}
outputs: {formats: [gif]}
panels: [{kind: descent}]
EOF

# ---- check --set -----------------------------------------------------------
out=$("$mlanim" check --set trainer.steps=2 vr.yaml 2>"$scratch/err")
rc=$?
check "check --set: exit status $rc, expected 0" test "$rc" -eq 0
check "check --set: stdout '$out'" test "$out" = "vr.yaml: ok ('vr@trainer.steps=2' and 2 variants)"
check "check --set: stderr '$(cat err)'" test ! -s err
finish check-set-names-the-outputs

out=$("$mlanim" check --set trainer.learnig_rate=0.5 vr.yaml 2>"$scratch/err")
rc=$?
first=$(head -n 1 err)
check "check --set typo: exit status $rc, expected 2" test "$rc" -eq 2
check "check --set typo: stdout '$out'" test -z "$out"
check "check --set typo: first line '$first'" test "$first" = \
    "command line: error: unknown key 'learnig_rate' in trainer 'gd' (did you mean 'learning_rate'?)"
check "check --set typo: last line '$(tail -n 1 err)'" test "$(tail -n 1 err)" = "mlanim: 1 error"
finish check-set-unknown-key-is-located-at-the-command-line

# ---- render: variants, then --set ---------------------------------------------
"$mlanim" render -q -o out vr.yaml >/dev/null 2>err
rc=$?
check "render: exit status $rc ($(head -c 300 err))" test "$rc" -eq 0
for f in vr.gif vr@learning_rate=0.01.gif vr@learning_rate=0.5.gif manifest.json; do
    check "render: no out/vr/$f" test -f "out/vr/$f"
done
m=out/vr/manifest.json
if [ -f "$m" ]; then
    check "manifest frames: $(json $m 'm["frames"]')" test "$(json $m 'm["frames"]')" = 10
    got=$(json $m '[(v["path"], v["value"], v["name"], [o["file"] for o in v["outputs"]]) for v in m["variants"]]')
    want="[('trainer.learning_rate', '0.01', 'learning_rate=0.01', ['vr@learning_rate=0.01.gif']), ('trainer.learning_rate', '0.5', 'learning_rate=0.5', ['vr@learning_rate=0.5.gif'])]"
    check "manifest variants: $got" test "$got" = "$want"
    got=$(json $m '[o["frames"] for v in m["variants"] for o in v["outputs"]]')
    check "variant frames: $got" test "$got" = "[10, 10]"
fi
finish render-writes-one-file-per-variant-listed-in-the-manifest

before=$(cd out/vr && find . -printf '%p %s %T@\n' | sort)
"$mlanim" render -q -o out --set trainer.steps=2 vr.yaml >/dev/null 2>err
rc=$?
check "render --set: exit status $rc ($(head -c 300 err))" test "$rc" -eq 0
for f in vr@trainer.steps=2.gif "vr@trainer.steps=2,learning_rate=0.01.gif" "vr@trainer.steps=2,learning_rate=0.5.gif" manifest.json; do
    check "render --set: no out/vr@trainer.steps=2/$f" test -f "out/vr@trainer.steps=2/$f"
done
after=$(cd out/vr && find . -printf '%p %s %T@\n' | sort)
check "render --set changed out/vr/" test "$before" = "$after"
m="out/vr@trainer.steps=2/manifest.json"
if [ -f "$m" ]; then
    # 3 records x 2 frames + 2.
    check "--set manifest frames: $(json "$m" 'm["frames"]')" test "$(json "$m" 'm["frames"]')" = 8
    check "--set manifest steps: $(json "$m" 'm["steps"]')" test "$(json "$m" 'm["steps"]')" = 2
fi
finish render-set-writes-beside-the-scripts-own-outputs

# ---- several runs on one clock ---------------------------------------------
# lr 0.5 lands on the minimum at once and converges at step 2; lr 0.1 runs
# all 6 steps. 7 steps x 2 frames + 0.4 s = 16 frames.
cat >vary.yaml <<'EOF'
id: vary
canvas: {width: 160, height: 90, fps: 5}
model: {kind: parabola, x0: 0, center: 10}
trainer: {kind: gd, steps: 6, tolerance: 1.0e-9}
vary: {trainer.learning_rate: [0.5, 0.1]}
frames: {per_step: 2, hold: 0.4}
outputs: {formats: [gif]}
panels: [{kind: loss-curve, run: all}]
EOF
"$mlanim" render -q -o out vary.yaml >/dev/null 2>err
rc=$?
check "render vary: exit status $rc ($(head -c 300 err))" test "$rc" -eq 0
m=out/vary/manifest.json
if [ -f "$m" ]; then
    check "vary frames: $(json $m 'm["frames"]')" test "$(json $m 'm["frames"]')" = 16
    got=$(json $m '[(r["label"], r["stop_reason"], r["steps"]) for r in m["runs"]]')
    check "vary runs: $got" test "$got" = "[('learning_rate=0.5', 'converged', 2), ('learning_rate=0.1', 'max_steps', 6)]"
else
    problems+=("no $m")
fi
finish vary-frames-follow-the-longest-run

# ---- beats and sweeps ------------------------------------------------------
# Beats of 1, 0.5 and 2 s at 4 fps: 4 + 2 + 8 frames, no hold.
cat >beats.yaml <<'EOF'
id: beats
canvas: {width: 160, height: 90, fps: 4}
beats: {seconds: [1, 0.5s, 2]}
frames: {hold: 0}
outputs: {formats: [gif]}
panels: [{kind: text, text: "beat {beat}"}]
EOF
"$mlanim" render -q -o out beats.yaml >/dev/null 2>err
rc=$?
check "render beats: exit status $rc ($(head -c 300 err))" test "$rc" -eq 0
m=out/beats/manifest.json
[ -f "$m" ] && check "beats frames: $(json $m 'm["frames"]')" test "$(json $m 'm["frames"]')" = 14
[ -f "$m" ] || problems+=("no $m")
finish beats-last-their-seconds

# Three values, 0.5 s each at 10 fps, and 0.2 s of hold: 17 frames.
cat >sweep.yaml <<'EOF'
id: sweep
canvas: {width: 160, height: 90, fps: 10}
model: {kind: parabola, x0: 0}
trainer: {kind: gd, steps: 5}
sweep: {path: model.center, values: [2, 4, 6], seconds: 0.5}
frames: {hold: 0.2}
outputs: {formats: [gif]}
panels: [{kind: descent, title: "center {center}"}]
EOF
"$mlanim" render -q -o out sweep.yaml >/dev/null 2>err
rc=$?
check "render sweep: exit status $rc ($(head -c 300 err))" test "$rc" -eq 0
m=out/sweep/manifest.json
if [ -f "$m" ]; then
    check "sweep frames: $(json $m 'm["frames"]')" test "$(json $m 'm["frames"]')" = 17
    got=$(json $m '[r["label"] for r in m["runs"]]')
    check "sweep runs: $got" test "$got" = "['center=2', 'center=4', 'center=6']"
else
    problems+=("no $m")
fi
finish sweep-shows-each-value-for-its-seconds

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
