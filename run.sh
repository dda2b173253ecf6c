#!/usr/bin/env bash
# Starts ComplaintDesk: installs what is missing, then opens the app.
#   ./run.sh          the local encrypted database (a setup wizard creates it on first run)
#   ./run.sh --demo   a throwaway demo database with one user per role
set -euo pipefail
cd "$(dirname "$0")"
bash installer/linux-deps.sh run
bash installer/python-env.sh
exec .venv/bin/complaintdesk gui "$@"
