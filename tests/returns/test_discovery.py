"""A return is found by its folder: a stub outputs/returns/example/ gets an asset, a job and a `cscw return`
choice without an edit to the factory or the CLI. The stub lives in a temporary folder, never in the tree."""

import argparse
import sys
from pathlib import Path

import dagster as dg
import pytest

import outputs.returns
from orchestration.cli import build_parser
from orchestration.cli import main as cscw
from orchestration.defs.returns.factory import ReturnRun, return_definitions
from warehouse.connection import connect_duckdb

STUB = """from outputs.returns.base import StatutoryReturn

RETURN = StatutoryReturn(name="example", label="EXAMPLE")
"""


@pytest.fixture
def example_return(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "example").mkdir()
    (tmp_path / "example" / "__init__.py").write_text(STUB)
    monkeypatch.setattr(outputs.returns, "__path__", [*outputs.returns.__path__, str(tmp_path)])
    yield
    sys.modules.pop("outputs.returns.example", None)


def _return_choices() -> list[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return next(list(a.choices) for a in sub.choices["return"]._actions if a.dest == "collection")


def test_a_stub_return_is_found_by_the_asset_factory_and_the_cli(example_return):
    definitions = return_definitions()
    keys = {key for assets in definitions.assets for key in assets.keys}
    assert {dg.AssetKey(["exports", "example_return"]), dg.AssetKey(["exports", "ssda903_return"])} <= keys
    assert {"return_example", "return_ssda903"} <= {job.name for job in definitions.jobs}
    assert {"example", "ssda903"} <= set(_return_choices())


def test_the_stub_is_not_left_behind():
    assert "example" not in outputs.returns.names()
    assert "example" not in _return_choices()


class _Ran:
    success = True
    all_events: list = []

    def output_for_node(self, name: str) -> ReturnRun:
        return ReturnRun(None, f"{name}: nothing to return")


def test_cscw_return_launches_the_return_job_with_the_year_as_run_config(example_return, cscw_home, monkeypatch):
    launched = []

    def execute_job(settings, job, log_name, verbose, run_config=None):
        launched.append((job, log_name, run_config))
        return _Ran(), cscw_home.home / "logs" / "unused.log"

    monkeypatch.setattr("orchestration.cli.returns.execute_job", execute_job)
    cscw_home.build_warehouse.parent.mkdir(parents=True, exist_ok=True)
    connect_duckdb(cscw_home.build_warehouse).close()  # a night's working copy: there is something to build from
    assert cscw(["return", "example", "--year", "2024"]) == 1  # the stub has nothing to return
    assert launched == [
        ("return_example", "return-example", {"ops": {"example_return_build": {"config": {"year": 2024}}}})
    ]


def test_cscw_return_runs_the_job_into_the_run_history(example_return, cscw_home, capsys):
    cscw_home.build_warehouse.parent.mkdir(parents=True, exist_ok=True)
    connect_duckdb(cscw_home.build_warehouse).close()  # a working copy for the stub's export to read
    # The code location is loaded afresh, so it finds the stub; and afresh again after, without it.
    sys.modules.pop("orchestration.defs.returns.discovered", None)
    try:
        assert cscw(["return", "example"]) == 1
    finally:
        sys.modules.pop("orchestration.defs.returns.discovered", None)
    assert "return: EXAMPLE exports nothing yet" in capsys.readouterr().out
    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(filters=dg.RunsFilter(job_name="return_example"))
    assert run.is_success
