"""One place for where things live and which council this is.

Everything is driven by environment variables so the CLI, Dagster, dbt (a subprocess) and the
tests agree without passing paths around.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
# DuckDB otherwise takes up to 80% of RAM for a big build; past this it spills to the build folder.
# dbt_project/profiles.yml falls back to the same figure when run outside the CLI.
DUCKDB_MEMORY_LIMIT = os.environ.get("CSCW_DUCKDB_MEMORY_LIMIT", "3GB")
# The gate's thresholds (ingest/rules.py says what each kind of problem does).
# A file is refused whole when its quarantined rows are more than this share of its rows and more than
# the floor: a few bad rows in a small file are a council's ordinary data, dozens are a broken export.
GATE_QUARANTINE_MAX_SHARE = float(os.environ.get("CSCW_GATE_QUARANTINE_MAX_SHARE", "0.05"))
GATE_QUARANTINE_FLOOR = int(os.environ.get("CSCW_GATE_QUARANTINE_FLOOR", "10"))
# A snapshot is held back as suspect when a file's rows, or the children looked after on the extract
# date, fall by more than this share against the last published snapshot, once that had at least the
# floor (below it a handful of rows is ordinary variation).
GATE_DROP_MAX_SHARE = float(os.environ.get("CSCW_GATE_DROP_MAX_SHARE", "0.20"))
GATE_DROP_FLOOR = int(os.environ.get("CSCW_GATE_DROP_FLOOR", "50"))

# Telemetry off for every tool, for every process we start (dbt runs as a subprocess).
OFFLINE_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "DAGSTER_DISABLE_TELEMETRY": "1",
}


@dataclass(frozen=True)
class Settings:
    home: Path
    la_ons: str
    la_dfe: str
    la_name: str

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def warehouse(self) -> Path:
        """The published warehouse: what analysts, `cscw query` and reports open, read-only."""
        return self.home / "warehouse.duckdb"

    @property
    def build_warehouse(self) -> Path:
        """The working copy every writer (ingest, dbt, the exports) uses; see warehouse/serving.py."""
        return self.home / "build" / "warehouse.duckdb"

    @property
    def writer_lock(self) -> Path:
        return self.home / "writer.lock"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def ensure_dirs(self) -> None:
        for path in (
            self.landing,
            self.quarantine,
            self.exports,
            self.reports,
            self.dagster_home,
            self.build_warehouse.parent,
        ):
            path.mkdir(parents=True, exist_ok=True)
        # Owner-only folders (warehouse/permissions.py); landing and logs are inside home, so covered too.
        for path in (self.home, self.build_warehouse.parent, self.quarantine, self.exports, self.reports):
            path.chmod(0o700)
        dagster_yaml = self.dagster_home / "dagster.yaml"
        if not dagster_yaml.exists():
            dagster_yaml.write_text((REPO_ROOT / "dagster.yaml").read_text())


def get_settings() -> Settings:
    home = Path(os.environ.get("CSCW_HOME") or REPO_ROOT / ".cscw").resolve()
    return Settings(
        home=home,
        la_ons=os.environ.get("CSCW_LA_ONS", "E10000003"),
        la_dfe=os.environ.get("CSCW_LA_DFE", "873"),
        la_name=os.environ.get("CSCW_LA_NAME", "Cambridgeshire"),
    )


def environment(settings: Settings) -> dict[str, str]:
    """What child processes (dbt, the Dagster webserver) need to see: the settings, telemetry off."""
    return {
        **OFFLINE_ENV,
        "CSCW_HOME": str(settings.home),
        # dbt writes the working copy; only the publish step touches settings.warehouse.
        "CSCW_WAREHOUSE": str(settings.build_warehouse),
        "CSCW_LA_ONS": settings.la_ons,
        "CSCW_LA_DFE": settings.la_dfe,
        "CSCW_DUCKDB_MEMORY_LIMIT": DUCKDB_MEMORY_LIMIT,
        "DAGSTER_HOME": str(settings.dagster_home),
    }


def apply_environment(settings: Settings) -> None:
    settings.ensure_dirs()
    os.environ.update(environment(settings))
