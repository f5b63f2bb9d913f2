"""Independent pandas oracle for three LAC measures on a flat SSDA903 episodes.csv.

Written from the written definitions only (MEASURES.md "LAC (placements)", DOMAIN.md 3.x,
4.1-4.3) and the cleaning rules as stated in words, never from the warehouse code, so that it
can reconcile the marts against the external fake set (copy in tests/fixtures/external/).

Cleaning, in this order (counts in result.attrs):

1. Quarantine. Values are stripped and upper-cased; blank is null. A date is YYYY-MM-DD, else
   DD/MM/YYYY (two-digit day and month), and must be a real day. A row is dropped when DECOM
   is not a date; DEC is non-blank but not a date; RNE, LS or PLACE is blank; CHILD is blank;
   DECOM is after `extract_date` (skipped when None); or DEC is before DECOM. Each dropped row
   is counted once, under the first of these it fails. Codes off the DfE lists are kept.
2. Duplicate key (CHILD, DECOM as a date): the first row in file order is kept.
3. Overlaps: in each child's DECOM order, an episode that is open, or whose DEC is after the
   next episode's DECOM, gets DEC = that DECOM (REC unchanged). Any legal status, short breaks
   included; the child's last episode is never changed.

Measures: one row per financial year FY (1 April to 31 March, period_end = 31 March), for
every FY from the earliest to the latest one holding a cleaned DECOM or DEC. Episodes with LS
V3/V4 (short breaks) are left out of all three, so a child on short breaks only is not counted.

* lac_count ('all'/'all'): distinct CHILD with an episode open on D = 31 March, i.e.
  DECOM <= D and (DEC blank or DEC > D).
* lac_starts ('all'/'all'): episodes with RNE = 'S' and DECOM in FY.
* lac_ceased ('all'/'all' and 'rec_group'/<group>): episodes with DEC in FY, REC not 'X1',
  and no episode of the same child (any legal status) starting on that DEC. A blank REC, or
  one outside DOMAIN.md 3.9, is group 'not_known'. Periods of care are counted, not children.
  Group rows only where > 0; the 'all' rows are always emitted (0 when none).

Run this file to print the per-year figures and data oddities of the fake set.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

SHORT_BREAKS = {"V3", "V4"}
REC_GROUPS = {
    "X1": "not_a_leaver",
    **dict.fromkeys(["E11", "E12"], "adopted"),
    "E41": "cao_ro",
    **dict.fromkeys(["E43", "E44", "E45", "E46", "E47", "E48"], "sgo"),
    **dict.fromkeys(["E4A", "E4B"], "returned_home"),
    "E13": "other_family",
    **dict.fromkeys(["E5", "E6"], "independent_living"),
    "E17": "staying_put",
    "E7": "adult_services",
    "E9": "custody",
    **dict.fromkeys(["E14", "E15", "E16", "E3", "E2", "E8"], "other"),
}
DATE_FORMATS = [
    (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "%Y-%m-%d"),
    (re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4}"), "%d/%m/%Y"),
]
FAKE_SET = Path(__file__).resolve().parents[1] / "fixtures" / "external" / "ssda903_fake_d2i" / "episodes.csv"
FAKE_SET_EXTRACT_DATE = date(2019, 3, 31)


def _to_date(value: str | None) -> date | None:
    # The regex first, because strptime alone also takes 1/4/2018 and 2018-4-1.
    for pattern, fmt in DATE_FORMATS:
        if value is not None and pattern.fullmatch(value):
            try:
                return datetime.strptime(value, fmt).date()
            except ValueError:  # 31/02/2018 and the like
                return None
    return None


def _dates(values: pd.Series) -> pd.Series:
    # Second resolution so that a real but far date (31/12/9999) is not lost to the ns range.
    return pd.Series([_to_date(v) for v in values], index=values.index, dtype="datetime64[s]")


def _fy_end(dates: pd.Series) -> pd.Series:
    """Calendar year of the 31 March that closes the financial year holding each date."""
    return dates.dt.year + (dates.dt.month >= 4).astype(int)


def _read(episodes_csv: Path) -> pd.DataFrame:
    raw = pd.read_csv(episodes_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    ep = raw.apply(lambda col: col.str.strip().str.upper()).replace("", None)
    return ep.assign(decom=_dates(ep["DECOM"]), dec=_dates(ep["DEC"]))


def _clean(ep: pd.DataFrame, extract_date: date | None) -> tuple[pd.DataFrame, dict[str, int]]:
    counts = {"rows_read": len(ep)}
    future = ep["decom"] > pd.Timestamp(extract_date) if extract_date is not None else pd.Series(False, index=ep.index)
    reasons = {
        "dropped_decom_not_a_date": ep["decom"].isna(),
        "dropped_dec_not_a_date": ep["DEC"].notna() & ep["dec"].isna(),
        "dropped_rne_ls_place_blank": ep[["RNE", "LS", "PLACE"]].isna().any(axis=1),
        "dropped_child_blank": ep["CHILD"].isna(),
        "dropped_decom_after_extract": future,
        "dropped_dec_before_decom": ep["dec"] < ep["decom"],
    }
    dropped = pd.Series(False, index=ep.index)
    for name, fails in reasons.items():
        counts[name] = int((fails & ~dropped).sum())
        dropped |= fails
    ep = ep[~dropped]

    duplicate = ep.duplicated(["CHILD", "decom"], keep="first")
    counts["dropped_duplicate_key"] = int(duplicate.sum())
    ep = ep[~duplicate].sort_values(["CHILD", "decom"])

    next_decom = ep.groupby("CHILD")["decom"].shift(-1)
    overlap = next_decom.notna() & (ep["dec"].isna() | (ep["dec"] > next_decom))
    counts["overlap_dec_set"] = int(overlap.sum())
    counts["overlap_dec_set_was_open"] = int((overlap & ep["dec"].isna()).sum())
    ep = ep.assign(dec=ep["dec"].mask(overlap, next_decom))
    counts["episodes_measured"] = len(ep)
    return ep, counts


def fake_set_measures(episodes_csv: Path, extract_date: date | None = None) -> pd.DataFrame:
    ep, counts = _clean(_read(Path(episodes_csv)), extract_date)
    years = pd.concat([_fy_end(ep["decom"]), _fy_end(ep["dec"].dropna())])
    lac = ep[~ep["LS"].isin(SHORT_BREAKS)]
    starts_on = set(zip(ep["CHILD"], ep["decom"], strict=True))
    ceased = lac[lac["dec"].notna() & (lac["REC"].fillna("") != "X1")]
    ceased = ceased[[(c, d) not in starts_on for c, d in zip(ceased["CHILD"], ceased["dec"], strict=True)]]
    ceased = ceased.assign(fy=_fy_end(ceased["dec"]), group=ceased["REC"].map(REC_GROUPS).fillna("not_known"))
    starts = lac[lac["RNE"] == "S"].assign(fy=lambda d: _fy_end(d["decom"]))

    rows = []
    for year in range(int(years.min()), int(years.max()) + 1) if len(years) else []:
        day = pd.Timestamp(year, 3, 31)
        end = day.date()
        open_ = lac[(lac["decom"] <= day) & (lac["dec"].isna() | (lac["dec"] > day))]
        rows.append(("lac_count", end, "all", "all", open_["CHILD"].nunique()))
        rows.append(("lac_starts", end, "all", "all", int((starts["fy"] == year).sum())))
        in_year = ceased[ceased["fy"] == year]
        rows.append(("lac_ceased", end, "all", "all", len(in_year)))
        rows += [("lac_ceased", end, "rec_group", g, int(n)) for g, n in in_year["group"].value_counts().items()]
    out = pd.DataFrame(rows, columns=["measure_code", "period_end", "breakdown_type", "breakdown_value", "numerator"])
    out["numerator"] = out["numerator"].astype(int)
    out = out.sort_values(["measure_code", "period_end", "breakdown_type", "breakdown_value"], ignore_index=True)
    out.attrs.update(counts)
    return out


def _oddities(episodes_csv: Path) -> list[str]:
    """Data-quality findings in the raw file, before cleaning (not used by the measures)."""
    raw = pd.read_csv(episodes_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    found = []
    for col in raw.columns:
        v = raw[col]
        if n := int((v != v.str.strip()).sum()):
            found.append(f"{col}: {n} values with surrounding whitespace")
        if n := int((v != v.str.upper()).sum()):
            found.append(f"{col}: {n} values not upper-case, e.g. {sorted(v[v != v.str.upper()].unique())[:5]}")
    found.append(f"fully duplicated rows: {int(raw.duplicated().sum())}")
    ep = _read(episodes_csv)
    ended, rec = ep["dec"].notna(), ep["REC"]
    found.append(
        f"DEC equal to DECOM: {int((ep['dec'] == ep['decom']).sum())}; "
        f"open episodes (DEC blank) with a non-X1 REC: {int((~ended & rec.notna() & (rec != 'X1')).sum())}; "
        f"ended episodes with blank REC: {int((ended & rec.isna()).sum())}"
    )
    bad_rec = ep["REC"].notna() & ~ep["REC"].isin(REC_GROUPS.keys())
    found.append(f"REC codes outside DOMAIN.md 3.9: {int(bad_rec.sum())} {sorted(ep.loc[bad_rec, 'REC'].unique())}")
    s = ep.dropna(subset=["decom"]).sort_values(["CHILD", "decom"])
    nxt = s.groupby("CHILD")["decom"].shift(-1)
    gap = nxt.notna() & s["dec"].notna() & (s["dec"] < nxt)
    found.append(
        f"gaps between consecutive episodes (DEC < next DECOM): {int(gap.sum())}; "
        f"of which the earlier ends X1: {int((gap & (s['REC'] == 'X1')).sum())}; "
        f"X1 ending with no later episode: {int((s['dec'].notna() & (s['REC'] == 'X1') & nxt.isna()).sum())}"
    )
    mixed = ep.groupby("CHILD")["LS"].agg(lambda x: x.isin(SHORT_BREAKS).any() and not x.isin(SHORT_BREAKS).all())
    found.append(
        f"short-break episodes (LS V3/V4): {int(ep['LS'].isin(SHORT_BREAKS).sum())}; "
        f"children mixing V3/V4 with other LS: {int(mixed.sum())}"
    )
    found.append(
        f"DECOM range {ep['decom'].min().date()}..{ep['decom'].max().date()}; "
        f"DEC range {ep['dec'].min().date()}..{ep['dec'].max().date()}"
    )
    return found


if __name__ == "__main__":
    result = fake_set_measures(FAKE_SET, FAKE_SET_EXTRACT_DATE)
    print(result.to_string(index=False))
    print(result.attrs)
    totals = result[result["breakdown_type"] == "all"]
    print(totals.pivot(index="period_end", columns="measure_code", values="numerator").to_string())
    for line in _oddities(FAKE_SET):
        print("-", line)
