"""validator_tables.py builds the CIN validator's eleven tables equal, table by table (columns, order, dtypes,
index, values), to the package's own convert_data + process_data, on census files of every shape we have: the
export writer's, the synthetic generator's (with its planted faults), the ingest fixtures, a hand-written file
of odd shapes, an empty census; a file the package cannot read is refused by both."""

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from outputs.returns.cin import VALIDATOR_PYTHON, VALIDATOR_SCRIPT
from outputs.returns.cin.census_xml import write_census
from synthetic import generate
from tests.returns.test_cin_census_xml import CREATED, _case

pytestmark = pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator-cin")

PARITY = Path(__file__).with_name("cin_tables_parity.py")
FIXTURES = Path(__file__).parents[1] / "fixtures"
HEADER = (FIXTURES / "cin_validator" / "odd_cases.xml").read_text().split("<Children>")[0]
END = date(2025, 6, 30)


def _parity(paths: list[Path]) -> list[dict]:
    run = subprocess.run([str(VALIDATOR_PYTHON), str(PARITY), *map(str, paths)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


@pytest.fixture(scope="module")
def synthetic_censuses(tmp_path_factory) -> list[Path]:
    """The generator's first and latest census years, faults planted (unparseable dates, blank values)."""
    landing = tmp_path_factory.mktemp("cin_tables") / "landing"
    generate(landing, end_date=END, nights=1, scale=0.05, seed=11, case_format="cin-xml", faults="realistic")
    files = sorted((landing / "cin_census" / END.isoformat()).glob("*.xml"))
    return [files[0], files[-1]]


def test_the_tables_equal_the_packages_on_every_census_we_have(synthetic_censuses, tmp_path):
    exported = tmp_path / "cin_census_2025.xml"
    write_census(exported, _case(), 2025, "873", created=CREATED)
    empty = tmp_path / "empty.xml"
    empty.write_text(HEADER + "<Children/></Message>")
    fixtures = [
        FIXTURES / "cin_validator" / "odd_cases.xml",
        FIXTURES / "landing" / "cin_census" / "2024-03-31" / "cin_census_2024.xml",
        FIXTURES / "external" / "cin_census_liiatools" / "BAR_cin_2022.xml",
        *sorted(p for p in (FIXTURES / "bad").glob("*/cin_census/*/*.xml") if "not_xml" not in str(p)),
    ]
    results = _parity([exported, empty, *fixtures, *synthetic_censuses])
    rows = {Path(r["file"]).name: r["rows"] for r in results}
    assert len(results) == len(fixtures) + 4 and all("rows" in r for r in results), results
    # The inputs are varied enough to mean something: every table has rows somewhere, several children carry
    # several CIN details, assessments, plans and reviews, and the empty census has no child.
    odd = rows["odd_cases.xml"]
    assert odd["CINdetails"] > odd["ChildIdentifiers"] and odd["ChildProtectionPlans"] > odd["CINdetails"]
    assert odd["Reviews"] > 4 and odd["Disabilities"] >= odd["ChildIdentifiers"] and odd["AssessmentFactorsList"] > 3
    assert all(n == 0 for name, n in rows["empty.xml"].items() if name != "Header")
    assert all(max(r["rows"][t] for r in results) > 0 for t in odd)
    assert min(rows[p.name]["ChildIdentifiers"] for p in synthetic_censuses) > 50


def test_a_census_without_children_is_refused_by_both_ways_and_the_validator_exits_2_naming_it(tmp_path):
    headless = tmp_path / "no_children.xml"
    headless.write_text(HEADER + "</Message>")
    characterless = tmp_path / "no_characteristics.xml"
    characterless.write_text(HEADER + "<Children><Child><ChildIdentifiers><LAchildID>X</LAchildID>"
                             "</ChildIdentifiers></Child></Children></Message>")  # fmt: skip
    assert all("unreadable" in r for r in _parity([headless, characterless]))
    not_xml = FIXTURES / "bad" / "cin_census_not_xml" / "cin_census" / "2024-04-01" / "cin_census_2024.xml"
    cases = [(headless, "no <Children>"), (characterless, "no <ChildCharacteristics>"), (not_xml, "no element found")]
    for path, says in cases:
        command = [str(VALIDATOR_PYTHON), str(VALIDATOR_SCRIPT), "--xml", str(path), "--year", "2025"]
        run = subprocess.run([*command, "--output", str(tmp_path / "r.json")], capture_output=True, text=True)
        assert run.returncode == 2 and str(path) in run.stderr and says in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
