"""The synthetic extracts: every contract file and column, determinism, the nightly cut."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pandas as pd

from synthetic import CONTRACT, OPTIONAL, generate
from tests.synthetic.helpers import END, NIGHT1, NIGHT2, left_out, read


# ------------------------------------------------------------------ layout and determinism
def test_every_file_and_column_of_the_contract_in_order(landing):
    for night in (NIGHT1, NIGHT2):
        for source, files in CONTRACT.items():
            for name, columns in files.items():
                path = landing / source / night / f"{name}.csv"
                if left_out(landing, source, name, night):
                    continue
                assert path.exists(), path
                header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
                assert header == columns, (source, name)
    # the contract text itself, so a drift between the module and the document is caught
    text = (Path(__file__).parents[2] / "ingest" / "contracts" / "README.md").read_text()
    for files in CONTRACT.values():
        for name, columns in files.items():
            assert f"| {name}.csv | {columns[0]}" in text


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, end_date=END, nights=1, scale=0.05, seed=5)
    generate(b, end_date=END, nights=1, scale=0.05, seed=5, faults="none")  # the default, spelt out
    generate(c, end_date=END, nights=1, scale=0.05, seed=6)
    files = sorted(p.relative_to(a) for p in a.rglob("*.csv"))
    required = sum(len(f) for f in CONTRACT.values()) - len(OPTIONAL)
    assert required <= len(files) <= required + len(OPTIONAL)
    assert all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)
    assert not filecmp.cmp(
        a / "placements" / "2026-03-31" / "episodes.csv",
        c / "placements" / "2026-03-31" / "episodes.csv",
        shallow=False,
    )


def test_snapshot_cut(landing):
    limit = {NIGHT1: pd.Timestamp(NIGHT1), NIGHT2: pd.Timestamp(NIGHT2)}
    date_like = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for night, cut in limit.items():
        for source, files in CONTRACT.items():
            for name in files:
                if left_out(landing, source, name, night):
                    continue
                df = read(landing, source, name, night)
                for col in df.columns:
                    vals = df[col][df[col].str.match(date_like)]
                    if vals.empty:
                        continue
                    late = pd.to_datetime(vals) > cut
                    if source == "finance" and col == "end_date":
                        assert (df.loc[late[late].index, "end_date_is_planned"] == "Y").all()
                    elif source == "camhs" and col == "week_ending":
                        assert pd.to_datetime(vals).max() <= cut + pd.Timedelta(weeks=26)
                    elif source == "placements" and col == "DUC":
                        continue  # the UASC status ends on the 18th birthday, a known future date
                    else:
                        assert not late.any(), (source, name, col)
    e1 = read(landing, "placements", "episodes", NIGHT1)
    e2 = read(landing, "placements", "episodes", NIGHT2)
    assert len(e2) >= len(e1)
    # Nothing is forgotten overnight: every episode start of night 1 is still there on night 2.
    assert set(zip(e1.CHILD, e1.DECOM, strict=False)) <= set(zip(e2.CHILD, e2.DECOM, strict=False))
    r1, r2 = read(landing, "case", "referrals", NIGHT1), read(landing, "case", "referrals", NIGHT2)
    assert len(r2) > len(r1)
    assert not e1.equals(e2) or not r1.equals(r2)
    # open episodes have neither DEC nor REC
    assert (e2.loc[e2.DEC == "", "REC"] == "").all()
    assert (e2.loc[e2.DEC != "", "REC"] != "").all()


def test_population_one_row_per_year(landing):
    pop = read(landing, "reference", "population")
    assert not pop.year.duplicated().any()
    assert (pop.la_code == "E10000003").all()
