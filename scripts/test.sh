#!/usr/bin/env bash
# Command (b): install the dev set, then run the full test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
exec .venv/bin/python -m pytest "$@"
