"""The warehouse resource: where CSCW_HOME is and how to open the warehouse: the DuckDB working copy, or PostgreSQL."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from warehouse.connection import Connection, connect
from warehouse.permissions import owner_only_umask
from warehouse.serving import start_working_copy, working_copy, writer_lock
from warehouse.settings import Settings, get_settings


class WarehouseResource(dg.ConfigurableResource):
    """Settings come from the environment (CSCW_HOME and the council codes) unless home is given.

    Assets write (and read) the working copy, never the published file: warehouse/serving.py. For a
    run's whole length (the job uses the in-process executor) it holds the writer lock and an
    owner-only umask, however the run was started (cscw nightly, the schedule, the sensor, the UI),
    and starts it by proving the working copy (start_working_copy: a damaged one is set aside).
    """

    home: str | None = None

    @property
    def settings(self) -> Settings:
        settings = get_settings()
        return dataclasses.replace(settings, home=Path(self.home).resolve()) if self.home else settings

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Generator[WarehouseResource, None, None]:
        previous = owner_only_umask()
        try:
            with writer_lock(self.settings, on_wait=lambda holder: context.log.info(f"waiting for {holder}")):
                start_working_copy(self.settings)
                yield self
        finally:
            os.umask(previous)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Connection]:
        """The configured target (CSCW_TARGET): the DuckDB working copy under CSCW_HOME, or PostgreSQL."""
        con = connect(working_copy(self.settings), read_only=read_only)
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
