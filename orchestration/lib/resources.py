"""The warehouse resource: where CSCW_HOME is and how to open the warehouse (DuckDB file or PostgreSQL)."""

from __future__ import annotations

import dataclasses
import importlib.metadata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from ingest.settings import Settings, get_settings
from ingest.warehouse import Connection, connect


class WarehouseResource(dg.ConfigurableResource):
    """Settings come from the environment (CSCW_HOME and the council codes) unless home is given."""

    home: str | None = None

    @property
    def settings(self) -> Settings:
        settings = get_settings()
        return dataclasses.replace(settings, home=Path(self.home).resolve()) if self.home else settings

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Connection]:
        """The configured target (CSCW_TARGET): the DuckDB file under CSCW_HOME, or PostgreSQL."""
        con = connect(self.settings.warehouse, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class OfflineDbtCliResource(DbtCliResource):
    """dagster-dbt learns dbt's version by running `dbt --version`, which asks pypi.org for the latest
    release on every run; read the installed version instead, so a run never touches the network."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))
