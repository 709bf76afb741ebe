#!/usr/bin/env bash
# Studio frame times under Xvfb (Mesa's software OpenGL: no GPU on the bench machine).
#   tests/bench/studio/run.sh BUILD_DIR [WORK_DIR]
# Generates the projects once (1k, 10k and 50k boxes on one 4K item; 1M items),
# then prints frame times for each.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]} work=${2:-/tmp/bench/studio}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
for boxes in 1000 10000 50000; do
  [ -d "$work/dense-$boxes" ] ||
    "$build/tests/bench/bench_generate" project "$work/dense-$boxes" --items 1 --per-item $boxes --width 3840 --height 2160
done
[ -d "$work/million" ] || "$build/tests/bench/bench_generate" project "$work/million" --items 1000000 --per-item 1
studio() { xvfb-run -a -s "-screen 0 1280x800x24" "$build/host/studio/tessera-studio" --script "$here/$1.lua" "$2"; }
echo "--- dense_boxes: one 3840 x 2160 item"
for boxes in 1000 10000 50000; do studio dense_boxes "$work/dense-$boxes"; done
echo "--- million_items: $work/million"
studio million_items "$work/million"
