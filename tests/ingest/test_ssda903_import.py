"""`cscw import ssda903`: which folder is which year, each stitching rule on a hand-made case, the public fake
set (every table, CSV and the DfE XML) imported with its faults quarantined, and a refused year landing nothing.
The round trip over ten synthetic years is tests/ingest/test_ssda903_round_trip.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from expectations.run import gate
from ingest.contracts import entities_for
from ingest.snapshot import read_snapshot
from ingest.ssda903_import.stitch import RULES, markdown_table, stitch_episodes
from ingest.ssda903_import.years import year_from_name
from orchestration.cli import main as cscw

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "external"
FAKE_SET, FAKE_MORE = FIXTURES / "ssda903_fake_d2i", FIXTURES / "ssda903_fake_d2i_more"
README = Path(__file__).resolve().parents[2] / "README.md"
SEED = README.parent / "dbt_project" / "seeds" / "reference" / "ssda903_stitch_rule.csv"
AS_AT = "2026-11-20"
EPISODES = next(e for e in entities_for("placements") if e.name == "episodes")


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("2019", 2019),
        ("2018-19", 2019),
        ("2018_19", 2019),
        ("201819", 2019),
        ("ssda903 2018-2019", 2019),
        ("returns", None),
        ("2018-20", None),
    ],
)
def test_a_folder_name_gives_the_collection_year_by_its_end(name, year):
    assert year_from_name(name) == year


def _episode(child: str, decom: str, dec: str | None = None, rne: str = "P", place: str = "U1", **other) -> dict:
    row = dict.fromkeys(c.raw_name for c in EPISODES.columns)
    row.update(child=child, decom=decom, dec=dec, rne=rne, ls="C2", place=place, **other)
    return row


def _stitched(*years: tuple[int, list[dict]]) -> tuple[pd.DataFrame, dict[tuple[str, str], list[str]]]:
    frames = {year: pd.DataFrame(rows).astype("string") for year, rows in years}
    episodes, log = stitch_episodes(frames, EPISODES)
    rules: dict[tuple[str, str], list[str]] = {}
    for row in log.itertuples():
        rules.setdefault((row.CHILD, row.DECOM), []).append(row.RULE)
    return episodes.set_index(["child", "decom"]), rules


def test_an_episode_in_several_returns_is_one_and_the_latest_return_wins():
    episodes, rules = _stitched(
        (2019, [_episode("A", "2018-06-01", place="U1")]),
        (2020, [_episode("A", "2018-06-01", "2019-07-01", place="U3", rec="E11")]),
    )
    assert episodes.loc[("A", "2018-06-01"), ["dec", "place", "rec"]].tolist() == ["2019-07-01", "U3", "E11"]
    assert rules[("A", "2018-06-01")] == ["latest_year_wins"]


def test_closing_an_open_episode_in_a_later_return_is_no_correction():
    _, rules = _stitched((2019, [_episode("A", "2018-06-01")]), (2020, [_episode("A", "2018-06-01", "2019-07-01")]))
    assert rules[("A", "2018-06-01")] == ["as_returned"]


def test_an_open_episode_no_later_return_sent_is_closed_by_the_documented_rule():
    episodes, rules = _stitched(
        (2019, [_episode("A", "2018-06-01"), _episode("B", "2018-06-01"), _episode("C", "2018-06-01")]),
        (
            2020,
            [
                _episode("B", "2019-05-01", rne="P", place="U4"),
                _episode("C", "2019-05-01", rne="S"),
                _episode("D", "2019-05-01"),
            ],
        ),
    )
    assert rules[("A", "2018-06-01")] == ["closed_at_year_end"]
    assert episodes.loc[("A", "2018-06-01"), "dec"] == "2019-03-31"
    assert rules[("B", "2018-06-01")] == ["closed_at_next_episode"]
    assert episodes.loc[("B", "2018-06-01"), ["dec", "rec"]].tolist() == ["2019-05-01", "X1"]
    assert rules[("C", "2018-06-01")] == ["closed_before_next_period"]
    assert episodes.loc[("C", "2018-06-01"), "dec"] == "2019-03-31"  # before 30 April 2019, the day before
    assert pd.isna(episodes.loc[("C", "2018-06-01"), "rec"])
    assert rules[("D", "2019-05-01")] == ["as_returned"]  # open in the latest return: still open


def test_an_open_episode_a_later_return_redated_or_replaced_is_dropped():
    episodes, rules = _stitched(
        (2019, [_episode("A", "2018-06-01", place="U4"), _episode("B", "2018-09-01", place="U4")]),
        (2020, [_episode("A", "2018-06-03", place="U4"), _episode("B", "2018-08-01", "2020-01-01", place="U5")]),
    )
    assert rules[("A", "2018-06-01")] == ["redated_in_later_year"]
    assert rules[("B", "2018-09-01")] == ["replaced_in_later_year"]
    assert ("A", "2018-06-01") not in episodes.index and ("B", "2018-09-01") not in episodes.index
    assert ("A", "2018-06-03") in episodes.index


def test_overlaps_and_x1_gaps_with_a_later_return_end_on_the_next_start():
    episodes, rules = _stitched(
        (
            2019,
            [_episode("A", "2018-06-01", "2019-02-01", rec="E11"), _episode("B", "2018-06-01", "2019-01-01", rec="X1")],
        ),
        (2020, [_episode("A", "2019-01-01", "2019-06-01", rne="S"), _episode("B", "2019-02-01")]),
    )
    assert rules[("A", "2018-06-01")] == ["overlap_trimmed"]
    assert episodes.loc[("A", "2018-06-01"), "dec"] == "2019-01-01"
    assert rules[("B", "2018-06-01")] == ["x1_gap_closed"]
    assert episodes.loc[("B", "2018-06-01"), "dec"] == "2019-02-01"


def test_readme_lists_the_stitching_rules_as_the_code_has_them():
    assert markdown_table() in README.read_text()
    assert set(RULES) == {
        "as_returned",
        "latest_year_wins",
        "redated_in_later_year",
        "replaced_in_later_year",
        "closed_at_next_episode",
        "closed_before_next_period",
        "closed_at_year_end",
        "overlap_trimmed",
        "x1_gap_closed",
    }


@pytest.fixture
def fake_year(tmp_path) -> Path:
    """The public fake set as one year's return, as a council would hand it over: every table, one folder."""
    folder = tmp_path / "returns" / "fake"
    shutil.copytree(FAKE_SET, folder, ignore=shutil.ignore_patterns("*.md", "*.txt"))
    for path in FAKE_MORE.glob("*.csv"):
        shutil.copy(path, folder)
    return folder


