#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages ComplaintDesk needs, when running as root and they are missing.
#   installer/linux-deps.sh run    -> what the desktop app needs (Qt's xcb libraries, a CJK font)
#   installer/linux-deps.sh test   -> plus what the tests need (poppler-utils, PostgreSQL, Xvfb)
set -euo pipefail
want=(fonts-wqy-microhei libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1
      libfontconfig1 libdbus-1-3 libglib2.0-0)
if [ "${1:-run}" = test ]; then
  want+=(poppler-utils postgresql xvfb)
fi
command -v dpkg >/dev/null 2>&1 || { echo "非 Debian 系统：请自行安装 ${want[*]}" >&2; exit 0; }
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}；请以 root 身份运行本脚本，或执行 sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
