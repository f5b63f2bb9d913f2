"""Independent pandas oracle for three LAC measures on a flat SSDA903 episodes.csv.

Written from the written definitions only (MEASURES.md "LAC (placements)", DOMAIN.md 3.9,
4.1, 4.2), never from the warehouse SQL, so that it can be used to reconcile the marts
against the external fake set (a copy is in tests/fixtures/external/ssda903_fake_d2i/).

One row per financial year FY (1 April to 31 March, period_end = 31 March), for every FY from
the earliest to the latest one in which any episode's DECOM or DEC falls:

* lac_count  ('all'/'all'): distinct CHILD with an episode open on D = 31 March, i.e.
  DECOM <= D and (DEC blank or DEC > D). Episodes with LS V3/V4 (short breaks) are ignored,
  so a child whose only open episodes are short breaks is not counted (DOMAIN.md 4.1).
* lac_starts ('all'/'all'): episodes with RNE = 'S' and DECOM in FY, LS not V3/V4.
* lac_ceased ('all'/'all' and 'rec_group'/<group>): episodes with DEC in FY, REC not 'X1',
  LS not V3/V4, and no episode of the same child (any legal status, V3/V4 included) whose
  DECOM equals that DEC. A blank REC on an ended episode counts, in group 'not_known'; any
  non-blank code outside DOMAIN.md 3.9 is 'not_known' too. Group rows only where > 0; the
  'all' rows are always emitted (0 when none). Periods of care are counted, not children.

Input cleaning: every value is stripped and upper-cased; blank strings are null. Dates are
DD/MM/YYYY (dayfirst). Rows whose DECOM cannot be parsed are dropped (the count is kept in
result.attrs["dropped_unparseable_decom"]; 0 in the d2i fake set). A non-blank DEC that cannot
be parsed becomes null, i.e. the episode is treated as open (count in
result.attrs["unparseable_dec"]; 0 in the d2i fake set).

Run this file to print the per-year figures and data oddities of the fake set.
"""

from __future__ import annotations

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
FAKE_SET = Path(__file__).resolve().parents[1] / "fixtures" / "external" / "ssda903_fake_d2i" / "episodes.csv"


def _fy_end(dates: pd.Series) -> pd.Series:
    """Calendar year of the 31 March that closes the financial year holding each date."""
    return dates.dt.year + (dates.dt.month >= 4).astype(int)


def _load(episodes_csv: Path) -> tuple[pd.DataFrame, int, int]:
    raw = pd.read_csv(episodes_csv, dtype=str, keep_default_na=False)
    ep = raw.apply(lambda col: col.str.strip().str.upper()).replace("", None)
    ep["decom"] = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y", errors="coerce")
    ep["dec"] = pd.to_datetime(ep["DEC"], format="%d/%m/%Y", errors="coerce")
    unparseable_dec = int((ep["DEC"].notna() & ep["dec"].isna()).sum())
    dropped = int(ep["decom"].isna().sum())  # 0 rows in the d2i fake set
    return ep[ep["decom"].notna()].copy(), dropped, unparseable_dec


def fake_set_measures(episodes_csv: Path) -> pd.DataFrame:
    ep, dropped, unparseable_dec = _load(Path(episodes_csv))
    years = pd.concat([_fy_end(ep["decom"]), _fy_end(ep["dec"].dropna())])
    lac = ep[~ep["LS"].isin(SHORT_BREAKS)]
    # Ceased: REC not X1 (blank REC kept), no episode of the child starting on DEC.
    starts_on = set(zip(ep["CHILD"], ep["decom"], strict=True))
    ceased = lac[lac["dec"].notna() & (lac["REC"].fillna("") != "X1")]
    ceased = ceased[[(c, d) not in starts_on for c, d in zip(ceased["CHILD"], ceased["dec"], strict=True)]]
    ceased = ceased.assign(fy=_fy_end(ceased["dec"]), group=ceased["REC"].map(REC_GROUPS).fillna("not_known"))
    starts = lac[lac["RNE"] == "S"].assign(fy=lambda d: _fy_end(d["decom"]))

    rows = []
    for year in range(int(years.min()), int(years.max()) + 1):
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
    out.attrs.update(dropped_unparseable_decom=dropped, unparseable_dec=unparseable_dec)
    return out


