#!/usr/bin/env bash
# Creates .venv if missing and (re)installs the project into it when pyproject.toml changed.
#   installer/python-env.sh        -> the app
#   installer/python-env.sh dev    -> the app plus test and build tools
set -euo pipefail
cd "$(dirname "$0")/.."
extra=""
[ "${1:-}" = dev ] && extra="[dev]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.complaintdesk-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)$extra"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extra"
  echo "$want" > "$stamp"
fi
