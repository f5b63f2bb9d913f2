"""The acceptance of `cscw import ssda903` (issue 21): ten annual returns exported from the default synthetic
history, imported, and the stitched episodes compared with the history they were cut from.

They are identical except where the annual cut (DOMAIN.md 2.7) loses something no stitching can give back;
each such difference is named below (README "Importing past SSDA903 returns"), counted, and nothing else may
differ. On clean exports no episode-fixing rule fires: each stitched episode is its latest return's row.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from orchestration.cli import main as cscw
from tests.support.ssda903_returns import export_years
from warehouse.connection import connect_duckdb

# Ten years exported and imported again (pyproject.toml lists the slow tests).
pytestmark = pytest.mark.slow

YEARS = range(2017, 2027)  # 2016/17 to 2025/26: the ten complete years of the default history (to 2026-11-22)
FIRST_DAY, LAST_DAY = "2016-04-01", "2026-03-31"
AS_AT = "2026-11-23"
NO_URN = {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"}
SHORT_BREAKS = {"V3", "V4"}
OTHER_TABLES = ("oc2", "oc3", "ad1", "placed_for_adoption", "previous_permanence", "sw_episodes", "dolo")
EPISODE = ["RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST"]


@pytest.fixture(scope="module")
def round_trip(synthetic_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("ssda903_round_trip")
    warehouse = work / "warehouse.duckdb"
    warehouse.write_bytes(synthetic_warehouse.read_bytes())
    exported = export_years(warehouse, YEARS, work / "returns", work)
    with connect_duckdb(warehouse, read_only=True) as con:
        original = {
            t: con.execute(f"select * exclude (_row_number, extract_date, _loaded_at, _source_file) from {t}").df()
            for t in (f"raw.placements__{name}" for name in ("episodes", "header", *OTHER_TABLES))
        }
    return work, exported, original


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Raw columns as the landed CSV has them: upper-case names, ISO dates, blanks empty."""
    frame = frame.rename(columns=str.upper)
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]) or frame[column].map(type).eq(date).any():
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return frame.astype("string").fillna("")


def _last_return(dec: pd.Series) -> pd.Series:
    """The latest return holding the episode: the year of its DEC, or the last year when it ended after."""
    ended = pd.to_datetime(dec.where(dec != ""))
    year = ended.dt.year + (ended.dt.month >= 4)
    return year.fillna(YEARS[-1]).clip(upper=YEARS[-1]).astype(int)


def expected_episodes(original: pd.DataFrame) -> tuple[pd.DataFrame, Counter]:
    """The history as ten returns can carry it, and how often each documented difference applies."""
    episodes = _text(original)
    differences = Counter()
    outside = (episodes["DEC"].ne("") & (episodes["DEC"] < FIRST_DAY)) | (episodes["DECOM"] > LAST_DAY)
    differences["outside_the_returns_years"] = int(outside.sum())
    episodes = episodes[~outside].copy()
    open_at_end = episodes["DEC"] > LAST_DAY
    differences["open_at_the_last_year_end"] = int(open_at_end.sum())
    episodes.loc[open_at_end, ["DEC", "REC", "REASON_PLACE_CHANGE"]] = ""
    short = episodes["LS"].isin(SHORT_BREAKS)
    differences["short_break_without_postcodes"] = int((short & episodes["HOME_POST"].ne("")).sum())
    episodes.loc[short, ["HOME_POST", "PL_POST"]] = ""
    no_urn = (
        short | episodes["PLACE"].isin(NO_URN) | (episodes["PLACE"].eq("H5") & (_last_return(episodes["DEC"]) <= 2023))
    ) & episodes["URN"].ne("")
    differences["urn_not_returned"] = int(no_urn.sum())
    episodes.loc[no_urn, "URN"] = ""
    return episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True), differences


@pytest.fixture(scope="module")
def imported(round_trip):
    from ingest.ssda903_import import import_returns

    work, _, _ = round_trip
    started = time.perf_counter()
    result = import_returns(work / "returns", work / "landing", date.fromisoformat(AS_AT))
    return result, time.perf_counter() - started


def _landed(result, table: str) -> pd.DataFrame:
    return pd.read_csv(result.folder / f"{table}.csv", dtype="string", keep_default_na=False)


