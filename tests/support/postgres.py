"""A throwaway PostgreSQL server for the test session, and the marts of a built warehouse as rows.

The server comes from scripts/postgres.sh (which installs PostgreSQL when it is missing), so a
machine without one starts one rather than skipping the tests that need it.
"""

from __future__ import annotations

import datetime
import decimal
import math
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.manifest import MANIFEST, models_under
from warehouse.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"


@contextmanager
def running_server() -> Iterator[dict[str, str]]:
    """Start a cluster in a fresh directory; yield its CSCW_PG_* settings; stop it and remove the directory."""
    # Not under pytest's base temp: that is private to this user, and the server runs as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="cscw-pg-"))
    try:
        started = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True)
        if started.returncode:
            raise RuntimeError(f"scripts/postgres.sh start failed:\n{started.stdout}\n{started.stderr}")
        yield dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], capture_output=True, text=True)
        shutil.rmtree(folder, ignore_errors=True)


def published_models(manifest: Path = MANIFEST) -> list[tuple[str, str]]:
    """(schema, table) of every mart and return model, from the manifest, so a new mart is compared too."""
    return sorted((n["schema"], n["alias"]) for n in models_under(("models/marts/", "models/returns/"), manifest))


def _plain(value):
    """One Python value per meaning, whichever engine and driver produced it."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _sort_key(row: tuple) -> tuple:
    # Floats sort by a rounded value, so rows that differ only in the last bits still line up.
    return tuple((0, "") if v is None else (1, round(v, 6)) if isinstance(v, float) else (2, str(v)) for v in row)


def table_rows(con, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(f'select * from "{schema}"."{table}"')
    names = [d[0] for d in cursor.description]
    rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
    return names, sorted(rows, key=_sort_key)


def _same(a, b, tolerance: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
    return a == b


def differences(
    left: tuple[list[str], list[tuple]], right: tuple[list[str], list[tuple]], tolerance: float = 1e-9, limit: int = 3
) -> list[str]:
    """What differs between two sorted tables: columns, row count, then the first differing rows."""
    (left_names, left_rows), (right_names, right_rows) = left, right
    if left_names != right_names:
        return [f"columns {left_names} != {right_names}"]
    found = [] if len(left_rows) == len(right_rows) else [f"{len(left_rows)} rows != {len(right_rows)} rows"]
    for a, b in zip(left_rows, right_rows, strict=False):
        if len(found) > limit:
            break
        if not all(_same(x, y, tolerance) for x, y in zip(a, b, strict=True)):
            cells = {n: (x, y) for n, x, y in zip(left_names, a, b, strict=True) if not _same(x, y, tolerance)}
            found.append(f"row {a[:3]}...: {cells}")
    return found


@contextmanager
def fresh_database(server: dict[str, str], name: str) -> Iterator[dict[str, str]]:
    """A new empty database on `server`, owned by the loader; yields the server's settings pointing at it."""
    from warehouse.connection import PostgresConnection, postgres_settings

    with PostgresConnection(**postgres_settings(server)) as admin:
        admin.execute(f'drop database if exists "{name}"')
        admin.execute(f'create database "{name}"')
    try:
        yield {**server, "CSCW_PG_DATABASE": name}
    finally:
        from psycopg2.errors import InsufficientPrivilege

        with PostgresConnection(**postgres_settings(server)) as admin:
            try:
                admin.execute(f'drop database if exists "{name}" with (force)')
            except InsufficientPrivilege:
                # FORCE may not signal an autovacuum worker busy on the new tables (it runs as no role the
                # loader is a member of); a plain drop stops autovacuum itself.
                admin.execute(f'drop database if exists "{name}"')
