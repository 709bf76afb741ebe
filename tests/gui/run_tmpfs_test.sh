#!/usr/bin/env bash
# Runs a scripted studio session on a project that lives on its own small
# tmpfs, so that the script can fill the disk (TESSERA_FILL_FILE) while the
# studio runs, or (with "read-only") the tmpfs is mounted read-only before the
# studio starts: what an annotator sees when the store cannot write.
# Needs root (mount); exits 77, which ctest reports as skipped, without it.
#   run_tmpfs_test.sh CLI STUDIO SOURCE_DIR SCRIPT OUT_DIR [read-only]
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 script=$4 out=$5 mode=${6:-}

rm -rf "$out"
mkdir -p "$out/disk"
if ! mount -t tmpfs -o size=8m tmpfs "$out/disk" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs root)"
  exit 77
fi
trap 'umount -l "$out/disk" 2>/dev/null || true' EXIT
"$cli" init "$out/disk/project" --schema tessera.driving >/dev/null
"$cli" add "$out/disk/project" "$source_dir/samples/projects/street/images" >/dev/null
if [ "$mode" = read-only ]; then
  mount -o remount,ro "$out/disk"
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_LIB=$(dirname "$0")/lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
export TESSERA_FILL_FILE=$out/disk/filler
xvfb-run -a -s "-screen 0 1280x800x24" "$studio" --author tester --script "$script" "$out/disk/project"
