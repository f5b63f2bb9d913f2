"""One place for where things live and which council this is.

Everything is driven by environment variables so the CLI, Dagster, dbt (a subprocess) and the
tests agree without passing paths around.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
# When the nightly schedule runs (a cron in UK time).
NIGHTLY_CRON_ENV = "CSCW_NIGHTLY_CRON"
DEFAULT_NIGHTLY_CRON = "30 2 * * *"
LOCK_TIMEOUT_ENV = "CSCW_LOCK_TIMEOUT"
# Long enough for a night at scale 100 to finish; a writer that waits longer refuses with the holder's name.
DEFAULT_LOCK_TIMEOUT = 4 * 3600.0

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


def nightly_cron() -> str:
    return os.environ.get(NIGHTLY_CRON_ENV) or DEFAULT_NIGHTLY_CRON


def lock_timeout() -> float:
    """Seconds a writer waits for the writer lock (warehouse/serving.py); read at each wait, so a test can set it."""
    return float(os.environ.get(LOCK_TIMEOUT_ENV) or DEFAULT_LOCK_TIMEOUT)


def target_name() -> str:
    """CSCW_TARGET as given (warehouse/connection.py checks it): duckdb unless set."""
    return os.environ.get("CSCW_TARGET", "duckdb")


def chromium_path() -> str | None:
    """The Chromium that prints the committee report's PDF: CSCW_CHROMIUM, else the one on PATH."""
    return os.environ.get("CSCW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def postgres_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """PostgreSQL connection settings from the CSCW_PG_* variables (those of `environ`, else the process's)."""
    env = os.environ if environ is None else environ
    return {
        "host": env.get("CSCW_PG_HOST", "127.0.0.1"),
        "port": int(env.get("CSCW_PG_PORT", "5432")),
        "user": env.get("CSCW_PG_USER", "cscw"),
        "password": env.get("CSCW_PG_PASSWORD", ""),
        "dbname": env.get("CSCW_PG_DATABASE", "cscw"),
    }


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
