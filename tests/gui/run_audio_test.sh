#!/usr/bin/env bash
# Runs one scripted studio session (as run_gui_test.sh does) on a fresh
# project with the speech schema and one audio item, shown by the Lua timeline
# view (plugins/lua/timeline).
#   run_audio_test.sh CLI STUDIO SOURCE_DIR SCRIPT OUT_DIR [STUDIO_OPTION...]
# The project also holds a probe plugin whose QA rule reports every time span
# as an info finding "span LABEL START END": the script reads the stored spans
# back through studio.findings(), as the studio shows annotations it has no
# field for.
set -euo pipefail
cli=$1 studio=$2 source_dir=$3 script=$4 out=$5
shift 5

rm -rf "$out"
mkdir -p "$out/media"
# One second of 8 kHz 8-bit mono silence: a 44-byte WAV header and the samples.
{
  printf 'RIFF\x64\x1f\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x40\x1f\x00\x00\x01\x00\x08\x00'
  printf 'data\x40\x1f\x00\x00'
  head -c 8000 /dev/zero | tr '\0' '\200'
} >"$out/media/speech.wav"
"$cli" init "$out/project" --schema tessera.speech >/dev/null
"$cli" add "$out/project" "$out/media/speech.wav" >/dev/null

probe="$out/project/plugins/span-probe"
mkdir -p "$probe"
cat >"$probe/plugin.json" <<'JSON'
{ "id": "test.span-probe", "name": "Span probe (GUI tests)", "version": "1.0.0",
  "sdk_version": "1.0", "kind": "lua", "file": "init.lua" }
JSON
cat >"$probe/init.lua" <<'LUA'
return { api = 1, id = "test.span-probe", qa_rules = { {
  id = "test.span-probe", severity = "info", description = "reports every time span",
  check = function(item, ctx)
    for a in item:annotations() do
      local start, stop = a:span()
      if start then ctx:report(a, string.format("span %s %.6f %.6f", a.label, start, stop)) end
    end
  end,
} } }
LUA

# See run_gui_test.sh for why leaks are not checked in the studio process.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export TESSERA_GUI_OUT=$out TESSERA_GUI_LIB=$(dirname "$0")/lib/check.lua LIBGL_ALWAYS_SOFTWARE=1
status=0
xvfb-run -a -s "-screen 0 1280x800x24" "$studio" --author tester "$@" --script "$script" "$out/project" \
  2> >(tee "$out/stderr.txt" >&2) || status=$?
wait  # for tee
# A Lua view reports its errors to the log and the studio goes on: the test must not.
if grep -q '^tessera: \[tessera.timeline\] error' "$out/stderr.txt"; then
  echo "run_audio_test.sh: the timeline view logged errors (above)" >&2
  exit 1
fi
exit "$status"
