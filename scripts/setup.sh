#!/usr/bin/env bash
# Installs what hangup needs to build and test, and nothing when all is present.
# Usage: scripts/setup.sh   (idempotent; needs root or sudo only when something is missing)
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev
  clang-format clang-tidy  # scripts/check_format.sh, scripts/tidy.sh
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libyaml-cpp-dev
  libgoogle-perftools-dev  # tcmalloc (CMakeLists.txt, hangup_malloc)
  python3
)
# The real-server conformance suite (ctest label "conformance") runs the
# Debian-packaged servers the presets model.
if [[ "${HANGUP_CONFORMANCE:-1}" == 1 ]]; then
  packages+=(
    python3-uvicorn python3-h11 python3-httptools python3-websockets
    python3-wsproto python3-uvloop python3-hypercorn python3-daphne
    python3-starlette
  )
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
