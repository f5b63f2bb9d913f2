"""The nightly 903 tables cut from the true history: what is known as at the extract date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import ages_on, birthday, fmt_dates
from .codes import EPISODE_COLUMNS
from .outcomes import year_bounds

# Date columns of the tables beyond the first five, and each table's date that makes a row known.
DATES = {
    "ad1": ("DOB", "DATE_INT", "DATE_MATCH"),
    "placed_for_adoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
    "previous_permanence": ("DOB",),
    "sw_episodes": ("DOB", "SW_DECOM", "SW_DEC"),
    "dolo": ("DOB", "DOLO_START", "DOLO_END"),
    "oc2": ("DOB",),
    "oc3": ("DOB",),
}
# An end date after the extract is not known yet.
ENDS = {"placed_for_adoption": "DATE_PLACED_CEASED", "sw_episodes": "SW_DEC", "dolo": "DOLO_END"}


def snapshot(world: dict, extract: int, *, sex_code: str = "MF") -> dict[str, pd.DataFrame]:
    e, episodes = _episodes(world["episodes"], extract)
    kids = world["children"].set_index("child_id").loc[sorted(set(e["CHILD"]))]
    return {
        "header": _header(kids, e, world["mothers"], extract, sex_code),
        "episodes": episodes,
        "uasc": _uasc(kids),
        "reviews": _reviews(world["reviews"], extract),
        "missing": _missing(world["missing"], extract),
        **{name: _known(world, name, extract, set(e["CHILD"])) for name in DATES},
    }


def _known(world: dict, name: str, extract: int, children: set[str]) -> pd.DataFrame:
    """A table as known on the extract date: a year's OC2/OC3 once the year is over, an adoption once it
    happened, other rows once they began (with an end still to come blanked)."""
    df = world[name]
    if name in ("oc2", "oc3"):
        known = np.array([year_bounds(int(y))[1] < extract for y in df["COLLECTION_YEAR"]], dtype=bool)
    elif name == "ad1":
        adopted = world["episodes"][world["episodes"]["REC"].isin(["E11", "E12"])].groupby("CHILD")["DEC"].max()
        known = df["CHILD"].map(adopted).to_numpy() <= extract
    elif name == "previous_permanence":
        known = df["CHILD"].isin(children).to_numpy()
    else:
        known = df[DATES[name][1]].to_numpy() <= extract
    df = df[known].copy()
    if name in ENDS:
        df.loc[df[ENDS[name]] > extract, ENDS[name]] = np.nan
    for column in DATES[name]:
        df[column] = fmt_dates(df[column]).values
    key = [c for c in df.columns[:3] if c != "DOB"]
    return df.sort_values(key, kind="stable").reset_index(drop=True)


def _episodes(ep: pd.DataFrame, extract: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Episodes started by the extract date (internal columns, epoch days) and as the file writes them."""
    e = ep[ep["DECOM"] <= extract].copy()
    open_ = e["DEC"] > extract
    e.loc[open_, "DEC"] = np.nan
    e.loc[open_, ["REC", "REASON_PLACE_CHANGE"]] = ""
    e = e.sort_values(["CHILD", "DECOM"], kind="stable")
    episodes = e[EPISODE_COLUMNS].copy()
    episodes["DECOM"] = fmt_dates(e["DECOM"]).values
    episodes["DEC"] = fmt_dates(e["DEC"]).values
    return e, episodes


def _header(kids: pd.DataFrame, e: pd.DataFrame, mothers: dict, extract: int, sex_code: str) -> pd.DataFrame:
    dob = kids["dob"].to_numpy()
    age_now = ages_on(dob, np.full(len(kids), extract))
    first_decom = e.groupby("CHILD")["DECOM"].min().reindex(kids.index).to_numpy()
    upn = kids["upn"].to_numpy().copy()
    unk = kids["upn_unknown"].to_numpy()
    upn = np.where(unk != "", unk, upn)
    upn = np.where(age_now < 4, "UN1", upn)
    # UN4: newly looked after, UPN not yet known (never for a DECOM on/after 24 March: rule 210).
    fd = first_decom.astype("int64").astype("datetime64[D]")
    recent = (extract - first_decom < 45) & (age_now >= 5)
    h = pd.util.hash_array(kids.index.to_numpy().astype(str)) % 5 == 0
    not_late_march = ~(
        (fd.astype("datetime64[M]").astype(int) % 12 == 2) & ((fd - fd.astype("datetime64[M]")).astype(int) >= 23)
    )
    upn = np.where(recent & h & not_late_march, "UN4", upn)
    short_only = e.groupby("CHILD")["LS"].agg(lambda s: s.isin(["V3", "V4"]).all()).reindex(kids.index).to_numpy()
    girl = kids["sex"].to_numpy() == 2
    mc = np.array([mothers.get(c, np.nan) for c in kids.index], dtype=float)
    mc = np.where(mc <= extract, mc, np.nan)
    mother = np.where(girl & ~short_only, np.where(~np.isnan(mc), "1", "0"), "")
    mc = np.where(mother == "1", mc, np.nan)
    sex = np.where(kids["sex"].to_numpy() == 1, "M", "F") if sex_code == "MF" else kids["sex"].astype(str)
    return pd.DataFrame(
        {
            "CHILD": kids.index,
            "SEX": sex,
            "DOB": fmt_dates(dob).values,
            "ETHNIC": kids["ethnicity"].to_numpy(),
            "UPN": upn,
            "MOTHER": mother,
            "MC_DOB": fmt_dates(mc).values,
        }
    )


def _uasc(kids: pd.DataFrame) -> pd.DataFrame:
    u = kids[kids["uasc"].to_numpy()]
    duc = np.array([birthday(int(d), 18) for d in u["dob"]], dtype=float)
    return pd.DataFrame(
        {
            "CHILD": u.index,
            "SEX": np.where(u["sex"] == 1, "M", "F"),
            "DOB": fmt_dates(u["dob"]).values,
            "DUC": fmt_dates(duc).values,
        }
    )


def _reviews(rv: pd.DataFrame, extract: int) -> pd.DataFrame:
    rv = rv[rv["REVIEW"] <= extract].sort_values(["CHILD", "REVIEW"])
    return pd.DataFrame(
        {
            "CHILD": rv["CHILD"].values,
            "DOB": fmt_dates(rv["DOB"]).values,
            "REVIEW": fmt_dates(rv["REVIEW"]).values,
            "REVIEW_CODE": rv["REVIEW_CODE"].values,
        }
    )


def _missing(ms: pd.DataFrame, extract: int) -> pd.DataFrame:
    ms = ms[ms["MIS_START"] <= extract].sort_values(["CHILD", "MIS_START"])
    mis_end = np.where(ms["MIS_END"] <= extract, ms["MIS_END"], np.nan)
    return pd.DataFrame(
        {
            "CHILD": ms["CHILD"].values,
            "DOB": fmt_dates(ms["DOB"]).values,
            "MISSING": ms["MISSING"].values,
            "MIS_START": fmt_dates(ms["MIS_START"]).values,
            "MIS_END": fmt_dates(mis_end).values,
        }
    )
