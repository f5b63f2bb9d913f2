"""The 903 tables beyond the first five agree with the episodes they are derived from, as the validator reads them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.synthetic.helpers import age, read


@pytest.fixture(scope="module")
def tables(landing) -> dict[str, pd.DataFrame]:
    names = ("oc2", "oc3", "ad1", "placed_for_adoption", "previous_permanence", "sw_episodes", "dolo")
    return {name: read(landing, "placements", name) for name in names}


def _continuously_looked_after(ep: pd.DataFrame, year: int) -> set[str]:
    """Written out again here (DOMAIN.md 2.6) rather than imported, so the generator is checked, not echoed."""
    start, end = pd.Timestamp(date(year - 1, 4, 1)), pd.Timestamp(date(year, 3, 31))
    e = ep[(ep.s <= end) & (ep.e.isna() | (ep.e >= start))]
    broken = e[
        ((e.RNE == "S") & (e.s > start)) | ((e.REC != "X1") & (e.e >= start) & (e.e < end)) | e.LS.isin(["V3", "V4"])
    ]
    return set(e.CHILD) - set(broken.CHILD)


def test_oc2_is_exactly_the_children_looked_after_all_year(episodes, tables):
    oc2 = tables["oc2"]
    years = sorted(oc2.COLLECTION_YEAR.astype(int).unique())
    assert years and max(years) == 2025  # a year is reported once it is over: 2025/26 ends on the night itself
    for year in years:
        assert set(oc2.CHILD[oc2.COLLECTION_YEAR == str(year)]) == _continuously_looked_after(episodes, year), year
    assert not oc2.duplicated(["CHILD", "COLLECTION_YEAR"]).any()


def test_oc2_items_within_their_ages(tables):
    oc2 = tables["oc2"]
    year_end = pd.to_datetime(oc2.COLLECTION_YEAR.astype(int).astype(str) + "-03-31")
    years = age(oc2.DOB, year_end)
    assert (oc2.CONVICTED[years < 10] == "").all() and (oc2.CONVICTED[years > 10] != "").all()
    assert (oc2.HEALTH_CHECK[years < 5] != "").all() and (oc2.HEALTH_CHECK[years >= 5] == "").all()
    assert ((oc2.SDQ_SCORE == "") | (oc2.SDQ_REASON == "")).all()
    assert (oc2.SDQ_SCORE[years < 4] == "").all() and (oc2.SDQ_REASON[years < 4] == "").all()
    score = pd.to_numeric(oc2.SDQ_SCORE, errors="coerce").dropna()
    assert score.between(0, 40).all()
    misuse = oc2.SUBSTANCE_MISUSE == "1"
    assert (oc2.INTERVENTION_RECEIVED[misuse] != "").all() and (oc2.INTERVENTION_RECEIVED[~misuse] == "").all()


def test_care_leavers_are_17_to_21_and_out_of_care(episodes, tables):
    oc3 = tables["oc3"]
    assert len(oc3)
    year_end = pd.to_datetime(oc3.COLLECTION_YEAR.astype(int).astype(str) + "-03-31")
    assert age(oc3.DOB, year_end).between(17, 21).all()
    last_end = episodes.groupby("CHILD")["e"].max()
    assert (oc3.CHILD.map(last_end) < year_end - pd.Timedelta(days=1)).all()  # left before that year's birthday
    zero = oc3.IN_TOUCH.isin(["DIED", "RHOM"])
    assert ((oc3.ACTIV[zero] == "0") & (oc3.ACCOM[zero] == "0")).all()


def test_every_adoption_ends_a_period_with_an_adoptive_placement(episodes, tables):
    ad1, placed = tables["ad1"], tables["placed_for_adoption"]
    assert len(ad1) and not ad1.CHILD.duplicated().any()
    adopted = episodes[episodes.REC.isin(["E11", "E12"])].set_index("CHILD")
    assert set(ad1.CHILD) <= set(adopted.index)
    assert adopted.loc[ad1.CHILD, "PLACE"].isin(["A3", "A4", "A5", "A6"]).all()
    adoptive_start = episodes[episodes.PLACE.isin(["A3", "A4", "A5", "A6"])].groupby("CHILD")["s"].min()
    assert (pd.to_datetime(ad1.DATE_INT) <= pd.to_datetime(ad1.DATE_MATCH)).all()
    assert (pd.to_datetime(ad1.DATE_MATCH).to_numpy() < ad1.CHILD.map(adoptive_start).to_numpy()).all()
    # The decision to place comes before the placement order, and is the AD1's date should be placed.
    order = episodes[episodes.LS == "E1"].groupby("CHILD")["s"].min()
    assert set(order.index) <= set(placed.CHILD)
    # A decision may await its placement order: only for a child still in care at the extract.
    awaiting = set(placed.CHILD) - set(order.index)
    still_in_care = set(episodes.groupby("CHILD").tail(1).query("e.isna()", engine="python").CHILD)
    assert awaiting <= still_in_care, awaiting - still_in_care
    ordered = placed[placed.CHILD.isin(order.index)]
    assert (pd.to_datetime(ordered.DATE_PLACED).to_numpy() <= ordered.CHILD.map(order).to_numpy()).all()
    assert set(zip(ad1.CHILD, ad1.DATE_INT, strict=True)) <= set(zip(placed.CHILD, placed.DATE_PLACED, strict=True))


def test_one_previous_permanence_row_per_child(episodes, tables):
    perm = tables["previous_permanence"]
    assert sorted(perm.CHILD) == sorted(episodes.CHILD.unique())
    order = perm.PREV_PERM != "Z1"
    assert ((perm.LA_PERM != "") & (perm.DATE_PERM != ""))[order].all()
    assert ((perm.LA_PERM == "") & (perm.DATE_PERM == ""))[~order].all()


def test_social_workers_cover_each_period_of_care(episodes, tables):
    sw = tables["sw_episodes"]
    assert sw.SW_ID.str.fullmatch(r"SW\d+").all()
    reasons = ["FCONTA", "LEFTRL", "MANAGE", "TSPROC", "ORGRST", "PCCHAN", "CHCHAN", "ABSENC", "OTHERS"]
    assert sw.SW_REASON.isin(reasons).all()
    in_care = episodes[~episodes.LS.isin(["V3", "V4"])]
    assert set(sw.CHILD) == set(in_care.CHILD)
    sw = sw.assign(s=pd.to_datetime(sw.SW_DECOM), e=pd.to_datetime(sw.SW_DEC.replace("", None)))
    sw = sw.sort_values(["CHILD", "s"])
    nxt = sw.groupby("CHILD")["s"].shift(-1)
    assert not (nxt < sw.e).any() and not (sw.e.isna() & nxt.notna()).any()  # never two workers at once
    starts = in_care[in_care.RNE == "S"]
    first = sw[sw.SW_REASON == "FCONTA"]
    assert set(zip(first.CHILD, first.s, strict=True)) == set(zip(starts.CHILD, starts.s, strict=True))


def test_dolo_only_from_2026_27_in_a_childrens_home(episodes, tables):
    dolo = tables["dolo"]
    assert (pd.to_datetime(dolo.DOLO_START) >= pd.Timestamp(2026, 4, 1)).all()
    for row in dolo.itertuples(index=False):
        spans = episodes[(episodes.CHILD == row.CHILD) & (episodes.s <= pd.Timestamp(row.DOLO_START))]
        assert spans.iloc[-1].PLACE in ("K2", "Z12", "Z13")