def test_ten_returns_stitch_back_into_the_history(round_trip, imported):
    _, exported, original = round_trip
    result, seconds = imported
    assert [y.year for y in result.years] == list(YEARS)
    assert all(rows["episodes"] > 1000 for rows in exported.values()), exported
    stitched = _landed(result, "episodes")
    expected, differences = expected_episodes(original["raw.placements__episodes"])
    pd.testing.assert_frame_equal(stitched, expected[stitched.columns], check_dtype=False)
    fired = result.rules_fired
    # On clean exports nothing needs fixing: no episode left open and then dropped, nothing overlapping.
    assert set(fired) <= {"as_returned", "latest_year_wins"}, fired
    assert fired["as_returned"] + fired["latest_year_wins"] == len(stitched)
    # latest_year_wins: the annual cut itself differs between years, an H5 episode's URN not returned up to
    # 2022/23 and returned from 2023/24 (DOMAIN.md 2.3): the later return's URN is kept.
    assert fired["latest_year_wins"] > 0
    print(f"\nimport of ten years: {seconds:.1f}s; rules fired {dict(fired)}; differences {dict(differences)}")
    assert differences["outside_the_returns_years"] > 0 and differences["open_at_the_last_year_end"] > 0


def test_the_header_comes_back_but_for_later_motherhood(round_trip, imported):
    _, _, original = round_trip
    header = _landed(imported[0], "header")
    before = _text(original["raw.placements__header"]).set_index("CHILD").loc[header["CHILD"]].reset_index()
    for column in ("SEX", "DOB", "ETHNIC", "UPN"):
        assert header[column].tolist() == before[column].tolist(), column
    # A return knows a mother's baby only once born in its year: one born after 31 March 2026 is next year's.
    later = header["MC_DOB"].ne(before["MC_DOB"]) | header["MOTHER"].ne(before["MOTHER"])
    assert (before.loc[later, "MC_DOB"] > LAST_DAY).all()


def test_the_command_says_which_year_each_folder_is_and_a_second_import_changes_nothing(
    round_trip, imported, cscw_home, capsys
):
    work, _, _ = round_trip
    assert cscw(["import", "ssda903", str(work / "returns"), "--as-at", AS_AT]) == 0
    out = capsys.readouterr().out
    assert "SSDA903 2016/17 from" in out and "year from the folder name '2017'" in out
    landed = cscw_home.landing / "placements" / AS_AT
    assert {p.name: p.read_bytes() for p in landed.iterdir()} == {
        p.name: p.read_bytes() for p in imported[0].folder.iterdir()
    }
    assert cscw(["import", "ssda903", str(work / "returns"), "--as-at", AS_AT]) == 0
    assert "10 years already landed, unchanged" in capsys.readouterr().out


def test_the_nightly_load_takes_the_imported_snapshot_as_it_is(imported, tmp_path):
    """The landed folder through the real gate and loader, then staging and the data-quality mart."""
    from expectations.run import gate
    from tests.support.warehouse import dbt_build, load_landing

    result, _ = imported
    warehouse = tmp_path / "warehouse.duckdb"
    load_landing(warehouse, result.folder.parent.parent, gate=gate, sources=("placements",))
    dbt_build(warehouse, "+data_quality_stitching", tmp_path)
    with connect_duckdb(warehouse, read_only=True) as con:
        loaded = con.execute("select count(*) from raw.placements__episodes").fetchone()[0]
        rules = dict(
            con.execute("select rule, sum(episodes) from data_quality.data_quality_stitching group by 1").fetchall()
        )
    assert loaded == result.rows["episodes"]
    assert rules == dict(result.rules_fired)


@pytest.mark.parametrize("table", OTHER_TABLES)
def test_the_other_tables_come_back_as_the_history_has_them(round_trip, imported, table):
    """OC2 and OC3: every row of the ten years, COLLECTION_YEAR restored. The rest: every row a return sent
    is the history's row (latest year winning changes nothing on clean returns)."""
    from ingest.contracts import entities_for

    _, _, original = round_trip
    entity = next(e for e in entities_for("placements") if e.name == table)
    before = _text(original[f"raw.placements__{table}"])
    path = imported[0].folder / f"{table}.csv"
    if not path.exists():
        # outside_the_returns_years: DoLo starts in 2026/27, after the ten years.
        start = next(c for c in entity.key if c != "CHILD")
        assert (before[start] > LAST_DAY).all(), f"{table}: the history has rows in the years, no return sent any"
        return
    stitched = pd.read_csv(path, dtype="string", keep_default_na=False)
    if "COLLECTION_YEAR" in before.columns:
        before = before[before["COLLECTION_YEAR"].astype(int).isin(YEARS)]
        assert len(stitched) == len(before)
    for end in {"SW_DEC", "DATE_PLACED_CEASED", "DOLO_END"} & set(before.columns):
        # open_at_the_last_year_end, as for episodes: an end after 31 March 2026 is no return's to send.
        before[end] = before[end].where(before[end] <= LAST_DAY, "")
    key = list(entity.key)
    joined = stitched.merge(before, on=key, how="left", suffixes=("", "_history"), indicator=True)
    assert joined["_merge"].eq("both").all(), f"{table}: rows the history does not have"
    for column in [c for c in stitched.columns if c not in key]:
        differs = joined[column].ne(joined[f"{column}_history"])
        assert not differs.any(), f"{table}.{column}: {joined.loc[differs, key + [column, column + '_history']].head()}"
