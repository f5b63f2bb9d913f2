"""The load gate against the bad-input corpus: every planted fault gives its hand-derived outcome (refused,
held, quarantined, flagged, unchanged or loaded), and a refused snapshot leaves the published one untouched."""

import csv
import shutil
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from expectations.run import gate
from ingest.contracts import SOURCES, entities_for, source_named
from ingest.load import accept, load_source, published_date
from tests.conftest import FIXTURE_LANDING, TESTS
from tests.support.permissions import loose_modes
from warehouse.connection import connect_duckdb

BAD = TESTS / "fixtures" / "bad"
FAULTS = list(csv.DictReader(open(BAD / "faults.csv", newline="")))


def case_children(con):
    return {r[0] for r in con.execute("select child_id from raw.case__children").fetchall()}


def raw_state(con, source):
    return {
        e.token: con.execute(f"select count(*), max(extract_date) from raw.{e.token}").fetchone()
        for e in entities_for(source)
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A warehouse holding the good 2024-03-31 snapshot of every source, built once."""
    path = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    with connect_duckdb(path) as con:
        for source in ("case", *[s for s in SOURCES if s != "case"]):
            children = case_children(con) if source == "finance" else None
            outcome = load_source(con, FIXTURE_LANDING, source, gate=partial(gate, case_children=children))
            assert [r.problems for r in outcome.loaded] == [[]], f"the good fixture must pass the {source} gate"
    return path


def test_corpus_covers_every_source_and_at_least_thirty_faults():
    assert len({f["fault_id"] for f in FAULTS}) == len(FAULTS) >= 30
    assert {f["source"] for f in FAULTS} == set(SOURCES)


def _load_nights(con, source: str, fault_folder: Path, work: Path, last: str):
    """Every folder of the case, one night at a time, oldest first and the one the outcome is about (`last`)
    last; the outcome of that night."""
    landing, quarantine = work / "landing", work / "quarantine"
    nights = sorted((fault_folder / source).iterdir(), key=lambda p: (p.name == last, p.name))
    outcome, before = None, None
    for night in nights:
        shutil.copytree(night, landing / source / night.name, symlinks=True)  # a planted link stays a link
        before = raw_state(con, source)
        children = case_children(con) if source == "finance" else None
        outcome = load_source(
            con,
            landing,
            source,
            gate=partial(gate, case_children=children),
            quarantine_root=quarantine,
            raise_on_refusal=False,
        )
    return outcome, before, landing, quarantine


def _rows_at(con, source: str, file: str, row: int) -> int:
    """Raw rows loaded from that file and row: a CSV's own table, or (the census XML) any table's rows whose
    source_file and source_line are that file and line."""
    if source_named(source).layout == "tables":
        entity = file.rsplit(".", 1)[0].lower()
        return con.execute(f"select count(*) from raw.{source}__{entity} where _row_number = ?", [row]).fetchone()[0]
    tables = [e.token for e in entities_for(source) if e.name != "stitch_log"]
    return sum(
        con.execute(
            f"select count(*) from raw.{t} where source_file = ? and cast(source_line as integer) = ?", [file, row]
        ).fetchone()[0]
        for t in tables
    )


def _found(problems) -> set[tuple]:
    return {(p.rule, p.file, p.row, p.column) for p in problems}


@pytest.mark.parametrize("fault", FAULTS, ids=[f["fault_id"] for f in FAULTS])
def test_fault_gives_its_expected_outcome(fault, baseline, tmp_path):  # noqa: C901 - one branch per outcome
    source, outcome_expected = fault["source"], fault["outcome"]
    day = fault["extract_date"]  # a folder name: a real date, or one that is not (2026-13-01)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(baseline, warehouse)
    row = int(fault["row"]) if fault["row"] else None
    expected = (fault["rule"], fault["file"] or None, row, fault["column"] or None)

    def matches(problems) -> bool:  # a blank file means a snapshot-level problem named after the folder
        return any(
            p[0] == expected[0] and p[2:] == expected[2:] and (expected[1] is None or p[1] == expected[1])
            for p in _found(problems)
        )

    with connect_duckdb(warehouse) as con:
        outcome, before, landing, quarantine = _load_nights(con, source, BAD / fault["fault_id"], tmp_path, day)
        loaded = {r.extract_date.isoformat(): r for r in outcome.loaded}
        refused = {
            r.problems[0].file if r.extract_date is None else r.extract_date.isoformat(): r
            for r in outcome.refused + outcome.misdated
        }
        if outcome_expected in ("refused", "held"):
            assert day in refused and day not in loaded, f"{day} should be {outcome_expected}"
            assert matches(refused[day].problems), f"expected {expected}, gate found {_found(refused[day].problems)}"
            assert raw_state(con, source) == before
            if refused[day] in outcome.misdated:  # a misdated folder stops no other folder
                assert not [r for r in outcome.refused if r.extract_date is not None]
            if refused[day].extract_date is not None:
                status = con.execute(
                    "select distinct status from raw._ledger where source = ? and extract_date = ?",
                    [source, refused[day].extract_date],
                ).fetchall()
                assert status == [("held" if outcome_expected == "held" else "refused",)]
            report = quarantine / source / day
            assert (report / "gate_report.csv").exists() and (report / "gate_report.md").exists()
            assert (fault["file"] or fault["rule"]) in (report / "gate_report.md").read_text()
            assert loose_modes(report) == [], "a refused extract and its report are owner-only"
            if fault["after_accept"] == "loaded":
                accept(con, landing, source, date.fromisoformat(day))
                again = load_source(con, landing, source, gate=gate, quarantine_root=quarantine)
                assert [r.extract_date.isoformat() for r in again.loaded] == [day]
        elif outcome_expected == "unchanged":
            assert [d.isoformat() for d in outcome.unchanged] == [day] and day not in loaded and day not in refused
            assert raw_state(con, source) == before
        else:
            assert day in loaded, f"{day} should load; refused: {refused.get(day) and refused[day].describe()}"
            problems = loaded[day].problems
            assert published_date(con, source).isoformat() == day
            if outcome_expected == "loaded":
                assert problems == []
                return
            kind = {"quarantined": "row", "flagged": "flag"}[outcome_expected]
            assert matches([p for p in problems if p.kind == kind]), (
                f"expected {kind} {expected}, found "
                f"{sorted(((p.kind,) + t for p in problems for t in _found([p])), key=str)}"
            )
            if row is not None:
                assert _rows_at(con, source, fault["file"], row) == (0 if kind == "row" else 1)
            recorded = con.execute(
                "select count(*) from raw._problems where source = ? and extract_date = ? and rule = ? and kind = ?",
                [source, date.fromisoformat(day), fault["rule"], kind],
            ).fetchone()[0]
            assert recorded >= 1