def test_the_fake_set_imports_with_its_faults_quarantined(fake_year, cscw_home, capsys):
    assert cscw(["import", "ssda903", str(fake_year.parent), "--as-at", AS_AT]) == 0
    out = capsys.readouterr().out
    assert "SSDA903 2017/18" in out and "inferred from the data" in out
    assert "quarantined: SSDA903 2017/18 (fake) reviews.csv row" in out and "duplicate_key" in out
    landed = cscw_home.landing / "placements" / AS_AT
    contract = {e.name: e for e in entities_for("placements")}
    files = {p.stem.lower() for p in landed.glob("*.csv")}
    assert {"header", "episodes", "uasc", "reviews", "missing"} <= files
    for table in ("oc2", "oc3", "ad1", "placed_for_adoption", "previous_permanence", "sw_episodes", "dolo"):
        assert (table in files) == (table in contract), table
    if "oc2" in contract:
        oc2 = pd.read_csv(landed / "oc2.csv", dtype=str)
        assert set(oc2["COLLECTION_YEAR"]) == {"2018"} and len(oc2) == 2675
    # The landed snapshot passes the nightly gate as it stands: row faults only, nothing refusing it.
    snapshot = read_snapshot("placements", date.fromisoformat(AS_AT), landed)
    assert not [p for p in gate(snapshot) if p.blocking]
    assert len(pd.read_csv(landed / "episodes.csv")) == 5050


def test_the_dfe_xml_gives_the_rows_its_elements_hold(tmp_path, cscw_home, capsys):
    """fake_903.xml holds other children than the CSVs (none in common), so it is checked against its own
    elements: a row per CHILD, EPISODE, AREVIEW, AMISSING, and a UASC row per child with a DUC."""
    year = tmp_path / "returns" / "2017-18"
    year.mkdir(parents=True)
    shutil.copy(FAKE_MORE / "fake_903.xml", year)
    assert cscw(["import", "ssda903", str(year.parent), "--as-at", AS_AT]) == 0
    assert "year from the folder name '2017-18'" in capsys.readouterr().out
    landed = cscw_home.landing / "placements" / AS_AT
    rows = {t: len(pd.read_csv(landed / f"{t}.csv")) for t in ("header", "episodes", "reviews", "missing", "uasc")}
    assert rows == {"header": 253, "episodes": 459, "reviews": 1206, "missing": 6, "uasc": 12}
    children = set(pd.read_csv(landed / "header.csv", dtype=str)["CHILD"])
    assert not children & set(pd.read_csv(FAKE_SET / "header.csv", dtype=str)["CHILD"])


def test_a_year_the_gate_refuses_stops_the_import_and_lands_nothing(fake_year, cscw_home, capsys):
    lines = (fake_year / "episodes.csv").read_text().splitlines()
    lines[40] += ",extra"
    (fake_year / "episodes.csv").write_text("\n".join(lines) + "\n")
    assert cscw(["import", "ssda903", str(fake_year.parent), "--as-at", AS_AT]) == 1
    out = capsys.readouterr().out
    assert "(fake) episodes.csv row 41" in out and "ragged_row" in out and "nothing landed" in out
    assert "Traceback" not in out
    assert not (cscw_home.landing / "placements").exists()


def test_two_returns_for_one_year_are_refused(fake_year, cscw_home, capsys):
    shutil.copytree(fake_year, fake_year.parent / "2017-18")
    assert cscw(["import", "ssda903", str(fake_year.parent), "--as-at", AS_AT]) == 1
    assert "two returns for 2017/18" in capsys.readouterr().out


def test_the_stitch_rule_seed_is_the_code_s_rules():
    seed = pd.read_csv(SEED, dtype=str, keep_default_na=False)
    assert seed.to_dict("records") == [
        {"code": r.code, "liiatools_rule": r.liiatools or "", "description": r.what} for r in RULES.values()
    ]


def test_a_header_value_a_later_return_leaves_blank_is_kept():
    from ingest.ssda903_import.stitch import union_latest

    header = next(e for e in entities_for("placements") if e.name == "header")
    year = {c.raw_name: None for c in header.columns} | {"child": "A", "sex": "2", "dob": "2005-01-01"}
    frames = {
        2019: pd.DataFrame([year | {"mother": "1", "upn": "A123"}]).astype("string"),
        2020: pd.DataFrame([year | {"sex": "F", "upn": "B456"}]).astype("string"),
    }
    row = union_latest(frames, header).iloc[0]
    assert (row["sex"], row["mother"], row["upn"]) == ("F", "1", "B456")
