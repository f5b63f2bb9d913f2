"""The analyst catalogue: `cscw tables` (what each table holds) and `cscw docs` (dbt's documentation site).

Both read the published warehouse, whose table and column comments are the dbt yml descriptions
(persist_docs in dbt_project.yml), so what they show is what the night built.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from orchestration.cli.common import log
from warehouse.settings import DBT_PROJECT_DIR, Settings

# The loader's and dbt's own working layers: an analyst reads the marts, so these show only with --all.
BUILD_SCHEMAS = ("raw", "staging", "intermediate")
NO_WAREHOUSE = "%s: no published warehouse yet at %s: run `cscw nightly` first"

DUCKDB_TABLES = (
    "select schema_name, table_name, comment from duckdb_tables() "
    "where database_name = current_database() and not internal order by schema_name, table_name"
)
POSTGRES_TABLES = (
    "select n.nspname, c.relname, obj_description(c.oid, 'pg_class') from pg_class as c "
    "join pg_namespace as n on n.oid = c.relnamespace where c.relkind in ('r', 'p') "
    "and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' "
    "order by n.nspname, c.relname"
)


def add_catalogue_parsers(sub: argparse._SubParsersAction) -> None:
    tables = sub.add_parser("tables", help="the tables analysts read, with what each one holds")
    tables.add_argument("--all", action="store_true", help="the raw, staging and intermediate tables too")
    docs = sub.add_parser("docs", help="dbt's documentation site of every table and column, on 127.0.0.1")
    docs.add_argument("--port", type=int, default=8580)


def _no_warehouse(settings: Settings, command: str) -> bool:
    from warehouse.connection import target

    if target() == "duckdb" and not settings.warehouse.exists():
        log.error(NO_WAREHOUSE, command, settings.warehouse)
        return True
    return False


def published_tables(settings: Settings) -> list[tuple[str, str, str | None]]:
    """(schema, table, description) of every table in the published warehouse."""
    from warehouse.connection import target
    from warehouse.serving import read_published

    with read_published(settings) as con:
        return con.execute(POSTGRES_TABLES if target() == "postgres" else DUCKDB_TABLES).fetchall()


def cmd_tables(settings: Settings, args: argparse.Namespace) -> int:
    if _no_warehouse(settings, "tables"):
        return 1
    tables = [row for row in published_tables(settings) if args.all or row[0] not in BUILD_SCHEMAS]
    width = shutil.get_terminal_size((120, 40)).columns
    current = None
    for schema, table, description in tables:
        if schema != current:
            current = schema
            print(f"\n{schema}")
        print(f"  {schema}.{table}")
        text = " ".join((description or "(no description)").split())
        print(textwrap.fill(text, width=max(width, 60), initial_indent="      ", subsequent_indent="      "))
    hidden = "" if args.all else " (--all for the raw, staging and intermediate tables)"
    print(f"\n{len(tables)} tables{hidden}. Columns: cscw docs, or the comments in any SQL client.")
    return 0


def _dbt(step: list[str], env: dict[str, str]) -> int:
    dbt = Path(sys.executable).parent / "dbt"
    where = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    return subprocess.run([str(dbt), *step, *where], env=env).returncode


def generate_docs(settings: Settings) -> tuple[int, dict[str, str]]:
    """`dbt docs generate` from a copy of the published warehouse, into CSCW_HOME/docs/target.

    A copy, because dbt opens its DuckDB file for writing: the published file stays read-only for
    analysts, and the night's working copy stays the night's.
    """
    from warehouse.connection import target

    folder = settings.home / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}
    if target() == "duckdb":
        copy = folder / "warehouse.duckdb"
        shutil.copyfile(settings.warehouse, copy)
        env["CSCW_WAREHOUSE"] = str(copy)
    return _dbt(["docs", "generate"], env), env


def cmd_docs(settings: Settings, args: argparse.Namespace) -> int:
    if _no_warehouse(settings, "docs"):
        return 1
    code, env = generate_docs(settings)
    if code:
        log.error("docs: dbt docs generate failed (its log: %s)", env["DBT_LOG_PATH"])
        return code
    log.info("docs: serving on http://127.0.0.1:%d (Ctrl-C to stop)", args.port)
    try:
        # This machine only: the site lists every table and column.
        return _dbt(["docs", "serve", "--host", "127.0.0.1", "--port", str(args.port), "--no-browser"], env)
    except KeyboardInterrupt:
        return 0
