#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the root) over every tracked .cc under
# sim/ models/ check/ harness/ cli/ fuzz/ bench/, using the gcc build's
# compile_commands.json; prints the findings and exits 1 if there is any.
# Usage: scripts/tidy.sh [FILE.cc...]   # default: every tracked .cc above
# Environment: CLANG_TIDY (default clang-tidy-14, else clang-tidy),
#              TIDY_JOBS (parallel clang-tidy processes, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build/gcc
jobs=${TIDY_JOBS:-2}

clang_tidy=${CLANG_TIDY:-}
if [[ -z "$clang_tidy" ]]; then
  for candidate in clang-tidy-14 clang-tidy; do
    if command -v "$candidate" >/dev/null; then clang_tidy=$candidate; break; fi
  done
fi
[[ -n "$clang_tidy" ]] || { echo "tidy.sh: clang-tidy not found (scripts/setup.sh installs it)" >&2; exit 2; }

if [[ ! -f "$build/compile_commands.json" ]]; then
  echo "tidy.sh: configuring $build for compile_commands.json" >&2
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=g++ >/dev/null
fi

# clang-tidy parses with clang: drop the gcc-only flags clang rejects
# (unknown -W options are silenced by -Wno-unknown-warning-option below).
# clang 14 needs nothing extra for coroutines under -std=c++20.
db=$build/tidy
mkdir -p "$db"
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'EOF'
import json, re, shlex, sys
gcc_only = re.compile(r'^-f(coroutines|concepts.*|modules-ts|analyzer)$')
entries = json.load(open(sys.argv[1]))
for e in entries:
    args = e.pop('arguments', None) or shlex.split(e.pop('command'))
    e['arguments'] = [a for a in args if not gcc_only.match(a)]
json.dump(entries, open(sys.argv[2], 'w'), indent=1)
EOF

if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- \
    'sim/*.cc' 'models/*.cc' 'check/*.cc' 'harness/*.cc' 'cli/*.cc' 'fuzz/*.cc' 'bench/*.cc')
fi
mapfile -t missing < <(python3 - "$db/compile_commands.json" "$root" "${files[@]}" <<'EOF'
import json, os, sys
known = {os.path.realpath(os.path.join(e['directory'], e['file']))
         for e in json.load(open(sys.argv[1]))}
for f in sys.argv[3:]:
    if os.path.realpath(os.path.join(sys.argv[2], f)) not in known:
        print(f)
EOF
)
if ((${#missing[@]} > 0)); then
  printf 'tidy.sh: not in %s/compile_commands.json (not built by this configuration?): %s\n' \
    "$build" "${missing[@]}" >&2
  exit 2
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
export clang_tidy db logs
run_one() {
  local f=$1 log
  log=$logs/$(tr / _ <<<"$f")
  if "$clang_tidy" -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option "$f" \
      >"$log.out" 2>"$log.err"; then
    echo 0 >"$log.rc"
  else
    echo $? >"$log.rc"
  fi
}
export -f run_one
start=$SECONDS
# shellcheck disable=SC2016  # $1 expands in the child bash, not here
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$jobs" bash -c 'run_one "$1"' run_one

failed=0
for f in "${files[@]}"; do
  log=$logs/$(tr / _ <<<"$f")
  rc=$(cat "$log.rc")
  # stderr carries clang-tidy's "N warnings generated." counts; keep the rest.
  noise='^[0-9]+ (warnings?|errors?)( and [0-9]+ (warnings?|errors?))? generated\.$'
  if [[ "$rc" != 0 || -s "$log.out" ]] || grep -qvE "$noise" "$log.err"; then
    failed=$((failed + 1))
    echo "== $f (clang-tidy exit $rc)"
    cat "$log.out"
    grep -vE "$noise" "$log.err" || true
  fi
done

elapsed=$((SECONDS - start))
if ((failed > 0)); then
  echo "tidy.sh: findings (each once; a header's may show under several files above):"
  cat "$logs"/*.out | grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error|note): ' | sed "s|^$root/||" | sort -u
  echo "tidy.sh: $failed of ${#files[@]} files have findings (${elapsed} s, $jobs jobs)"
  exit 1
fi
echo "tidy.sh: ${#files[@]} files clean (${elapsed} s, $jobs jobs)"
