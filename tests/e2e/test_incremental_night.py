"""An incremental night and a full rebuild of the same snapshots give the same warehouse, row for row (issue 25).

The default synthetic set at scale 1, two nights: the first night loads and builds everything; the second brings
new snapshots of two sources only, so dbt builds just what is downstream of them (orchestration/lib/night_state.py)
and leaves the rest as the first night built it. Then, with the night's record removed, the same snapshots are
built again from scratch. Every table dbt builds (every schema but raw) must be the same in both.

The nights run the nightly job without the statutory returns' export and validation: those read the built tables
and write files, and are the slowest steps by far; publishing still runs after dbt as on a real night.
"""

import shutil
from datetime import date

import dagster as dg
import pytest

from orchestration.defs.reports.committee import REPORT_GROUP
from orchestration.lib.night_state import night_record, record_published_night
from tests.conftest import SYNTHETIC_END_DATE, SYNTHETIC_LA, export_home
from tests.support.compare import compare_builds

# What the second night brings a new snapshot of; the others keep the first night's.
SECOND_NIGHT = ("camhs", "finance")
# Built from case and placements only (not from the gate's ledger), so the second night leaves it as it was.
UNTOUCHED = dg.AssetKey(["edge_of_care", "edge_of_care_measures"])
REBUILT = dg.AssetKey(["camhs", "camhs_measures"])


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    """The synthetic set's two nightly dates: {date: landing folder holding every source's snapshot of it}."""
    from synthetic import generate

    landing = tmp_path_factory.mktemp("two_nights") / "landing"
    end = date.fromisoformat(SYNTHETIC_END_DATE)
    generate(landing, end_date=end, nights=2, la_ons=SYNTHETIC_LA, la_dfe="873")
    return landing, sorted({p.name for p in landing.glob("*/*")})


def _night(settings) -> dg.ExecuteInProcessResult:
    """The nightly job in this process, as `cscw nightly` runs it, and its record written after it published."""
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    keys = (dg.AssetSelection.all() - dg.AssetSelection.groups(REPORT_GROUP, "returns")).resolve(graph)
    with dg.DagsterInstance.ephemeral() as instance:
        result = definitions.resolve_job_def("nightly").execute_in_process(
            instance=instance, asset_selection=list(keys), raise_on_error=False
        )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    record_published_night(settings)
    return result


def _rebuilt(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> bool:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return "rebuilt" not in event.materialization.metadata


@pytest.mark.e2e
def test_an_incremental_night_builds_the_same_warehouse_as_a_full_rebuild(two_nights, tmp_path, monkeypatch):
    landing, (first, second) = two_nights
    settings = export_home(tmp_path / "cscw", monkeypatch)
    for folder in landing.glob(f"*/{first}"):
        shutil.copytree(folder, settings.landing / folder.parent.name / first)
    _night(settings)

    for source in SECOND_NIGHT:
        shutil.copytree(landing / source / second, settings.landing / source / second)
    night = _night(settings)
    assert not _rebuilt(night, UNTOUCHED), "a mart built only from unchanged sources is left as it was"
    assert _rebuilt(night, REBUILT), "a mart of a source with a new snapshot is built again"
    incremental = tmp_path / "incremental.duckdb"
    shutil.copyfile(settings.warehouse, incremental)

    night_record(settings).unlink()  # no record of the last night: everything is built again
    rebuild = _night(settings)
    assert _rebuilt(rebuild, UNTOUCHED)

    tables, differences = compare_builds(incremental, settings.warehouse, tmp_path / "compare.duckdb")
    assert {t.split(".")[0] for t in tables} >= {"staging", "lac", "camhs", "finance", "edge_of_care"}
    # (rows only in the full rebuild, rows only in the incremental night) per table; (-1, -1): not the same columns
    assert differences == {}
