#!/usr/bin/env bash
# Command (a): install, then run the main job end to end on the embedded DuckDB default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/cscw demo "$@"
