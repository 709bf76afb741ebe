#!/usr/bin/env bash
# Installs what Tessera needs to build and test, from Debian 12 packages only.
# Run as root (or with sudo). Installs nothing that is already there.
set -euo pipefail

packages=(
  cmake g++ make pkg-config clang libclang-rt-14-dev clang-format
  liblua5.4-dev libimgui-dev libglfw3-dev libstb-dev
  flatbuffers-compiler libflatbuffers-dev libfmt-dev catch2
  libsqlite3-dev libsimdjson-dev libpugixml-dev libutf8proc-dev libre2-dev
  xvfb xauth libgl1-mesa-dri fonts-noto-cjk
  labelme  # a real consumer: the tests load our labelme exports with its LabelFile
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
