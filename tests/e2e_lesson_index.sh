#!/usr/bin/env bash
# Every bundled lesson is valid and can be found: for each scenes/ID.yaml,
#   - `mlanim check` accepts the whole library in one call;
#   - the script's id is its file name;
#   - the README's lesson table has a row for it;
#   - the book's table of contents (book/book.yaml) names it in a chapter;
# and neither the README nor the book names a lesson that does not exist.
#
# usage: bash tests/e2e_lesson_index.sh PATH_TO_MLANIM [BINARY_DIR]   (cwd = repo root)
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash tests/e2e_lesson_index.sh PATH_TO_MLANIM [BINARY_DIR]" >&2
    exit 2
fi
mlanim=$1
fail=0
err() { echo "e2e_lesson_index: $*" >&2; fail=1; }

shopt -s nullglob
scripts=(scenes/*.yaml)
[ ${#scripts[@]} -gt 0 ] || { echo "e2e_lesson_index: no scenes/*.yaml (run from the repo root)" >&2; exit 2; }

out=$("$mlanim" check "${scripts[@]}" 2>&1) || err "mlanim check scenes/*.yaml failed:
$out"

# The README's lesson table: the rows of the table under "## Lessons",
# whose first cell is `id`.
readme_ids=$(awk '/^## Lessons/ {on = 1; next} /^## / {on = 0} on && /^\| `/' README.md |
             sed -E 's/^\| `([^`]+)`.*/\1/' | sort)
# The book's chapters: every "scenes: [a, b]" list of book/book.yaml.
book_ids=$(grep -E '^\s*scenes:' book/book.yaml | sed -E 's/.*\[(.*)\].*/\1/' | tr ',' '\n' |
           sed -E 's/^\s+|\s+$//g' | grep -v '^$' | sort)

ids=""
for f in "${scripts[@]}"; do
    name=$(basename "$f" .yaml)
    id=$(grep -E '^id:' "$f" | head -1 | sed -E 's/^id:\s*//; s/\s*(#.*)?$//; s/^"(.*)"$/\1/')
    [ "$id" = "$name" ] || err "$f: id '$id' is not the file's name '$name'"
    ids="$ids$name"$'\n'
    grep -qxF "$name" <<<"$readme_ids" || err "README.md: the lesson table has no row for '$name'"
    grep -qxF "$name" <<<"$book_ids" || err "book/book.yaml: no chapter shows '$name'"
done
for id in $readme_ids; do
    grep -qxF "$id" <<<"$ids" || err "README.md: the lesson table names '$id', but there is no scenes/$id.yaml"
done
for id in $book_ids; do
    grep -qxF "$id" <<<"$ids" || err "book/book.yaml: names '$id', but there is no scenes/$id.yaml"
done

n=$(printf '%s' "$ids" | grep -c .)
[ $fail -eq 0 ] && echo "e2e_lesson_index: $n lessons, each checked, in the README and in the book"
exit $fail
