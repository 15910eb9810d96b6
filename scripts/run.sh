#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the main job: `hangup` on its
# built-in default (arguments are passed through to it).
# Usage: scripts/run.sh [hangup arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
HANGUP_CONFORMANCE=0 scripts/setup.sh
scripts/build.sh gcc >/dev/null
exec build/gcc/cli/hangup "$@"
