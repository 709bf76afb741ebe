#!/usr/bin/env bash
# Studio frame times under Xvfb (Mesa's software OpenGL: no GPU on the bench machine).
#   tests/bench/studio/run.sh BUILD_DIR [WORK_DIR]
# Generates the two projects once, then prints frame times for each script.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]} work=${2:-/tmp/bench/studio}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
[ -d "$work/dense" ] || "$build/tests/bench/bench_generate" project "$work/dense" --items 1 --per-item 10000 --width 3840 --height 2160
[ -d "$work/million" ] || "$build/tests/bench/bench_generate" project "$work/million" --items 1000000 --per-item 1
for case in dense:dense_boxes million:million_items; do
  project=${case%%:*} script=${case##*:}
  echo "--- $script ($work/$project)"
  xvfb-run -a -s "-screen 0 1280x800x24" "$build/host/studio/tessera-studio" --script "$here/$script.lua" "$work/$project"
done
