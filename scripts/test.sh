#!/usr/bin/env bash
# THE test command (README.md, .ci/run): install the Debian packages,
# configure the `default` preset into build/, build everything, run every
# test. Two jobs: fast on a 2-core machine without running out of memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j2
ctest --preset default --output-on-failure -j2
