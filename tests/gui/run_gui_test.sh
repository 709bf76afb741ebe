#!/usr/bin/env bash
# Runs one scripted studio session under Xvfb (Mesa's software OpenGL) on a
# fresh project made from the street sample with the driving schema (and the
# annotations of TESSERA_GUI_IMPORT, a COCO file, when set).
#   run_gui_test.sh CLI STUDIO SOURCE_DIR SCRIPT OUT_DIR [STUDIO_OPTION...]
# The script finds OUT_DIR in $TESSERA_GUI_OUT (screenshots go there).
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 script=$4 out=$5
shift 5

rm -rf "$out"
mkdir -p "$out"
"$cli" init "$out/project" --schema tessera.driving >/dev/null
"$cli" add "$out/project" "$source_dir/samples/projects/street/images" >/dev/null
# A session may start from annotations: TESSERA_GUI_IMPORT names a COCO file.
if [ -n "${TESSERA_GUI_IMPORT:-}" ]; then
  "$cli" import "$out/project" --format coco "$TESSERA_GUI_IMPORT" >/dev/null
fi

# Under AddressSanitizer, leaks are not checked in the studio process: Mesa's
# DRI driver leaks a few allocations and is unloaded before LeakSanitizer runs,
# so they cannot be told apart or suppressed. The studio's own logic is
# leak-checked headless by tests/studio.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_PROJECT=$out/project TESSERA_GUI_LIB=$(dirname "$0")/lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1280x800x24" "$studio" --author tester "$@" --script "$script" "$out/project"
