"""The load gate against the bad-input corpus: every planted fault gives its hand-derived outcome,
and a refused snapshot leaves the published one untouched."""

import csv
import shutil
from functools import partial
from pathlib import Path

import pytest

from expectations.run import gate
from ingest.contracts import entities_for
from ingest.load import SnapshotRefused, connect, load_source, published_date
from ingest.settings import SOURCES
from tests.conftest import FIXTURE_LANDING, TESTS
from tests.support.permissions import loose_modes

BAD = TESTS / "fixtures" / "bad"
FAULTS = list(csv.DictReader(open(BAD / "faults.csv", newline="")))


def case_children(con):
    return {r[0] for r in con.execute("select child_id from raw.case__children").fetchall()}


def raw_state(con, source):
    return {e.token: con.execute(f"select count(*), max(extract_date) from raw.{e.token}").fetchone()
            for e in entities_for(source)}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A warehouse holding the good 2024-03-31 snapshot of every source, built once."""
    path = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    with connect(path) as con:
        for source in ("case", *[s for s in SOURCES if s != "case"]):
            children = case_children(con) if source == "finance" else None
            outcome = load_source(con, FIXTURE_LANDING, source, gate=partial(gate, case_children=children))
            assert [r.warnings for r in outcome.loaded] == [[]], f"the good fixture must pass the {source} gate"
    return path


def test_corpus_covers_every_source_and_at_least_thirty_faults():
    assert len({f["fault_id"] for f in FAULTS}) == len(FAULTS) >= 30
    assert {f["source"] for f in FAULTS} == set(SOURCES)


@pytest.mark.parametrize("fault", FAULTS, ids=[f["fault_id"] for f in FAULTS])
def test_fault_gives_its_expected_outcome(fault, baseline, tmp_path):
    source = fault["source"]
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(baseline, warehouse)
    landing = BAD / fault["fault_id"]
    quarantine = tmp_path / "quarantine"
    expected = (fault["rule"], fault["file"], int(fault["row"]) if fault["row"] else None, fault["column"] or None)

    with connect(warehouse) as con:
        before = raw_state(con, source)
        children = case_children(con) if source == "finance" else None
        run = partial(load_source, con, landing, source, gate=partial(gate, case_children=children),
                      quarantine_root=quarantine)
        if fault["outcome"] == "refused":
            with pytest.raises(SnapshotRefused) as refused:
                run()
            found = {(p.rule, p.file, p.row, p.column) for p in refused.value.problems if p.blocking}
            assert expected in found, f"expected {expected}, gate found {sorted(found, key=str)}"
            assert raw_state(con, source) == before
            report = quarantine / source / "2024-04-01"
            assert (report / "gate_report.csv").exists() and (report / "gate_report.md").exists()
            assert fault["file"] in (report / "gate_report.md").read_text()
            assert loose_modes(report) == [], "a refused extract and its report are owner-only"
        else:
            outcome = run()
            [loaded] = outcome.loaded
            found = {(p.rule, p.file, p.row, p.column) for p in loaded.warnings}
            assert expected in found, f"expected warning {expected}, gate found {sorted(found, key=str)}"
            assert published_date(con, source).isoformat() == "2024-04-01"
