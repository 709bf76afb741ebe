#!/usr/bin/env bash
# Checks C and C++ formatting against the committed .clang-format files.
#   bash scripts/check-format.sh        every tracked C/C++ file (what CI runs)
#   bash scripts/check-format.sh REV    only the lines changed since REV
#                                       (git clang-format), e.g. before a commit
# Exits 1 and shows what clang-format would change when something differs; the
# fix is `clang-format -i FILE` (or `git clang-format REV`). The tree is
# formatted with Debian 12's clang-format 14; other versions break lines differently.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (apt-get install clang-format)" >&2
  exit 2
fi

if (($# > 0)); then
  out=$(git clang-format --diff --quiet "$1" -- '*.c' '*.h' '*.cpp' '*.hpp' || true)
  if [ -n "$out" ] && [ "$out" != "no modified files to format" ]; then
    echo "$out"
    echo "check-format: lines changed since $1 are not formatted; run: git clang-format $1" >&2
    exit 1
  fi
  echo "check-format: lines changed since $1 are formatted"
  exit 0
fi

mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' ':!:tests/data/**')
bad=()
if ! clang-format --dry-run -Werror "${files[@]}" >/dev/null 2>&1; then
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
fi
if ((${#bad[@]})); then
  for f in "${bad[@]}"; do clang-format "$f" | diff -u "$f" - | head -n 20 || true; done
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted: ${bad[*]}" >&2
  echo "check-format: run clang-format -i on them" >&2
  exit 1
fi
echo "check-format: all ${#files[@]} C/C++ files are formatted"
