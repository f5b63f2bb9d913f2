"""The warehouse resource: where CSCW_HOME is and how to open the DuckDB file."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingest.load import connect
from ingest.settings import Settings, get_settings


class WarehouseResource(dg.ConfigurableResource):
    """Settings come from the environment (CSCW_HOME and the council codes) unless home is given."""

    home: str | None = None

    @property
    def settings(self) -> Settings:
        settings = get_settings()
        return dataclasses.replace(settings, home=Path(self.home).resolve()) if self.home else settings

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.settings.warehouse, read_only=read_only)
        try:
            yield con
        finally:
            con.close()