def _oddities(episodes_csv: Path) -> list[str]:
    """Data-quality findings in the raw file (not used by the measures)."""
    raw = pd.read_csv(episodes_csv, dtype=str, keep_default_na=False)
    found = []
    for col in raw.columns:
        v = raw[col]
        if n := int((v != v.str.strip()).sum()):
            found.append(f"{col}: {n} values with surrounding whitespace")
        if n := int((v != v.str.upper()).sum()):
            found.append(f"{col}: {n} values not upper-case, e.g. {sorted(v[v != v.str.upper()].unique())[:5]}")
    ep, dropped, bad_dec = _load(episodes_csv)
    found.append(f"unparseable DECOM (rows dropped): {dropped}; unparseable non-blank DEC (treated as open): {bad_dec}")
    dup = ep[ep.duplicated(["CHILD", "decom"], keep=False)]
    keys = sorted(set(zip(dup["CHILD"], dup["DECOM"], strict=True)))
    found.append(f"duplicate (CHILD, DECOM) rows: {len(dup)} rows in {len(keys)} keys {keys[:20]}")
    found.append(f"fully duplicated rows: {int(raw.duplicated().sum())}")
    found.append(
        f"DEC before DECOM: {int((ep['dec'] < ep['decom']).sum())}; "
        f"DEC equal to DECOM: {int((ep['dec'] == ep['decom']).sum())}"
    )
    found.append(
        f"open episodes (DEC blank) with a REC filled in: {int((ep['dec'].isna() & ep['REC'].notna()).sum())} "
        f"(of which non-X1: {int((ep['dec'].isna() & ep['REC'].notna() & (ep['REC'] != 'X1')).sum())})"
    )
    found.append(f"ended episodes with blank REC: {int((ep['dec'].notna() & ep['REC'].isna()).sum())}")
    bad_rec = ep["REC"].notna() & ~ep["REC"].isin(REC_GROUPS.keys())
    found.append(f"REC codes outside DOMAIN.md 3.9: {int(bad_rec.sum())} {sorted(ep.loc[bad_rec, 'REC'].unique())}")
    found.append(f"REC E43/E44 (historic SGO codes): {int(ep['REC'].isin(['E43', 'E44']).sum())}")
    s = ep.sort_values(["CHILD", "decom"])
    nxt = s.groupby("CHILD")["decom"].shift(-1)
    prev_rec = s.groupby("CHILD")["REC"].shift(1)
    prev_dec = s.groupby("CHILD")["dec"].shift(1)
    overlap = nxt.notna() & (s["dec"].isna() | (s["dec"] > nxt))
    found.append(
        f"overlapping episodes (ends after, or open beyond, the child's next DECOM): {int(overlap.sum())} "
        f"episodes, {s.loc[overlap, 'CHILD'].nunique()} children; of which open with a later episode: "
        f"{int((overlap & s['dec'].isna()).sum())}"
    )
    open_per_child = s[s["dec"].isna()].groupby("CHILD").size()
    found.append(f"children with more than one open episode: {int((open_per_child > 1).sum())}")
    gap = nxt.notna() & s["dec"].notna() & (s["dec"] < nxt)
    found.append(
        f"gaps between consecutive episodes (DEC < next DECOM): {int(gap.sum())}; "
        f"of which the earlier ends X1: {int((gap & (s['REC'] == 'X1')).sum())}"
    )
    x1_last = s["dec"].notna() & (s["REC"] == "X1") & nxt.isna()
    found.append(f"X1 ending with no later episode for the child: {int(x1_last.sum())}")
    follows = s["dec"].notna() & (s["REC"] != "X1") & (nxt == s["dec"])
    found.append(
        f"non-X1 ending followed by an episode starting on DEC (not counted as ceased): {int(follows.sum())} "
        f"{list(zip(s.loc[follows, 'CHILD'], s.loc[follows, 'DEC'], s.loc[follows, 'REC'], strict=True))}"
    )
    found.append(
        f"RNE S straight after an X1 ending on that day: "
        f"{int(((s['RNE'] == 'S') & (prev_rec == 'X1') & (prev_dec == s['decom'])).sum())}; "
        f"RNE not S after a non-X1 ending: {int(((s['RNE'] != 'S') & prev_rec.notna() & (prev_rec != 'X1')).sum())}; "
        f"child's first episode not RNE S: {int((prev_rec.isna() & prev_dec.isna() & (s['RNE'] != 'S')).sum())}"
    )
    sb = ep["LS"].isin(SHORT_BREAKS)
    mixed = ep.groupby("CHILD")["LS"].agg(lambda x: x.isin(SHORT_BREAKS).any() and not x.isin(SHORT_BREAKS).all())
    found.append(
        f"short-break episodes (LS V3/V4): {int(sb.sum())}; children mixing V3/V4 with other LS: {int(mixed.sum())}"
    )
    found.append(
        f"DECOM range {ep['decom'].min().date()}..{ep['decom'].max().date()}; "
        f"DEC range {ep['dec'].min().date()}..{ep['dec'].max().date()}; "
        f"DEC after 31/03/2018 (end of the fake set's 2017/18 year): {int((ep['dec'] > '2018-03-31').sum())}"
    )
    return found


if __name__ == "__main__":
    result = fake_set_measures(FAKE_SET)
    print(result.to_string(index=False))
    print(result.attrs)
    totals = result[result["breakdown_type"] == "all"]
    print(totals.pivot(index="period_end", columns="measure_code", values="numerator").to_string())
    for line in _oddities(FAKE_SET):
        print("-", line)
