#!/usr/bin/env bash
# Runs text_fields.lua on a project with the test.text-fields schema and one
# imported box whose "name" is Pollard Miao (U+16F00..U+16F02, beyond ImGui's
# 16-bit characters) followed by " A-Hmao".
#   run.sh CLI STUDIO SOURCE_DIR OUT_DIR
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$out"
mkdir -p "$out"
export TESSERA_PLUGIN_PATH=$here/plugin
"$cli" init "$out/project" --schema test.text-fields >/dev/null
"$cli" add "$out/project" "$source_dir/samples/projects/street/images" >/dev/null
cat > "$out/costume.json" <<'JSON'
{
  "images": [{"id": 1, "file_name": "crossing-001.png", "width": 320, "height": 240}],
  "categories": [{"id": 1, "name": "costume"}],
  "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [200, 150, 60, 40],
                   "area": 2400, "iscrowd": 0,
                   "attributes": {"name": "\ud81b\udf00\ud81b\udf01\ud81b\udf02 A-Hmao"}}]
}
JSON
"$cli" import "$out/project" --format coco "$out/costume.json" >/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_LIB=$here/../lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -s "-screen 0 1280x800x24" "$studio" --author tester --script "$here/text_fields.lua" "$out/project"
