#!/usr/bin/env bash
# Command (b): install the dev set, then run the full test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
# Lint and format first: a formatting slip fails in a second, not after the suite.
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet . || { echo "test: run .venv/bin/ruff format . and commit" >&2; exit 1; }
# The models' SQL (.sqlfluff says which rules and why): about 20 s of CPU, the slowest lint here, so on every core.
.venv/bin/sqlfluff lint --processes 0 dbt_project/models
# Two pytest-xdist workers, CI's two cores (pyproject.toml's pytest section says how tests are shared out).
# Arguments after ours win: `scripts/test.sh -n 0` runs serially.
exec .venv/bin/python -m pytest -n 2 "$@"
