#!/usr/bin/env bash
# Checks that every tracked C++ file (*.h, *.cc) matches .clang-format.
# Usage: scripts/check_format.sh         # list the files that differ; exit 1 if any
#        scripts/check_format.sh --fix   # reformat them in place (clang-format -i)
# CLANG_FORMAT overrides the binary (default: clang-format-14, else clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
  "") ;;
  --fix) fix=1 ;;
  *) echo "check_format.sh: unknown argument '$1' (expected --fix or nothing)" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-}
if [[ -z "$clang_format" ]]; then
  for candidate in clang-format-14 clang-format; do
    if command -v "$candidate" >/dev/null; then clang_format=$candidate; break; fi
  done
fi
[[ -n "$clang_format" ]] || { echo "check_format.sh: clang-format not found (scripts/setup.sh installs it)" >&2; exit 2; }

mapfile -t files < <(git ls-files -- '*.h' '*.cc')
differ=()
for f in "${files[@]}"; do
  "$clang_format" --dry-run -Werror "$f" >/dev/null 2>&1 || differ+=("$f")
done

if ((${#differ[@]} == 0)); then
  echo "check_format.sh: ${#files[@]} files match .clang-format"
  exit 0
fi

if ((fix)); then
  "$clang_format" -i "${differ[@]}"
  printf 'check_format.sh: reformatted %s\n' "${differ[@]}"
  echo "check_format.sh: reformatted ${#differ[@]} of ${#files[@]} files"
  exit 0
fi

printf 'check_format.sh: differs from .clang-format: %s\n' "${differ[@]}"
echo "check_format.sh: ${#differ[@]} of ${#files[@]} files differ; see the changes with" \
  "'$clang_format --dry-run FILE', fix them with 'scripts/check_format.sh --fix'" \
  "(or '$clang_format -i FILE')"
exit 1
