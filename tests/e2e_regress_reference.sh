#!/usr/bin/env bash
# End-to-end test of the regression mathematics against an independent
# implementation: test_regress --reference prints our least-squares, ridge,
# LASSO, RidgeCV and LassoCV fits (coefficients, intercepts, CV grids and
# scores, chosen alphas, R^2 and MSE) on three fixed data sets as JSON, and
# tests/regress_reference.py recomputes them with numpy and scikit-learn and
# compares to 1e-6 relative (see its docstring for how each is reproduced,
# including the normalize=True that scikit-learn 1.2 no longer has).
#
# usage: bash tests/e2e_regress_reference.sh PATH_TO_MLANIM BINARY_DIR   (cwd = repo root)
#
# It FAILS, never skips, when /usr/bin/python3, numpy or scikit-learn is
# missing: tools/install-deps installs python3-numpy and python3-sklearn.
set -u
binary_dir=${2:?usage: e2e_regress_reference.sh PATH_TO_MLANIM BINARY_DIR}
prog=$binary_dir/tests/test_regress
python=/usr/bin/python3
if [ ! -x "$prog" ]; then
    echo "e2e_regress_reference: $prog is not built" >&2
    exit 1
fi
if [ ! -x "$python" ]; then
    echo "e2e_regress_reference: $python is missing (tools/install-deps)" >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$prog" --reference > "$scratch/ours.json" || { echo "e2e_regress_reference: test_regress --reference failed" >&2; exit 1; }
# scikit-learn's warnings (none are expected) would only clutter the log.
"$python" -W ignore tests/regress_reference.py "$scratch/ours.json"
