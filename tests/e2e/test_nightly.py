"""One real in-process Dagster run of the nightly job into a temporary DuckDB file, with no network."""

import os
import re
import shutil
import subprocess
import sys
from datetime import date

import dagster as dg
import pytest

from ingest.load import connect
from ingest.settings import SOURCES
from orchestration.cli import main as cscw
from tests.conftest import TESTS
from tests.support import sitecustomize
from tests.support.permissions import loose_modes


@pytest.fixture
def no_network(tmp_path, monkeypatch):
    """Refuse and record any network connection, in this process and in every Python subprocess (dbt)."""
    log = tmp_path / "sockets.log"
    monkeypatch.setenv("CSCW_SOCKET_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS / "support"),
                                                                    os.environ.get("PYTHONPATH")])))
    monkeypatch.setattr(sitecustomize, "_LOG", str(log))
    import socket

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)
    sitecustomize.install()
    return log


@pytest.mark.e2e
def test_nightly_run_builds_raw_and_staging_offline(fixture_landing, no_network, capsys):
    from orchestration.definitions import defs

    with dg.DagsterInstance.ephemeral() as instance:
        result = defs().resolve_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert not no_network.exists(), no_network.read_text()
    freshness = {c.check_name: c.passed for c in result.get_asset_check_evaluations()
                 if c.check_name.endswith("_freshness")}
    assert freshness == {f"{source}_freshness": True for source in SOURCES}

    with connect(fixture_landing.warehouse, read_only=True) as con:
        counts = dict(con.execute(
            "select schema_name || '.' || table_name, estimated_size from duckdb_tables()").fetchall())
        episodes = con.execute(
            "select child_id, episode_start_date::varchar, reason_episode_ceased_group, placement_type_description "
            "from staging.stg_placements__episodes order by 1, 2").fetchall()
    # 16 landing files, the ONS postcode directory and authority lookup, the load log and the gate's problems.
    assert sum(k.startswith("raw.") for k in counts) == 20
    assert sum(k.startswith("staging.") for k in counts) == 20
    assert {"lac.lac_measures", "lac.lac_month_end_snapshots"} <= set(counts)
    assert episodes[0][:3] == ("C0000001", "2022-11-01", "not_a_leaver")
    assert episodes[0][3].startswith("Foster placement")
    assert [e[0] for e in episodes] == ["C0000001", "C0000001", "C0000003"]

    # The analyst's way in: read-only query from the CLI.
    capsys.readouterr()
    assert cscw(["query", "select count(*) as n from staging.stg_case__children"]) == 0
    assert re.search(r"│\s*3\s*│", capsys.readouterr().out)
    assert cscw(["summary"]) == 0
    assert "placements 2024-03-31 (1 loaded, 0 refused)" in capsys.readouterr().out


def _staging_episodes(settings):
    with connect(settings.warehouse, read_only=True) as con:
        return con.execute("select count(*), max(extract_date) from staging.stg_placements__episodes").fetchone()


