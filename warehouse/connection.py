"""The warehouse the loaders write to: the DuckDB file (default) or PostgreSQL (CSCW_TARGET=postgres).

The loaders speak one SQL dialect that both engines accept, with `?` parameters, through a connection
that has DuckDB's `execute(...).fetchone()` shape. The one thing done differently is handing a
DataFrame to SQL: DuckDB reads the frame in place, PostgreSQL receives it by COPY into a temporary
table. Both are `stage_frame` here, so the SQL that publishes a table is the same on both engines.

PostgreSQL connection settings come from the environment only (warehouse/settings.py: CSCW_PG_HOST, CSCW_PG_PORT,
CSCW_PG_USER, CSCW_PG_PASSWORD, CSCW_PG_DATABASE), the same variables dbt's profile reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from warehouse.settings import DUCKDB_MEMORY_LIMIT, postgres_settings, target_name

TARGETS = ("duckdb", "postgres")


def target() -> str:
    name = target_name()
    if name not in TARGETS:
        raise ValueError(f"CSCW_TARGET={name!r}: expected one of {', '.join(TARGETS)}")
    return name


class PostgresConnection:
    """psycopg2 behind the slice of DuckDB's connection API the loaders use.

    Autocommit, so `begin` / `commit` / `rollback` sent as SQL delimit transactions as they do on DuckDB.
    """

    def __init__(self, read_only: bool = False, **settings: Any):
        import psycopg2

        self._con = psycopg2.connect(application_name="cscw", **(settings or postgres_settings()))
        self._con.set_session(autocommit=True, readonly=read_only)
        self._cur = self._con.cursor()

    @staticmethod
    def _paramstyle(sql: str, params: Sequence | None) -> str:
        # psycopg2 formats with %s only when given parameters; a literal % then has to be doubled.
        return sql if params is None else sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence | None = None) -> PostgresConnection:
        self._cur.execute(self._paramstyle(sql, params), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> PostgresConnection:
        self._cur.executemany(self._paramstyle(sql, rows[0] if rows else ()), rows)
        return self

    @property
    def description(self):
        return self._cur.description

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def copy_csv(self, table: str, columns: list[str], text: io.StringIO) -> None:
        names = ", ".join(quote(c) for c in columns)
        self._cur.copy_expert(f"copy {table} ({names}) from stdin with (format csv)", text)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


Connection = duckdb.DuckDBPyConnection | PostgresConnection


def connect_duckdb(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Never fetch a DuckDB extension from the internet at run time.
    return duckdb.connect(
        str(path),
        read_only=read_only,
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": DUCKDB_MEMORY_LIMIT,
        },
    )


def connect(duckdb_path: Path, read_only: bool = False) -> Connection:
    """The configured target: PostgreSQL when CSCW_TARGET=postgres, else the DuckDB file at `duckdb_path`."""
    if target() == "postgres":
        return PostgresConnection(read_only=read_only)
    return connect_duckdb(duckdb_path, read_only=read_only)


def quote(identifier: str) -> str:
    """A column name as a SQL identifier: a header is data, never SQL (quotes doubled, so `Worker "lead"` is safe)."""
    return '"' + str(identifier).replace('"', '""') + '"'


def stage_frame(con: Connection, name: str, frame: pd.DataFrame) -> None:
    """Make `frame` readable by SQL as the relation `name` until `unstage_frame`, inside the current transaction.

    On PostgreSQL every column arrives as text (NA as NULL) and the SQL that reads it casts, as
    DuckDB's casts do from the frame's own values; the loaders' frames hold canonical text already.
    """
    if isinstance(con, duckdb.DuckDBPyConnection):
        con.register(name, frame)
        return
    columns = [str(c) for c in frame.columns]
    text_columns = ", ".join(f"{quote(c)} text" for c in columns)
    con.execute(f"drop table if exists pg_temp.{name}")
    con.execute(f"create temporary table {name} ({text_columns})")
    buffer = io.StringIO()
    # Empty text never reaches here (the readers turn it into NA), so an empty CSV field is NULL.
    frame.to_csv(buffer, index=False, header=False, na_rep="", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    buffer.seek(0)
    con.copy_csv(name, columns, buffer)


def unstage_frame(con: Connection, name: str) -> None:
    if isinstance(con, duckdb.DuckDBPyConnection):
        con.unregister(name)
    else:
        con.execute(f"drop table if exists pg_temp.{name}")


def table_exists(con: Connection, schema: str, table: str) -> bool:
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
        > 0
    )
