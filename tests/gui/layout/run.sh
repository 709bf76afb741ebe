#!/usr/bin/env bash
# The layout follows the window's size, a profile's layout scales with it, and
# a panel the user moved is where it was after a restart, until View → Reset
# layout. Several studio sessions on one project, sharing one user config
# folder (XDG_CONFIG_HOME) under OUT_DIR.
#   run.sh CLI STUDIO SOURCE_DIR OUT_DIR
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$out"
mkdir -p "$out"
"$cli" init "$out/project" --schema tessera.driving >/dev/null
"$cli" add "$out/project" "$source_dir/samples/projects/street/images" >/dev/null

# See run_gui_test.sh for why leaks are not checked in the studio process.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_PROJECT=$out/project TESSERA_GUI_LIB=$here/../lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
export XDG_CONFIG_HOME=$out/config

# session SCRIPT WIDTH HEIGHT [STUDIO_OPTION...]
session() {
  local script=$1 width=$2 height=$3
  shift 3
  echo "--- $script at ${width}x${height} $*"
  TESSERA_GUI_WIDTH=$width TESSERA_GUI_HEIGHT=$height \
    xvfb-run -a -s "-screen 0 1920x1080x24" "$studio" --author tester \
    --window-size "${width}x${height}" "$@" --script "$here/$script" "$out/project"
}

session size.lua 1920 1080
session size.lua 1280 800
session profile.lua 1920 1080 --profile "$source_dir/samples/profiles/driving.json"
session move.lua 1280 800
session restore.lua 1280 800
session size.lua 1280 800  # after the reset: the default layout, nothing saved
