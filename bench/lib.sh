# bench/lib.sh: what the benchmark scripts share, sourced after each has
# found the repository root and defined die(). Bash only.

# Dies unless $1 is a whole number of at least 1 (a --runs value).
bench_check_runs() {
  case $1 in ''|*[!0-9]*) die "--runs must be a positive integer, got '$1'" ;; esac
  [ "$1" -ge 1 ] || die "--runs must be at least 1"
}

# A program path given relative to the caller's directory, or a name on
# PATH, made absolute (the scripts change directory).
bench_abs_cmd() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    */*) printf '%s\n' "$PWD/$1" ;;
    *) command -v "$1" || printf '%s\n' "$PWD/$1" ;;
  esac
}

# The first of $PYTHON, python3 on PATH and /usr/bin/python3 that runs the
# Python statement $1 (e.g. 'import matplotlib, numpy'): a pyenv/venv
# python3 often lacks the Debian packages that /usr/bin/python3 has.
# Prints nothing if none does.
bench_find_python() {
  local cand p
  for cand in ${PYTHON:-} python3 /usr/bin/python3; do
    p=$(command -v "$cand" 2>/dev/null) || continue
    if "$p" -c "$1" >/dev/null 2>&1; then printf '%s\n' "$p"; return 0; fi
  done
  return 0
}

# Exits 2 after listing what is missing, if anything: $1 the script's name,
# $2 the Debian packages that provide it, the rest one line each.
bench_require_none_missing() {
  local name=$1 pkgs=$2 m
  shift 2
  [ $# -gt 0 ] || return 0
  printf '%s: missing dependencies:\n' "$name" >&2
  for m in "$@"; do printf '  - %s\n' "$m" >&2; done
  printf 'install them with:\n  sudo apt-get install -y %s    (or: tools/install-deps --bench)\n' "$pkgs" >&2
  exit 2
}

# A scratch folder in $TMP, removed on exit; an interrupt exits 130, a
# TERM 143 (through the EXIT trap, so the folder goes either way).
bench_scratch() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/mlanim-bench.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
