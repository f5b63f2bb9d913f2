"""The models dbt parse knows, read from target/manifest.json: the one reader the tests share."""

from __future__ import annotations

import json
from pathlib import Path

from warehouse.settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def models_under(folders: tuple[str, ...], manifest: Path = MANIFEST) -> list[dict]:
    """Every model node whose file lies under one of `folders` (paths like "models/marts/")."""
    if not manifest.exists():
        raise FileNotFoundError(f"{manifest} is missing: run `dbt parse` in dbt_project first")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return [n for n in nodes if n["resource_type"] == "model" and n["original_file_path"].startswith(folders)]
