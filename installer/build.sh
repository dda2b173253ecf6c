#!/usr/bin/env bash
# Builds the one-folder application with PyInstaller into dist/ComplaintDesk-<version>/.
# On Windows, installer/windows/complaintdesk.iss (Inno Setup) then wraps that folder in a setup.exe.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/python-env.sh dev
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build installer/complaintdesk.spec
echo "已生成：$(ls -d dist/ComplaintDesk-*)"