@pytest.mark.e2e
def test_refused_night_keeps_yesterday_in_every_table_and_a_fixed_file_loads(fixture_landing):
    from orchestration.definitions import defs

    job = defs().resolve_job_def("nightly")
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(instance=instance).success
        yesterday = _staging_episodes(fixture_landing)

        # A night whose episodes.csv lost a field on row 2 (a structural fault: the file cannot be trusted).
        night = fixture_landing.landing / "placements" / "2024-04-01"
        shutil.copytree(fixture_landing.landing / "placements" / "2024-03-31", night)
        with open(night / "header.csv", "a") as handle:  # a new child, so the fixed night is not a resend
            handle.write("C0000004,F,2015-01-01,WBRI,UN3,,\n")
        episodes = night / "episodes.csv"
        good = episodes.read_text()
        episodes.write_text(good.replace("S,V2,N1,U4,PR4,2023-02-01", "S,V2,N1,U4,PR42023-02-01"))

        refused = job.execute_in_process(instance=instance, raise_on_error=False)
        assert not refused.success
        [check] = [c for c in refused.get_asset_check_evaluations()
                   if c.asset_key == dg.AssetKey(["raw", "placements__episodes"])]
        assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
        assert check.metadata["rules"].data == {"ragged_row (snapshot refused)": {"count": 1, "first_rows": [2]}}
        assert _staging_episodes(fixture_landing) == yesterday
        report = fixture_landing.quarantine / "placements" / "2024-04-01" / "gate_report.csv"
        assert "episodes.csv,2,,ragged_row,,snapshot refused" in report.read_text()
        assert loose_modes(fixture_landing.quarantine) == [], "refused extracts are owner-only"
        assert episodes.exists(), "nothing is deleted from landing"

        episodes.write_text(good)  # the council fixes the file and the next run loads it
        assert job.execute_in_process(instance=instance).success
        assert _staging_episodes(fixture_landing) == (3, date(2024, 4, 1))

        with connect(fixture_landing.warehouse, read_only=True) as con:
            ledger = con.execute("select count(*) from raw._ledger").fetchone()[0]
        assert job.execute_in_process(instance=instance).success  # same folders again: nothing loads
        with connect(fixture_landing.warehouse, read_only=True) as con:
            assert con.execute("select count(*) from raw._ledger").fetchone()[0] == ledger


@pytest.mark.e2e
def test_bad_rows_and_breaches_publish_the_rest_and_list_what_to_fix(fixture_landing, capsys):
    """A night with a row that cannot be placed (DEC before DECOM) and finance ahead of case publishes every
    mart; the row is quarantined, the unknown child flagged, and both are on the to-fix list."""
    from orchestration.definitions import defs

    placements = fixture_landing.landing / "placements" / "2024-04-01"
    shutil.copytree(fixture_landing.landing / "placements" / "2024-03-31", placements)
    episodes = placements / "episodes.csv"
    episodes.write_text(episodes.read_text().replace("S,V2,N1,U4,PR4,2023-02-01", "S,V2,N1,U4,PR4,2022-10-01"))
    finance = fixture_landing.landing / "finance" / "2024-04-01"
    shutil.copytree(fixture_landing.landing / "finance" / "2024-03-31", finance)
    with open(finance / "placement_commitments.csv", "a") as handle:
        handle.write("F0000009,C0000042,PRV0003,RES_HOME,3013.35,2024-03-01,,N\n")  # not yet in the case system

    with dg.DagsterInstance.ephemeral() as instance:
        result = defs().resolve_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    checks = {c.asset_key.path[-1]: c for c in result.get_asset_check_evaluations() if c.check_name.startswith("raw_")}
    for table in ("placements__episodes", "finance__placement_commitments"):
        assert not checks[table].passed and checks[table].severity == dg.AssetCheckSeverity.WARN
    assert checks["placements__header"].passed

    with connect(fixture_landing.warehouse, read_only=True) as con:
        assert con.execute("select count(*), max(extract_date) from staging.stg_placements__episodes").fetchone() == (
            2, date(2024, 4, 1))
        assert con.execute("select count(*) from staging.stg_finance__placement_commitments "
                           "where child_id = 'C0000042'").fetchone()[0] == 1
        assert con.execute("select count(*) from lac.lac_measures").fetchone()[0] > 0
        problems = con.execute("select source, file_name, row_number, column_name, rule, action, child_id, is_open "
                               "from data_quality.data_quality_problems order by source").fetchall()
    assert problems == [
        ("finance", "placement_commitments.csv", 5, "child_id", "unknown_case_child", "loaded, flagged", "C0000042",
         True),
        ("placements", "episodes.csv", 2, "DEC", "end_before_start", "row quarantined", "C0000001", True)]

    capsys.readouterr()
    assert cscw(["quality"]) == 0
    out = capsys.readouterr().out
    assert "2 open problem(s) on 2 child(ren)" in out and "C0000042" in out and "end_before_start" in out


def test_great_expectations_is_not_imported_with_the_definitions():
    code = "import sys, orchestration.definitions; print('great_expectations' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
