"""The CIN census return: the default synthetic history's 2024/25 census is clean under the DfE's own rules,
planted faults are reported on their children, and a partial year is never READY."""

import json
import shutil
import subprocess
import time

import pytest
from lxml import etree

from outputs.returns.cin import RETURN, VALIDATOR_PYTHON, VALIDATOR_SCRIPT, validate
from tests.conftest import SYNTHETIC_LA as LA
from tests.support.warehouse import dbt_build
from warehouse.connection import connect_duckdb

pytestmark = pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator-cin")


@pytest.fixture(scope="module")
def census_2025(synthetic_warehouse, tmp_path_factory):
    """The synthetic warehouse with the CIN return models built for 2024/25, exported and validated."""
    work = tmp_path_factory.mktemp("cin")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(synthetic_warehouse, warehouse)
    dbt_build(warehouse, "path:models/returns/cin", work, command="run", dbt_vars={"cin_year": 2025})
    started = time.perf_counter()
    with connect_duckdb(warehouse, read_only=True) as con:
        result = RETURN.export_and_validate(con, work / "exports", LA)
    print(f"CIN census 2025: export and validation {time.perf_counter() - started:.1f}s")
    return warehouse, result


def _failed(report: dict) -> dict[str, dict]:
    return {r["code"]: r for r in report["rules"] if r["status"] == "failed"}


def test_the_2024_25_census_has_no_errors_and_is_ready(census_2025):
    _, result = census_2025
    s = result.report["summary"]
    print("CIN census 2025 rules:", {k: s[k] for k in ("rules", "passed", "failed_error", "failed_query", "crashed")})
    errors = {code: len(r["locations"]) for code, r in _failed(result.report).items() if r["severity"] == "error"}
    assert errors == {}
    assert s["crashed"] == 0 and s["rules"] > 100
    assert result.ready and (result.folder / "READY").exists()
    assert result.rows["children"] > 1000
    assert "**READY to submit.**" in (result.folder / "validation_report.md").read_text()


def _edit(xml, child_id, path, value):
    """Set (or, with value None, remove) the element at `path` under the child `child_id`."""
    child = xml.xpath(f"//Child[ChildIdentifiers/LAchildID='{child_id}']")[0]
    element = child.find(path)
    if value is None:
        element.getparent().remove(element)
    elif element is None:
        parent_path, _, tag = path.rpartition("/")
        etree.SubElement(child.find(parent_path), tag).text = value
    else:
        element.text = value


def test_planted_faults_are_reported_on_their_children(census_2025, tmp_path):
    _, result = census_2025
    xml = etree.parse(str(result.folder / f"cin_census_{result.year}.xml"))
    ids = xml.xpath("//Child[count(CINdetails)=1]/ChildIdentifiers/LAchildID/text()")
    upn_child, code_child, date_child = ids[0], ids[1], ids[2]
    # A UPN with the wrong check letter (Q is right), an ethnicity on no list, a referral date gone.
    _edit(xml, upn_child, "ChildIdentifiers/UPN", "A935831452010")
    _edit(xml, code_child, "ChildCharacteristics/Ethnicity", "WBR")
    _edit(xml, date_child, "CINdetails/CINreferralDate", None)
    faulty = tmp_path / "cin_census_faulty.xml"
    # the UPN must sit before PersonBirthDate to be read where the schema puts it: move it there
    for ids_el in xml.xpath(f"//ChildIdentifiers[LAchildID='{upn_child}']"):
        upn = ids_el.find("UPN")
        ids_el.remove(upn)
        ids_el.insert(1, upn)
    xml.write(str(faulty))
    report = validate(faulty, result.year)
    failed = _failed(report)

    def children(code):
        return {loc["child"] for loc in failed[code]["locations"]}

    assert upn_child in children("1510")
    assert code_child in children("4220")
    assert date_child in children("8600")
    assert report["summary"]["failed_error"] >= 3
    # The rules run in shares across the cores: one process gives the same report.
    alone = tmp_path / "one_worker.json"
    command = [str(VALIDATOR_PYTHON), str(VALIDATOR_SCRIPT), "--xml", str(faulty), "--year", str(result.year)]
    subprocess.run([*command, "--output", str(alone), "--workers", "1"], check=True, capture_output=True)
    untimed = {"seconds": None, "input_fingerprint": None}
    assert {**json.loads(alone.read_text()), **untimed} == {**report, **untimed}


def test_a_partial_year_is_exported_marked_and_never_ready(census_2025, tmp_path):
    warehouse, _ = census_2025
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with connect_duckdb(copy) as con:
        con.execute("update returns.cin_return_scope set latest_extract_date = make_date(collection_year, 2, 1)")
        con.execute("update returns.cin_return_scope set is_complete = false")
        result = RETURN.export_and_validate(con, tmp_path / "exports", LA)
    assert not result.ready and not (result.folder / "READY").exists()
    assert "partial year" in (result.folder / "PARTIAL").read_text()
    assert result.blockers and "partial year" in result.blockers[0]
    assert "NOT READY:** a partial year" in (result.folder / "validation_report.md").read_text()
    saved = json.loads((result.folder / "validation_report.json").read_text())
    assert saved["summary"] == result.report["summary"]


def test_an_unchanged_census_is_not_validated_twice(census_2025, tmp_path, monkeypatch):
    _, result = census_2025
    folder = tmp_path / "census"
    shutil.copytree(result.folder, folder)
    xml = folder / f"cin_census_{result.year}.xml"
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(
        "outputs.returns.cin.subprocess.run", lambda *args, **kwargs: runs.append(args) or real_run(*args, **kwargs)
    )

    assert validate(xml, result.year) == result.report
    assert runs == []
    # Another collection year is another validation, and so is one changed value.
    validate(xml, result.year - 1)
    assert len(runs) == 1
    tree = etree.parse(str(xml))
    child = tree.xpath("//Child[count(CINdetails)=1]/ChildIdentifiers/LAchildID/text()")[0]
    _edit(tree, child, "ChildCharacteristics/Ethnicity", "WBR")
    tree.write(str(xml))
    report = validate(xml, result.year)
    assert len(runs) == 2
    assert child in {loc["child"] for loc in _failed(report)["4220"]["locations"]}
