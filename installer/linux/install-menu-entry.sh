#!/usr/bin/env bash
# Adds 医患投诉工作台 to this user's application menu (icon in the menu and the taskbar).
# Run it from the unpacked application folder: ./install-menu-entry.sh   (undo: --remove)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "${1:-}" = --remove ]; then
  rm -f "$apps/complaintdesk.desktop" "$icons/complaintdesk.png"
  echo "已从应用程序菜单移除医患投诉工作台"
  exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/complaintdesk.png" "$icons/complaintdesk.png"
sed "s|@APPDIR@|$here|g" "$here/complaintdesk.desktop" > "$apps/complaintdesk.desktop"
chmod 644 "$apps/complaintdesk.desktop"
echo "已添加到应用程序菜单：$apps/complaintdesk.desktop"
