#!/usr/bin/env bash
# Installs what is missing, builds Tessera and runs its main job on the bundled
# sample project: a new project in build/demo/project, then
# add -> import -> info -> validate -> export.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j2 --target tessera_cli

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
echo
echo "done: the project is in $demo/project, the exports in $demo/export"
