#!/usr/bin/env bash
# End-to-end test of the neural network kinds against an independent
# implementation: renders the traces of tests/nn/*.yaml and has
# tests/nn_reference.py (numpy) retrain each network from the trace's
# starting weights, update by update, comparing every epoch's weights and
# loss (relative 1e-9). The scenes cover every hidden activation, every
# output with its loss, and the three trainers.
#
# usage: bash tests/e2e_nn_reference.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
#
# It fails (it does not skip) when /usr/bin/python3 or numpy is missing:
# tools/install-deps installs them.
set -u
mlanim=$1
case "$mlanim" in /*) ;; *) mlanim="$PWD/$mlanim" ;; esac
py=/usr/bin/python3
if ! "$py" -c 'import numpy' 2>/dev/null; then
    echo "e2e_nn_reference: $py with numpy is needed (tools/install-deps)" >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail=0
# scene, then the network of each run as JSON (layers, activations, trainer)
check() {
    local scene=$1 specs=$2 id
    id=$(basename "$scene" .yaml)
    id=nn-${id}
    if ! "$mlanim" render -q -f trace -o "$scratch" "$scene"; then
        echo "FAIL $scene: render failed" >&2
        fail=1
        return
    fi
    "$py" tests/nn_reference.py "$scratch/$id/$id.trace.json" "$specs" || fail=1
}
adam='{"kind": "adam", "learning_rate": 0.01, "batch_size": 16}'
check tests/nn/regression.yaml "[
  {\"layers\": [1, 6, 4, 1], \"hidden\": \"tanh\", \"output\": \"identity\", \"trainer\": $adam},
  {\"layers\": [1, 6, 4, 1], \"hidden\": \"relu\", \"output\": \"identity\", \"trainer\": $adam},
  {\"layers\": [1, 6, 4, 1], \"hidden\": \"sigmoid\", \"output\": \"identity\", \"trainer\": $adam}]"
check tests/nn/classes.yaml '[{"layers": [2, 5, 3], "hidden": "relu", "output": "softmax",
  "trainer": {"kind": "momentum", "learning_rate": 0.05, "momentum": 0.9, "batch_size": 7}}]'
check tests/nn/moons.yaml '[{"layers": [2, 4, 1], "hidden": "sigmoid", "output": "sigmoid",
  "trainer": {"kind": "sgd", "learning_rate": 0.5, "batch_size": 8}}]'
exit $fail
