"""Synthetic 903 extracts honour the SSDA903 structure, age, code and postcode rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic import placements as pl_mod
from synthetic import simulate
from synthetic.common import days
from synthetic.postcodes import load_postcodes
from tests.synthetic.helpers import END, NIGHT2, TEMPS, UPN_RE, age, read, with_periods


# ------------------------------------------------------------------ SSDA903 structure
def test_episodes_never_overlap_and_periods_are_contiguous(episodes):
    ep = with_periods(episodes)
    nxt = ep.groupby("CHILD")["s"].shift(-1)
    assert not ((ep.e.isna() & nxt.notna()) | (nxt < ep.e)).any()
    same_period = ep.period == ep.period.shift(-1)
    x = ep[same_period]
    assert (x.e == ep.s.shift(-1)[same_period]).all()
    assert (x.REC == "X1").all()
    last = ep[~same_period]
    assert (last.REC != "X1").all()
    first = ep.groupby("period").head(1)
    assert (first.RNE == "S").all()
    assert ((ep.RNE == "S") == ep.index.isin(first.index)).all()
    assert not first.PLACE.isin(TEMPS).any()
    closed_last = last[last.DEC != ""]
    assert not closed_last.PLACE.isin(TEMPS).any()
    assert (ep.groupby("period")["CIN"].nunique() == 1).all()


def test_temporaries_and_reason_for_change(episodes):
    ep = with_periods(episodes).reset_index(drop=True)
    span = (ep.e - ep.s).dt.days
    # Ended temporaries only: one still open at the extract has no length yet.
    assert (span[ep.PLACE == "T1"].dropna() <= 42).all()
    assert (span[ep.PLACE == "T3"].dropna() <= 21).all()
    assert (span[ep.PLACE == "T4"].dropna() <= 7).all()
    assert ep.PLACE.isin(TEMPS).sum() > 0
    for i in np.flatnonzero(ep.PLACE.isin(TEMPS)):
        if ep.at[i, "DEC"] == "":
            continue
        j = i + 1
        while ep.at[j, "PLACE"] in TEMPS:
            j += 1
        assert ep.at[i, "RNE"] in ("P", "B") and ep.at[j, "RNE"] == "P"
        before = ep.loc[i - 1, ["PLACE", "PLACE_PROVIDER", "PL_POST", "URN"]]
        after = ep.loc[j, ["PLACE", "PLACE_PROVIDER", "PL_POST", "URN"]]
        assert (before.to_numpy() == after.to_numpy()).all()
    nxt_rne = ep.RNE.shift(-1)
    nxt_temp = ep.PLACE.shift(-1).isin(TEMPS)
    same = ep.period == ep.period.shift(-1)
    need = same & (ep.REC == "X1") & nxt_rne.isin(["P", "B", "T", "U"]) & ~ep.PLACE.isin(TEMPS) & ~nxt_temp
    reasons = {
        "CARPL",
        "CLOSE",
        "ALLEG",
        "STAND",
        "APPRR",
        "CREQB",
        "CREQO",
        "CHILD",
        "LAREQ",
        "PLACE",
        "CUSTOD",
        "OTHER",
    }
    assert ep.loc[need, "REASON_PLACE_CHANGE"].isin(reasons).all()
    assert (ep.loc[~need, "REASON_PLACE_CHANGE"] == "").all()


def test_provider_and_urn_rules(episodes):
    ep = episodes
    blank_pr = ep.PLACE.isin(TEMPS | {"Z1", "Z11", "Z12", "Z13", "Z14"})
    assert (ep.loc[blank_pr, "PLACE_PROVIDER"] == "").all()
    assert (ep.loc[~blank_pr, "PLACE_PROVIDER"] != "").all()
    pr, place = ep.PLACE_PROVIDER, ep.PLACE
    assert not ((pr == "PR0") & (place != "P1")).any()
    assert not (pr.isin(["PR1", "PR2"]) & place.isin(["P1", "R2", "R5"])).any()
    assert not (
        (pr == "PR3") & place.isin(["P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"])
    ).any()
    assert not (pr.isin(["PR4", "PR5"]) & (place == "P1")).any()
    exempt = place.isin(["P1", "P3", "R1", "R2", "R5", "Z1", "Z11", "Z12", "Z13", "Z14"]) | place.isin(TEMPS)
    assert (ep.loc[exempt, "URN"] == "").all()
    assert ep.loc[~exempt, "URN"].str.match(r"^(SC\d{6}|\d{7})$").all()


def test_place_validity_by_date(episodes):
    ep = episodes
    end = ep.e.fillna(pd.Timestamp(NIGHT2) + pd.Timedelta(days=1))
    old = ep.PLACE.isin(["H5", "P2"])
    assert (end[old] <= pd.Timestamp("2023-10-28")).all()
    assert (ep.s[ep.PLACE == "K3"] >= pd.Timestamp("2024-04-01")).all()
    assert (end[ep.PLACE == "Z1"] <= pd.Timestamp("2025-04-01")).all()
    assert (ep.s[ep.PLACE.isin(["Z11", "Z12", "Z13", "Z14"])] >= pd.Timestamp("2025-04-01")).all()


def test_age_rules(episodes, dob):
    ep = episodes
    b = ep.CHILD.map(dob)
    a_start = age(b, ep.s)
    assert (a_start[ep.PLACE == "K3"] >= 16).all()
    assert (a_start[ep.PLACE == "R5"] >= 10).all()
    assert (a_start[ep.PLACE == "S1"] >= 4).all()
    assert (a_start[ep.PLACE == "P3"] >= 14).all()
    assert (a_start[ep.LS.isin(["J1", "J2", "J3"])] >= 10).all()
    assert (a_start[ep.RNE == "S"] < 18).all()
    closed = ep[ep.DEC != ""]
    a_end = age(closed.CHILD.map(dob), closed.e)
    assert (a_end <= 18).all()
    assert ((a_end < 18) | (closed.e == closed.CHILD.map(dob) + pd.offsets.DateOffset(years=18))).all()
    assert (a_end[closed.REC.isin(["E5", "E6"])] >= 14).all()
    assert (a_end[closed.REC == "E7"] >= 16).all()
    assert (a_end[closed.REC == "E17"] >= 18).all()
    adopted = closed.REC.isin(["E11", "E12"])
    assert (a_end[adopted] < 18).all()
    assert closed.loc[adopted, "PLACE"].isin(["A3", "A4", "A5", "A6"]).all()
    assert (a_end[closed.REC.isin(["E45", "E46", "E47", "E48"])] < 18).all()


def test_header_upn_and_mother(landing, episodes, dob):
    hd = read(landing, "placements", "header")
    real = ~hd.UPN.isin(["UN1", "UN2", "UN3", "UN4", "UN5"])
    assert hd.loc[real, "UPN"].str.match(UPN_RE).all()
    assert real.mean() > 0.8
    a = age(hd.CHILD.map(dob).reset_index(drop=True), pd.Series(pd.Timestamp(NIGHT2), index=hd.index))
    assert (a[hd.UPN == "UN1"] < 5).all()
    first = episodes.groupby("CHILD")["s"].min()
    un4 = hd[hd.UPN == "UN4"]
    assert not ((first.loc[un4.CHILD].dt.month == 3) & (first.loc[un4.CHILD].dt.day >= 24)).any()
    short_only = episodes.groupby("CHILD")["LS"].agg(lambda s: s.isin(["V3", "V4"]).all())
    girls = hd[(hd.SEX == "F") & ~hd.CHILD.map(short_only)]
    assert girls.MOTHER.isin(["0", "1"]).all()
    assert (hd.loc[hd.SEX == "M", "MOTHER"] == "").all()
    assert (hd.loc[hd.CHILD.map(short_only), "MOTHER"] == "").all()
    assert ((hd.MC_DOB != "") == (hd.MOTHER == "1")).all()


def test_postcodes_are_real_and_placed(episodes):
    pool = load_postcodes("E10000003")
    known = pd.concat([pool.inside, pool.outside]).set_index("postcode")
    ep = episodes
    sb = ep.LS.isin(["V3", "V4"])
    assert (ep.loc[sb, ["HOME_POST", "PL_POST"]] == "").all().all()
    has = ep[(ep.HOME_POST != "") & ~ep.PLACE.isin(TEMPS)]
    assert has.HOME_POST.isin(known.index).all() and has.PL_POST.isin(known.index).all()
    assert not ((has.HOME_POST == has.PL_POST) & (has.PLACE != "P1")).any()
    miles = (
        np.hypot(
            has.HOME_POST.map(known.easting) - has.PL_POST.map(known.easting),
            has.HOME_POST.map(known.northing) - has.PL_POST.map(known.northing),
        )
        / 1609.3
    )
    assert miles.max() <= 350
    inside = set(pool.inside["postcode"])  # the council's own postcodes in the ONS directory
    out = (~has.PL_POST.isin(inside)).mean()
    assert 0.12 < out < 0.4
    assert has.HOME_POST.isin(inside).mean() > 0.8


def test_reviews(landing, episodes, dob):
    rv = read(landing, "placements", "reviews")
    a = age(rv.CHILD.map(dob), rv.REVIEW)
    assert ((rv.REVIEW_CODE == "PN0") == (a < 4)).all()
    assert rv.REVIEW_CODE.isin([f"PN{i}" for i in range(8)]).all()
    short_only = episodes.groupby("CHILD")["LS"].agg(lambda s: s.isin(["V3", "V4"]).all())
    assert not rv.CHILD.map(short_only).any()
    # reviews fall inside care
    ms = read(landing, "placements", "missing")
    assert ms.MISSING.isin(["M", "A"]).all()
    assert pd.to_datetime(ms.MIS_END.replace("", None)).dropna().index.size > 0
    # one incident at a time: a child is not reported missing again before the last incident ended
    ms = ms.assign(start=pd.to_datetime(ms.MIS_START), end=pd.to_datetime(ms.MIS_END.replace("", None)))
    ms = ms.sort_values(["CHILD", "start"])
    previous_end = ms.groupby("CHILD")["end"].shift()
    assert not (ms.start <= previous_end).any()


def test_lac_stock_at_scale_1():
    world = simulate(end_date=END, scale=1.0, seed=903)
    snap = pl_mod.snapshot(world["placements"], days(END))
    ep = snap["episodes"]
    d = END.isoformat()
    on = ep[(ep.DECOM <= d) & ((ep.DEC == "") | (ep.DEC > d)) & ~ep.LS.isin(["V3", "V4"])]
    assert 550 <= on.CHILD.nunique() <= 750
