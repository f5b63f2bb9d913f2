"""READY means ready: a return with a table missing, or for a year the extract does not cover to 31 March, is
never READY, and validation_report.md says in words why each rule that did not run did not run."""

import shutil

import pytest
from openpyxl import Workbook

from outputs.returns.ssda903 import RETURN, VALIDATOR_PYTHON, ofsted_lookups, validate
from outputs.returns.ssda903.report import blockers, needed
from tests.conftest import SYNTHETIC_LA as LA
from warehouse.connection import connect_duckdb

pytestmark = pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator")


def _report(*rules: dict, errors: int = 0) -> dict:
    return {
        "summary": {"rules": len(rules), "failed_error": errors, "error_rows": errors},
        "files": {"contract": {"OC2": "oc2.csv", "Episodes": "episodes.csv"}},
        "rules": list(rules),
    }


def test_a_table_missing_this_year_holds_the_return_back_and_others_do_not():
    report = _report(
        {"code": "185", "status": "skipped", "missing_tables": ["OC2"]},
        {"code": "503A", "status": "skipped", "missing_tables": ["Episodes_last"]},
        {"code": "219", "status": "skipped", "missing_tables": ["Provider Info"]},
        {"code": "542", "status": "skipped", "missing_tables": ["OC2s"]},  # the validator's own misspelling
        {"code": "101", "status": "passed"},
    )
    assert blockers(report, None) == ["OC2 (oc2.csv) is missing, so the rules that read it were not run"]
    assert blockers(report, "a partial year: ...") == [
        "a partial year: ...",
        "OC2 (oc2.csv) is missing, so the rules that read it were not run",
    ]
    assert needed(report["rules"][0], report) == [
        "OC2 (oc2.csv: outcomes of children looked after for 12 months at 31 March), not in the placements extract",
    ]
    assert "last year's Episodes" in needed(report["rules"][1], report)[0]
    assert "Ofsted's children's homes and social care providers lists" in needed(report["rules"][2], report)[0]
    assert "not one of the return's" in needed(report["rules"][3], report)[0]
    assert blockers(_report(), None) == ["no rule ran"]


@pytest.fixture(scope="module")
def built(synthetic_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("ready")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(synthetic_warehouse, warehouse)
    return warehouse


def test_the_scope_model_knows_the_year_and_the_extract(built):
    with connect_duckdb(built, read_only=True) as con:
        year, latest, complete = con.execute(
            "select collection_year, latest_extract_date, is_complete from returns.ssda903_return_scope"
        ).fetchone()
        extracted = con.execute("select max(extract_date) from staging.stg_placements__episodes").fetchone()[0]
    assert latest == extracted
    assert complete == (latest.isoformat() > f"{year}-03-31")


def test_a_partial_year_is_exported_marked_and_never_ready(built, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built, copy)
    with connect_duckdb(copy) as con:
        # As if the latest extract ended in February of the year: the return models then hold a partial year.
        con.execute("update returns.ssda903_return_scope set latest_extract_date = make_date(collection_year, 2, 1)")
        con.execute("update returns.ssda903_return_scope set is_complete = false")
        result = RETURN.export_and_validate(con, tmp_path / "exports", LA)
    assert not result.ready and not (result.folder / "READY").exists()
    assert "partial year" in (result.folder / "PARTIAL").read_text()
    assert any("partial year" in b for b in result.blockers)
    assert "NOT READY:** a partial year" in (result.folder / "validation_report.md").read_text()


def test_a_return_missing_a_table_is_not_ready(built, tmp_path):
    with connect_duckdb(built, read_only=True) as con:
        exported = RETURN.export(con, tmp_path / "exports")
    (exported.folder / "reviews.csv").unlink()
    result = RETURN.validate(exported, LA)
    assert not result.ready and not (exported.folder / "READY").exists()
    assert any(b.startswith("Reviews (") and "is missing" in b for b in result.blockers), result.blockers
    text = (exported.folder / "validation_report.md").read_text()
    assert "Reviews (reviews.csv: looked-after reviews), not in the placements extract" in text


EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "1002,10/06/2023,S,V2,N2,K2,PR4,15/01/2025,E13,,CB3 0AP,M1 1AE,SC123456\n"
)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1002,M,01/02/2010,WBRI,A123456789012,,\n"
URN_RULES = {"219", "221", "224", "227", "228", "229", "1008"}


def _ofsted_lists(folder):
    """The two lists in Ofsted's own layout (sheet names and headings the validator reads)."""
    homes = Workbook()
    sheet = homes.active
    sheet.title = "Provider information"
    sheet.append(
        ["URN", "Local Authority", "Provider Code", "Provider Placement Code", "Closed Date", "Setting Postcode"]
    )
    sheet.append(["SC123456", "Manchester", "PR4", "K2", None, "M1 1AE"])
    homes.save(folder / "Childrens_homes_list_as_at_31_October_2026.xlsx")
    providers = Workbook()
    headings = ["URN", "Local authority", "Placement code", "Placement provider code", "Setting postcode"]
    providers.active.append(headings)
    providers.active.append(["SC654321", "Manchester", "U1", "PR4", "M1 1AE"])
    closed = providers.create_sheet("Providers closed")
    closed.append([*headings[:4], "Deregistration date", headings[4]])
    providers.save(folder / "Social_care_providers_list_as_at_31_October_2026.xlsx")


def test_ofsted_lists_in_reference_let_the_urn_rules_run(tmp_path):
    reference, folder = tmp_path / "reference", tmp_path / "return"
    reference.mkdir(), folder.mkdir()
    (folder / "episodes.csv").write_text(EPISODES, encoding="utf-8")
    (folder / "header.csv").write_text(HEADER, encoding="utf-8")
    assert ofsted_lookups(reference) is None
    without = validate(folder, 2025, LA)
    assert {r["code"] for r in without["rules"] if r["status"] == "skipped"} >= URN_RULES

    _ofsted_lists(reference)
    lookups = ofsted_lookups(reference)
    assert [p.name.split("_")[0] for p in lookups] == ["Childrens", "Social"]
    report = validate(folder, 2025, LA, lookups)
    assert report["files"]["lookups"] is True
    ran = {r["code"]: r["status"] for r in report["rules"] if r["code"] in URN_RULES}
    assert set(ran) == URN_RULES and "skipped" not in ran.values(), ran


def test_the_status_line_says_what_holds_the_return_back():
    from outputs.returns.status import describe

    status = {
        "return_name": "SSDA903",
        "collection_year": 2026,
        "ready": False,
        "folder": "/x",
        "error_rules": 0,
        "query_rules": 0,
        "children_with_errors": 0,
        "not_ready_because": "OC2 (oc2.csv) is missing, so the rules that read it were not run",
    }
    assert describe(status) == (
        "SSDA903 2025/26: NOT READY: OC2 (oc2.csv) is missing, so the rules that read it were not run, "
        "no queries; report /x/validation_report.md"
    )
