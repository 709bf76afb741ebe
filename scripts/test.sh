#!/usr/bin/env bash
# Installs what is missing, builds Tessera and runs the whole test suite.
#   scripts/test.sh            the default build (build/)
#   scripts/test.sh asan       with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"

bash scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j2
ctest --preset "$preset"
