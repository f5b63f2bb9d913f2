"""Real runs of the nightly job into temporary DuckDB files: the session's first night, `cscw nightly` with no
network (tests/support/first_night.py), and in-process Dagster runs on copies of it or on the fixture extracts."""

import csv
import re
import shutil
import subprocess
import sys
from datetime import date

import dagster as dg
import pytest

from ingest.contracts import SOURCES, all_entities
from orchestration.cli import main as cscw
from outputs.report.committee import write_report
from outputs.returns.ssda903 import VALIDATOR_PYTHON
from tests.conftest import SYNTHETIC_END_DATE
from tests.support.first_night import copy_first_night, next_day_placements
from tests.support.permissions import loose_modes
from warehouse.connection import connect_duckdb
from warehouse.settings import DBT_PROJECT_DIR


def _check_results(dagster_home) -> dict[str, bool]:
    """Whether each asset check of the only run in this Dagster home passed."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        [run] = instance.get_runs()
        entries = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return {e.dagster_event.event_specific_data.check_name: e.dagster_event.event_specific_data.passed for e in entries}


@pytest.mark.e2e
def test_nightly_run_builds_raw_and_staging_offline(two_nightlies_together, cscw_home, tmp_path, capsys):
    """The session's first night (`cscw nightly` on the fixture extracts) ran with every connection refused."""
    first = two_nightlies_together.settings
    assert 0 in two_nightlies_together.codes, two_nightlies_together.outputs
    assert two_nightlies_together.sockets == "", two_nightlies_together.sockets
    settings = copy_first_night(first, cscw_home)
    # A copy: opening an instance may write to its folder, and the first night is shared.
    shutil.copytree(first.dagster_home, tmp_path / "dagster")
    freshness = {
        name: passed for name, passed in _check_results(tmp_path / "dagster").items() if name.endswith("_freshness")
    }
    assert freshness == {f"{source}_freshness": True for source in SOURCES}

    with connect_duckdb(settings.warehouse, read_only=True) as con:
        counts = dict(
            con.execute("select schema_name || '.' || table_name, estimated_size from duckdb_tables()").fetchall()
        )
        episodes = con.execute(
            "select child_id, episode_start_date::varchar, reason_episode_ceased_group, placement_type_description "
            "from staging.stg_placements__episodes order by 1, 2"
        ).fetchall()
    # Every landing file (optional ones too, empty) and its history, the ONS postcode directory and authority
    # lookup, the load log and the gate's problems.
    assert sum(k.startswith("raw.") for k in counts) == 2 * len(all_entities()) + 4
    assert sum(k.startswith("raw.") and k.endswith("__history") for k in counts) == len(all_entities())
    # Every staging model is a table, built whether or not its file came.
    assert sum(k.startswith("staging.") for k in counts) == len(
        list((DBT_PROJECT_DIR / "models" / "staging").rglob("*.sql"))
    )
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
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        return con.execute("select count(*), max(extract_date) from staging.stg_placements__episodes").fetchone()


@pytest.mark.e2e
def test_refused_night_keeps_yesterday_in_every_table_and_a_fixed_file_loads(two_nightlies_together, cscw_home):
    from orchestration.definitions import defs

    assert 0 in two_nightlies_together.codes, two_nightlies_together.outputs
    settings = copy_first_night(two_nightlies_together.settings, cscw_home)
    job = defs().resolve_job_def("nightly")
    with dg.DagsterInstance.ephemeral() as instance:
        yesterday = _staging_episodes(settings)

        # A night whose episodes.csv lost a field on row 2 (a structural fault: the file cannot be trusted).
        night = next_day_placements(settings.landing)
        episodes = night / "episodes.csv"
        good = episodes.read_text()
        episodes.write_text(good.replace("S,V2,N1,U4,PR4,2023-02-01", "S,V2,N1,U4,PR42023-02-01"))

        refused = job.execute_in_process(instance=instance, raise_on_error=False)
        assert not refused.success
        [check] = [
            c
            for c in refused.get_asset_check_evaluations()
            if c.asset_key == dg.AssetKey(["raw", "placements__episodes"])
        ]
        assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
        assert check.metadata["rules"].data == {"ragged_row (snapshot refused)": {"count": 1, "first_rows": [2]}}
        assert _staging_episodes(settings) == yesterday
        report = settings.quarantine / "placements" / "2024-04-01" / "gate_report.csv"
        assert "episodes.csv,2,,ragged_row,,snapshot refused" in report.read_text()
        assert loose_modes(settings.quarantine) == [], "refused extracts are owner-only"
        assert episodes.exists(), "nothing is deleted from landing"

        episodes.write_text(good)  # the council fixes the file and the next run loads it
        assert job.execute_in_process(instance=instance).success
        assert _staging_episodes(settings) == (3, date(2024, 4, 1))

        with connect_duckdb(settings.warehouse, read_only=True) as con:
            ledger = con.execute("select count(*) from raw._ledger").fetchone()[0]
        assert job.execute_in_process(instance=instance).success  # same folders again: nothing loads
        with connect_duckdb(settings.warehouse, read_only=True) as con:
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

    with connect_duckdb(fixture_landing.warehouse, read_only=True) as con:
        assert con.execute("select count(*), max(extract_date) from staging.stg_placements__episodes").fetchone() == (
            2,
            date(2024, 4, 1),
        )
        assert (
            con.execute(
                "select count(*) from staging.stg_finance__placement_commitments where child_id = 'C0000042'"
            ).fetchone()[0]
            == 1
        )
        assert con.execute("select count(*) from lac.lac_measures").fetchone()[0] > 0
        problems = con.execute(
            "select source, file_name, row_number, column_name, rule, action, child_id, is_open "
            "from data_quality.data_quality_problems order by source"
        ).fetchall()
    assert problems == [
        (
            "finance",
            "placement_commitments.csv",
            5,
            "child_id",
            "unknown_case_child",
            "loaded, flagged",
            "C0000042",
            True,
        ),
        ("placements", "episodes.csv", 2, "DEC", "end_before_start", "row quarantined", "C0000001", True),
    ]

    capsys.readouterr()
    assert cscw(["quality"]) == 0
    out = capsys.readouterr().out
    assert "2 open problem(s) on 2 child(ren)" in out and "C0000042" in out and "end_before_start" in out


