#!/usr/bin/env bash
# Builds the one-folder application with PyInstaller into dist/ComplaintDesk-<version>/.
# On Linux the folder also gets the icon, a .desktop entry and install-menu-entry.sh (adds it to the
# user's application menu). On Windows, installer/windows/complaintdesk.iss (Inno Setup) then wraps
# the folder in a setup.exe:  iscc /DVersion=<version> installer\windows\complaintdesk.iss
# Check the result with installer/smoke.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/python-env.sh dev
version="$(.venv/bin/python -c 'from app.version import __version__; print(__version__)')"
out="dist/ComplaintDesk-$version"
QT_QPA_PLATFORM=offscreen .venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build installer/complaintdesk.spec
if [ "$(uname -s)" = Linux ]; then
  cp resources/icons/complaintdesk.png installer/linux/complaintdesk.desktop "$out/"
  cp installer/linux/install-menu-entry.sh "$out/"
fi
echo "已生成：$out（$(du -sh "$out" | cut -f1)）"
