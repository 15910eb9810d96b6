#!/usr/bin/env bash
# Configures and builds one configuration of hangup.
# Usage: scripts/build.sh [gcc|clang|asan|fuzz [TARGET...]]   -> build/<config>
#   scripts/build.sh asan                                  # every target
#   scripts/build.sh fuzz scenario_fuzz scenario_fuzz_seeds  # only these
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-gcc}
shift $(($# > 0 ? 1 : 0))
targets=()
if (($# > 0)); then targets=(--target "$@"); fi
jobs=$(nproc)
case "$config" in
  gcc)   args=(-DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  clang) args=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  # -O1 keeps the sanitized suite fast; checks stay exact.
  asan)  args=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" -DHANGUP_SANITIZE=ON) ;;
  fuzz)  args=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHANGUP_FUZZ=ON) ;;
  *) echo "build.sh: unknown configuration '$config' (expected gcc, clang, asan or fuzz)" >&2; exit 2 ;;
esac
cmake -S . -B "build/$config" -G Ninja -DHANGUP_WERROR=ON "${args[@]}" >/dev/null
cmake --build "build/$config" -j "$jobs" "${targets[@]}"
