#!/usr/bin/env bash
# Install the project into .venv (idempotent: a second run only checks) and prepare the dbt manifest.
#   scripts/setup.sh        runtime set
#   scripts/setup.sh dev    runtime set plus the test tools
set -euo pipefail
cd "$(dirname "$0")/.."
# The machine sets PYTHONDONTWRITEBYTECODE=1; compiled bytecode at install halves process start-up.
export UV_COMPILE_BYTECODE=1
python=${CSCW_PYTHON:-$(command -v python3.11 || command -v python3)}
extras=()
[ "${1:-}" = "dev" ] && extras=(--extra dev)

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $python"
  "$python" -m venv .venv
fi
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
# Exactly the versions in uv.lock, so CI and every council run the same set (`uv lock` after editing
# pyproject.toml; --locked refuses a lock that no longer matches it). --inexact keeps uv and pip in .venv.
UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --quiet --locked --inexact "${extras[@]}"

# The DfE validator (pandas<2) gets its own venv; its pins live in pyproject.toml [tool.cscw].
if [ ! -x .venv-validator/bin/python ]; then
  echo "setup: creating .venv-validator for the DfE SSDA903 validator"
  "$python" -m venv .venv-validator
fi
mapfile -t validator_pins < <(.venv/bin/python -c \
  'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["cscw"]["validator-requirements"]))')
.venv/bin/uv pip install --quiet --python .venv-validator/bin/python "${validator_pins[@]}"

# The DfE's CIN census validator (pandas<2 as well) gets one of its own; pins beside the 903's.
if [ ! -x .venv-validator-cin/bin/python ]; then
  echo "setup: creating .venv-validator-cin for the DfE CIN census validator"
  "$python" -m venv .venv-validator-cin
fi
mapfile -t cin_validator_pins < <(.venv/bin/python -c \
  'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["cscw"]["cin-validator-requirements"]))')
.venv/bin/uv pip install --quiet --python .venv-validator-cin/bin/python "${cin_validator_pins[@]}"

# The committee report prints its PDF with Debian's chromium, the browser its test drives too.
if ! command -v chromium >/dev/null; then
  echo "setup: installing Debian's chromium"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q chromium >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q chromium >/dev/null; }
fi

# The dev set's Annex A test opens the workbook in LibreOffice (headless, to PDF) and reads the PDF with poppler.
if [ "${1:-}" = "dev" ] && ! { command -v libreoffice >/dev/null && command -v pdftotext >/dev/null; }; then
  echo "setup: installing Debian's libreoffice-calc and poppler-utils (the Annex A workbook test)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q libreoffice-calc poppler-utils >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q libreoffice-calc poppler-utils >/dev/null; }
fi

# @dbt_assets reads target/manifest.json at import time: build it here, never at import. Parsed with the profile
# and settings a night gives dbt (warehouse/settings.py environment()), since dagster-dbt starts each night's dbt
# from target/partial_parse.msgpack, and dbt throws a parse made for another profile or target away and parses
# the whole project again (about 8 s of every night).
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1
.venv/bin/python - <<'PY'
import os, subprocess, sys
from warehouse.settings import DBT_PROJECT_DIR, REPO_ROOT, environment, get_settings

dbt = [str(REPO_ROOT / ".venv" / "bin" / "dbt"), "parse", "--quiet", "--profiles-dir", "."]
sys.exit(subprocess.run(dbt, cwd=DBT_PROJECT_DIR, env={**os.environ, **environment(get_settings())}).returncode)
PY
