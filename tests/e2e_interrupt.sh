#!/usr/bin/env bash
# An interrupted render (SIGINT, as from Ctrl-C) exits 130, removes its
# temporary files and leaves the outputs of the previous render byte for
# byte as they were.
# usage: bash tests/e2e_interrupt.sh PATH_TO_MLANIM BINARY_DIR   (cwd = repo root)
set -u
mlanim=$1
work=$(mktemp -d /tmp/mlanim-int.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {   # description, then a command that must succeed
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok   $what"
    else failed=$((failed + 1)); echo "FAIL $what"; fi
}

# The same lesson id twice: a quick render, then a long one to interrupt.
sed 's/^frames: {first: 100, every: 100, per_step: 1, hold: 0}/frames: {every: 50, per_step: 0.1s, hold: 0}/' scenes/neuron-celsius.yaml > "$work/quick.yaml"
sed 's/^frames: {first: 100, every: 100, per_step: 1, hold: 0}/frames: {every: 1, per_step: 0.1s, hold: 0}/' scenes/neuron-celsius.yaml > "$work/long.yaml"
grep -q '^frames: {every: 50,' "$work/quick.yaml" && grep -q '^frames: {every: 1,' "$work/long.yaml" ||
    { echo "FAIL the frames line of scenes/neuron-celsius.yaml changed: update the seds"; echo "0 passed, 1 failed"; exit 1; }
out="$work/out"
"$mlanim" render -q --scale 0.5 -o "$out" "$work/quick.yaml" || { echo "FAIL first render"; echo "0 passed, 1 failed"; exit 1; }
before=$(cd "$out/neuron-celsius" && sha256sum -- *)

"$mlanim" render -q --scale 0.5 -o "$out" "$work/long.yaml" &
pid=$!
# Interrupt once the render is under way: its temporaries exist.
for _ in $(seq 1 200); do
    ls -A "$out/neuron-celsius" | grep -q '^\..*\.tmp-' && break
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?

check "interrupted render exits 130" test "$rc" -eq 130
check "earlier outputs are unchanged" test "$(cd "$out/neuron-celsius" && sha256sum -- *)" = "$before"
check "no temporary files are left" test -z "$(ls -A "$out/neuron-celsius" | grep '^\.')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
