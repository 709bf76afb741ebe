#!/usr/bin/env bash
# Runs hostile_view.lua on a project of the street sample (with its driving
# annotations) whose plugins/ folder holds the hostile view, with a Lua
# deadline of 300 ms a call.
#   run.sh CLI STUDIO SOURCE_DIR OUT_DIR
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$out"
mkdir -p "$out"
"$cli" init "$out/project" --schema tessera.driving >/dev/null
"$cli" add "$out/project" "$source_dir/samples/projects/street/images" >/dev/null
"$cli" import "$out/project" --format coco "$source_dir/samples/projects/street/annotations/driving.json" >/dev/null
mkdir -p "$out/project/plugins"
cp -r "$here/plugin" "$out/project/plugins/hostile-view"
python3 - "$out/project/tessera-project.json" <<'PY'
import json, sys
path = sys.argv[1]
project = json.load(open(path))
project["lua"] = {"time_ms": 300}
json.dump(project, open(path, "w"), indent=2)
PY
"$cli" export "$out/project" --format coco --out "$out/before.json" >/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_LIB=$here/../lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -s "-screen 0 1280x800x24" "$studio" --author tester --script "$here/hostile_view.lua" "$out/project"

# Nothing the view tried reached the project.
"$cli" export "$out/project" --format coco --out "$out/after.json" >/dev/null
cmp "$out/before.json" "$out/after.json"
"$cli" validate "$out/project" >/dev/null
