#!/usr/bin/env bash
# Installs what the tests need, checks style and layering, then runs the whole suite offscreen.
# Extra arguments go to pytest (e.g. ./test.sh tests/app -k audit).
set -euo pipefail
cd "$(dirname "$0")"
bash installer/linux-deps.sh test
bash installer/python-env.sh dev
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
export QT_QPA_PLATFORM=offscreen
export PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "错误：没有收集到任何测试" >&2
  exit 1
fi
exit "$rc"