def test_great_expectations_is_not_imported_with_the_definitions():
    code = "import sys, orchestration.definitions; print('great_expectations' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"


def _plant_unknown_upn(landing) -> str:
    """UPN UN1 ("unknown") for a school-age child in the 2025/26 return: DfE rule 209's error. Returns the CHILD."""
    [folder] = (landing / "placements").iterdir()
    with open(folder / "episodes.csv", newline="", encoding="utf-8") as f:
        in_year = {
            e["CHILD"]
            for e in csv.DictReader(f)
            if e["DECOM"] <= "2026-03-31" and (not e["DEC"] or e["DEC"] >= "2025-04-01")
        }
    with open(folder / "header.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Four by 31 August 2020, the rule's cut-off for 2025/26; well clear of it, and of any age limit.
    [child] = [
        r for r in rows if r["CHILD"] in in_year and "2010-01-01" <= r["DOB"] <= "2014-12-31" and r["UPN"] != "UN1"
    ][:1]
    child["UPN"] = "UN1"
    with open(folder / "header.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return child["CHILD"]


@pytest.mark.e2e
@pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator")
def test_a_return_with_a_dfe_error_is_not_ready_and_the_night_still_publishes(
    cscw_home, synthetic_landing, reference_warehouse, capsys
):
    shutil.copytree(synthetic_landing, cscw_home.landing, dirs_exist_ok=True)
    child = _plant_unknown_upn(cscw_home.landing)
    # Published before the night: only the packaged reference tables (already loaded, so not loaded again).
    shutil.copy(reference_warehouse, cscw_home.warehouse)

    capsys.readouterr()
    assert cscw(["nightly"]) == 0
    nightly = capsys.readouterr().out
    last = nightly.strip().splitlines()[-1]
    assert re.search(
        r"nightly: SSDA903 2025/26: NOT READY: \d+ rules? with errors on \d+ child(ren)?, "
        r"(\d+ rules? with queries|no queries); report .*/ssda903/2026/validation_report\.md$",
        last,
    ), nightly
    assert "step exports__ssda903_return ok" in nightly and "step serving__published_warehouse ok" in nightly

    # The night's marts are published, beside the return's state, as one build.
    with connect_duckdb(cscw_home.warehouse, read_only=True) as con:
        ledger = con.execute("select max(extract_date) from raw._ledger where source = 'placements'").fetchone()[0]
        placements = con.execute("select count(*) from lac.lac_placements").fetchone()[0]
        [status] = con.execute("select * from data_quality.return_status where return_name = 'SSDA903'").fetchall()
        status = dict(zip([d[0] for d in con.description], status, strict=True))
        flags = con.execute(
            "select * from data_quality.return_validation_flags where return_name = 'SSDA903'"
        ).fetchall()
        flag_columns = [d[0] for d in con.description]
    with connect_duckdb(cscw_home.build_warehouse, read_only=True) as con:
        assert con.execute("select count(*) from lac.lac_placements").fetchone()[0] == placements
    assert ledger == date.fromisoformat(SYNTHETIC_END_DATE) and placements > 1000

    folder = cscw_home.exports / "ssda903" / "2026"
    assert (folder / "episodes.csv").exists() and (folder / "validation_report.md").exists()
    assert not (folder / "READY").exists()
    assert status["return_name"] == "SSDA903" and status["collection_year"] == 2026
    assert status["ready"] is False and status["error_rules"] >= 1 and status["children_with_errors"] >= 1
    assert status["folder"] == str(folder)
    # Where each flag is, and the child's pseudonymous id: nothing else from the row.
    assert flag_columns == [
        "return_name",
        "collection_year",
        "rule_code",
        "rule_description",
        "severity",
        "child_id",
        "table_name",
        "fields",
        "row_number",
    ]
    flagged = {(f[2], f[4], f[5], f[6]) for f in flags}
    assert ("209", "error", child, "Header") in flagged
    [upn_flag] = [f for f in flags if f[2] == "209" and f[5] == child]
    assert "UPN" in upn_flag[7] and upn_flag[8] >= 1
    assert len({f[5] for f in flags if f[4] == "error" and f[5]}) == status["children_with_errors"]

    # The same line in `cscw summary`, and the same facts in the committee report.
    assert cscw(["summary"]) == 0
    assert last.split("nightly: ", 1)[1] in capsys.readouterr().out
    report = write_report(cscw_home, pdf=False)
    [ssda903] = [r for r in report.returns if r["return_name"] == "SSDA903"]
    assert ssda903["ready"] is False and ssda903["collection_year"] == "2025/26"
    # A committee paper is published: children counted 1 to 5 show as [c].
    shown = "[c]" if 1 <= status["children_with_errors"] <= 5 else status["children_with_errors"]
    assert (ssda903["error_rules"], ssda903["children_with_errors"]) == (status["error_rules"], shown)
    html = report.html.read_text(encoding="utf-8")
    assert 'id="returns"' in html and "Statutory returns" in html and "Not ready" in html
