"""The SSDA903 return: regenerated from the default synthetic history, validated by the DfE's rules.

The validator (csc-validator-be-903) runs in its own venv, as in production. A clean history must
give zero errors; planted faults must give their rule codes; a failing upstream dbt test or a
failing validation must leave the return without its READY mark.
"""

import csv
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from orchestration.cli import main as cscw
from outputs.returns.ssda903 import VALIDATOR_PYTHON, VALIDATOR_SCRIPT, export_and_validate, validate
from outputs.returns.status import describe, latest_statuses, record_ssda903
from tests.conftest import SYNTHETIC_LA as LA
from warehouse.connection import connect_duckdb

pytestmark = pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator")


@pytest.fixture(scope="module")
def synthetic_return(synthetic_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("ssda903")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(synthetic_warehouse, warehouse)
    with connect_duckdb(warehouse, read_only=True) as con:
        result = export_and_validate(con, work / "exports", LA)
    return warehouse, result


def _failures(report: dict) -> dict[str, list[dict]]:
    return {r["code"]: r["locations"] for r in report["rules"] if r["status"] == "failed" and r["severity"] == "error"}


def test_latest_complete_year_has_zero_errors(synthetic_return):
    _, result = synthetic_return
    assert result.year == 2026
    assert result.rows["episodes"] > 1000 and result.rows["header"] > 500
    summary = result.report["summary"]
    assert _failures(result.report) == {}, result.folder / "validation_report.md"
    # Rules really ran: most of the pack, on this year's and last year's tables.
    assert summary["passed"] > 150
    assert {r["code"] for r in result.report["rules"] if r["status"] == "crashed"} <= {"231", "233"}
    assert (result.folder / "READY").exists()
    with open(result.folder / "episodes.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ]


def test_a_clean_return_is_recorded_ready(synthetic_return, tmp_path):
    warehouse, result = synthetic_return
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with connect_duckdb(copy) as con:
        record_ssda903(con, result)
        record_ssda903(con, result)  # a second night replaces the return's rows
        [status] = latest_statuses(con)
        flags = con.execute(
            "select count(*), count(*) filter (where severity = 'error') from data_quality.return_validation_flags"
        ).fetchone()
    assert status["ready"] is True and status["error_rules"] == 0 and status["children_with_errors"] == 0
    assert flags == (result.report["summary"]["query_rows"], 0)
    assert describe(status).startswith("SSDA903 2025/26: READY to submit (")


def _edit(path: Path, choose, change) -> str:
    """Change the first row `choose` accepts (from the middle of the file down); return its CHILD."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    start = len(rows) // 2
    for row in rows[start:] + rows[:start]:
        if choose(row):
            change(row)
            break
    else:
        raise AssertionError(f"no row to plant a fault in {path.name}")
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["CHILD"]


def test_planted_faults_give_their_rule_codes(synthetic_return, tmp_path):
    _, result = synthetic_return
    folder = tmp_path / "planted"
    shutil.copytree(result.folder, folder, ignore=shutil.ignore_patterns("READY", "validation_report.*"))
    used: set[str] = set()

    def fresh(row):
        return row["CHILD"] not in used

    planted = {}
    for code, table, choose, change in [
        ("101", "header", lambda r: True, lambda r: r.update(SEX="X")),
        ("103", "header", lambda r: True, lambda r: r.update(ETHNIC="XXXX")),
        ("145", "episodes", lambda r: True, lambda r: r.update(CIN="N0")),
        ("222", "episodes", lambda r: r["PLACE"] == "P1", lambda r: r.update(URN="SC123456")),
        ("392c", "episodes", lambda r: r["HOME_POST"] != "", lambda r: r.update(HOME_POST="ZZ99 9ZZ")),
        ("550", "episodes", lambda r: r["PLACE"] == "U6", lambda r: r.update(PLACE_PROVIDER="PR0")),
    ]:
        child = _edit(folder / f"{table}.csv", lambda r, c=choose: fresh(r) and c(r), change)
        used.add(child)
        planted[code] = child
    report = validate(folder, result.year, LA)
    failures = _failures(report)
    for code, child in planted.items():
        assert code in failures, f"planted {code} on {child} was not reported"
        assert child in {loc["child"] for loc in failures[code]}, code
    assert report["summary"]["failed_error"] >= len(planted)
    # The rules run in shares across the cores: one process gives the same report.
    alone = tmp_path / "one_worker.json"
    command = [str(VALIDATOR_PYTHON), str(VALIDATOR_SCRIPT), "--year", str(result.year), "--la", LA]
    command += ["--this-year", str(folder), "--prev-year", str(folder / "previous_year"), "--output", str(alone)]
    subprocess.run([*command, "--workers", "1"], check=True, capture_output=True)
    assert _untimed(json.loads(alone.read_text())) == _untimed(report)


def _untimed(report: dict) -> dict:
    rules = [{k: v for k, v in rule.items() if k != "seconds"} for rule in report["rules"]]
    return {k: v for k, v in report.items() if k not in ("timing", "input_fingerprint")} | {"rules": rules}


def test_an_unchanged_return_is_not_validated_twice(synthetic_return, tmp_path, monkeypatch):
    _, result = synthetic_return
    folder = tmp_path / "return"
    shutil.copytree(result.folder, folder)
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(
        "outputs.returns.ssda903.subprocess.run", lambda *args, **kwargs: runs.append(args) or real_run(*args, **kwargs)
    )

    assert validate(folder, result.year, LA) == result.report
    assert runs == []
    # Another council code is another validation, and so is one changed cell.
    validate(folder, result.year, "E10000015")
    assert len(runs) == 1
    child = _edit(folder / "header.csv", lambda r: True, lambda r: r.update(SEX="X"))
    report = validate(folder, result.year, "E10000015")
    assert len(runs) == 2
    assert child in {loc["child"] for loc in _failures(report)["101"]}


def test_cli_other_year_and_what_stops_the_return(synthetic_return, cscw_home):
    warehouse, _ = synthetic_return
    # `cscw return` builds and exports from the working copy, where dbt writes.
    shutil.copy(warehouse, cscw_home.build_warehouse)
    folder = cscw_home.exports / "ssda903" / "2025"

    # Any complete year can be asked for; 2024/25 is clean too.
    assert cscw(["return", "ssda903", "--year", "2025"]) == 0
    assert (folder / "READY").exists()

    # A validation error: the files are written with their report, but the return is not ready.
    with connect_duckdb(cscw_home.build_warehouse) as con:
        # A placement postcode that is not in the ONS directory: no dbt test minds, the DfE's 392c does.
        con.execute(
            "update raw.placements__episodes set pl_post = 'ZZ99 9ZZ' where place = 'U6' "
            "and decom between date '2024-04-01' and date '2025-03-31'"
        )
    assert cscw(["return", "ssda903", "--year", "2025"]) == 1
    assert not (folder / "READY").exists()
    assert "392c" in _failures(json.loads((folder / "validation_report.json").read_text()))

    # A failing upstream dbt test (a duplicated episode) stops the build before anything is exported.
    (folder / "episodes.csv").unlink()
    with connect_duckdb(cscw_home.build_warehouse) as con:
        con.execute("insert into raw.placements__episodes select * from raw.placements__episodes limit 1")
    assert cscw(["return", "ssda903", "--year", "2025"]) == 1
    assert not (folder / "episodes.csv").exists()
    assert not (folder / "READY").exists()


# Run in the validator's venv: the data store built with the whole postcode directory, then with the directory
# cut to the return's postcodes; the episodes' derived fields must come out the same.
_BOTH_WAYS = """
import copy, sys
sys.path.insert(0, sys.argv[1])
import pandas as pd
from lac_validator.datastore import create_datastore
from lac_validator.ingress import read_from_text
from lac_validator.utils import process_uploaded_files
from validator import keep_only_the_return_s_postcodes

files = {"This year": sys.argv[2].split(","), "Prev year": sys.argv[3].split(",")}
dfs, extras = read_from_text(process_uploaded_files(files))
meta = {"collectionYear": "2026", "localAuthority": sys.argv[4]}
whole = create_datastore(copy.deepcopy(dfs), dict(meta, **extras))
keep_only_the_return_s_postcodes(dfs)
cut = create_datastore(dfs, dict(meta, **extras))
for table in ("Episodes", "Episodes_last"):
    pd.testing.assert_frame_equal(whole[table], cut[table])
    print(table, len(cut[table]), int(cut[table]["PL_DISTANCE"].notna().sum()))
"""


def _vary_postcodes(path: Path) -> None:
    """Write each postcode as a council's case system might: lower case, without its space, with two."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column in ("HOME_POST", "PL_POST"):
            value = row[column]
            if value:
                spelling = zlib.crc32(value.encode()) % 4
                row[column] = [value, value.lower(), value.replace(" ", ""), value.replace(" ", "  ")][spelling]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_validator_derives_the_same_postcode_fields_from_the_cut_directory(synthetic_return, tmp_path):
    _, result = synthetic_return
    folder = tmp_path / "return"
    shutil.copytree(result.folder, folder, ignore=shutil.ignore_patterns("READY", "validation_report.*"))
    for episodes in (folder / "episodes.csv", folder / "previous_year" / "episodes.csv"):
        _vary_postcodes(episodes)
    this = ",".join(str(p) for p in sorted(folder.glob("*.csv")))
    last = ",".join(str(p) for p in sorted((folder / "previous_year").glob("*.csv")))
    script = Path(__file__).parents[2] / "outputs" / "returns" / "ssda903"
    run = subprocess.run(
        [str(VALIDATOR_PYTHON), "-c", _BOTH_WAYS, str(script), this, last, LA], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    counts = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in run.stdout.splitlines()}
    # Both years compared, and most episodes had both postcodes found (so distances were really derived).
    assert set(counts) == {"Episodes", "Episodes_last"}
    assert all(rows > 1000 and distances > rows / 2 for rows, distances in counts.values()), counts
