#!/usr/bin/env bash
# Installs what is missing, builds Tessera and runs its main job on the bundled
# sample project: a new project in build/demo/project, then
# add -> import -> info -> validate -> export; then a project with the
# autonomous-driving schema (a Lua plugin) inspected 100% by `tessera qa`;
# finally, when a display is present, the studio opens on that project.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j2 --target tessera_cli tessera_studio

tessera=build/host/cli/tessera
sample=samples/projects/street
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"

run() {
  echo
  echo "\$ tessera $*"
  "$tessera" "$@"
}
run init "$demo/project" --name street-demo
run add "$demo/project" "$sample/images"
run import "$demo/project" --format coco "$sample/annotations/instances.json"
run info "$demo/project"
run validate "$demo/project"
run export "$demo/project" --format coco --out "$demo/export/instances.json"
run export "$demo/project" --format yolo --out "$demo/export/yolo"
run export "$demo/project" --format voc --out "$demo/export/voc"
run export "$demo/project" --format labelme --out "$demo/export/labelme"
run export "$demo/project" --format cvat --out "$demo/export/cvat/annotations.xml"

run schema list
run init "$demo/driving" --schema tessera.driving
run add "$demo/driving" "$sample/images"
run import "$demo/driving" --format coco "$sample/annotations/driving.json"
# The sample has one traffic light without a state: qa reports it and exits 1.
if run qa "$demo/driving"; then
  echo "expected a finding about the traffic light without a state" >&2
  exit 1
fi
echo
echo "done: the projects are in $demo/project and $demo/driving, the exports in $demo/export"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "\$ tessera-studio $demo/driving"
  build/host/studio/tessera-studio "$demo/driving"
else
  echo "(no display: run build/host/studio/tessera-studio $demo/driving on a desktop to annotate it)"
fi
