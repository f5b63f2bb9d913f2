"""What the last published night was built from, and so what tonight's dbt build may leave as it is.

After a night publishes, `cscw nightly` records (CSCW_HOME/published-night.json) the code it was built from,
the published file, its ledger (whole and per source) and dbt's target folder, and keeps that run's
manifest (CSCW_HOME/state/manifest.json). The next night's dbt step then builds only what changed:
the models downstream of each source whose published snapshots changed since (`source:<source>+`, and
`source:gate+` for the ledger the data-quality marts read), plus dbt code changed since
(`state:modified+` against the kept manifest). Everything else in the working copy is the published night's.
Whenever that cannot be proved, it builds everything: no record or manifest, another published file (a night
launched outside `cscw nightly` records nothing), code outside dbt_project or a setting changed (state
comparison cannot see those), or any dbt run into the working copy since the published one (a failed night, a
`cscw return --year` build: their dbt folder is then the newest in logs/dbt).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse import settings as config
from warehouse.settings import Settings

if TYPE_CHECKING:
    from warehouse.connection import Connection

log = logging.getLogger("cscw")

# What builds the warehouse besides the landing data: a change to any of these files means a night must build
# again even with no new snapshot.
_BUILD_CODE = (
    "dbt_project",
    "ingest",
    "expectations",
    "outputs",
    "orchestration/defs",
    "orchestration/lib",
    "warehouse",
)
_DBT_CODE = "dbt_project"
_NOT_CODE = {"target", "logs", "dbt_packages", "__pycache__"}
# The ledger statuses that change a raw table: a snapshot published, or taken back (ingest/ledger.py).
_RAW_CHANGING = ("loaded", "withdrawn")


def night_record(settings: Settings) -> Path:
    """What the last published night was built from, written only after it published (beside the warehouse)."""
    return settings.home / "published-night.json"


def kept_manifest(settings: Settings) -> Path:
    """The published night's dbt manifest, what `state:modified` compares the code with."""
    return settings.home / "state" / "manifest.json"


def dbt_runs(settings: Settings) -> Path:
    """Where every dbt run into the working copy keeps its target folder (orchestration/defs/dbt/assets.py)."""
    return settings.home / "logs" / "dbt"


def _code_parts(settings: Settings) -> dict[str, str]:
    """A digest of each folder of build code, and of the settings and versions the build depends on."""
    from importlib.metadata import version

    from ingest.reference_data import package_versions
    from warehouse.connection import target

    parts = {}
    for folder in _BUILD_CODE:
        digest = hashlib.sha256()
        for path in sorted((config.REPO_ROOT / folder).rglob("*")):
            relative = path.relative_to(config.REPO_ROOT)
            if path.is_file() and path.suffix != ".pyc" and not _NOT_CODE & set(relative.parts):
                digest.update(f"{relative}\0".encode() + path.read_bytes() + b"\0")
        parts[folder] = digest.hexdigest()
    setup = [settings.la_ons, settings.la_dfe, settings.la_name, target(), package_versions()]
    setup += [config.GATE_QUARANTINE_MAX_SHARE, config.GATE_QUARANTINE_FLOOR, config.GATE_DROP_MAX_SHARE]
    setup += [config.GATE_DROP_FLOOR]
    setup += [version(name) for name in ("duckdb", "dbt-core", "dbt-duckdb")]
    parts["setup"] = hashlib.sha256(json.dumps(setup).encode()).hexdigest()
    return parts


def _combined(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build_fingerprint(settings: Settings) -> str:
    return _combined(_code_parts(settings))


def ledger_digest(con: Connection) -> str:
    rows = con.execute(
        "select source, extract_date::varchar, snapshot_fingerprint, status, count(*) from raw._ledger "
        "group by all order by all"
    ).fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _source_digests(con: Connection) -> dict[str, str]:
    """Per source, a digest of the ledger rows that change its raw tables."""
    rows = con.execute(
        "select source, extract_date::varchar, snapshot_fingerprint, status, count(*) from raw._ledger "
        f"where status in {_RAW_CHANGING} group by all order by all"
    ).fetchall()
    by_source: dict[str, list] = {}
    for row in rows:
        by_source.setdefault(row[0], []).append(row[1:])
    return {source: hashlib.sha256(json.dumps(r).encode()).hexdigest() for source, r in by_source.items()}


def file_state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _newest_dbt_run(settings: Settings) -> Path | None:
    root = dbt_runs(settings)
    return max((p for p in root.iterdir() if p.is_dir()), default=None) if root.exists() else None


def record_published_night(settings: Settings) -> None:
    """After a published night: the code, the published file and its ledger it came from, for the next night."""
    from warehouse.connection import connect, target

    if target() != "duckdb":
        return
    night_record(settings).unlink(missing_ok=True)  # a record left from before would vouch for another build
    try:
        with connect(settings.warehouse, read_only=True) as con:
            ledger, sources = ledger_digest(con), _source_digests(con)
        parts = _code_parts(settings)
        newest = _newest_dbt_run(settings)
        if newest is not None and (newest / "manifest.json").exists():
            kept_manifest(settings).parent.mkdir(mode=0o700, exist_ok=True)
            shutil.copyfile(newest / "manifest.json", kept_manifest(settings))
        record = {
            "code": _combined(parts),
            "code_parts": parts,
            "published": file_state(settings.warehouse),
            "ledger": ledger,
            "sources": sources,
            "dbt_run": newest.name if newest else None,
        }
        night_record(settings).write_text(json.dumps(record, indent=1) + "\n")
    except Exception as error:  # noqa: BLE001 - the night is published; without a record the next one builds again
        log.warning("nightly: what this night was built from was not recorded (%s): the next night builds again", error)


def dbt_selection(settings: Settings, con: Connection) -> list[str] | None:
    """dbt's --select for tonight (possibly empty: nothing to rebuild), or None to build everything.

    `con` reads the working copy, after the night's loads and before its dbt run."""
    from warehouse.connection import target

    try:
        record = json.loads(night_record(settings).read_text())
        newest = _newest_dbt_run(settings)
        if (
            target() != "duckdb"
            or record["published"] != file_state(settings.warehouse)
            or newest is None
            or newest.name != record["dbt_run"]
        ):
            return None
        parts, recorded = _code_parts(settings), record["code_parts"]
        if any(parts[k] != recorded.get(k) for k in parts if k != _DBT_CODE):
            return None
        select = []
        if parts[_DBT_CODE] != recorded.get(_DBT_CODE):
            if not kept_manifest(settings).exists():
                return None
            select.append("state:modified+")
        now, before = _source_digests(con), record["sources"]
        changed = sorted(s for s in now.keys() | before.keys() if now.get(s) != before.get(s))
        if ledger_digest(con) != record["ledger"]:
            select.append("source:gate+")
        return select + [f"source:{source}+" for source in changed]
    except (OSError, KeyError, ValueError):
        return None
